"""The tray for real: an X server (Xvfb) with a tray host (trayer, from Debian) and ytdesk's
own QSystemTrayIcon, in a child process (the test session itself is offscreen). Skipped
where Xvfb or trayer is not installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import subprocess_env

HERE = Path(__file__).parent
needs = [shutil.which("Xvfb"), shutil.which("trayer")]
pytestmark = pytest.mark.skipif(not all(needs), reason="needs Xvfb and trayer installed")


def _free_display() -> int:
    for number in range(140, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and \
                not Path(f"/tmp/.X{number}-lock").exists():
            return number
    pytest.skip("no free X display number")


def _wait_for(path: Path, process: subprocess.Popen) -> None:
    for _ in range(200):  # the X server makes its socket within a second or so
        if path.exists() or process.poll() is not None:
            return
        time.sleep(0.05)


def test_a_real_tray_host_shows_the_icon_and_closing_hides(tmp_path):
    display = _free_display()
    xvfb = subprocess.Popen(["Xvfb", f":{display}", "-screen", "0", "1024x768x24", "-nolisten",
                             "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tray_host = None
    try:
        _wait_for(Path(f"/tmp/.X11-unix/X{display}"), xvfb)
        env = subprocess_env()
        env.update(DISPLAY=f":{display}", QT_QPA_PLATFORM="xcb")
        env.pop("WAYLAND_DISPLAY", None)
        tray_host = subprocess.Popen(["trayer", "--edge", "bottom"], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent), env["PYTHONPATH"]])
        for _ in range(100):  # trayer claims the tray selection once it runs
            probe = subprocess.run(
                [sys.executable, "-c", "from PySide6.QtWidgets import QApplication, "
                 "QSystemTrayIcon as T; a = QApplication([]); print(T.isSystemTrayAvailable())"],
                env=env, capture_output=True, text=True, timeout=30)
            if probe.stdout.strip() == "True":
                break
            time.sleep(0.1)
        done = subprocess.run([sys.executable, str(HERE / "tray_host_check.py"), str(tmp_path)],
                              env=env, capture_output=True, text=True, timeout=120)
        assert done.stdout.splitlines() == ["tray available: yes", "tray made: yes",
                                            "icon in the tray: yes", "closing hides: yes",
                                            "quit from the tray: yes"], done.stderr
        assert "Traceback" not in done.stderr
        assert not [line for line in done.stderr.splitlines()
                    if "QSystemTrayIcon" in line or "QObject::" in line], done.stderr
    finally:
        for process in (tray_host, xvfb):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)
