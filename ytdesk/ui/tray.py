"""The tray icon: what ytdesk does now (its icon and tooltip), a menu for what is wanted
without the window, and the notifications. Made only where the desktop has a tray
(`TraySystem.available`); the window works the same without it."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from ytdesk.core.finished_news import RecentDownload, recent_downloads
from ytdesk.core.jobviews import QueueTotals
from ytdesk.jobs.manager import PAUSED_BY_YOU

from . import icons
from .actions import make_action
from .main_window import MainWindow
from .notifier import Note, Notifier
from .places import COPIED, WINDOW, open_place
from .tray_system import TraySystem

NOTICE_SHOWN_MS = 10_000


def tray_state(totals: QueueTotals, paused: str | None, unseen_failure: bool) -> str:
    """One of icons.TRAY_BADGES: a problem first, then the user's pause, then work."""
    if unseen_failure or (paused and paused != PAUSED_BY_YOU):
        return icons.TRAY_ERROR
    if paused:
        return icons.TRAY_PAUSED
    if totals.count("running"):
        return icons.TRAY_BUSY
    return icons.TRAY_IDLE


class Tray(QObject):
    quitRequested = Signal()  # the user chose Quit (and agreed, with downloads running)

    def __init__(self, window: MainWindow, system: TraySystem | None = None,
                 parent: QObject | None = None):
        super().__init__(parent or window)
        self.window = window
        self.manager = window.manager
        self.settings = window.settings
        self._system = system or TraySystem()
        self.icon: QSystemTrayIcon = self._system.make_icon(self)
        self.notifier = Notifier(self.manager, window.reader, self.settings, self)
        self.notifier.noted.connect(self.show_note)
        self.notifier.failedForGood.connect(self._failed)
        self._totals = QueueTotals()
        self._unseen_failure = False
        self._last_place: tuple[str, int | None] = (WINDOW, None)
        self.offered_url = ""  # the copied link the last message offered
        self.recent: list[RecentDownload] = []

        self.menu = QMenu()  # a tray's menu has no parent widget: the window may be hidden
        self.menu.setToolTipsVisible(True)
        self.menu.setAccessibleName("ytdesk tray menu")
        self.show_action = make_action(self, "Show ytdesk", self.toggle_window,
                                       tip="Show or hide ytdesk's window")
        self.add_action = make_action(
            self, "Add URL from clipboard", self.add_from_clipboard,
            tip="Download the video, playlist or channel links on the clipboard, as a paste "
                "in the window does")
        self.sync_action = make_action(self, "Sync all now", self.sync_all,
                                       tip="Look for new videos on every enabled "
                                           "subscription now")
        self.pause_action = make_action(self, "Pause all", self.toggle_pause,
                                        tip="Start no new download until Resume all")
        self.recent_menu = QMenu("Recent downloads", self.menu)
        self.recent_menu.setToolTipsVisible(True)
        self.recent_menu.menuAction().setToolTip("The last finished downloads: choose one to "
                                                 "play it")
        self.settings_action = make_action(self, "Settings…", window.open_settings,
                                           tip="ytdesk's settings")
        self.quit_action = make_action(self, "Quit ytdesk", self.quit,
                                       tip="Stop every download (they continue at the next "
                                           "start) and end ytdesk")
        for action in (self.show_action, self.add_action, self.sync_action, self.pause_action):
            self.menu.addAction(action)
        self.menu.addMenu(self.recent_menu)
        self.menu.addSeparator()
        self.menu.addAction(self.settings_action)
        self.menu.addAction(self.quit_action)
        for action in self.menu.actions():
            action.setStatusTip(action.toolTip())
        self._show_recent([])

        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.icon.messageClicked.connect(self._message_clicked)
        window.jobs.totalsChanged.connect(self._totals_changed)
        window.statusChanged.connect(self._status_changed)
        self.manager.queuePaused.connect(self._refresh)
        self.manager.queueResumed.connect(self._refresh)
        self.manager.jobFinished.connect(self._job_finished)
        self.menu.aboutToShow.connect(self._menu_opens)
        self._refresh()
        self._status_changed(window.totals.text())
        self.read_recent()
        self.icon.show()

    # -- state ----------------------------------------------------------------------------------
    @property
    def state(self) -> str:
        return tray_state(self._totals, self.manager.paused_reason, self._unseen_failure)

    def _totals_changed(self, totals: QueueTotals) -> None:
        self._totals = totals
        self._refresh()

    def _failed(self) -> None:
        if not self.window.isVisible():
            self._unseen_failure = True
            self._refresh()

    def _refresh(self, *_: object) -> None:
        self.icon.setIcon(icons.tray_icon(self.state))
        paused = self.manager.paused_reason is not None
        self.pause_action.setText("Resume all" if paused else "Pause all")
        self.pause_action.setToolTip("Start downloads again" if paused
                                     else "Start no new download until Resume all")
        self.pause_action.setStatusTip(self.pause_action.toolTip())

    def _status_changed(self, text: str) -> None:
        self.icon.setToolTip(f"ytdesk — {text}" if text else "ytdesk")

    def _menu_opens(self) -> None:
        self.show_action.setText("Hide ytdesk" if self.window.isVisible() else "Show ytdesk")

    # -- the window -----------------------------------------------------------------------------
    def toggle_window(self) -> None:
        if self.window.isVisible() and not self.window.isMinimized():
            self.window.hide()
        else:
            self.show_window()

    def show_window(self) -> None:
        self.window.bring_to_front()
        self._unseen_failure = False
        self._refresh()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:  # a click, not the menu
            self.toggle_window()

    def available(self) -> bool:
        """Whether the desktop's tray is there now (a panel can be closed while ytdesk
        runs: a window hidden then would leave no way back)."""
        return self._system.available()

    def hide_window(self) -> None:
        """The window was closed with the tray there: keep running, and say so once."""
        self.window.hide()
        if not self.settings.get("tray_notice_shown"):
            self.manager.save_settings({"tray_notice_shown": True})
            self.show_note(Note(
                "ytdesk is still running",
                "Downloads and syncs go on in the tray. Quit from this icon's menu; "
                "Settings ▸ “Keep running in the tray” turns this off.", (WINDOW, None)))

    # -- the menu ---------------------------------------------------------------------------------
    def add_from_clipboard(self) -> None:
        self.window.paste()  # found off the GUI thread, queued or asked as a paste is

    def sync_all(self) -> None:
        self.manager.sync_all_now()
        self.window.say("Syncing every enabled subscription.")

    def toggle_pause(self) -> None:
        if self.manager.paused_reason is not None:
            self.manager.resume_all()
        else:
            self.manager.pause_all()

    def read_recent(self) -> None:
        self.window.reader.submit(recent_downloads, done=self._show_recent, latest="recent")

    def _job_finished(self, _job_id: int, status: str) -> None:
        if status == "succeeded":
            self.read_recent()

    def _show_recent(self, recent: list[RecentDownload]) -> None:
        self.recent = recent
        self.recent_menu.clear()
        for download in recent:
            action = QAction(download.label, self.recent_menu)
            action.setData(download.path)
            action.setToolTip(f"Play {download.label}")
            action.setStatusTip(action.toolTip())
            action.triggered.connect(self._play_chosen)
            self.recent_menu.addAction(action)
        if not recent:
            nothing = self.recent_menu.addAction("Nothing downloaded yet")
            nothing.setEnabled(False)
            nothing.setToolTip("Finished downloads show here")

    def _play_chosen(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.play(str(action.data()))

    def play(self, path: str) -> None:
        """In ytdesk's player (which says so, in its own words, when the file cannot play)."""
        self.window.bring_to_front()
        self.window.play_file(path)

    def quit(self) -> None:
        if self.window.may_close():
            if self.window.isVisible():
                self.window.save_state()
            self.quitRequested.emit()

    # -- notifications --------------------------------------------------------------------------
    def show_note(self, note: Note) -> None:
        self._last_place = note.place
        kind = (QSystemTrayIcon.MessageIcon.Warning if note.error
                else QSystemTrayIcon.MessageIcon.Information)
        self.icon.showMessage(note.title, note.text, kind, NOTICE_SHOWN_MS)

    def offer_link(self, url: str) -> None:
        """A link was copied (the clipboard watcher): a click on the message downloads it."""
        self.offered_url = url
        self.show_note(Note("Download the link you copied?",
                            f"{url}\nClick here to download it.", (COPIED, None)))

    def _message_clicked(self) -> None:
        if self._last_place[0] == COPIED:
            self.window.add_urls([self.offered_url])  # the add dialog first, if so set
            return
        open_place(self.window, self._last_place)
        self._unseen_failure = False
        self._refresh()

    def close_down(self) -> None:
        self.icon.hide()
        self.menu.deleteLater()
