"""The Doctor dialog (from About) and the daily yt-dlp check at start: both run off the GUI
thread, and say what they found where the user looks."""

from __future__ import annotations

import pytest
import yt_dlp.version
from fakeindex import FakeIndex, broken_yt_dlp_wheel, yt_dlp_wheel
from PySide6.QtCore import Qt

from ytdesk.ui.about_dialog import AboutDialog
from ytdesk.ui.doctor_dialog import DoctorDialog
from ytdesk.ui.tool_check import ToolCheck
from ytdesk.ytdl import ffmpeg

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
BUNDLED = yt_dlp.version.__version__


def rows(dialog: DoctorDialog) -> dict[str, list[str]]:
    table = dialog.table
    return {table.topLevelItem(i).text(0): [table.topLevelItem(i).text(c) for c in (1, 2, 3)]
            for i in range(table.topLevelItemCount())}


@pytest.fixture
def index():
    with FakeIndex() as served:
        yield served


def test_about_opens_the_doctor_which_finds_everything_working(qtbot, home):
    about = AboutDialog(None, home.paths, home.settings)
    qtbot.addWidget(about)
    assert "yt-dlp-ejs 0.8.0 (bundled)" in about.versions_label.text()
    assert "deno " in about.versions_label.text()
    qtbot.mouseClick(about.doctor_button, Qt.MouseButton.LeftButton)
    dialog = about.doctor
    assert dialog is not None
    # Open at once, still checking: the checks run on a worker.
    assert dialog.status.text() == "Checking…" and rows(dialog) == {}
    with qtbot.waitSignal(dialog.examined, timeout=60_000) as found:
        pass
    assert found.args == [True]
    assert rows(dialog)["yt-dlp"] == ["ok", f"{BUNDLED} (bundled)", ""]
    assert rows(dialog)["JS challenge solver"][0] == "ok"
    assert dialog.status.text() == "Everything works."


def test_the_doctor_says_what_is_wrong_with_a_missing_ffmpeg(qtbot, home, tmp_path,
                                                             monkeypatch):
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    monkeypatch.setattr(ffmpeg, "_folder", lambda: empty)
    dialog = DoctorDialog(home.paths, home.settings)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.examined, timeout=60_000) as found:
        pass
    assert found.args == [False]
    assert rows(dialog)["ffmpeg"] == ["FAILED", "", (
        f"ffmpeg was not found (looked in {empty}); reinstall ytdesk (or the package that "
        "provides it) to get it back.")]
    assert dialog.status.text() == "2 part(s) need attention: ffmpeg, ffprobe."


def test_update_and_roll_back_from_the_doctor(qtbot, home, index, tmp_path):
    index.add(yt_dlp_wheel(tmp_path, "2099.1.1"))
    home.settings.set("tools_index_url", index.url)
    dialog = DoctorDialog(home.paths, home.settings)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.examined, timeout=60_000):
        pass
    qtbot.mouseClick(dialog.update_button, Qt.MouseButton.LeftButton)
    assert not dialog.update_button.isEnabled()  # at work, on a worker
    qtbot.waitUntil(dialog.update_button.isEnabled, timeout=120_000)
    assert dialog.status.text().startswith("yt-dlp 2099.1.1 passed its self-check and is used "
                                           "from the next start (was the bundled version;")
    assert (home.paths.data_dir / "tools" / "yt-dlp" / "2099.1.1" / "yt_dlp").is_dir()
    qtbot.mouseClick(dialog.rollback_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.update_button.isEnabled, timeout=60_000)
    assert dialog.status.text().startswith("yt-dlp goes back from 2099.1.1 to the version "
                                           "bundled with ytdesk (from the next start).")


def test_the_daily_check_runs_on_a_worker_and_once_a_day(qtbot, home, index, tmp_path):
    index.add(broken_yt_dlp_wheel(tmp_path, BUNDLED))  # the version in use: nothing to fetch
    home.settings.set("tools_index_url", index.url)
    home.settings.set("tools_check_daily", True)
    check = ToolCheck(home.paths, home.settings)
    index.answering.clear()  # the index takes its time
    heard: list = []
    check.checked.connect(heard.append)

    assert check.start()
    # The event loop keeps running while the index has not answered: the request arrives,
    # the answer does not, and nothing is said yet.
    qtbot.waitUntil(lambda: index.requests["/pypi/yt-dlp/json"] == 1, timeout=30_000)
    assert heard == []
    index.answering.set()
    qtbot.waitUntil(lambda: heard != [], timeout=60_000)
    assert heard == [[(None, f"yt-dlp {BUNDLED} is up to date."),
                      (None, "The package index has no stable wheel of yt-dlp-ejs; "
                             "yt-dlp-ejs 0.8.0 stays.")]]

    assert check.start()  # later the same day: nothing asked
    qtbot.waitUntil(lambda: len(heard) == 2, timeout=30_000)
    assert heard[1] == [] and index.requests["/pypi/yt-dlp/json"] == 1
    home.settings.set("tools_check_daily", False)
    assert not check.start()
    check.close()
