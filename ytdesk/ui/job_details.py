"""The details pane: one job's log (tail-following live), its events and its facts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QTextCursor
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QPlainTextEdit,
                               QStackedWidget, QTabWidget, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from ytdesk.core import jobstates as st
from ytdesk.core.jobviews import JobDetail, JobRow, job_detail, read_log_tail
from ytdesk.core.paths import Paths
from ytdesk.core.settings import Settings
from ytdesk.jobs.manager import JobManager
from ytdesk.jobs.reader import Reader
from ytdesk.jobs.worker import Task
from ytdesk.ui import format as fmt

from .actions import make_action

MAX_LOG_BLOCKS = 20_000  # a very long log keeps its newest lines
MIN_HEIGHT = 110  # the pane never takes the job list's room to fit its contents
HINT = "Select a job to see its log, events and details."


class FactsView(QTreeWidget):
    """Name/value pairs; Ctrl+C and the context menu copy the current value."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels(["Field", "Value"])
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # long paths keep both ends
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.header().setStretchLastSection(True)
        self.addAction(make_action(self, "Copy value", self.copy_value,
                                   shortcut=QKeySequence(QKeySequence.StandardKey.Copy),
                                   context=Qt.ShortcutContext.WidgetShortcut))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def show_facts(self, facts: list[tuple[str, str]]) -> None:
        self.clear()
        for name, value in facts:
            item = QTreeWidgetItem([name, value])
            item.setToolTip(1, value)
            self.addTopLevelItem(item)

    def value(self, name: str) -> str | None:
        found = self.findItems(name, Qt.MatchFlag.MatchExactly, 0)
        return found[0].text(1) if found else None

    def copy_value(self) -> None:
        item = self.currentItem()
        if item is not None:
            QGuiApplication.clipboard().setText(item.text(1))


def _priority_word(priority: int) -> str:
    return "high" if priority > 0 else "low" if priority < 0 else "normal"


