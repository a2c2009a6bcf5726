"""Cold start to a shown window with 10,000 jobs in the DB, against a bare PySide6 window
started the same way in the same run."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from report import report

from ytdesk.core import jobstore

YTDESK = r"""
import sys
from PySide6.QtCore import QTimer
from ytdesk import app as ytdesk_app
from ytdesk.ui.crash_dialog import CrashReporter
from ytdesk.ui.single_instance import InstanceServer, server_name

options = ytdesk_app.parse_args(sys.argv[1:])
qapp = ytdesk_app.make_application()
server = InstanceServer(server_name(options.data_dir))
built = ytdesk_app.build_app(options, server, CrashReporter())
window = built.window

def ready():
    handle = window.windowHandle()
    if handle and handle.isExposed() and window.jobs.model.rowCount() > 0:
        print("READY", window.jobs.model.rowCount(), flush=True)
        built.manager.shutdown(5)
        qapp.quit()

timer = QTimer(interval=1, timeout=ready)
timer.start()
qapp.exec()
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


def test_cold_start_with_10000_jobs_vs_a_bare_window(home):
    jobstore.add_jobs([jobstore.NewJob("download", f"https://example.com/watch?v={i}")
                       for i in range(10_000)])
    home.db.execute_sql("UPDATE job SET status = 'paused'")  # shown, not run
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    ours, bare = [], []
    for _ in range(5):
        bare.append(time_to_ready(["-c", BARE], env))
        ours.append(time_to_ready(["-c", YTDESK, *home.cli_args()], env))
    ratio = statistics.median(ours) / statistics.median(bare)
    report("cold_start_10000_jobs", ytdesk_median_s=statistics.median(ours),
           bare_window_median_s=statistics.median(bare), ratio=ratio)
