"""A subscription's sync downloads what is new and only that: the back catalogue it was
asked for on the first sync, then each new upload once, never a video the library has or
a file deleted on purpose, and it asks the site as little as it can (a listing page, or a
feed of newest uploads)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta

import pytest
from support import job, subprocess_env, wait_until_idle

from ytdesk.core import channels
from ytdesk.core.models import Job, Subscription, SubscriptionEntry, Video
from ytdesk.ytdl import newest_feed


def upload(site, channel_id: str, number: int, *, tab: str = "videos", **kw) -> str:
    """A new video at the top of a channel's tab, uploaded `number` days into 2026."""
    video_id = f"{channel_id}{number:03d}"
    day = date(2026, 1, 1) + timedelta(days=number)
    site.add_video(video_id, kw.pop("title", f"{channel_id} video {number}"),
                   channel=site.channels[channel_id].name, channel_id=channel_id,
                   upload_date=f"{day:%Y%m%d}", **kw)
    getattr(site.channels[channel_id], tab).insert(0, video_id)
    return video_id


def a_channel(site, channel_id: str, count: int, name: str = "Sea TV") -> list[str]:
    site.add_channel(channel_id, name)
    return [upload(site, channel_id, n) for n in range(1, count + 1)]


def downloaded() -> set[str]:
    return {v.video_id for v in Video.select().where(Video.filepath.is_null(False))}


def files(home) -> set[str]:
    return {p.name for p in home.download_dir.rglob("*.mp4")}


def listing_pages(site, channel_id: str, tab: str = "videos") -> int:
    return len(site.requests(f"/api/channel/{channel_id}/{tab}"))


@pytest.fixture
def run_sync(manager, qtbot):
    def run(followed) -> Job:
        job_id = manager.enqueue("sync", followed.url, {"subscription_id": followed.id})
        wait_until_idle(qtbot, manager)
        return job(job_id)
    return run


def test_the_first_sync_takes_the_back_catalogue_and_the_next_only_the_new(
        site, home, run_sync):
    site.page_size = 10
    ids = a_channel(site, "sea", 30)
    followed = channels.subscribe(site.channel_url("sea"), "Sea TV", backfill=5)

    first = run_sync(followed)
    assert first.status == "succeeded", first.error
    newest_five = set(ids[-5:])
    assert downloaded() == newest_five
    assert len(files(home)) == 5
    children = list(Job.select().where(Job.parent == first.id))
    assert len(children) == 5 and {c.priority for c in children} == {-10}  # background
    assert {c.status for c in children} == {"succeeded"}

    new = [upload(site, "sea", n) for n in (31, 32, 33)]
    site.reset_counters()
    second = run_sync(channels.get(followed.id))
    assert second.status == "succeeded", second.error
    assert downloaded() == newest_five | set(new)
    assert listing_pages(site, "sea") <= 2
    counts = channels.get(followed.id).last_counts
    assert counts["new"] == 3 and counts["failed"] == 0
    assert channels.get(followed.id).avatar == f"{site.channel_url('sea')}/avatar.jpg"
    assert second.result.startswith("3 new of ")
    assert not list(Job.select().where((Job.parent == second.id) & (Job.url.contains("sea0"))
                                       & ~Job.url.contains("sea03")))


def test_a_channel_with_its_shorts_left_out_downloads_no_short(site, home, run_sync):
    a_channel(site, "sea", 3)
    short = upload(site, "sea", 4, tab="shorts", title="A short")
    followed = channels.subscribe(site.channel_url("sea"), "Sea TV", backfill="all")

    assert run_sync(followed).status == "succeeded"
    assert short not in downloaded() and len(downloaded()) == 3
    assert listing_pages(site, "sea", "shorts") == 0  # the Shorts tab is never opened

    with_shorts = channels.subscribe(site.channel_url("sea", "shorts"), "Sea shorts",
                                     backfill="all", filters={"include_shorts": True})
    assert run_sync(with_shorts).status == "succeeded"
    assert short in downloaded()


def test_a_podcast_feed_syncs_like_a_channel(site, home, run_sync, media):
    followed = channels.subscribe(site.feed_url, "Test Feed", backfill="all")
    first = run_sync(followed)
    assert first.status == "succeeded", first.error
    assert files(home) == {"Episode 1 [ep1].mp4", "Episode 2 [ep2].mp4"}

    site.add_file("episode3.mp4", media["muxed"])
    site.add_feed_item("ep3", "Episode 3", "episode3.mp4")
    site.feed_items.insert(0, site.feed_items.pop())
    second = run_sync(channels.get(followed.id))
    assert second.result.startswith("1 new of "), second.result
    assert "Episode 3 [ep3].mp4" in files(home)


