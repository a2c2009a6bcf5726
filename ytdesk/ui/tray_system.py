"""The one seam between ytdesk and the desktop's tray: whether there is one, and how its icon
is made. The app uses the real QSystemTrayIcon; a test installs a stand-in (a desktop with a
tray, without one), so nothing in ytdesk depends on the tray being there."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QSystemTrayIcon


def _system_tray_icon(parent: QObject) -> QSystemTrayIcon:
    return QSystemTrayIcon(parent)


@dataclass(frozen=True)
class TraySystem:
    available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable
    make_icon: Callable[[QObject], QSystemTrayIcon] = _system_tray_icon
