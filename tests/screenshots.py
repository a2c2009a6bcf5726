"""Pictures of the real window, for a person to look at (not a test: run it on purpose).

    xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb \
        .venv/bin/python tests/screenshots.py /work/screenshots

It fills a fresh library through real downloads from the local fake site (some succeed,
one fails, one is paused halfway, one keeps running slowly), then grabs the main window at
1100x720 and at 760 px wide, with and without a selected job, and with an empty list.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE / "plugins")]

from PySide6.QtCore import QCoreApplication, QEventLoop  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from fakesite import FakeSite, make_media  # noqa: E402
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

            window.add_urls([site.video_url("v5")])
            wait_until(lambda: Job.select().count() == 5)
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

            manager.shutdown(5)
            window.close()
            home.db.close()
    del app


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/ytdesk-shots")
