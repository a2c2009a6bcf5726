"""The details pane: one job's fields, its events, and its log, tail-following live."""

from __future__ import annotations

import json

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (QFormLayout, QLabel, QPlainTextEdit, QTabWidget,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from ytdesk.core import jobstates as st
from ytdesk.core.jobviews import JobDetail, job_detail, read_log_tail
from ytdesk.core.paths import Paths
from ytdesk.jobs.manager import JobManager
from ytdesk.jobs.reader import Reader
from ytdesk.ui import format as fmt

MAX_LOG_BLOCKS = 20_000  # a very long log keeps its newest lines


class JobDetails(QWidget):
    def __init__(self, manager: JobManager, reader: Reader, paths: Paths,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._reader = reader
        self._paths = paths
        self._job_id: int | None = None
        self._ticket: int | None = None
        self._log_ticket: int | None = None
        self._pending_lines: list[str] = []

        self.error = QLabel(objectName="jobError", wordWrap=True)
        self.error.setStyleSheet("color: #c0392b; font-weight: bold;")
        self.error.hide()
        self.placeholder = QLabel("Select a job to see its details and log.")
        self.fields = QFormLayout()
        fields_box = QWidget()
        fields_box.setLayout(self.fields)
        self.events = QTreeWidget()
        self.events.setHeaderLabels(["Time", "Event", "Change", "Message"])
        self.events.setRootIsDecorated(False)
        self.log = QPlainTextEdit(readOnly=True, objectName="jobLog")
        self.log.setMaximumBlockCount(MAX_LOG_BLOCKS)
        self.log.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        tabs = QTabWidget()
        tabs.addTab(self.log, "Log")
        tabs.addTab(self.events, "Events")
        tabs.addTab(fields_box, "Details")
        self.tabs = tabs

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.error)
        layout.addWidget(tabs)
        tabs.hide()

        manager.jobLog.connect(self._on_log)
        manager.jobChanged.connect(self._on_changed)
        manager.jobsChanged.connect(
            lambda ids: self._job_id in ids and self._on_changed(self._job_id, ""))

    @property
    def job_id(self) -> int | None:
        return self._job_id

    def show_job(self, job_id: int | None) -> None:
        if job_id == self._job_id:
            return
        self._job_id = job_id
        self.log.clear()
        self.events.clear()
        self._pending_lines = []
        self.placeholder.setVisible(job_id is None)
        self.tabs.setVisible(job_id is not None)
        self.error.hide()
        if job_id is None:
            return
        self._load_detail()
        # Lines that arrive while the file is read are kept and added after it.
        self._log_ticket = self._reader.submit(read_log_tail, self._paths.job_log(job_id),
                                               done=lambda text, j=job_id: self._log_read(j, text))

    def _load_detail(self) -> None:
        job_id = self._job_id
        if self._ticket is not None:
            self._reader.forget(self._ticket)
        self._ticket = self._reader.submit(job_detail, job_id,
                                           done=lambda d, j=job_id: self._detail_read(j, d))

    def _detail_read(self, job_id: int, detail: JobDetail | None) -> None:
        if job_id != self._job_id or detail is None:
            return
        row = detail.row
        failed = row.status in (st.FAILED, st.WAITING) and row.error
        self.error.setText(row.error if failed else "")
        self.error.setVisible(bool(failed))
        while self.fields.rowCount():
            self.fields.removeRow(0)
        payload = json.loads(detail.payload or "{}")
        for label, value in [
            ("Title", row.title or ""), ("Address", row.url), ("Kind", row.kind),
            ("Status", row.status), ("Priority", str(row.priority)),
            ("Attempts", str(row.attempts)), ("Site", detail.site),
            ("Quality", payload.get("quality", "default")),
            ("Folder", payload.get("download_dir", "default")),
            ("Progress", f"{row.progress * 100:.0f}%" if row.progress is not None else ""),
            ("Downloaded", fmt.size(row.downloaded_bytes)), ("Size", fmt.size(row.total_bytes)),
            ("File", row.output_path or ""), ("Result", row.result or ""),
            ("Error", row.error or ""), ("Parent job", str(row.parent_id or "")),
            ("Added", fmt.when(row.created_at)), ("Started", fmt.when(row.started_at)),
            ("Finished", fmt.when(row.finished_at)),
        ]:
            shown = QLabel(value, wordWrap=True)
            shown.setTextInteractionFlags(shown.textInteractionFlags()
                                          | shown.textInteractionFlags().TextSelectableByMouse)
            self.fields.addRow(label, shown)
        self.events.clear()
        for at, kind, before, after, message in detail.events:
            change = f"{before or ''} → {after}" if after else ""
            self.events.addTopLevelItem(QTreeWidgetItem([fmt.when(at), kind, change, message or ""]))

    def _log_read(self, job_id: int, text: str) -> None:
        if job_id != self._job_id:
            return
        self._log_ticket = None
        self.log.setPlainText(text.rstrip("\n"))
        existing = set(text.splitlines()[-len(self._pending_lines):]) if self._pending_lines else set()
        for line in self._pending_lines:
            if line not in existing:
                self._append(line)
        self._pending_lines = []
        self.log.moveCursor(QTextCursor.MoveOperation.End)

    def _on_log(self, job_id: int, level: int, line: str) -> None:
        if job_id != self._job_id:
            return
        if self._log_ticket is not None:
            self._pending_lines.append(line)
        else:
            self._append(line)

    def _append(self, line: str) -> None:
        bar = self.log.verticalScrollBar()
        following = bar.value() >= bar.maximum() - 4  # the reader is at the end: keep up
        self.log.appendPlainText(line)
        if following:
            bar.setValue(bar.maximum())

    def _on_changed(self, job_id: int, status: str) -> None:
        if job_id == self._job_id:
            self._load_detail()
