"""The app around the window: its command line, the crash dialog, its icons and desktop file."""

from __future__ import annotations

import asyncio
import configparser
import gc
import logging
import subprocess
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit, QPushButton, QToolButton

from ytdesk import __version__
from ytdesk.app import parse_args, setup_logging
from ytdesk.core import jobstates as st
from ytdesk.ui import icons
from ytdesk.ui.crash_dialog import SENTENCE, CrashDialog, CrashReporter

LEFT = Qt.MouseButton.LeftButton
# The offscreen platform cannot size or raise real windows; it says so, and that is all.
OFFSCREEN_LIMITS = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise)")


# -- command line --------------------------------------------------------------------------
def test_the_command_line_takes_the_folders_and_urls(tmp_path, monkeypatch):
    monkeypatch.delenv("YTDESK_DATA_DIR", raising=False)
    monkeypatch.delenv("YTDESK_DOWNLOAD_DIR", raising=False)
    options = parse_args(["--data-dir", str(tmp_path / "d"), "--download-dir",
                          str(tmp_path / "v"), "https://example.com/watch?v=1",
                          "https://example.com/watch?v=2"])
    assert options.data_dir == (tmp_path / "d").resolve()
    assert options.download_dir == (tmp_path / "v").resolve()
    assert options.urls == ["https://example.com/watch?v=1", "https://example.com/watch?v=2"]


def test_the_environment_names_the_folders_when_the_command_line_does_not(tmp_path,
                                                                           monkeypatch):
    monkeypatch.setenv("YTDESK_DATA_DIR", str(tmp_path / "env-data"))
    monkeypatch.setenv("YTDESK_DOWNLOAD_DIR", str(tmp_path / "env-videos"))
    options = parse_args([])
    assert options.data_dir == (tmp_path / "env-data").resolve()
    assert options.download_dir == (tmp_path / "env-videos").resolve()
    assert options.urls == []


# -- crash dialog ----------------------------------------------------------------------------
@pytest.fixture
def app_log(tmp_path):
    root = logging.getLogger()
    level = root.level
    path = tmp_path / "logs" / "ytdesk.log"
    handler = setup_logging(path)
    yield path
    root.removeHandler(handler)
    handler.close()
    root.setLevel(level)


@pytest.fixture
def reporter(qtbot, app_log):
    made = CrashReporter(app_log)
    made.install()
    yield made
    made.uninstall()
    for dialog in crash_dialogs():
        dialog.close()
    qtbot.waitUntil(lambda: not crash_dialogs())


def crash_dialogs() -> list[CrashDialog]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, CrashDialog) and w.isVisible()]


def button(dialog, text: str):
    buttons = dialog.findChildren(QPushButton) + dialog.findChildren(QToolButton)
    [found] = [b for b in buttons if b.text() == text]
    return found


@OFFSCREEN_LIMITS
def test_a_failure_in_a_slot_shows_the_dialog_copies_details_and_logs_them(qtbot, reporter,
                                                                            app_log):
    def failing_slot():
        raise RuntimeError("the disk said no (from a timer)")

    QTimer.singleShot(0, failing_slot)
    qtbot.waitUntil(lambda: len(crash_dialogs()) == 1)
    [dialog] = crash_dialogs()

    assert SENTENCE in [label.text() for label in dialog.findChildren(QLabel)]
    assert str(app_log) in " ".join(label.text() for label in dialog.findChildren(QLabel))
    details = dialog.findChild(QPlainTextEdit)
    assert details.isReadOnly() and not details.isVisible()  # collapsed until asked for
    assert "RuntimeError: the disk said no (from a timer)" in details.toPlainText()
    assert "failing_slot" in details.toPlainText()

    qtbot.mouseClick(button(dialog, "Show details"), LEFT)
    assert details.isVisible() and button(dialog, "Hide details")

    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(button(dialog, "Copy details"), LEFT)
    copied = QGuiApplication.clipboard().text()
    assert "RuntimeError: the disk said no (from a timer)" in copied
    assert f"ytdesk {__version__}" in copied and "Qt 6." in copied and "Python 3." in copied

    logged = app_log.read_text(encoding="utf-8")
    assert "RuntimeError: the disk said no (from a timer)" in logged
    assert "failing_slot" in logged

    qtbot.mouseClick(button(dialog, "Close"), LEFT)
    qtbot.waitUntil(lambda: reporter.dialog is None)  # a closed dialog is gone, not hidden
    assert not crash_dialogs()


