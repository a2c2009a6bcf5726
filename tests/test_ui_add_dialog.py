"""The add dialog: what is at the address appears while the window stays responsive, and
the user's preset, its adjustments and the folder come back as their choice."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog

from ytdesk.jobs.preview_task import PreviewService
from ytdesk.ui.add_dialog import AddChoice, AddDialog

WAIT_MS = 15_000
# The offscreen platform warns whenever a shown window's size limits change (it has no
# window manager to tell); that is the test platform's gap, not the dialog's.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def service(home, qtbot):
    made = PreviewService(settings=home.settings)
    yield made
    assert made.shutdown(timeout_s=30)


@pytest.fixture
def open_dialog(home, service, qtbot):
    def make(url: str = "") -> AddDialog:
        dialog = AddDialog(home.settings, service, url)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog
    return make


def test_typing_a_playlist_address_shows_what_is_there(qtbot, open_dialog, site):
    dialog = open_dialog()
    qtbot.keyClicks(dialog.address, site.playlist_url("pl1"))
    qtbot.waitUntil(lambda: dialog.title_label.text() == "Test Playlist", timeout=WAIT_MS)
    assert dialog.details_label.text() == "3 videos"
    assert dialog.accept_button.text() == "Download all 3 videos"
    assert dialog.accept_button.isEnabled()
    assert not dialog.busy.isVisible()
    assert "subscribe" not in " ".join(b.text().lower() for b in dialog.buttons.buttons())
    # One look for the whole address, not one per keystroke.
    assert len(site.requests("/api/playlist/pl1?page=1")) == 1


def test_a_video_shows_its_picture_duration_and_channel(qtbot, open_dialog, site):
    dialog = open_dialog(site.video_url("v2"))
    qtbot.waitUntil(lambda: dialog.thumbnail_label.pixmap() is not None
                    and not dialog.thumbnail_label.pixmap().isNull(), timeout=WAIT_MS)
    assert dialog.title_label.text() == "Test Video 2"
    assert dialog.details_label.text() == "0:00:03"
    assert dialog.uploader_label.text() == "Test Channel"
    assert dialog.accept_button.text() == "Download"


def test_the_window_keeps_working_while_the_preview_is_fetched(qtbot, open_dialog, site):
    site.set_fault("/api/playlist/pl1", "slow", bytes_per_second=200)
    ticks = []
    timer = QTimer(interval=20, timeout=lambda: ticks.append(1))
    timer.start()
    dialog = open_dialog(site.playlist_url("pl1"))
    assert dialog.busy.isVisible()
    qtbot.waitUntil(lambda: dialog.details_label.text() == "3 videos", timeout=WAIT_MS)
    timer.stop()
    assert not dialog.busy.isVisible()
    assert len(ticks) >= 20  # the event loop kept turning for the whole (>1 s) fetch


def test_a_preset_adjusted_and_a_folder_come_back_as_the_choice(qtbot, open_dialog, site,
                                                                tmp_path):
    url = site.video_url("v1")
    dialog = open_dialog(url)
    dialog.preset.setCurrentIndex(dialog.preset.findData("podcast"))
    assert not dialog.adjustments.isVisible()
    qtbot.mouseClick(dialog.adjust, Qt.MouseButton.LeftButton)
    assert dialog.adjustments.isVisible()
    dialog.quality.setCurrentIndex(dialog.quality.findText("Audio only"))
    dialog.subtitles.setText("en, de")
    dialog.limit_rate.setText("2M")
    dialog.folder.setText(str(tmp_path / "music"))
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.choice() == AddChoice(url, "podcast", tmp_path / "music", {
        "quality": "audio", "subtitles": ["en", "de"], "limit_rate": 2 * 1024 * 1024})
    assert dialog.choice().job_payload()["preset"] == "podcast"


def test_a_bad_adjustment_is_refused_with_a_sentence(qtbot, open_dialog, site):
    dialog = open_dialog(site.video_url("v1"))
    qtbot.mouseClick(dialog.adjust, Qt.MouseButton.LeftButton)
    dialog.limit_rate.setText("fast")
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.choice() is None
    assert "'fast' is not a speed limit" in dialog.reason_label.text()


def test_the_defaults_are_the_settings(home, open_dialog):
    home.settings.set("default_preset", "audio-mp3")
    dialog = open_dialog()
    assert dialog.preset.currentText() == "Audio — MP3"
    assert dialog.quality.currentText() == "As the preset"
    assert Path(dialog.folder.text()) == home.download_dir


def test_something_that_is_not_an_address_cannot_be_added(qtbot, open_dialog, site):
    dialog = open_dialog()
    qtbot.keyClicks(dialog.address, "not a url")
    assert not dialog.accept_button.isEnabled()
    assert dialog.reason_label.isVisible()
    assert "not a web address" in dialog.reason_label.text()
    qtbot.wait(500)  # past the debounce: nothing is looked up for it
    assert not site.requests("/")
    assert dialog.choice() is None


def test_a_relative_folder_cannot_be_chosen(qtbot, site, open_dialog):
    # `site` first: it stops last, after the dialog's preview (still under way) has ended.
    dialog = open_dialog(site.video_url("v1"))
    dialog.folder.setText("videos")
    assert not dialog.accept_button.isEnabled()
    assert "full path" in dialog.reason_label.text()


def test_a_failed_preview_says_why_and_the_address_can_still_be_added(qtbot, open_dialog,
                                                                      site):
    url = site.video_url("gone")
    dialog = open_dialog(url)
    qtbot.waitUntil(lambda: "HTTP 404" in dialog.error_label.text(), timeout=WAIT_MS)
    assert dialog.error_label.isVisible()
    assert not dialog.busy.isVisible()
    assert dialog.accept_button.isEnabled()
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert dialog.choice().url == url


def test_a_new_address_replaces_the_stale_preview(qtbot, open_dialog, site):
    site.set_fault("/api/video/v1", "slow", bytes_per_second=200)
    dialog = open_dialog(site.video_url("v1"))
    qtbot.waitUntil(lambda: bool(site.requests("/api/video/v1")), timeout=WAIT_MS)
    dialog.address.setText(site.video_url("v3"))
    assert dialog.title_label.text() == ""  # the old address's facts are gone at once
    qtbot.waitUntil(lambda: dialog.title_label.text() == "Test Video 3", timeout=WAIT_MS)


def test_a_channel_too_long_to_count_says_more_than(qtbot, open_dialog, site, monkeypatch):
    from ytdesk.ytdl import preview as preview_module

    monkeypatch.setattr(preview_module, "MAX_COUNTED", 4)  # stands in for 10,000
    dialog = open_dialog(site.channel_url("testchannel"))
    qtbot.waitUntil(lambda: dialog.details_label.text() == "more than 4 videos", timeout=WAIT_MS)
    assert dialog.accept_button.text() == "Download all videos (more than 4)"


def test_a_single_videos_own_formats_are_listed_and_one_can_be_chosen(qtbot, open_dialog,
                                                                      site):
    dialog = open_dialog(site.video_url("v4"))
    qtbot.waitUntil(lambda: dialog.format.count() > 1, timeout=WAIT_MS)
    labels = [dialog.format.itemText(i) for i in range(dialog.format.count())]
    assert labels[0] == "As the preset"
    assert any(label.startswith("360p 25fps · avc1 · ") and label.endswith("video only")
               for label in labels)
    assert any(label.endswith("audio only") for label in labels)
    qtbot.mouseClick(dialog.adjust, Qt.MouseButton.LeftButton)
    dialog.format.setCurrentIndex(dialog.format.findData("video-360p+ba"))
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert dialog.choice().overrides == {"format_spec": "video-360p+ba"}


def test_a_playlist_offers_no_format_list(qtbot, open_dialog, site):
    dialog = open_dialog(site.playlist_url("pl1"))
    qtbot.waitUntil(lambda: dialog.details_label.text() == "3 videos", timeout=WAIT_MS)
    assert dialog.format.count() == 1 and not dialog.format.isEnabled()
