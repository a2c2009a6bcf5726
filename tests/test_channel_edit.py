"""Changing a subscription: each setting a user edits is checked as subscribing checks it;
a refusal is one sentence and leaves every setting as it was."""

from __future__ import annotations

import pytest

from ytdesk.core import channels
from ytdesk.core.channels import ChannelError

CHANNEL = "https://www.youtube.com/channel/UCkitchen0000000000000000"


@pytest.fixture
def followed(home):
    return channels.subscribe(CHANNEL, "Kitchen Notes", group="Food")


def test_every_setting_a_user_edits_is_saved(followed):
    changed = channels.update(
        followed.id, title=" Kitchen ", group="Cooking", folder="/videos/kitchen",
        preset="podcast", interval_s=1800, enabled=False, backfill="all",
        filters={"include_shorts": False, "title_excludes": "(?i)live"}, keep_newest=3,
        delete_watched_after_days=30)
    assert changed == channels.get(followed.id)
    assert (changed.title, changed.group, changed.folder, changed.preset, changed.interval_s,
            changed.enabled, changed.backfill, changed.keep_newest,
            changed.delete_watched_after_days) == (
        "Kitchen", "Cooking", "/videos/kitchen", "podcast", 1800.0, False, "all", 3, 30)
    assert changed.filters == {"include_shorts": False, "title_excludes": "(?i)live"}
    assert changed.url == CHANNEL  # the address is what is followed: it is not edited


def test_emptied_settings_go_back_to_their_defaults(followed):
    channels.update(followed.id, folder="/videos/kitchen", preset="podcast", keep_newest=3,
                    delete_watched_after_days=7)
    changed = channels.update(followed.id, title="", folder="", preset=None, keep_newest=None,
                              delete_watched_after_days=None)
    assert (changed.title, changed.folder, changed.preset, changed.keep_newest,
            changed.delete_watched_after_days) == (CHANNEL, None, None, None, None)


def test_only_what_is_named_changes(followed):
    changed = channels.update(followed.id, backfill="5")
    assert changed.backfill == "5"
    assert (changed.title, changed.group, changed.interval_s) == ("Kitchen Notes", "Food",
                                                                 followed.interval_s)


@pytest.mark.parametrize(("changes", "sentence"), [
    ({"filters": {"title_matches": "(unclosed"}}, "is not a valid regular expression"),
    ({"filters": {"min_duration_s": 600, "max_duration_s": 60}}, "nothing would ever"),
    ({"filters": {"published_after": "last week"}}, "is not a date"),
    ({"backfill": "lots"}, "is not a back-catalogue choice"),
    ({"interval_s": 60}, "at most every 15 minutes"),
    ({"keep_newest": 0}, "Keeping only the newest downloads needs a number"),
    ({"delete_watched_after_days": -1}, "Deleting watched videos needs a number of days"),
    ({"delete_watched_after_days": 2.5}, "Deleting watched videos needs a number of days"),
    ({"enabled": "yes"}, "enabled is true or false"),
    ({"url": "https://example.com/other"}, "no setting called 'url'"),
])
def test_a_refused_change_is_a_sentence_and_changes_nothing(followed, changes, sentence):
    with pytest.raises(ChannelError, match=sentence):
        # the good change beside it is not saved either
        channels.update(followed.id, title="Renamed", **changes)
    assert channels.get(followed.id) == followed


def test_a_subscription_that_is_gone_cannot_be_changed(followed):
    channels.unsubscribe(followed.id)
    with pytest.raises(ChannelError, match=f"There is no subscription {followed.id}"):
        channels.update(followed.id, title="Renamed")


def test_subscribing_takes_retention_and_enabled_and_checks_them(home):
    with pytest.raises(ChannelError, match="Keeping only the newest"):
        channels.subscribe(CHANNEL, keep_newest=0)
    assert channels.all_followed() == []
    made = channels.subscribe(CHANNEL, keep_newest=3, delete_watched_after_days=14,
                              enabled=False)
    assert (made.keep_newest, made.delete_watched_after_days, made.enabled) == (3, 14, False)


def test_a_folder_is_a_full_path_or_nothing(home, tmp_path):
    made = channels.subscribe("https://example.com/c/sea", "Sea TV", folder=str(tmp_path))
    assert made.folder == str(tmp_path)
    for relative in ("videos/sea", "./sea"):
        with pytest.raises(channels.ChannelError, match="is not a full path"):
            channels.subscribe("https://example.com/c/other", folder=relative)
        with pytest.raises(channels.ChannelError, match="is not a full path"):
            channels.update(made.id, folder=relative)
    assert channels.get(made.id).folder == str(tmp_path)
    assert channels.update(made.id, folder="  ").folder is None
