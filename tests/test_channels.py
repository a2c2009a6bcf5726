"""Subscriptions: added with their settings checked (a bad pattern, interval or back-catalogue
choice is refused with a sentence and nothing is stored), a thousand imported from another
app's list in one transaction with duplicates skipped, and exported as OPML that reads back
as the same set."""

from __future__ import annotations

import pytest

from ytdesk.core import channels
from ytdesk.core.channels import ChannelError
from ytdesk.core.models import Subscription as Row
from ytdesk.core.subscription_files import Subscription, read

CHANNEL = "https://www.youtube.com/channel/UCkitchen0000000000000000"


def test_subscribe_with_settings_and_refuse_a_twin(home):
    followed = channels.subscribe(CHANNEL, "Kitchen Notes", group="Food",
                                  interval_s=channels.parse_interval("12h"), backfill="all",
                                  filters={"title_excludes": r"(?i)\bshorts?\b",
                                           "min_duration_s": 60,
                                           "published_after": "2026-01-31"})
    assert (followed.title, followed.group, followed.interval_s, followed.backfill) == \
        ("Kitchen Notes", "Food", 43200.0, "all")
    assert followed.filters == {"title_excludes": r"(?i)\bshorts?\b", "min_duration_s": 60.0,
                                "published_after": "2026-01-31"}
    with pytest.raises(ChannelError, match="You already follow"):
        channels.subscribe(CHANNEL)


@pytest.mark.parametrize(("settings", "sentence"), [
    ({"filters": {"title_matches": "(unclosed"}}, "is not a valid regular expression"),
    ({"filters": {"min_duration_s": 600, "max_duration_s": 60}}, "nothing would ever"),
    ({"filters": {"published_after": "last week"}}, "is not a date"),
    ({"filters": {"colour": "red"}}, "There is no filter called 'colour'"),
    ({"backfill": "lots"}, "is not a back-catalogue choice"),
    ({"interval_s": 60}, "at most every 15 minutes"),
])
def test_a_setting_that_cannot_be_used_is_refused_and_nothing_is_stored(home, settings,
                                                                          sentence):
    with pytest.raises(ChannelError, match=sentence):
        channels.subscribe(CHANNEL, **settings)
    assert Row.select().count() == 0


def test_an_address_that_is_not_a_web_address_is_refused(home):
    with pytest.raises(ChannelError):
        channels.subscribe("file:///etc/passwd")
    assert channels.parse_interval("30m") == 1800.0
    with pytest.raises(ChannelError, match="not an interval"):
        channels.parse_interval("often")


def test_a_thousand_channels_import_in_one_go_and_duplicates_are_skipped(home):
    channels.subscribe(CHANNEL, "Kitchen Notes")
    listed = [Subscription(f"https://www.youtube.com/channel/UC{n:022d}", f"Channel {n}",
                           "Imported" if n % 2 else "") for n in range(1000)]
    listed.append(Subscription(CHANNEL, "Kitchen Notes again"))
    added, skipped = channels.import_listed(listed)
    assert len(added) == 1000 and skipped == 1
    assert Row.select().count() == 1001
    assert added[1].group == "Imported" and added[1].backfill == "10"


def test_opml_export_reads_back_as_the_same_set(home):
    channels.subscribe(CHANNEL, "Kitchen Notes", group="Food")
    channels.subscribe("https://feeds.example.org/daily.xml", "The Daily Fake")
    _, again = read(channels.export_opml())
    assert {(s.url, s.title, s.group) for s in again} == {
        (CHANNEL, "Kitchen Notes", "Food"),
        ("https://feeds.example.org/daily.xml", "The Daily Fake", "")}


def test_unsubscribe(home):
    followed = channels.subscribe(CHANNEL)
    channels.unsubscribe(followed.id)
    assert channels.all_followed() == []
    with pytest.raises(ChannelError, match="There is no subscription"):
        channels.unsubscribe(followed.id)


def test_each_channel_counts_its_videos_downloaded_and_unwatched(home):
    from ytdesk.core import channel_summary, library, video_actions
    from ytdesk.core.models import SubscriptionEntry, Video

    sea = channels.subscribe("https://example.com/sea", "Sea TV")
    channels.subscribe("https://example.com/quiet", "Quiet")
    library.upsert_videos([{"id": f"v{i}", "extractor_key": "Fake", "title": "t"}
                           for i in range(3)])
    first, second, third = Video.select().order_by(Video.id)
    Video.update(filepath="/v/a.mp4").where(Video.id.in_([first.id, second.id])).execute()
    video_actions.mark_watched([first.id])
    for video in (first, second, third):
        SubscriptionEntry.create(subscription=sea.id, video=video.id)

    counts = {s.followed.title: (s.video_count, s.downloaded_count, s.unwatched_count)
              for s in channel_summary.summaries()}
    assert counts == {"Quiet": (0, 0, 0), "Sea TV": (3, 2, 1)}


def test_asking_twice_for_a_sync_queues_one(home):
    sea = channels.subscribe("https://example.com/sea", "Sea TV")
    first = channels.queue_syncs([sea.id])
    assert channels.queue_syncs([sea.id, sea.id]) == first
    with pytest.raises(ChannelError, match="no subscription 99"):
        channels.queue_syncs([99])
