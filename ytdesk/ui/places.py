"""Open a place in the main window from outside it (a notification, the tray): a job in the
Downloads list, a channel in the Channels tab, or just the window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

if TYPE_CHECKING:
    from .main_window import MainWindow

WINDOW, JOB, CHANNEL, COPIED = "window", "job", "channel", "copied"  # COPIED: the tray adds it


class _ChannelOnceLoaded(QObject):
    """Selects a channel once the browser's list has been read (it is read when the tab is
    first opened, off the GUI thread)."""

    def __init__(self, window: MainWindow, subscription_id: int):
        super().__init__(window)
        self._window = window
        self._subscription_id = subscription_id
        window.browser.channelsLoaded.connect(self.select)

    @Slot()
    def select(self) -> None:
        if self._window.browser.select_channel(self._subscription_id):
            self._window.browser.channelsLoaded.disconnect(self.select)
            self.deleteLater()


def open_place(window: MainWindow, place: tuple[str, int | None]) -> None:
    kind, key = place
    window.bring_to_front()
    if kind == JOB and key is not None:
        window.tabs.setCurrentWidget(window.jobs)
        window.jobs.select_job(key)
    elif kind == CHANNEL and key is not None:
        window.tabs.setCurrentWidget(window.channels_page)
        if not window.browser.select_channel(key):
            _ChannelOnceLoaded(window, key)
