"""The About box: the versions a bug report needs, selectable and copyable."""

from __future__ import annotations

import pytest
import yt_dlp.version
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ytdesk import __version__
from ytdesk.ui.about_dialog import AboutDialog

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def test_about_shows_and_copies_the_versions(qtbot):
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    text = dialog.versions_label.text()
    assert f"yt-dlp {yt_dlp.version.__version__}" in text
    assert f"ytdesk {__version__}" in text
    assert "ffmpeg " in text and "ffmpeg not found" not in text
    assert "ffprobe " in text and "ffprobe not found" not in text
    assert "PySide6 6." in text and "Python 3." in text
    selectable = Qt.TextInteractionFlag.TextSelectableByMouse
    assert dialog.versions_label.textInteractionFlags() & selectable
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == text


def test_a_missing_ffmpeg_reads_as_not_found(monkeypatch, tmp_path):
    from ytdesk.ytdl import ffmpeg, versions

    monkeypatch.setattr(ffmpeg, "ffmpeg_path", lambda: None)
    assert versions.ffmpeg_version.__wrapped__() == "not found"
    broken = tmp_path / "ffprobe"
    broken.write_text("not a program")
    monkeypatch.setattr(ffmpeg, "ffprobe_path", lambda: str(broken))
    assert versions.ffprobe_version.__wrapped__() == "not found"


def test_ffmpeg_and_ffprobe_come_from_one_build():
    from ytdesk.ytdl import versions

    assert versions.ffmpeg_version() == versions.ffprobe_version() != "not found"