@OFFSCREEN_LIMITS
def test_a_failure_on_another_thread_reaches_the_dialog(qtbot, reporter, app_log):
    def work():
        raise ValueError("bad value on a worker")

    worker = threading.Thread(target=work, name="metadata-worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(crash_dialogs()) == 1)
    [dialog] = crash_dialogs()
    text = dialog.findChild(QPlainTextEdit).toPlainText()
    assert "In the thread metadata-worker" in text
    assert "ValueError: bad value on a worker" in text
    assert "ValueError: bad value on a worker" in app_log.read_text(encoding="utf-8")


@OFFSCREEN_LIMITS
def test_repeated_failures_collect_in_one_dialog(qtbot, reporter):
    def fail(number: int):
        raise KeyError(f"failure number {number}")

    for number in (1, 2, 3):
        QTimer.singleShot(0, lambda number=number: fail(number))
    qtbot.waitUntil(lambda: "failure number 3" in dialog_text())
    assert len(crash_dialogs()) == 1
    assert all(f"failure number {n}" in dialog_text() for n in (1, 2, 3))


def dialog_text() -> str:
    dialogs = crash_dialogs()
    return dialogs[0].findChild(QPlainTextEdit).toPlainText() if dialogs else ""


@OFFSCREEN_LIMITS
def test_the_app_keeps_running_after_a_failure(qtbot, reporter):
    ticks = []

    def tick():
        ticks.append(1)
        if len(ticks) == 1:
            raise RuntimeError("first tick fails")

    timer = QTimer(interval=10, timeout=tick)
    timer.start()
    qtbot.waitUntil(lambda: len(ticks) >= 5 and len(crash_dialogs()) == 1)
    timer.stop()


@OFFSCREEN_LIMITS
def test_a_failure_during_start_up_waits_for_the_user_to_read_it(qtbot, app_log):
    reporter = CrashReporter(app_log)
    seen = []

    def read_and_close():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, CrashDialog):
            seen.append(dialog.findChild(QPlainTextEdit).toPlainText())
            dialog.reject()

    closer = QTimer(interval=20, timeout=read_and_close)
    closer.start()
    try:
        raise OSError(28, "No space left on device")
    except OSError as error:
        reporter.report_now(type(error), error, error.__traceback__)  # returns once closed
    finally:
        closer.stop()
    assert len(seen) == 1 and "No space left on device" in seen[0]
    assert "ytdesk could not start" in app_log.read_text(encoding="utf-8")


@OFFSCREEN_LIMITS
def test_a_failed_coroutine_nobody_awaited_reaches_the_dialog(qtbot, reporter):
    loop = asyncio.new_event_loop()
    try:
        loop.set_exception_handler(reporter.report_async)

        async def fetch_thumbnail():
            raise ConnectionError("thumbnail server went away")

        task = loop.create_task(fetch_thumbnail())
        loop.run_until_complete(asyncio.sleep(0.01))
        del task  # never awaited: asyncio reports it when the task is collected
        gc.collect()
    finally:
        loop.close()
    qtbot.waitUntil(lambda: "thumbnail server went away" in dialog_text())


# -- icons ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", icons.NAMES)
def test_every_icon_loads_at_list_and_toolbar_sizes(qapp, name):
    made = icons.icon(name)
    assert not made.isNull()
    for size in (16, 24):
        pixmap = made.pixmap(QSize(size, size))
        assert not pixmap.isNull() and pixmap.width() == size
        assert _drawn_pixels(pixmap.toImage())  # something is drawn, not an empty square


