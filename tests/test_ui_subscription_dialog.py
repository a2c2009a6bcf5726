"""The subscription dialog: every field a user edits comes back as the saved subscription; a
setting the library refuses is shown in the dialog with its sentence and nothing is saved;
a new subscription gets its first sync queued; every control is named and reachable by
keyboard."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QWidget
from test_ui_accessibility import describe, given_name, reachable, unnamed

from ytdesk.core import channels, presets
from ytdesk.core.channels import ChannelError
from ytdesk.core.models import Job
from ytdesk.core.models import Subscription as Row
from ytdesk.core.preset_options import options_from_json
from ytdesk.ui.subscription_dialog import SubscriptionDialog, edit_subscription

CHANNEL = "https://www.youtube.com/channel/UCkitchen0000000000000000"
WAIT_MS = 10_000
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def still(manager):
    """A manager that writes but runs no job: the sync a new subscription queues stays
    queued, for the test to find."""
    manager.shutdown()
    return manager


@pytest.fixture
def open_dialog(still, qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()

    def make(followed: channels.Followed | None = None, url: str = "") -> SubscriptionDialog:
        dialog = edit_subscription(parent, still, followed, url)
        assert isinstance(dialog, SubscriptionDialog)
        qtbot.waitExposed(dialog)
        # the presets and groups, read off the GUI thread
        qtbot.waitUntil(lambda: dialog.preset.itemText(0).startswith("Default preset ("),
                        timeout=WAIT_MS)
        return dialog
    return make


def save(qtbot, dialog: SubscriptionDialog) -> None:
    """Save, and wait for the dialog to close (it is deleted then: nothing is read after)."""
    ended: list[int] = []
    dialog.finished.connect(ended.append)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(ended) or dialog.refusal.isVisible(), timeout=WAIT_MS)
    assert ended == [SubscriptionDialog.DialogCode.Accepted], dialog.refusal.text()


def refused(qtbot, dialog: SubscriptionDialog, sentence: str) -> None:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.refusal.isVisible, timeout=WAIT_MS)
    assert sentence in dialog.refusal.text()
    assert dialog.isVisible() and dialog.save_button.isEnabled()


@pytest.fixture
def followed(home):
    return channels.subscribe(CHANNEL, "Kitchen Notes", group="Food")


def test_the_dialog_opens_window_modal_without_waiting(open_dialog):
    dialog = open_dialog(url=CHANNEL)
    assert dialog.isVisible() and dialog.windowModality() == Qt.WindowModality.WindowModal
    assert dialog.url.text() == CHANNEL and dialog.save_button.text() == "&Subscribe"


def test_a_new_subscription_is_saved_and_its_first_sync_queued(open_dialog, still, qtbot,
                                                               tmp_path):
    dialog = open_dialog(url=CHANNEL)
    dialog.name.setText("Kitchen Notes")
    dialog.group.setEditText("Food")
    dialog.folder.setText(str(tmp_path / "kitchen"))
    dialog.preset.setCurrentIndex(dialog.preset.findData("podcast"))
    dialog.every.setValue(30)
    dialog.unit.setCurrentIndex(dialog.unit.findText("minutes"))
    dialog.backfill.setCurrentIndex(dialog.backfill.findData("newest"))
    dialog.backfill_count.setValue(5)
    dialog.filters.include_shorts.setChecked(True)
    dialog.filters.title_excludes.setText("(?i)trailer")
    dialog.keep.setChecked(True)
    dialog.keep_count.setValue(3)
    with qtbot.waitSignal(still.subscriptionsChanged, timeout=WAIT_MS), \
            qtbot.waitSignal(still.jobAdded, timeout=WAIT_MS) as added:
        save(qtbot, dialog)
    [made] = channels.all_followed()
    assert (made.url, made.title, made.group, made.folder, made.preset, made.interval_s,
            made.enabled, made.backfill, made.filters, made.keep_newest,
            made.delete_watched_after_days) == (
        CHANNEL, "Kitchen Notes", "Food", str(tmp_path / "kitchen"), "podcast", 1800.0, True,
        "5", {"include_shorts": True, "title_excludes": "(?i)trailer"}, 3, None)
    [sync] = Job.select().where(Job.kind == "sync")
    assert added.args == [[sync.id]]
    assert (sync.url, json.loads(sync.payload)) == (CHANNEL, {"subscription_id": made.id})


def _set_folder(dialog, tmp_path):
    dialog.folder.setText(str(tmp_path / "elsewhere"))
    return {"folder": str(tmp_path / "elsewhere")}


def _set_interval(dialog, _):
    dialog.every.setValue(2)
    dialog.unit.setCurrentIndex(dialog.unit.findText("days"))
    return {"interval_s": 172_800.0}


def _set_lengths(dialog, _):
    dialog.filters.shortest.setValue(2)
    dialog.filters.longest.setValue(90)
    return {"filters": {"min_duration_s": 120.0, "max_duration_s": 5400.0}}


def _set_after(dialog, _):
    dialog.filters.after.setChecked(True)
    dialog.filters.after_date.setDate(QDate(2026, 1, 31))
    return {"filters": {"published_after": "2026-01-31"}}


FIELDS = {
    "name": lambda d, _: (d.name.setText("Kitchen"), {"title": "Kitchen"})[1],
    "group": lambda d, _: (d.group.setEditText("Cooking"), {"group": "Cooking"})[1],
    "folder": _set_folder,
    "preset": lambda d, _: (d.preset.setCurrentIndex(d.preset.findData("mine")),
                            {"preset": "mine"})[1],
    "interval": _set_interval,
    "enabled": lambda d, _: (d.enabled.setChecked(False), {"enabled": False})[1],
    "backfill all": lambda d, _: (d.backfill.setCurrentIndex(d.backfill.findData("all")),
                                  {"backfill": "all"})[1],
    "backfill none": lambda d, _: (d.backfill.setCurrentIndex(d.backfill.findData("none")),
                                   {"backfill": "none"})[1],
    "backfill newest": lambda d, _: (d.backfill_count.setValue(25), {"backfill": "25"})[1],
    "shorts": lambda d, _: (d.filters.include_shorts.setChecked(True),
                            {"filters": {"include_shorts": True}})[1],
    "livestreams": lambda d, _: (d.filters.include_live.setChecked(True),
                                 {"filters": {"include_live": True}})[1],
    "lengths": _set_lengths,
    "title must match": lambda d, _: (d.filters.title_matches.setText(r"(?i)\brecipe\b"),
                                      {"filters": {"title_matches": r"(?i)\brecipe\b"}})[1],
    "title must not match": lambda d, _: (d.filters.title_excludes.setText("Shorts"),
                                          {"filters": {"title_excludes": "Shorts"}})[1],
    "published after": _set_after,
    "keep newest": lambda d, _: (d.keep.setChecked(True), d.keep_count.setValue(4),
                                 {"keep_newest": 4})[2],
    "delete watched": lambda d, _: (d.delete_watched.setChecked(True), d.delete_days.setValue(9),
                                    {"delete_watched_after_days": 9})[2],
}


@pytest.mark.parametrize("field", FIELDS)
def test_each_field_edited_is_the_saved_subscription(open_dialog, followed, qtbot, tmp_path,
                                                     field):
    presets.create("Mine", options_from_json({"quality": "720"}), name="mine")
    dialog = open_dialog(followed)
    assert not dialog.url.isVisible()  # what is followed is not edited
    expected = FIELDS[field](dialog, tmp_path)
    save(qtbot, dialog)
    assert channels.get(followed.id) == replace(followed, **expected)


def test_saving_what_was_shown_changes_nothing(open_dialog, home, qtbot):
    # Values the dialog shows rounded (seconds as minutes) are kept as they were.
    before = channels.subscribe(
        CHANNEL, "Kitchen Notes", group="Food", interval_s=1000, backfill="none",
        preset="podcast", folder="/videos/kitchen", keep_newest=2, delete_watched_after_days=5,
        filters={"include_shorts": True, "include_live": False, "min_duration_s": 61,
                 "title_matches": "a|b", "published_after": "2025-12-24"})
    dialog = open_dialog(before)
    assert (dialog.name.text(), dialog.group.currentText(), dialog.preset.currentData(),
            dialog.every.value(), dialog.unit.currentText()) == (
        "Kitchen Notes", "Food", "podcast", 17, "minutes")
    save(qtbot, dialog)
    assert channels.get(before.id) == before


def test_the_groups_and_presets_there_are_are_offered(open_dialog, home, followed):
    channels.subscribe("https://example.com/feed.xml", "Daily", group="News")
    presets.create("Mine", options_from_json({"quality": "720"}), name="mine")
    dialog = open_dialog(url="https://example.com/other")
    assert [dialog.group.itemText(i) for i in range(dialog.group.count())] == ["Food", "News"]
    offered = [dialog.preset.itemData(i) for i in range(dialog.preset.count())]
    assert offered[0] is None and dialog.preset.itemText(0) == "Default preset (Best quality)"
    assert {"best", "podcast", "mine"} <= set(offered)
    assert dialog.group.currentText() == "" and dialog.preset.currentIndex() == 0


def test_an_invalid_pattern_is_refused_as_it_is_typed_and_when_saved(open_dialog, followed,
                                                                     qtbot):
    dialog = open_dialog(followed)
    qtbot.keyClicks(dialog.filters.title_matches, "(unclosed")
    with pytest.raises(ChannelError) as error:
        channels.check_filters({"title_matches": "(unclosed"})
    assert dialog.filters.pattern_problem.isVisible()
    assert dialog.filters.pattern_problem.text() == str(error.value)
    refused(qtbot, dialog, str(error.value))
    assert channels.get(followed.id) == followed
    dialog.filters.title_matches.setText("(closed)")
    assert not dialog.filters.pattern_problem.isVisible()


def test_an_interval_under_15_minutes_is_refused(open_dialog, followed, qtbot):
    dialog = open_dialog(followed)
    dialog.unit.setCurrentIndex(dialog.unit.findText("minutes"))
    dialog.every.setValue(10)
    dialog.name.setText("Renamed")
    refused(qtbot, dialog, "synced at most every 15 minutes")
    assert channels.get(followed.id) == followed


@pytest.mark.parametrize(("url", "sentence"), [
    ("file:///etc/passwd", "is a file: address"),
    (CHANNEL, f"You already follow {CHANNEL}."),  # refused by the write itself
])
def test_an_address_that_cannot_be_followed_is_refused(open_dialog, followed, qtbot, url,
                                                       sentence):
    dialog = open_dialog(url=url)
    dialog.name.setText("Another")
    refused(qtbot, dialog, sentence)
    assert Row.select().count() == 1 and channels.get(followed.id) == followed
    assert Job.select().count() == 0


def test_a_relative_folder_is_refused(open_dialog, followed, qtbot):
    dialog = open_dialog(followed)
    dialog.folder.setText("videos/kitchen")
    refused(qtbot, dialog, "is not a full path")
    assert channels.get(followed.id) == followed


def test_cancel_saves_nothing(open_dialog, followed, qtbot):
    dialog = open_dialog(followed)
    dialog.name.setText("Renamed")
    parent = dialog.parentWidget()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    # Closed is gone (deleted), so dialogs opened again and again do not pile up.
    qtbot.waitUntil(lambda: not parent.findChildren(SubscriptionDialog), timeout=WAIT_MS)
    assert channels.get(followed.id) == followed


def test_every_control_is_named_and_reached_by_the_keyboard(open_dialog, qtbot):
    dialog = open_dialog(url=CHANNEL)
    # Every optional field on, so every control is enabled and visible.
    dialog.backfill.setCurrentIndex(dialog.backfill.findData("newest"))
    for box in (dialog.keep, dialog.delete_watched, dialog.filters.after):
        box.setChecked(True)
    controls = [w for w in reachable(dialog) if w.isEnabled()]
    assert len(controls) >= 24
    assert unnamed(dialog) == []
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5_000)
    dialog.url.setFocus()
    visited = [QApplication.focusWidget()]
    for _ in range(80):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if QApplication.focusWidget() is visited[0]:
            break
        visited.append(QApplication.focusWidget())
    missed = [describe(w) for w in controls if w not in visited]
    assert missed == []
    assert all(given_name(w) for w in visited)
    # Down the dialog in the order it is read.
    order = [visited.index(w) for w in (dialog.url, dialog.name, dialog.group, dialog.folder,
                                        dialog.browse, dialog.preset, dialog.every,
                                        dialog.unit, dialog.enabled, dialog.backfill,
                                        dialog.backfill_count, dialog.filters.include_shorts,
                                        dialog.filters.title_matches, dialog.keep,
                                        dialog.keep_count, dialog.save_button)]
    assert order == sorted(order)
