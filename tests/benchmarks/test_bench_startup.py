"""Cold start to a shown window with 10,000 jobs in the DB, against a bare PySide6 window
started the same way in the same run: `ratio` with bytecode (as an installed ytdesk starts),
`ratio_compiling_from_source` as this checkout starts where bytecode is not written."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from report import report

from ytdesk.core import jobstore

# The real entry point, `ytdesk.app.main` (single-instance check, logging, crash reporter,
# event loop), watched from outside: READY as the job list paints its first row with that
# row's data (not just the id count, and not the "…" shown while the row loads).
YTDESK = r"""
import sys
from ytdesk import app as ytdesk_app  # first, as in the `ytdesk` launcher pip writes
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication


class FirstRows(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        window.jobs.table.viewport().installEventFilter(self)

    def eventFilter(self, watched, event):
        handle, model = self.window.windowHandle(), self.window.jobs.model
        if (event.type() == QEvent.Type.Paint and handle is not None and handle.isExposed()
                and model.rowCount() > 0 and model.job(model.job_id_at(0)) is not None):
            print("READY", model.rowCount(), flush=True)
            watched.removeEventFilter(self)
            QTimer.singleShot(0, QApplication.quit)
        return False


build_app = ytdesk_app.build_app


def build_and_watch(*args):
    built = build_app(*args)
    FirstRows(built.window)
    return built


ytdesk_app.build_app = build_and_watch
sys.exit(ytdesk_app.main(sys.argv[1:]))
"""

BARE = r"""
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

qapp = QApplication([])
window = QMainWindow()
window.setCentralWidget(QTableView())
window.resize(1100, 720)
window.show()

def ready():
    handle = window.windowHandle()
    if handle and handle.isExposed():
        print("READY 0", flush=True)
        qapp.quit()

timer = QTimer(interval=1, timeout=ready)
timer.start()
qapp.exec()
"""


def time_to_ready(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, *args], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    for line in child.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - start
            break
    else:
        raise AssertionError(child.stderr.read()[-2000:])
    child.wait(30)
    return elapsed


def child_env(bytecode_cache: Path | None) -> dict:
    """With a cache folder: both programs start as an installed ytdesk does, from bytecode
    (pip and PyInstaller ship it). Without: as this checkout starts where
    PYTHONDONTWRITEBYTECODE is set (the shared machines), compiling every ytdesk module on
    every start, which the bare window, all of whose modules come with bytecode, never does."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if bytecode_cache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(bytecode_cache)
    return env


def medians(env: dict, ytdesk_args: list[str]) -> tuple[float, float]:
    """Median seconds to READY of 5 starts each, ytdesk's and the bare window's, taking turns
    (one start of each first, not counted: it fills a bytecode cache)."""
    time_to_ready(["-c", BARE], env)
    time_to_ready(["-c", YTDESK, *ytdesk_args], env)
    ours, bare = [], []
    for _ in range(5):
        bare.append(time_to_ready(["-c", BARE], env))
        ours.append(time_to_ready(["-c", YTDESK, *ytdesk_args], env))
    return statistics.median(ours), statistics.median(bare)


def test_cold_start_with_10000_jobs_vs_a_bare_window(home, tmp_path):
    jobstore.add_jobs([jobstore.NewJob("download", f"https://example.com/watch?v={i}")
                       for i in range(10_000)])
    home.db.execute_sql("UPDATE job SET status = 'paused'")  # shown, not run
    ours, bare = medians(child_env(tmp_path / "bytecode"), home.cli_args())
    from_source, bare_from_source = medians(child_env(None), home.cli_args())
    report("cold_start_10000_jobs", ytdesk_median_s=ours, bare_window_median_s=bare,
           ratio=ours / bare, ratio_compiling_from_source=from_source / bare_from_source)