def test_every_job_status_has_its_icon_and_the_app_has_one(qapp):
    assert all(not icons.status_icon(status).isNull() for status in st.STATUSES)
    assert icons.status_icon("from a newer ytdesk").isNull()
    assert not icons.app_icon().isNull()
    assert not icons.app_icon().pixmap(QSize(256, 256)).isNull()


def test_monochrome_icons_follow_the_text_colour_and_status_colours_stay(qapp):
    original = QGuiApplication.palette()
    dark = QPalette(original)
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#f0f0f0"))
    try:
        QGuiApplication.setPalette(dark)
        icons.clear_cache()
        assert _ink_colours(icons.icon("add")) == {"#f0f0f0"}
        assert "#2e9d48" in _ink_colours(icons.icon("succeeded"))  # green in any theme
        assert "#d6333a" in _ink_colours(icons.icon("failed"))  # red in any theme
    finally:
        QGuiApplication.setPalette(original)
        icons.clear_cache()
    ink = original.color(QPalette.ColorRole.WindowText).name()
    assert _ink_colours(icons.icon("add")) == {ink}


def _drawn_pixels(image) -> list[QColor]:
    return [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())
            if image.pixelColor(x, y).alpha() > 0]


def _ink_pixels(image) -> list[QColor]:
    """The fully covered pixels: their colour is the icon's, not a blend with the edge."""
    return [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())
            if image.pixelColor(x, y).alpha() == 255]


def _ink_colours(made) -> set[str]:
    return {colour.name() for colour in _ink_pixels(made.pixmap(QSize(48, 48)).toImage())}


# -- desktop file -------------------------------------------------------------------------------
def test_the_desktop_file_opens_video_and_audio_files_and_its_icon_exists():
    resources = Path(__file__).resolve().parents[1] / "resources"
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive in desktop files
    entry.read(resources / "ytdesk.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Name"] == "ytdesk"
    assert desktop["Exec"] == "ytdesk --play %f"
    assert desktop["Icon"] == "ytdesk" and (resources / "ytdesk.svg").is_file()
    assert desktop["Categories"] == "AudioVideo;Network;"
    types = desktop["MimeType"].split(";")
    assert types[-1] == ""  # the spec's list ends with a semicolon
    assert {"video/mp4", "video/webm", "video/x-matroska", "video/quicktime", "audio/mp4",
            "audio/mpeg", "audio/ogg", "audio/opus", "audio/flac"} <= set(types)
    assert icons.resources_dir() == resources


def launched(exec_line: str, files: list[str]) -> list[str]:
    """The command a desktop runs for `Exec=` (the desktop entry spec's %f: one file, or
    the field code dropped when there is none)."""
    words = []
    for word in exec_line.split():
        if word == "%f":
            words += files[:1]
        else:
            words.append(word)
    return words


def test_open_with_plays_the_file_and_the_launcher_alone_starts_ytdesk_as_usual(tmp_path):
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(Path(__file__).resolve().parents[1] / "resources" / "ytdesk.desktop",
               encoding="utf-8")
    exec_line = entry["Desktop Entry"]["Exec"]
    video = str(tmp_path / "a video.mp4")
    opened = parse_args(launched(exec_line, [video])[1:])
    assert opened.play == video and opened.urls == []
    started = parse_args(launched(exec_line, [])[1:])
    assert started.play is None and started.urls == []


def test_the_desktop_file_is_valid():
    # desktop-file-utils: installed by `make system-deps`.
    desktop_file = Path(__file__).resolve().parents[1] / "resources" / "ytdesk.desktop"
    checked = subprocess.run(["desktop-file-validate", str(desktop_file)],
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # Hints only (two main categories, as before): no warning or error.
    assert "error" not in checked.stdout and "warning" not in checked.stdout, checked.stdout
