"""Run by test_ui_tray_xvfb in a child process on an X server with a real tray host: ytdesk
as `main` builds it, with the real QSystemTrayIcon. Prints one line per finding; exits 0 when
every one holds."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from ytdesk.app import Options, build_app, make_application
from ytdesk.ui.crash_dialog import CrashReporter
from ytdesk.ui.single_instance import InstanceServer


class UserClose(QCloseEvent):
    def spontaneous(self) -> bool:
        return True


def main(root: Path) -> int:
    app = make_application()
    ytdesk = build_app(Options(root / "data", root / "videos", []),
                       InstanceServer(str(root / "not-listening")), CrashReporter())
    ytdesk.start()  # the tray is made here, once the window is up
    findings = {"tray available": QSystemTrayIcon.isSystemTrayAvailable(),
                "tray made": ytdesk.tray is not None}
    quit_asked: list[bool] = []

    def check() -> None:
        tray = ytdesk.tray
        findings["icon in the tray"] = tray is not None and tray.icon.isVisible()
        event = UserClose()
        ytdesk.window.closeEvent(event)
        findings["closing hides"] = not event.isAccepted() and not ytdesk.window.isVisible()
        if tray is not None:
            tray.quitRequested.connect(lambda: quit_asked.append(True))
            tray.quit_action.trigger()  # nothing runs: no question
        findings["quit from the tray"] = bool(quit_asked)
        app.quit()

    QTimer.singleShot(500, check)
    app.exec()
    ytdesk.close()
    for name, held in findings.items():
        print(f"{name}: {'yes' if held else 'NO'}")
    return 0 if all(findings.values()) else 1


if __name__ == "__main__":
    QApplication.setQuitOnLastWindowClosed(True)
    sys.exit(main(Path(sys.argv[1])))