def test_title_and_length_filters_leave_out_what_they_should(site, home, run_sync):
    site.add_channel("sea", "Sea TV")
    upload(site, "sea", 1, title="Boat trip", duration=30)
    upload(site, "sea", 2, title="Boat trip LIVE", duration=30)
    upload(site, "sea", 3, title="Boat tour", duration=2)
    upload(site, "sea", 4, title="Cats", duration=30)
    followed = channels.subscribe(site.channel_url("sea"), "Sea TV", backfill="all", filters={
        "title_matches": "^boat", "title_excludes": "live", "min_duration_s": 10})

    done = run_sync(followed)
    assert done.status == "succeeded", done.error
    assert downloaded() == {"sea001"}
    reasons = {e.video.video_id: e.left_out for e in SubscriptionEntry.select()}
    assert reasons == {"sea001": None, "sea002": "its title matches 'live'",
                       "sea003": "shorter than 10 s",
                       "sea004": "its title does not match '^boat'"}


def test_an_invalid_title_pattern_is_refused_when_saved(home):
    with pytest.raises(channels.ChannelError, match="not a valid regular expression"):
        channels.subscribe("https://example.com/c/sea", filters={"title_matches": "(boat"})
    assert channels.all_followed() == []


def test_one_unavailable_video_does_not_sink_the_sync(site, home, run_sync):
    a_channel(site, "sea", 3)
    upload(site, "sea", 4, availability="private")
    followed = channels.subscribe(site.channel_url("sea"), "Sea TV", backfill="all")

    done = run_sync(followed)
    assert done.status == "succeeded", done.error
    assert downloaded() == {"sea001", "sea002", "sea003"}
    kids = {c.title: c for c in Job.select().where(Job.parent == done.id)}
    failed = [c for c in kids.values() if c.status == "failed"]
    assert len(failed) == 1 and failed[0].error == "This video is private."


def test_videos_already_in_the_library_are_not_downloaded_again(site, home, run_sync,
                                                                 manager, qtbot):
    ids = a_channel(site, "sea", 3)
    manager.enqueue("download", site.video_url(ids[0]))
    wait_until_idle(qtbot, manager)
    before = files(home)
    followed = channels.subscribe(site.channel_url("sea"), "Sea TV", backfill="all")
    done = run_sync(followed)
    assert done.result.startswith("2 new of 3 seen; 1 already in your library"), done.result
    assert files(home) == before | {f"sea video {n} [sea00{n}].mp4" for n in (2, 3)}


def test_a_deleted_file_is_not_fetched_again(site, home, run_sync):
    from ytdesk.core import video_actions

    ids = a_channel(site, "sea", 3)
    followed = channels.subscribe(site.channel_url("sea"), "Sea TV", backfill="all")
    run_sync(followed)
    gone = Video.get(Video.video_id == ids[0])
    video_actions.delete_files([gone.id])
    upload(site, "sea", 4)
    run_sync(channels.get(followed.id))
    assert downloaded() == {"sea002", "sea003", "sea004"}
    # Even a new subscription to the same channel leaves the deleted video alone.
    again = channels.subscribe(site.channel_url("sea", "videos"), "Again", backfill="all")
    assert run_sync(again).result.startswith("0 new of 4 seen; 4 already in your library")


@pytest.fixture
def fake_site_feeds(monkeypatch):
    """The fake site's channels have a feed of their newest uploads, as YouTube's do."""
    monkeypatch.setitem(newest_feed.FEEDS, "FakeSiteChannel",
                        lambda info: f"{info['channel_url']}/feed.xml")


@pytest.mark.usefixtures("fake_site_feeds")
def test_the_feed_of_newest_uploads_saves_listing_the_channel(site, home, run_sync):
    site.page_size = 10
    a_channel(site, "sea", 20)
    followed = channels.subscribe(site.channel_url("sea"), "Sea TV", backfill=3)
    run_sync(followed)
    followed = channels.get(followed.id)
    assert followed.newest_feed == site.channel_feed_url("sea")

    site.reset_counters()
    quiet = run_sync(followed)
    assert quiet.result == ("0 new of 15 seen; 1 listing request: nothing new in its feed of "
                            "newest uploads.")
    assert site.requests("/api/") == []

    new = upload(site, "sea", 21)
    site.reset_counters()
    busy = run_sync(followed)
    assert busy.result.startswith("1 new of "), busy.result
    assert new in downloaded()
    assert listing_pages(site, "sea") == 1

    site.set_fault("/channel/sea/feed.xml", "500")  # a feed that fails costs a listing only
    site.reset_counters()
    assert run_sync(followed).status == "succeeded"
    assert listing_pages(site, "sea") == 1