class JobDetails(QWidget):
    def __init__(self, manager: JobManager, reader: Reader, paths: Paths, settings: Settings,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._reader = reader
        self._paths = paths
        self._settings = settings
        self._me = manager.owner  # this process: its own starts read "started"
        self._job_id: int | None = None
        self._ticket: Task | None = None
        self._log_ticket: Task | None = None
        self._pending_lines: list[str] = []

        self.error = QLabel(objectName="jobError", wordWrap=True,  # type: ignore[call-overload]  # Qt property/signal keywords
                            textFormat=Qt.TextFormat.PlainText)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setStyleSheet("color: #c0392b; font-weight: bold;")
        self.error.hide()
        self.placeholder = QLabel(HINT, alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.placeholder.setStyleSheet("color: palette(placeholder-text);")
        self.log = QPlainTextEdit(readOnly=True, objectName="jobLog")  # type: ignore[call-overload]  # Qt property/signal keywords
        self.log.setAccessibleName("Job log")
        self.log.setMaximumBlockCount(MAX_LOG_BLOCKS)
        self.log.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.log.setTabChangesFocus(True)
        self.log.setPlaceholderText("Nothing logged yet: the job has not run.")
        # A reader at the newest line stays there as lines arrive and as the pane changes
        # size; one who scrolled up to read stays where they are.
        self._at_end = True
        self.log.verticalScrollBar().valueChanged.connect(self._log_scrolled)
        self.log.verticalScrollBar().rangeChanged.connect(self._log_grew)
        self.events = QTreeWidget()
        self.events.setAccessibleName("Job events")
        self.events.setHeaderLabels(["Time", "Change", "What happened"])
        self.events.setRootIsDecorated(False)
        self.events.header().setAccessibleName("Job events columns")
        self.events.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.events.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.facts = FactsView()
        self.facts.setAccessibleName("Job details")
        self.facts.header().setAccessibleName("Job details columns")
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Job log, events and details")
        self.tabs.tabBar().setAccessibleName("Job log, events and details")
        self.tabs.addTab(self.log, "Log")
        self.tabs.addTab(self.events, "Events")
        self.tabs.addTab(self.facts, "Details")
        # One place for the placeholder and the tabs, so the pane keeps its size when a job
        # is selected (the list above must not shrink to make room).
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.tabs)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.error)
        layout.addWidget(self.stack, 1)
        self.setMinimumHeight(MIN_HEIGHT)

        manager.jobLog.connect(self._on_log)
        manager.jobChanged.connect(self._on_changed)
        manager.jobsChanged.connect(self._on_many_changed)

    def _on_many_changed(self, ids: list) -> None:
        if self._job_id in ids:
            self._load_detail()

    def set_hint_shown(self, shown: bool) -> None:
        """An empty list has nothing to select: the pane then keeps quiet."""
        self.placeholder.setText(HINT if shown else "")

    @property
    def job_id(self) -> int | None:
        return self._job_id

    def show_job(self, job_id: int | None) -> None:
        if job_id == self._job_id:
            return
        self._job_id = job_id
        self.log.clear()
        self._at_end = True
        self.events.clear()
        self.facts.clear()
        self._pending_lines = []
        self.stack.setCurrentWidget(self.placeholder if job_id is None else self.tabs)
        self.error.hide()
        if job_id is None:
            return
        self._load_detail()
        # Lines that arrive while the file is read are kept and added after it.
        self._log_ticket = self._reader.submit(read_log_tail, self._paths.job_log(job_id),
                                               done=lambda text, j=job_id: self._log_read(j, text))  # type: ignore[misc]  # a bound default

    def _load_detail(self) -> None:
        job_id = self._job_id
        if self._ticket is not None:
            self._reader.forget(self._ticket)
        self._ticket = self._reader.submit(job_detail, job_id, self._me,
                                           self._settings.get("default_preset"),
                                           done=lambda d, j=job_id: self._detail_read(j, d))  # type: ignore[misc]  # a bound default

    def _detail_read(self, job_id: int, detail: JobDetail | None) -> None:
        if job_id != self._job_id or detail is None:
            return
        row = detail.row
        failed = row.status in (st.FAILED, st.WAITING) and row.error
        self.error.setText(row.error if failed else "")
        self.error.setVisible(bool(failed))
        self.facts.show_facts(self.facts_of(row, detail.preset_title))
        self.events.clear()
        for event in detail.events:
            self.events.addTopLevelItem(QTreeWidgetItem([fmt.when(event.at), event.change,
                                                         event.text]))

    def facts_of(self, row: JobRow, preset_title: str = "") -> list[tuple[str, str]]:
        """What the Details tab lists, in words; empty facts are left out."""
        progress = f"{row.progress * 100:.0f}%" if row.progress is not None else ""
        if row.status == st.SUCCEEDED:
            progress = "100%"
        changes = "; ".join(f"{name}: {value}" for name, value in row.changes)
        facts = [
            ("Title", row.title or ""), ("Address", row.clean_url),
            ("Status", row.status), ("Result", row.result or ""), ("Error", row.error or ""),
            ("Folder", str(row.folder(self._settings.download_dir()))),
            ("File", row.output_path or ""), ("Preset", preset_title),
            ("Changed for this job", changes),
            ("Progress", progress), ("Downloaded", fmt.size(row.downloaded_bytes)),
            ("Size", fmt.size(row.total_bytes)), ("Attempts", str(row.attempts)),
            ("Site", row.site), ("Kind", row.kind), ("Priority", _priority_word(row.priority)),
            ("Part of job", str(row.parent_id or "")), ("Job number", str(row.id)),
            ("Added", fmt.when(row.created_at)), ("Started", fmt.when(row.started_at)),
            ("Finished", fmt.when(row.finished_at)),
        ]
        return [(name, value) for name, value in facts if value]

    def _log_read(self, job_id: int, text: str) -> None:
        if job_id != self._job_id:
            return
        self._log_ticket = None
        self.log.setPlainText(text.rstrip("\n"))
        pending = len(self._pending_lines)
        existing = set(text.splitlines()[-pending:]) if pending else set()
        for line in self._pending_lines:
            if line not in existing:
                self._append(line)
        self._pending_lines = []
        # At the newest line, read from its start: the end of a long line would scroll the
        # log sideways and hide every line's beginning (time and level).
        self.log.moveCursor(QTextCursor.MoveOperation.End)
        self.log.moveCursor(QTextCursor.MoveOperation.StartOfBlock)
        self.log.horizontalScrollBar().setValue(0)
        self._at_end = True
        self.log.verticalScrollBar().setValue(self.log.verticalScrollBar().maximum())

    def _on_log(self, job_id: int, level: int, line: str) -> None:
        if job_id != self._job_id:
            return
        if self._log_ticket is not None:
            self._pending_lines.append(line)
        else:
            self._append(line)

    def _append(self, line: str) -> None:
        sideways = self.log.horizontalScrollBar().value()
        self.log.appendPlainText(line)  # the range grows: a reader at the end follows
        self.log.horizontalScrollBar().setValue(sideways)

    def _log_scrolled(self, value: int) -> None:
        self._at_end = value >= self.log.verticalScrollBar().maximum() - 4

    def _log_grew(self, _low: int, high: int) -> None:
        if self._at_end:
            self.log.verticalScrollBar().setValue(high)

    def _on_changed(self, job_id: int, status: str) -> None:
        if job_id == self._job_id:
            self._load_detail()
