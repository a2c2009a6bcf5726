"""The Doctor: does each part ytdesk needs run here (ffmpeg, ffprobe, deno, yt-dlp, the JS
challenge solver, the data folder, the library)? And the tool channel's two buttons: update
yt-dlp now, roll it back. Every check and update runs on a worker thread: the window never
waits for a program to start, yt-dlp to import or the package index to answer."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QPushButton, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from ytdesk.core import tool_store
from ytdesk.core.paths import Paths
from ytdesk.core.settings import Settings
from ytdesk.jobs.worker import Workers

from .actions import with_shortcut

COLUMNS = ("Part", "State", "Version", "What to do")


def examine(paths: Paths) -> list:
    """On the worker: yt-dlp imported the one safe way first (kinds.imported), then every
    check."""
    from ytdesk.jobs import kinds

    kinds.imported("yt_dlp")
    return kinds.imported("ytdesk.ytdl.doctor").examine(paths)


def update_tools(paths: Paths, index: str, channel: str) -> list[str]:
    from ytdesk.ytdl.tool_update import ToolChannel, UpdateRefused

    updater = ToolChannel(paths.data_dir, index, channel)
    bundled = {name: tool_store.bundled_version(name) for name in tool_store.TOOLS}
    try:
        outcomes = updater.update_all(bundled)
    except UpdateRefused as refused:
        return [str(refused)]
    updater.mark_checked()
    return [outcome.sentence for outcome in outcomes]


def roll_back(paths: Paths) -> list[str]:
    store = tool_store.ToolStore(paths.data_dir)
    return [store.rollback(name) for name in tool_store.TOOLS]


class DoctorDialog(QDialog):
    examined = Signal(bool)  # every check done: all of them passed or not

    def __init__(self, paths: Paths, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("ytdesk Doctor")
        self.paths = paths
        self.settings = settings
        self.workers = Workers(self, name="doctor")
        self.findings: list = []
        self.table = QTreeWidget()
        self.table.setRootIsDecorated(False)
        self.table.setColumnCount(len(COLUMNS))
        self.table.setHeaderLabels(COLUMNS)
        self.table.setAccessibleName("What the doctor found")
        self.table.setWordWrap(True)
        self.status = QLabel("Checking…", wordWrap=True)
        self.status.setAccessibleName("Doctor status")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.again_button = self._button("Check &again", "Run every check again.", "Ctrl+R",
                                         "Check again")
        self.update_button = self._button("&Update yt-dlp", "Fetch the newest yt-dlp (and the "
                                          "yt-dlp-ejs it needs), check it and use it from the "
                                          "next start.", "Ctrl+U", "Update yt-dlp")
        self.rollback_button = self._button("Roll &back yt-dlp", "Go back to the yt-dlp used "
                                            "before the last update (from the next start).",
                                            "Ctrl+B", "Roll back yt-dlp")
        self.copy_button = self._button("&Copy", "Copy the findings, e.g. for a bug report.",
                                        "Ctrl+Shift+C", "Copy findings")
        self.again_button.clicked.connect(self.check)
        self.update_button.clicked.connect(self.update_tools)
        self.rollback_button.clicked.connect(self.roll_back)
        self.copy_button.clicked.connect(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in (self.again_button, self.update_button, self.rollback_button,
                       self.copy_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(820, 360)
        self.check()

    def _button(self, text: str, tip: str, key: str, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setShortcut(QKeySequence(key))
        button.setToolTip(with_shortcut(tip, key))
        button.setAccessibleName(name)
        return button

    def _busy(self, text: str) -> None:
        self.status.setText(text)
        for button in (self.again_button, self.update_button, self.rollback_button):
            button.setEnabled(False)

    def _ready(self) -> None:
        for button in (self.again_button, self.update_button, self.rollback_button):
            button.setEnabled(True)

    @Slot()
    def check(self) -> None:
        self._busy("Checking…")
        self.workers.submit(examine, self.paths, done=self._show, failed=self._failed,
                            latest="examine")

    def _show(self, findings: list) -> None:
        self.findings = findings
        self.table.clear()
        for finding in findings:
            item = QTreeWidgetItem([finding.name, "ok" if finding.ok else "FAILED",
                                    finding.version, finding.problem])
            item.setToolTip(3, finding.problem)
            self.table.addTopLevelItem(item)
        for column in range(3):
            self.table.resizeColumnToContents(column)
        failed = [f.name for f in findings if not f.ok]
        text = ("Everything works." if not failed else
                f"{len(failed)} part(s) need attention: {', '.join(failed)}.")
        self.status.setText(" ".join([text, *tool_store.FELL_BACK]))
        self._ready()
        self.examined.emit(not failed)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(f"The checks could not run ({error}).")
        self._ready()

    @Slot()
    def update_tools(self) -> None:
        self._busy("Looking for a newer yt-dlp…")
        self.workers.submit(update_tools, self.paths, self.settings.get("tools_index_url"),
                            self.settings.get("tools_channel"), done=self._said,
                            failed=self._failed)

    @Slot()
    def roll_back(self) -> None:
        self._busy("Rolling back…")
        self.workers.submit(roll_back, self.paths, done=self._said, failed=self._failed)

    def _said(self, sentences: list[str]) -> None:
        self.status.setText(" ".join(sentences))
        self._ready()

    @Slot()
    def copy(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(f.line() for f in self.findings))

    def done(self, result: int) -> None:
        # A check still running answers no one; nothing waits for it (it may be starting a
        # program): the pool finishes it in the background.
        self.workers.abort_all()
        super().done(result)
