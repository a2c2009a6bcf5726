"""Start-up in the order a person sees it: the window with the job list's first rows comes
first; the queue (with the jobs a crash interrupted), the URLs from the command line and
asyncio follow it; what the first frame does not show is made when first used."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from support import job, subprocess_env, wait_until_idle

from ytdesk.app import Options, build_app, quit_on_signals_in_python
from ytdesk.core import jobstates as st
from ytdesk.core import jobstore
from ytdesk.core.clock import now
from ytdesk.core.models import Job
from ytdesk.jobs.preview_task import PreviewService
from ytdesk.ui.add_dialog import AddDialog
from ytdesk.ui.crash_dialog import CrashReporter
from ytdesk.ui.first_page import FirstPage
from ytdesk.ui.main_window import MainWindow
from ytdesk.ui.single_instance import InstanceServer

# The offscreen platform cannot size or raise real windows; it says so, and that is all.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


@pytest.fixture
def start_up(home, qtbot, tmp_path):
    """build_app as `main` runs it; yields a function that builds, and closes what it built."""
    built = []

    def build(*urls: str):
        options = Options(home.paths.data_dir, home.download_dir, list(urls))
        made = build_app(options, InstanceServer(str(tmp_path / "not-listening")),
                         CrashReporter())
        built.append(made)
        return made

    yield build
    for made in built:
        wait_until_idle(qtbot, made.manager)
        made.close()


def test_the_first_rows_are_on_screen_before_the_queue_starts(start_up, qtbot, site):
    [crashed] = jobstore.add_jobs([jobstore.NewJob("download", site.video_url("v2"))])
    Job.update(status=st.RUNNING, owner="a ytdesk that crashed", lease_until=now() - 1).execute()
    paused = jobstore.add_jobs([jobstore.NewJob("download", f"https://example.com/watch?v={n}",
                                                title=f"Paused video {n}") for n in range(300)])
    Job.update(status=st.PAUSED).where(Job.id.in_(paused)).execute()
    from_command_line = site.video_url("v1")

    ytdesk = start_up(from_command_line)
    seen: dict = {}

    def first_page_shown() -> None:
        model = ytdesk.window.jobs.model
        first = model.job(model.job_id_at(0))
        seen.update(exposed=ytdesk.window.windowHandle().isExposed(),
                    first_title=first.title if first else None, rows=model.rowCount(),
                    crashed=job(crashed).status,
                    queued=Job.select().where(Job.url == from_command_line).count())
        ytdesk.start()

    ytdesk.first_page.shown.connect(first_page_shown)
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    # The list had its rows, with their data (not the "…" of a row still loading), before
    # anything else was started...
    assert seen == {"exposed": True, "first_title": "Paused video 299", "rows": 301,
                    "crashed": st.RUNNING, "queued": 0}
    # ...then the queue took back the interrupted job and the command line's URL came in.
    qtbot.waitUntil(lambda: Job.select().where(Job.url == from_command_line).count() == 1,
                    timeout=10_000)
    wait_until_idle(qtbot, ytdesk.manager)
    assert job(crashed).status == st.SUCCEEDED
    assert Job.get(Job.url == from_command_line).status == st.SUCCEEDED


def test_a_new_library_has_its_first_page_when_its_empty_list_shows(start_up, qtbot):
    ytdesk = start_up()
    with qtbot.waitSignal(ytdesk.first_page.shown, timeout=10_000):
        pass
    assert ytdesk.window.jobs.empty_hint.isVisible()  # "Paste or drop a link to start."


def test_a_window_started_minimised_still_starts_its_queue(start_up, home, qtbot, site):
    home.settings.set("start_minimised", True)
    ytdesk = start_up(site.video_url("v1"))
    assert ytdesk.window.isMinimized()
    ytdesk.first_page.shown.connect(ytdesk.start)
    qtbot.waitUntil(lambda: Job.select().where(Job.status == st.SUCCEEDED).count() == 1,
                    timeout=20_000)


def test_a_list_that_never_shows_does_not_hold_up_the_start(home, manager, qtbot):
    window = MainWindow(manager, home.settings, home.paths)  # never shown: never painted
    qtbot.addWidget(window)
    watch = FirstPage(window.jobs, give_up_ms=50)
    with qtbot.waitSignal(watch.shown, timeout=5_000):
        pass
    window.reader.wait()


def test_the_add_dialog_opened_for_the_first_time_previews_and_queues(home, manager, qtbot,
                                                                      site):
    window = MainWindow(manager, home.settings, home.paths)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert not window.findChildren(PreviewService)  # not made for the first frame
    url = site.video_url("v2")
    answered = []
    looks = QTimer(interval=20)
    give_up_at = time.monotonic() + 15  # so a preview that never comes fails, not hangs

    def answer_once_previewed() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, AddDialog):
            if dialog.title_label.text() == "Test Video 2":
                answered.append(dialog.title_label.text())
                dialog.accept_button.click()
            elif time.monotonic() > give_up_at:
                dialog.reject()

    looks.timeout.connect(answer_once_previewed)
    looks.start()
    window.open_add_dialog(url)  # modal: returns once the dialog is answered
    looks.stop()
    assert answered == ["Test Video 2"]
    assert len(window.findChildren(PreviewService)) == 1
    assert window.statusBar().currentMessage() == "Queued 1 download."
    qtbot.waitUntil(lambda: Job.select().where(Job.url == url).count() == 1, timeout=10_000)
    wait_until_idle(qtbot, manager)
    window.previews.shutdown()
    window.reader.wait()


# In a process of its own: an asyncio loop made inside Qt's running loop is closed the way
# `main` closes it, after Qt's loop ended, which tells Qt to exit (a test process's later
# event loops would take that as their own).
ASYNCIO_AFTER_THE_FIRST_PAGE = r"""
import asyncio
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from ytdesk.app import EventLoop
from ytdesk.ui.crash_dialog import CrashReporter

app = QApplication([])
events = EventLoop(app, CrashReporter(), app.quit)


async def later():
    await asyncio.sleep(0.01)
    print("ran on", type(asyncio.get_running_loop()).__module__, flush=True)
    app.quit()


def start():
    events.start()
    events.loop.create_task(later())


QTimer.singleShot(0, start)
app.exec()
events.close()
print("closed", asyncio.events._get_running_loop(), flush=True)
"""


def test_asyncio_started_inside_the_running_qt_loop_runs_coroutines_and_closes():
    ran = subprocess.run([sys.executable, "-c", ASYNCIO_AFTER_THE_FIRST_PAGE],
                         env=subprocess_env(), capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() == ["ran on qasync", "closed None"]


@pytest.mark.skipif(os.name == "nt", reason="a SIGTERM cannot be caught on Windows")
def test_a_sigterm_before_the_event_loop_takes_over_quits_like_closing_the_window(qtbot):
    quits = []
    before = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        quit_on_signals_in_python(lambda: quits.append("quit"))
        os.kill(os.getpid(), signal.SIGTERM)
        qtbot.waitUntil(lambda: quits == ["quit"], timeout=5_000)
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