def test_a_sync_of_a_removed_subscription_says_so(home, manager, qtbot):
    job_id = manager.enqueue("sync", "https://example.com/c/sea", {"subscription_id": 42})
    wait_until_idle(qtbot, manager)
    assert job(job_id).status == "failed"
    assert "subscription is gone" in job(job_id).error


def test_a_listing_that_fails_is_said_on_the_subscription(site, home, run_sync):
    home.settings.set("retry_attempts", 1)
    followed = channels.subscribe(site.channel_url("nosuch"), "Gone TV")
    done = run_sync(followed)
    assert done.status == "failed"
    assert channels.get(followed.id).last_error == done.error
    assert json.loads(Job.get_by_id(done.id).payload)["subscription_id"] == followed.id


def test_a_date_the_listing_does_not_give_is_decided_by_the_download(site, home, run_sync):
    a_channel(site, "sea", 4)  # uploaded on the 2nd to the 5th of January
    followed = channels.subscribe(site.channel_url("sea"), "Sea TV", backfill="all",
                                  filters={"published_after": "2026-01-04"})
    done = run_sync(followed)
    assert done.status == "succeeded", done.error
    assert downloaded() == {"sea003", "sea004"}
    kids = {c.title: c.result for c in Job.select().where(Job.parent == done.id)}
    assert kids["sea video 1"] == ("Left out by the subscription's filters: published before "
                                   "2026-01-04.")
    reasons = {e.video.video_id: e.left_out for e in SubscriptionEntry.select()}
    assert reasons["sea001"] == "published before 2026-01-04" and reasons["sea004"] is None
    assert site.bytes_served("/media/sea001") == 0


def test_videos_imported_from_a_folder_are_not_downloaded_by_their_channels_sync(
        site, home, run_sync, manager, qtbot, tmp_path):
    ids = a_channel(site, "sea", 3)
    folder = tmp_path / "old downloads"
    subprocess.run([sys.executable, "-m", "yt_dlp", "-q", "--no-progress", "--write-info-json",
                    "-P", str(folder), "-o", "%(title)s [%(id)s].%(ext)s",
                    site.video_url(ids[0]), site.video_url(ids[1])],
                   env=subprocess_env(), check=True, capture_output=True)
    imported = manager.enqueue("import", str(folder))
    wait_until_idle(qtbot, manager)
    assert job(imported).status == "succeeded", job(imported).error
    served = site.bytes_served("/media/")

    done = run_sync(channels.subscribe(site.channel_url("sea"), "Sea TV", backfill="all"))
    assert done.result.startswith("1 new of 3 seen; 2 already in your library"), done.result
    assert site.bytes_served("/media/") - served == site.bytes_served(f"/media/{ids[2]}")
    assert downloaded() == set(ids)


def test_due_subscriptions_are_synced_a_few_at_a_time(site, home, qtbot):
    from ytdesk.jobs.manager import JobManager

    for n in range(5):
        a_channel(site, f"c{n}", 1, name=f"Channel {n}")
    followed = [channels.subscribe(site.channel_url(f"c{n}"), f"Channel {n}") for n in range(5)]
    later = channels.subscribe(site.channel_url("c0", "videos"), "Synced just now")
    Subscription.update(last_synced_at=9e12).where(Subscription.id == later.id).execute()
    home.settings.set_many({"background_sync": True, "sync_spread_seconds": 0,
                            "syncs_at_once": 2})
    manager = JobManager(home.paths, home.settings)
    manager.start()
    try:
        qtbot.waitUntil(lambda: all(f.last_synced_at for f in map(channels.get,
                                                                  (f.id for f in followed))),
                        timeout=60_000)
        wait_until_idle(qtbot, manager)
    finally:
        manager.shutdown(timeout_s=10)
    syncs = list(Job.select().where(Job.kind == "sync").order_by(Job.id))
    assert sorted(json.loads(j.payload)["subscription_id"] for j in syncs) == [
        f.id for f in followed]  # one each; the one synced just now is not due
    assert {j.priority for j in syncs} == {-10}
    # never more than two queued or running at once
    for made in syncs[2:]:
        assert sum(1 for other in syncs if other.created_at <= made.created_at
                   and (other.finished_at or 1e99) > made.created_at) <= 2
    assert downloaded() == {f"c{n}001" for n in range(5)}
