"""Pictures of the real window, for a person to look at (not a test: run it on purpose).

    xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb \
        .venv/bin/python tests/screenshots.py /work/screenshots

It fills a fresh library through real downloads from the local fake site (some succeed,
one fails, one is paused halfway, one waits to be retried, one keeps running slowly), then grabs the
main window at 1100x720 and at 760 px wide: empty, with and without a selected job, a
search that finds nothing, "Open folder" that cannot open, and the question asked before
closing while a download runs.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE / "plugins")]

from fakesite import FakeSite, make_media  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from support import make_home  # noqa: E402


def wait_until(condition, timeout_s: float = 30.0) -> None:
    end = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the window never got there")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def settle(seconds: float = 0.6) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def shoot(window, path: Path, width: int, height: int = 720) -> None:
    window.resize(width, height)
    settle()
    window.grab().save(str(path))
    print("saved", path, window.width(), "x", window.height())


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([sys.argv[0]])
    from ytdesk.core import jobstore
    from ytdesk.core.models import Job
    from ytdesk.jobs.manager import JobManager
    from ytdesk.ui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        home = make_home(Path(tmp))
        home.settings.set("per_site_concurrency", 4)
        home.settings.set("concurrency", 4)
        media = make_media(Path(tempfile.gettempdir()) / "ytdesk-screenshot-media")
        with FakeSite(media) as site:
            manager = JobManager(home.paths, home.settings)
            window = MainWindow(manager, home.settings, home.paths)
            window.resize(1100, 720)
            window.show()
            manager.start()
            shoot(window, out / "empty-1100.png", 1100)

            # Finished ones first (oldest at the bottom of the list).
            window.add_urls([site.video_url("v1"), site.video_url("v4"), site.video_url("gone")])
            wait_until(lambda: Job.select().count() == 3)
            wait_until(lambda: not jobstore.has_active_jobs(), 60)
            # One of them from earlier in the week, so the Added column shows a date.
            first = min(j.id for j in Job.select())
            Job.update(created_at=Job.created_at - 3 * 86_400).where(Job.id == first).execute()
            manager.jobChanged.emit(first, "succeeded")

            size = site.media["muxed"].stat().st_size
            site.set_fault("/media/v3/", "slow", bytes_per_second=size // 8)
            site.set_fault("/media/v5/", "slow", bytes_per_second=size // 40)
            window.add_urls([site.video_url("v3")])
            wait_until(lambda: Job.select().count() == 4)
            paused_id = max(j.id for j in Job.select())
            wait_until(lambda: (Job.get_by_id(paused_id).progress or 0) > 0.3, 30)
            manager.pause(paused_id)
            wait_until(lambda: Job.get_by_id(paused_id).status == "paused", 30)

            # A site error that will be retried later (a long wait, so it shows as waiting).
            home.settings.set("retry_cap_seconds", 600)
            home.settings.set("retry_base_seconds", 300)
            site.set_fault("/api/video/v7", "500")
            window.add_urls([site.video_url("v7")])
            wait_until(lambda: Job.select().where(Job.status == "waiting").count() == 1, 30)

            window.add_urls([site.video_url("v5")])
            wait_until(lambda: Job.select().count() == 6)
            running_id = max(j.id for j in Job.select())
            wait_until(lambda: (Job.get_by_id(running_id).progress or 0) > 0.15, 60)
            # Let the window's list and status bar catch up.
            settle(2.5)
            shoot(window, out / "jobs-1100.png", 1100)
            shoot(window, out / "jobs-760.png", 760)

            window.resize(1100, 720)
            window.jobs.select_job(running_id)
            settle(1.5)
            shoot(window, out / "selected-running-1100.png", 1100)
            failed_id = Job.get(Job.status == "failed").id
            window.jobs.select_job(failed_id)
            settle(1.0)
            shoot(window, out / "selected-failed-1100.png", 1100)
            window.jobs.details.tabs.setCurrentIndex(1)
            settle(0.5)
            shoot(window, out / "selected-failed-events-1100.png", 1100)
            window.jobs.details.tabs.setCurrentIndex(2)
            settle(0.5)
            shoot(window, out / "selected-failed-details-1100.png", 1100)
            window.jobs.details.tabs.setCurrentIndex(0)
            window.jobs.select_job(running_id)
            settle(1.0)
            shoot(window, out / "selected-running-760.png", 760)

            window.jobs.search.setText("no such thing")
            settle(1.0)
            shoot(window, out / "no-match-760.png", 760)
            window.jobs.search.clear()
            settle(1.0)

            def grab_question() -> None:
                box = window.quit_question
                if box is None or not box.isVisible():
                    QTimer.singleShot(50, grab_question)
                    return
                settle(0.3)
                box.grab().save(str(out / "quit-question.png"))
                print("saved", out / "quit-question.png")
                box.reject()

            QTimer.singleShot(0, grab_question)
            window.may_close()

            manager.shutdown(5)
            # A job meant for a folder that is not there (an unplugged disk): Open folder.
            [away] = jobstore.add_jobs([jobstore.NewJob(
                "download", site.video_url("v8"), {"download_dir": "/media/usb-stick/Videos"})])
            manager.jobAdded.emit([away])
            wait_until(lambda: window.jobs.model.job(away) is not None)
            window.jobs.select_job(away)
            window.jobs.actions["open"].trigger()
            settle(0.5)
            shoot(window, out / "open-folder-failed-760.png", 760)
            window.close()
            home.db.close()
    del app


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/ytdesk-shots")
