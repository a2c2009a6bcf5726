"""The main window: an address bar, the three areas (downloads, channels, player), a status
bar with queue totals, and drops or pastes of links anywhere on it."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QMimeData, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (QLabel, QLineEdit, QMainWindow, QPushButton, QTabWidget,
                               QToolBar)

from ytdesk.core.jobviews import QueueTotals
from ytdesk.core.paths import Paths
from ytdesk.core.settings import Settings
from ytdesk.core.urls import check_url
from ytdesk.jobs.manager import JobManager
from ytdesk.jobs.preview_task import PreviewService
from ytdesk.jobs.reader import Reader
from ytdesk.ui import format as fmt
from ytdesk.ui import icons

from .dropped import urls_in
from .job_panel import JobPanel

SPEED_EVERY_MS = 1_000


def _empty_state(text: str) -> QLabel:
    label = QLabel(text, alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
    label.setObjectName("emptyState")
    label.setStyleSheet("color: palette(placeholder-text); font-size: 15px;")
    return label


class MainWindow(QMainWindow):
    def __init__(self, manager: JobManager, settings: Settings, paths: Paths):
        super().__init__()
        self.manager = manager
        self.settings = settings
        self.paths = paths
        self.reader = Reader(self)
        self.previews = PreviewService(self)
        self.setWindowTitle("ytdesk")
        self.setWindowIcon(icons.app_icon())
        self.setAcceptDrops(True)

        self.address = QLineEdit(placeholderText="Paste a video, playlist or channel URL",
                                 clearButtonEnabled=True)
        self.address.returnPressed.connect(self.add_from_address)
        self.add_button = QPushButton(icons.icon("add"), "Add")
        self.add_button.clicked.connect(self.add_from_address)
        toolbar = QToolBar("Address")
        toolbar.setMovable(False)
        toolbar.addWidget(self.address)
        toolbar.addWidget(self.add_button)
        toolbar.addSeparator()
        settings_action = QAction(icons.icon("settings"), "Settings", self)
        settings_action.triggered.connect(self.open_settings)
        about_action = QAction(icons.icon("about"), "About", self)
        about_action.triggered.connect(self.open_about)
        toolbar.addAction(settings_action)
        toolbar.addAction(about_action)
        self._icon_names = [(self.add_button, "add"), (settings_action, "settings"),
                            (about_action, "about")]
        self.addToolBar(toolbar)

        self.jobs = JobPanel(manager, self.reader, paths, settings)
        self.jobs.message.connect(self.say)
        self.jobs.totalsChanged.connect(self._show_totals)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.jobs, icons.icon("running"), "Downloads")
        self.tabs.addTab(_empty_state("No channels yet — drop a channel URL here."), "Channels")
        self.tabs.addTab(_empty_state("Nothing to play yet — downloaded videos will play here."),
                         "Player")
        self.setCentralWidget(self.tabs)

        self.totals = QLabel(objectName="queueTotals")
        self.statusBar().addPermanentWidget(self.totals)
        self._last_totals = QueueTotals()
        self._speed_timer = QTimer(self, interval=SPEED_EVERY_MS, timeout=self._refresh_status)
        self._speed_timer.start()
        manager.queuePaused.connect(lambda why: self.say(f"The queue is paused: {why}", 0))
        manager.queueResumed.connect(lambda: self.say("The queue runs again."))

        QShortcut(QKeySequence("Ctrl+L"), self, activated=self.focus_address)
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
                                        {"quality": self.settings.get("quality")})
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
            payload = {"quality": choice.quality, "download_dir": str(choice.download_dir)}
            self.manager.enqueue_urls_later("download", [choice.url], payload)
            self.say("Queued 1 download.")

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
        links, files = [], []
        for url in mime.urls() if mime.hasUrls() else []:
            (files if url.isLocalFile() else links).append(
                url.toLocalFile() if url.isLocalFile() else url.toString())
        text = "\n".join(links + ([mime.text()] if mime.hasText() else []))
        self.add_text(text, files)

    def paste(self) -> None:
        self.take_mime(QGuiApplication.clipboard().mimeData())

    # -- other windows ----------------------------------------------------------------------------
    def open_settings(self) -> None:
        from .settings_dialog import SettingsDialog

        SettingsDialog(self.settings, self.manager, self).exec()

    def open_about(self) -> None:
        from .about_dialog import AboutDialog

        AboutDialog(self).exec()

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
                holder.setIcon(icons.icon(name))
            self.jobs.refresh_icons()
        super().changeEvent(event)

    # -- status bar --------------------------------------------------------------------------------
    def say(self, text: str, timeout_ms: int = 8_000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def _show_totals(self, totals: QueueTotals) -> None:
        self._last_totals = totals
        self._refresh_status()

    def _refresh_status(self) -> None:
        totals = self._last_totals
        speed = fmt.speed(self.jobs.model.total_speed()) or "idle"
        self.totals.setText(f"{totals.count('running')} running · {totals.count('queued')} "
                            f"queued · {totals.count('failed')} failed · {speed}")

    # -- remembered state --------------------------------------------------------------------------
    def _restore_state(self) -> None:
        geometry = self.settings.get("window_geometry")
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode()))
        else:
            self.resize(1100, 720)
        columns = self.settings.get("job_columns")
        if columns:
            self.jobs.restore_column_state(bytes(QByteArray.fromBase64(columns.encode())))

    def save_state(self) -> None:
        self.settings.set("window_geometry", bytes(self.saveGeometry().toBase64()).decode())
        self.settings.set("job_columns",
                          bytes(QByteArray(self.jobs.column_state()).toBase64()).decode())

    def closeEvent(self, event) -> None:
        self.save_state()
        super().closeEvent(event)
