"""A queue paused by a full disk says so above the list, stays paused until asked, and goes
on from the banner's button or its shortcut."""

from __future__ import annotations

import errno
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from support import job, subprocess_env, wait_until_idle

from ytdesk.core import queuestate
from ytdesk.jobs import kinds
from ytdesk.ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def full_disk_once():
    calls = {"n": 0}

    def write(ctx):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError(errno.ENOSPC, "No space left on device", "/videos/x.mp4.part")
        return "written"

    kinds.KINDS["full-disk-test"] = write
    yield calls
    del kinds.KINDS["full-disk-test"]


def test_the_banner_says_why_and_resumes_the_queue(home, one_at_a_time, qtbot, full_disk_once):
    window = MainWindow(one_at_a_time, home.settings, home.paths)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    banner = window.paused_banner
    assert banner.isHidden()

    job_id = one_at_a_time.enqueue("full-disk-test", "https://a.example/1")
    qtbot.waitUntil(banner.isVisible, timeout=10_000)
    assert banner.label.text().startswith("The queue is paused: The disk is full")
    qtbot.wait(300)
    assert job(job_id).status == "queued" and full_disk_once["n"] == 1  # nothing else ran
    assert "Ctrl+Shift+R" in banner.resume_button.toolTip()

    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_R,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(banner.isHidden, timeout=5_000)
    wait_until_idle(qtbot, one_at_a_time)
    assert job(job_id).status == "succeeded"


def test_resume_from_another_terminal_resumes_the_window_queue(home, one_at_a_time, qtbot,
                                                               full_disk_once):
    """The pause is kept in the library: `ytdesk-cli resume` in another process ends it,
    and the window hides its banner and goes on."""
    window = MainWindow(one_at_a_time, home.settings, home.paths)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    banner = window.paused_banner
    job_id = one_at_a_time.enqueue("full-disk-test", "https://a.example/1")
    qtbot.waitUntil(banner.isVisible, timeout=10_000)
    qtbot.waitUntil(lambda: queuestate.paused_reason() is not None, timeout=5_000)

    resumed = subprocess.run([sys.executable, "-m", "ytdesk.cli", "--data-dir",
                              str(home.paths.data_dir), "resume"],
                             capture_output=True, text=True, env=subprocess_env(), timeout=60)
    assert resumed.returncode == 0 and resumed.stdout.startswith("The queue is resumed")
    qtbot.waitUntil(banner.isHidden, timeout=10_000)
    wait_until_idle(qtbot, one_at_a_time)
    assert job(job_id).status == "succeeded"
