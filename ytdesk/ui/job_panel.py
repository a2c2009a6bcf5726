"""The job panel: every job, live, with filters, actions and a details pane."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMenu, QSplitter, QTableView, QToolBar, QVBoxLayout,
                               QWidget)

from ytdesk.core import jobactions
from ytdesk.core import jobstates as st
from ytdesk.core.jobviews import JobFilter, JobRow, QueueTotals, job_rows, queue_totals
from ytdesk.core.paths import Paths
from ytdesk.core.settings import Settings
from ytdesk.jobs.manager import JobManager
from ytdesk.jobs.reader import Reader
from ytdesk.ui import icons

from .job_details import JobDetails
from .models.job_table import PROGRESS, TITLE, JobTableModel
from .progress_delegate import ProgressDelegate

STATUS_FILTERS = [
    ("All jobs", ()),
    ("Active", (st.QUEUED, st.RUNNING, st.WAITING)),
    ("Running", (st.RUNNING,)), ("Queued", (st.QUEUED,)), ("Waiting to retry", (st.WAITING,)),
    ("Paused", (st.PAUSED,)), ("Succeeded", (st.SUCCEEDED,)), ("Failed", (st.FAILED,)),
    ("Cancelled", (st.CANCELLED,)),
]
KIND_FILTERS = [("All kinds", None), ("Downloads", "download"), ("Metadata", "metadata")]
TOTALS_EVERY_MS = 2_000
SEARCH_DEBOUNCE_MS = 250


class JobPanel(QWidget):
    totalsChanged = Signal(object)  # QueueTotals, for the status bar
    message = Signal(str)  # a sentence for the status bar

    def __init__(self, manager: JobManager, reader: Reader, paths: Paths, settings: Settings,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.manager = manager
        self._reader = reader
        self._settings = settings
        self.model = JobTableModel(manager, reader, self)

        self.stats = QLabel(objectName="jobStats")
        self.status_filter = QComboBox()
        for label, statuses in STATUS_FILTERS:
            self.status_filter.addItem(label, statuses)
        self.kind_filter = QComboBox()
        for label, kind in KIND_FILTERS:
            self.kind_filter.addItem(label, kind)
        self.search = QLineEdit(placeholderText="Search jobs by title or address",
                                clearButtonEnabled=True)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS,
                                    timeout=self._apply_filter)
        self.search.textChanged.connect(self._search_timer.start)
        self.status_filter.currentIndexChanged.connect(self._apply_filter)
        self.kind_filter.currentIndexChanged.connect(self._apply_filter)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setItemDelegateForColumn(PROGRESS, ProgressDelegate(self.table))
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionsMovable(True)
        header.resizeSection(PROGRESS, 140)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.dataChanged.connect(self._maybe_refresh_actions)
        self.model.modelReset.connect(self._selection_changed)

        self.details = JobDetails(manager, reader, paths)
        self.actions = self._make_actions()
        toolbar = QToolBar("Job actions")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in self.actions.values():
            toolbar.addAction(action)

        filters = QHBoxLayout()
        filters.addWidget(self.status_filter)
        filters.addWidget(self.kind_filter)
        filters.addWidget(self.search, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([600, 300])  # the list first; the log's size hint would win
        layout = QVBoxLayout(self)
        layout.addWidget(self.stats)
        layout.addLayout(filters)
        layout.addWidget(toolbar)
        layout.addWidget(splitter, 1)

        self._totals_timer = QTimer(self, interval=TOTALS_EVERY_MS, timeout=self.refresh_totals)
        self._totals_timer.start()
        manager.jobFinished.connect(lambda *_: self._totals_soon())
        manager.jobAdded.connect(lambda *_: self._totals_soon())
        self._totals_pending = False
        self.model.refresh()
        self.refresh_totals()
        self._selection_changed()

    # -- actions ------------------------------------------------------------------------------
    def _make_actions(self) -> dict[str, QAction]:
        specs = [
            ("pause", "Pause", "pause", None, self.pause_selected),
            ("resume", "Resume", "resume", None, self.resume_selected),
            ("cancel", "Cancel", "cancel", None, self.cancel_selected),
            ("retry", "Retry", "retry", QKeySequence("Ctrl+R"), self.retry_selected),
            ("remove", "Remove from list", "remove", QKeySequence(QKeySequence.StandardKey.Delete),
             self.remove_selected),
            ("open", "Open folder", "open-folder", None, self.open_folder),
            ("copy", "Copy URL", "copy", None, self.copy_urls),
        ]
        made = {}
        self._icon_names: list[tuple[QAction, str]] = []
        for key, text, icon_name, shortcut, handler in specs:
            action = QAction(icons.icon(icon_name), text, self)
            self._icon_names.append((action, icon_name))
            if shortcut is not None:
                action.setShortcut(shortcut)
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(handler)
            made[key] = action
        toggle = QAction("Pause or resume", self, shortcut=QKeySequence(Qt.Key.Key_Space))
        toggle.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        toggle.triggered.connect(self.toggle_pause)
        self.table.addAction(toggle)
        for action in made.values():
            self.table.addAction(action)
        return made

    def refresh_icons(self) -> None:
        """Redraw the action icons in the palette's colours (light/dark switch)."""
        for action, name in self._icon_names:
            action.setIcon(icons.icon(name))
        self.table.viewport().update()  # status icons are drawn per paint

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [job_id for job_id in (self.model.job_id_at(r) for r in rows) if job_id]

    def _selected_rows(self) -> list[JobRow]:
        return [row for row in (self.model.job(i) for i in self.selected_ids()) if row]

    def _targets(self, statuses) -> list[int]:
        """Selected jobs an action may apply to. A row not loaded yet (select-all on a long
        list) is tried anyway: the job's own status decides, in the DB."""
        wanted = set(statuses)
        return [job_id for job_id in self.selected_ids()
                if (row := self.model.job(job_id)) is None or row.status in wanted]

    def _act(self, action: str, ids: list[int], verb: str) -> None:
        """Ask the manager, which writes on its writer thread in one transaction: the
        window goes on while 10,000 selected jobs change."""
        if ids:
            self.manager.act(action, ids, done=lambda result: self._report(result.count, verb))

    def pause_selected(self) -> None:
        self._act(jobactions.PAUSE, self._targets(st.ACTIVE), "paused")

    def resume_selected(self) -> None:
        self._act(jobactions.RESUME, self._targets([st.PAUSED]), "resumed")

    def cancel_selected(self) -> None:
        self._act(jobactions.CANCEL, self._targets([*st.ACTIVE, st.PAUSED]), "cancelled")

    def retry_selected(self) -> None:
        self._act(jobactions.RETRY, self._targets([st.FAILED, st.CANCELLED]), "queued again")

    def toggle_pause(self) -> None:
        rows = self._selected_rows()
        if any(r.status in st.ACTIVE for r in rows):
            self.pause_selected()
        else:
            self.resume_selected()

    def remove_selected(self) -> None:
        asked = self.selected_ids()
        if asked:
            self.manager.act(jobactions.REMOVE, asked,
                             done=lambda result: self._removed(result, len(asked)))

    def _removed(self, result: jobactions.ActionResult, asked: int) -> None:
        removed = len(result.removed)  # running jobs are left alone, in the DB
        text = f"Removed {removed} job{'s' if removed != 1 else ''} from the list."
        if removed < asked:
            text += f" {asked - removed} running job(s) stay: pause or cancel first."
        self.message.emit(text)

    def folder_of(self, row: JobRow) -> Path:
        """Where a job's file is (or will be): its file's folder, else its download folder."""
        if row.output_path:
            return Path(row.output_path).parent
        return self._payload_dir(row) or self._settings.download_dir()

    def _payload_dir(self, row: JobRow) -> Path | None:
        from ytdesk.core.models import Job  # one PK lookup, only on a click
        job = Job.get_or_none(Job.id == row.id)
        chosen = json.loads(job.payload or "{}").get("download_dir") if job else None
        return Path(chosen) if chosen else None

    def open_folder(self) -> None:
        rows = self._selected_rows()
        if not rows:
            return
        folder = self.folder_of(rows[0])
        if not folder.exists():
            self.message.emit(f"The folder {folder} does not exist yet.")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def copy_urls(self) -> None:
        """Copy the addresses of every selected job (rows not loaded yet are read first)."""
        ids = self.selected_ids()
        if ids:
            self._reader.submit(job_rows, ids, done=self._copy_rows)

    def _copy_rows(self, rows: list[JobRow]) -> None:
        rows.sort(key=lambda r: -r.id)  # as the list shows them: newest first
        QGuiApplication.clipboard().setText("\n".join(r.url for r in rows))
        self.message.emit(f"Copied {len(rows)} address{'es' if len(rows) != 1 else ''}.")

    def _report(self, count: int, verb: str) -> None:
        if count:
            self.message.emit(f"{count} job{'s' if count != 1 else ''} {verb}.")

    def _context_menu(self, position) -> None:
        menu = QMenu(self)
        for action in self.actions.values():
            menu.addAction(action)
        menu.exec(self.table.viewport().mapToGlobal(position))

    # -- selection, filters, totals -----------------------------------------------------------
    def _selection_changed(self, *_) -> None:
        ids = self.selected_ids()
        self.details.show_job(ids[0] if len(ids) == 1 else None)
        self._refresh_actions()

    def _maybe_refresh_actions(self, top: QModelIndex, bottom: QModelIndex, *_) -> None:
        if self.table.selectionModel().hasSelection():
            self._refresh_actions()

    def _refresh_actions(self) -> None:
        ids = self.selected_ids()
        rows = [row for row in (self.model.job(i) for i in ids) if row]
        if len(rows) < len(ids):  # some not loaded yet: any action may apply
            for action in self.actions.values():
                action.setEnabled(True)
            return
        statuses = {r.status for r in rows}
        enable = {
            "pause": bool(statuses & set(st.ACTIVE)),
            "resume": st.PAUSED in statuses,
            "cancel": bool(statuses & {*st.ACTIVE, st.PAUSED}),
            "retry": bool(statuses & {st.FAILED, st.CANCELLED}),
            "remove": bool(statuses - {st.RUNNING}),
            "open": bool(statuses),
            "copy": bool(statuses),
        }
        for key, enabled in enable.items():
            self.actions[key].setEnabled(enabled)

    def _apply_filter(self) -> None:
        self.model.set_filter(JobFilter(statuses=tuple(self.status_filter.currentData() or ()),
                                        kind=self.kind_filter.currentData(),
                                        text=self.search.text().strip()))

    def select_job(self, job_id: int) -> bool:
        row = self.model.row_of(job_id)
        if row is None:
            return False
        self.table.selectionModel().select(
            self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _totals_soon(self) -> None:
        if not self._totals_pending:
            self._totals_pending = True
            QTimer.singleShot(300, self.refresh_totals)

    def refresh_totals(self) -> None:
        self._totals_pending = False
        self._reader.submit(queue_totals, done=self._show_totals)

    def _show_totals(self, totals: QueueTotals) -> None:
        rate = totals.success_rate
        self.stats.setText(
            f"Last hour: {totals.finished_last_hour} finished · "
            f"{'—' if rate is None else f'{rate * 100:.0f}%'} succeeded · "
            f"{totals.retries_last_hour} retries")
        self.totalsChanged.emit(totals)

    def column_state(self) -> bytes:
        return bytes(self.table.horizontalHeader().saveState())

    def restore_column_state(self, state: bytes) -> None:
        if state:
            self.table.horizontalHeader().restoreState(state)
