"""The main window: an address bar, the three areas (downloads, channels, player), a status
bar with queue totals, and drops or pastes of links anywhere on it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QMimeData, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (QCheckBox, QLabel, QLineEdit, QMainWindow, QMessageBox, QPushButton,
                               QTabWidget, QToolBar, QVBoxLayout, QWidget)

from ytdesk.core.jobviews import QueueTotals
from ytdesk.core.paths import Paths
from ytdesk.core.play_queue import QueueItem
from ytdesk.core.settings import Settings
from ytdesk.core.site_holds import SiteCookies
from ytdesk.core.urls import check_url
from ytdesk.jobs.kinds import imported
from ytdesk.jobs.manager import JobManager
from ytdesk.jobs.reader import Reader
from ytdesk.ui import format as fmt
from ytdesk.ui import icons

from .actions import make_action, with_shortcut
from .dropped import urls_in
from .job_panel import JobPanel
from .paused_banner import PausedBanner
from .site_hold_banner import SiteHoldBanner

if TYPE_CHECKING:
    from ytdesk.core.browse import VideoCard
    from ytdesk.jobs.preview_task import PreviewService

    from .channel_browser import ChannelBrowser
    from .cleanup_dialog import CleanupDialog
    from .player import PlayerWidget
    from .tray import Tray

SPEED_EVERY_MS = 1_000
FOCUS_ADDRESS = "Ctrl+L"
SETTINGS_KEY = "Ctrl+,"
SUBSCRIBE_KEY = "Ctrl+Shift+S"
BUSY_NOTE = "Library busy: waiting for another program to let go of it"
BUSY_DETAIL = ("Another program is writing to ytdesk's library (a backup tool, a database "
               "browser, or another ytdesk). What you add or change waits and is saved as "
               "soon as it lets go; downloads go on.")
def _queued(card: VideoCard) -> QueueItem:
    return QueueItem(card.title, card.id, card.filepath, card.duration, card.channel or "")


class MainWindow(QMainWindow):
    statusChanged = Signal(str)  # the status bar's totals and speed, when they change

    def __init__(self, manager: JobManager, settings: Settings, paths: Paths):
        super().__init__()
        self.manager = manager
        self.settings = settings
        self.paths = paths
        self.reader = Reader(self)
        self._previews: PreviewService | None = None
        self.setWindowTitle("ytdesk")
        self.setWindowIcon(icons.app_icon())
        self.setAcceptDrops(True)
        self.quit_question: QMessageBox | None = None  # while the window asks before closing
        self.tray: Tray | None = None  # set by the app where the desktop has a tray

        self.address = QLineEdit(placeholderText="Paste a video, playlist or channel URL",
                                 clearButtonEnabled=True)
        self.address.setAccessibleName("Address to download")
        self.address.setToolTip(with_shortcut(
            "The address of a video, playlist or channel; Enter downloads it. Ctrl+V anywhere "
            "in the window queues every link on the clipboard", FOCUS_ADDRESS))
        self.address.returnPressed.connect(self.add_from_address)
        self.add_button = QPushButton(icons.icon("add"), "Add")
        self.add_button.setToolTip("Download the address in the bar (Enter); with the bar "
                                   "empty, choose what and how in the add dialog")
        self.add_button.clicked.connect(self.add_from_address)
        toolbar = QToolBar("Address")
        toolbar.setAccessibleName("Address bar")
        toolbar.setMovable(False)
        toolbar.addWidget(self.address)
        toolbar.addWidget(self.add_button)
        toolbar.addSeparator()
        settings_action = make_action(self, "Settings", self.open_settings, icon="settings",
                                      shortcut=SETTINGS_KEY, tip="Settings")
        about_action = make_action(self, "About", self.open_about, icon="about",
                                   tip="About ytdesk: the versions of its parts")
        for action in (settings_action, about_action):
            toolbar.addAction(action)
            toolbar.widgetForAction(action).setFocusPolicy(Qt.FocusPolicy.TabFocus)
            self.addAction(action)  # its shortcut works wherever the focus is
        self._icon_names = [(self.add_button, "add"), (settings_action, "settings"),
                            (about_action, "about")]
        self.addToolBar(toolbar)
        self._add_channels_menu()
        self._add_library_menu()

        self.jobs = JobPanel(manager, self.reader, paths, settings)
        self.jobs.message.connect(self.say)
        self.jobs.totalsChanged.connect(self._show_totals)
        self.jobs.playRequested.connect(self.play_file)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Areas")
        self.tabs.tabBar().setAccessibleName("Areas")
        self.tabs.addTab(self.jobs, icons.icon("running"), "Downloads")
        # The channel browser is made when its tab is first opened: the first frame does
        # not need it (its modules and the network's take ~12 ms to import).
        self._browser: ChannelBrowser | None = None
        self.channels_page = QWidget()
        self._channels_layout = QVBoxLayout(self.channels_page)
        self._channels_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(self.channels_page, "Channels")
        # The player is made when it is first needed: QtMultimedia's start (its FFmpeg
        # libraries) stays out of the first frame.
        self._player: PlayerWidget | None = None
        self.player_page = QWidget()
        self._player_layout = QVBoxLayout(self.player_page)
        self._player_layout.setContentsMargins(0, 0, 0, 0)
        index = self.tabs.addTab(self.player_page, "Player")
        self.tabs.setTabToolTip(index, "Player: watch and listen to what you downloaded")
        self.tabs.currentChanged.connect(self._tab_opened)
        self.paused_banner = PausedBanner()
        self.paused_banner.resumeRequested.connect(manager.resume_queue)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.paused_banner)
        column.addWidget(self._build_site_hold_banner())
        column.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.totals = QLabel(objectName="queueTotals")  # type: ignore[call-overload]  # Qt property/signal keywords
        self.statusBar().addPermanentWidget(self.totals)
        self._last_totals = QueueTotals()
        self._speed_timer = QTimer(self, interval=SPEED_EVERY_MS, timeout=self._refresh_status)  # type: ignore[call-arg]  # Qt property/signal keywords
        self._speed_timer.start()
        manager.queuePaused.connect(self._queue_paused)
        manager.queueResumed.connect(self._queue_resumed)
        self.busy_note = QLabel(BUSY_NOTE, objectName="libraryBusy")  # type: ignore[call-overload]  # Qt property/signal keywords
        self.busy_note.setAccessibleName("Library busy")
        self.busy_note.setToolTip(BUSY_DETAIL)
        self.busy_note.hide()
        # Permanent: a passing status message would hide a normal status-bar widget.
        self.statusBar().insertPermanentWidget(0, self.busy_note)
        manager.libraryBusy.connect(self._library_busy)

        QShortcut(QKeySequence(FOCUS_ADDRESS), self, activated=self.focus_address)  # type: ignore[call-overload]  # Qt property/signal keywords
        paste = QShortcut(QKeySequence(QKeySequence.StandardKey.Paste), self)
        paste.activated.connect(self.paste)
        self._restore_state()

    # -- adding ---------------------------------------------------------------------------------
    def add_urls(self, urls: list[str]) -> None:
        """Queue one download per valid URL (from the command line or another ytdesk)."""
        valid = [checked.url for checked in map(check_url, urls) if checked.ok]
        self._queue(valid, skipped=len(urls) - len(valid))

    def _queue(self, valid: list[str], skipped: int = 0) -> None:
        """Queue checked URLs in one bulk write, off the GUI thread."""
        if not valid:
            self.say("No usable link: only http and https addresses can be downloaded.")
            return
        if len(valid) == 1 and self.settings.get("ask_before_adding"):
            self.open_add_dialog(valid[0])
            return
        self.manager.enqueue_urls_later("download", valid,
                                        {"preset": self.settings.get("default_preset")})
        text = f"Queued {len(valid):,} download{'s' if len(valid) != 1 else ''}."
        if skipped:
            text += f" {skipped:,} invalid link{'s' if skipped != 1 else ''} skipped."
        self.say(text)

    def add_from_address(self) -> None:
        text = self.address.text().strip()
        if not text:
            self.open_add_dialog("")
            return
        checked = check_url(text)
        if not checked.ok:
            self.say(checked.reason)
            return
        self.address.clear()
        self.add_urls([checked.url])

    def open_add_dialog(self, url: str) -> None:
        from .add_dialog import AddDialog

        dialog = AddDialog(self.settings, self.previews, url, self)
        if dialog.exec():
            choice = dialog.choice()
            payload = choice.job_payload()  # type: ignore[union-attr]  # set once accepted
            self.manager.enqueue_urls_later("download", [choice.url], payload)  # type: ignore[union-attr]  # set once accepted
            self.say("Queued 1 download.")

    @property
    def previews(self) -> PreviewService:
        """The add dialog's previews, made when it first opens: the window needs none, and
        making them looks up ffmpeg (a process run) on this thread."""
        if self._previews is None:
            from ytdesk.jobs.preview_task import PreviewService

            self._previews = PreviewService(self)
        return self._previews

    def add_text(self, text: str, local_files: list[str] | None = None) -> None:
        """Find every link in dropped or pasted text (off the GUI thread), then queue them."""
        self.reader.submit(urls_in, text, local_files or [], done=self._links_found)

    def _links_found(self, urls: list[str]) -> None:
        if urls:
            self._queue(urls)  # found by find_urls, which keeps only valid ones
        else:
            self.say("No link found in what was dropped or pasted.")

    # -- drops and pastes ------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() or event.mimeData().hasText():
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:
        self.take_mime(event.mimeData())
        event.acceptProposedAction()

    def take_mime(self, mime: QMimeData) -> None:
        links: list[str] = []
        files: list[str] = []
        for url in mime.urls() if mime.hasUrls() else []:
            (files if url.isLocalFile() else links).append(
                url.toLocalFile() if url.isLocalFile() else url.toString())
        text = "\n".join(links + ([mime.text()] if mime.hasText() else []))
        self.add_text(text, files)

    def paste(self) -> None:
        self.take_mime(QGuiApplication.clipboard().mimeData())

    # -- subscriptions -----------------------------------------------------------------------------
    def _add_channels_menu(self) -> None:
        from .subscription_lists import SubscriptionLists

        self.subscription_lists = SubscriptionLists(self, self.manager, self.reader)
        self.subscription_lists.message.connect(self.say)
        menu = self.menuBar().addMenu("&Channels")
        menu.setToolTipsVisible(True)
        for action in (
                make_action(self, "&Subscribe…", self.subscribe, shortcut=SUBSCRIBE_KEY,
                            tip="Follow a channel, playlist or feed: its new videos are "
                                "downloaded as they appear"),
                make_action(self, "&Import subscriptions…", self.subscription_lists.ask_import,
                            tip="Follow the channels of another app's list: OPML, NewPipe, "
                                "FreeTube or Google Takeout"),
                make_action(self, "&Export subscriptions…", self.subscription_lists.ask_export,
                            tip="Save every subscription as an OPML file")):
            menu.addAction(action)
            self.addAction(action)  # its shortcut works wherever the focus is

    def subscribe(self) -> None:
        """The subscription dialog, with the address bar's link in it if there is one."""
        from .subscription_dialog import edit_subscription

        checked = check_url(self.address.text())
        self.subscription_dialog = edit_subscription(self, self.manager,
                                                     url=checked.url if checked.ok else "")

    # -- the channel browser --------------------------------------------------------------------
    @property
    def browser(self) -> ChannelBrowser:
        if self._browser is None:
            from .channel_browser import ChannelBrowser

            self._browser = ChannelBrowser(self.manager, self.reader, self.paths, self.settings)
            self._browser.message.connect(self.say)
            # A video opened in the browser plays here, the rest of its list after it.
            self._browser.videoActivated.connect(self._play_from_browser)
            self._browser.queueRequested.connect(self._queue_from_browser)
            self._channels_layout.addWidget(self._browser)
        return self._browser

    def _tab_opened(self, index: int) -> None:
        if self.tabs.widget(index) is self.channels_page and self._browser is None:
            self.browser.show()  # made now, shown with its page
        elif self.tabs.widget(index) is self.player_page:
            self.player.stage.setFocus()  # its keys work at once

    # -- other windows ----------------------------------------------------------------------------
    def open_settings(self) -> None:
        from .settings_dialog import SettingsDialog

        SettingsDialog(self.settings, self.manager, self).exec()

    def _add_library_menu(self) -> None:
        self.cleanup_dialog: CleanupDialog | None = None  # while it shows (tests answer it)
        menu = self.menuBar().addMenu("&Library")
        menu.setToolTipsVisible(True)
        menu.addAction(make_action(
            self, "&Clean up…", self.open_cleanup,
            tip="See what unfinished downloads, old job logs and retention rules would "
                "remove, then remove it"))

    def open_cleanup(self) -> None:
        """A dry run first (off this thread), then, if the user agrees, the real job."""
        from .cleanup_dialog import CleanupDialog

        if self.cleanup_dialog is not None:
            self.cleanup_dialog.raise_()
            return
        self.cleanup_dialog = CleanupDialog(self.settings, self.paths.job_logs, self)
        self.cleanup_dialog.accepted.connect(self._queue_cleanup)
        self.cleanup_dialog.finished.connect(self._cleanup_closed)
        self.cleanup_dialog.open()

    def _queue_cleanup(self) -> None:
        self.manager.enqueue_urls_later("cleanup", [str(self.settings.download_dir())],
                                        {"dry_run": False})
        self.say("Cleaning up: the job's log will name everything it removed.")

    def _cleanup_closed(self) -> None:
        if self.cleanup_dialog is not None:
            self.cleanup_dialog.deleteLater()
            self.cleanup_dialog = None

    @Slot(str)
    def tool_updated(self, sentence: str) -> None:
        """A newer yt-dlp passed its self-check (the daily check): said above the jobs."""
        self.jobs.notice.show_text(sentence, "ytdesk-cli tools rollback")

    def open_about(self) -> None:
        from .about_dialog import AboutDialog

        AboutDialog(self, self.paths, self.settings).exec()

    def focus_address(self) -> None:
        self.address.setFocus()
        self.address.selectAll()

    def bring_to_front(self) -> None:
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def changeEvent(self, event) -> None:
        # The OS switched between light and dark: icons are drawn in the text colour.
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            for holder, name in self._icon_names:
                holder.setIcon(icons.icon(name))  # type: ignore[attr-defined]  # a button or an action
            self.jobs.refresh_icons()
        super().changeEvent(event)

    # -- a site that held us back ------------------------------------------------------------------
    def _build_site_hold_banner(self) -> SiteHoldBanner:
        self.site_hold_banner = banner = SiteHoldBanner()
        self.manager.siteHeld.connect(banner.show_hold)
        self.manager.siteReleased.connect(banner.site_released)
        for site, (sentence, until) in self.manager.held_sites.items():  # said before
            banner.show_hold(site, sentence, until)
        banner.browserChosen.connect(self._site_browser_chosen)
        banner.fileChosen.connect(self._site_file_chosen)
        self.browsers_looked_up = False
        self.reader.submit(_installed_browser_names, done=self._browsers_found)
        return banner

    def _browsers_found(self, names: list[str]) -> None:
        self.site_hold_banner.set_browsers(names)
        self.browsers_looked_up = True

    def _site_browser_chosen(self, site: str, browser: str) -> None:
        self.manager.release_site(site, SiteCookies(browser=browser))
        self.say(f"{site}: using cookies from {browser.title()}; one download tries first.")

    def _site_file_chosen(self, site: str, path: str) -> None:
        self.manager.release_site_with_file(site, Path(path), failed=self._site_file_refused)
        self.say(f"{site}: using the cookies file; one download tries first.")

    def _site_file_refused(self, exc: BaseException) -> None:
        self.say(str(exc), 0)

    # -- status bar --------------------------------------------------------------------------------
    def _queue_paused(self, why: str) -> None:
        self.paused_banner.show_reason(why)
        self.say(f"The queue is paused: {why}", 0)

    def _queue_resumed(self) -> None:
        self.paused_banner.hide()
        self.say("The queue runs again.")

    def _library_busy(self, busy: bool) -> None:
        self.busy_note.setVisible(busy)
        if not busy:
            self.say("The library is free again.")

    def say(self, text: str, timeout_ms: int = 8_000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def _show_totals(self, totals: QueueTotals) -> None:
        self._last_totals = totals
        self._refresh_status()

    def _refresh_status(self) -> None:
        totals = self._last_totals
        parts = [f"{totals.count('running'):,} running", f"{totals.count('queued'):,} queued"]
        for status, word in (("waiting", "waiting to retry"), ("paused", "paused")):
            if totals.count(status):
                parts.append(f"{totals.count(status):,} {word}")
        parts.append(f"{totals.count('failed'):,} failed")
        parts.append(fmt.speed(self.jobs.model.total_speed()) or "idle")
        text = " · ".join(parts)
        if text != self.totals.text():
            self.totals.setText(text)
            self.statusChanged.emit(text)

    # -- remembered state --------------------------------------------------------------------------
    def _restore_state(self) -> None:
        geometry = self.settings.get("window_geometry")
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode()))
        else:
            self.resize(1100, 720)
        columns = self.settings.get("job_columns")
        if columns:
            self.jobs.restore_column_state(bytes(QByteArray.fromBase64(columns.encode())))  # type: ignore[call-overload]  # a QByteArray is a buffer

    def save_state(self) -> None:
        self.manager.save_settings({
            "window_geometry": bytes(self.saveGeometry().toBase64()).decode(),  # type: ignore[call-overload]  # a QByteArray is a buffer
            "job_columns": bytes(QByteArray(self.jobs.column_state()).toBase64()).decode()})  # type: ignore[call-overload]  # a QByteArray is a buffer

    # -- the player ------------------------------------------------------------------------------
    @property
    def player(self) -> PlayerWidget:
        if self._player is None:
            from .player import PlayerWidget

            self._player = PlayerWidget(self.manager, self.reader, self.paths, self.settings)
            self._player.watched.connect(self._video_watched)
            self._player_layout.addWidget(self._player)
        return self._player

    def play_video(self, video_id: int) -> None:
        """Play the library's video in the Player tab."""
        self.tabs.setCurrentWidget(self.player_page)
        self.player.play_video(video_id)

    def _play_from_browser(self, video_id: int) -> None:
        """The browser's video, with the downloaded ones after it in that list (as far as
        the list has been read) queued to follow it."""
        videos = self.browser.videos
        start = videos.row_of(video_id) or 0
        following = [_queued(card) for row in range(start, videos.rowCount())
                     if (card := videos.card(row)) is not None
                     and (card.downloaded or card.id == video_id)]
        self.tabs.setCurrentWidget(self.player_page)
        self.player.play_list(following)

    def _queue_from_browser(self, cards: list[VideoCard], next_: bool) -> None:
        items = [_queued(card) for card in cards]
        if next_:
            self.player.queue.play_next(items)
        else:
            self.player.queue.add(items)
        self.say(f"{fmt.plural(len(items), 'video')} queued to play "
                 f"{'next' if next_ else 'after the rest of the queue'}.")

    def _video_watched(self, video_id: int) -> None:
        if self._browser is not None:  # its unwatched counts and the video's card
            self._browser.videos.reload_cards([video_id])
            self._browser.reload_soon()

    def play_file(self, path: str) -> None:
        """Play a local file in the Player tab (as the library's video if it knows it)."""
        self.tabs.setCurrentWidget(self.player_page)
        self.player.play_file(path)

    # -- closing ---------------------------------------------------------------------------------
    def closeEvent(self, event) -> None:
        # Only a person closing the window (the window manager's close: a spontaneous event)
        # is asked; a quit from the app itself (SIGTERM, Ctrl-C, the session ending) is not.
        if event.spontaneous() and self._hide_to_tray():
            if self._player is not None:  # nothing plays on unseen; its place is saved
                self._player.pause()
            event.ignore()
            return
        if event.spontaneous() and not self.may_close():
            event.ignore()
            return
        self.stop_playing()
        self.save_state()
        if self._browser is not None:
            self._browser.close_down()
        super().closeEvent(event)

    def _hide_to_tray(self) -> bool:
        """Closing the window keeps ytdesk running in the tray, where there is one and the
        user has not turned that off; True when it did."""
        if (self.tray is None or not self.settings.get("close_to_tray")
                or not self.tray.available()):
            return False
        self.save_state()
        self.tray.hide_window()
        return True

    def stop_playing(self) -> None:
        """Before the window goes: where the video was is saved, and QtMultimedia is let go
        of safely (deleting a playing QMediaPlayer with its audio output can hang or crash)."""
        if self._player is not None:
            self._player.shutdown()

    def may_close(self) -> bool:
        """True when the window may close now: nothing runs, the user said not to ask, or
        the user chose Quit."""
        running = len(self.manager.running_ids)
        if not running or not self.settings.get("ask_before_quitting"):
            return True
        box = QMessageBox(QMessageBox.Icon.Question, "Quit ytdesk?",
                          f"{fmt.plural(running, 'download is', 'downloads are')} still "
                          "running.", parent=self)
        box.setInformativeText("If you quit now, downloads stop here and continue where "
                               "they left off the next time ytdesk starts.")
        quit_button = box.addButton("Quit", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(quit_button)
        remember = QCheckBox("Don't ask again")
        box.setCheckBox(remember)
        self.quit_question = box  # modal while it shows: a test answers it through this
        box.exec()
        self.quit_question = None
        if box.clickedButton() is not quit_button:
            return False
        if remember.isChecked():
            self.manager.save_settings({"ask_before_quitting": False})
        return True


def _installed_browser_names() -> list[str]:
    """On the reader thread: looking for browsers imports yt-dlp."""
    return [browser.name for browser in imported("ytdesk.ytdl.browsers").installed()]
