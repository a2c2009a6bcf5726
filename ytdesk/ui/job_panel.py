"""The job panel: every job, live, with filters, sorting, actions and a details pane."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, QUrl,
                            Signal)
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence, QShortcut
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
from ytdesk.ui import format as fmt
from ytdesk.ui import icons

from .actions import make_action, with_shortcut
from .job_details import JobDetails
from .job_header import JobHeader
from .models.job_table import (ADDED, ATTEMPTS, COLUMNS, ETA, KIND, PROGRESS, SIZE, SPEED, STATUS,
                               TITLE, JobTableModel)
from .notice import Notice
from .progress_delegate import ProgressDelegate

STATUS_FILTERS = [
    ("All jobs", ()),
    ("Active", (st.QUEUED, st.RUNNING, st.WAITING)),
    ("Running", (st.RUNNING,)), ("Queued", (st.QUEUED,)), ("Waiting to retry", (st.WAITING,)),
    ("Paused", (st.PAUSED,)), ("Succeeded", (st.SUCCEEDED,)), ("Failed", (st.FAILED,)),
    ("Cancelled", (st.CANCELLED,)),
]
KIND_FILTERS = [("All kinds", None), ("Downloads", "download"), ("Metadata", "metadata"),
                ("Imports", "import")]
ACTIONS_EVERY_MS = 50
TOTALS_EVERY_MS = 2_000
SEARCH_DEBOUNCE_MS = 250
# Shown unless the user asks for them: one kind of job is the rule, and attempts matter
# only when something goes wrong (the details pane has both).
HIDDEN_AT_FIRST = (KIND, ATTEMPTS)
# Saved column layouts carry this mark: a layout saved before it (all columns 100 px wide)
# is not restored.
COLUMNS_STATE_MARK = b"ytdesk-columns-2:"
EMPTY_HINT = ("Paste or drop a link to start.\n\nCtrl+V anywhere in the window, or type an "
              "address in the bar above and press Enter.")


def last_hour_text(totals: QueueTotals) -> str:
    """What happened in the last hour, each outcome counted apart: a failed job is not a
    finished one."""
    parts = [fmt.plural(totals.succeeded_last_hour, "succeeded", "succeeded")]
    if totals.failed_last_hour:
        parts.append(fmt.plural(totals.failed_last_hour, "failed", "failed"))
    if totals.cancelled_last_hour:
        parts.append(fmt.plural(totals.cancelled_last_hour, "cancelled", "cancelled"))
    if totals.retries_last_hour:
        parts.append(fmt.plural(totals.retries_last_hour, "retry", "retries"))
    if len(parts) == 1 and not totals.succeeded_last_hour:
        return "Last hour: nothing finished."
    return "Last hour: " + " · ".join(parts)


class JobPanel(QWidget):
    totalsChanged = Signal(object)  # QueueTotals, for the status bar
    message = Signal(str)  # a sentence for the status bar
    playRequested = Signal(str)  # a finished download's file, double-clicked (or Enter)
    # The panel's actions by name. It hides QWidget.actions(), which nothing here calls.
    actions: dict[str, QAction]  # type: ignore[assignment]

    def __init__(self, manager: JobManager, reader: Reader, paths: Paths, settings: Settings,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.manager = manager
        self._reader = reader
        self._settings = settings
        # Where "Open folder" goes (a test or another platform may hand it elsewhere).
        self.open_url = QDesktopServices.openUrl
        self.model = JobTableModel(manager, reader, self)

        self.stats = QLabel(objectName="jobStats")  # type: ignore[call-overload]  # Qt property/signal keywords
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName("Show jobs with status")
        for label, statuses in STATUS_FILTERS:
            self.status_filter.addItem(label, statuses)
        self.kind_filter = QComboBox()
        self.kind_filter.setAccessibleName("Show jobs of kind")
        for label, kind in KIND_FILTERS:
            self.kind_filter.addItem(label, kind)
        find = QKeySequence(QKeySequence.StandardKey.Find)
        self.search = QLineEdit(placeholderText="Search jobs by title or address",
                                clearButtonEnabled=True)
        self.search.setAccessibleName("Search jobs")
        self.search.setToolTip(with_shortcut("Search jobs by title or address", find))
        QShortcut(find, self, activated=self.focus_search)  # type: ignore[call-overload]  # Qt property/signal keywords
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS,  # type: ignore[call-arg]  # Qt property/signal keywords
                                    timeout=self._apply_filter)
        self.search.textChanged.connect(self._search_timer.start)
        self.status_filter.currentIndexChanged.connect(self._apply_filter)
        self.kind_filter.currentIndexChanged.connect(self._apply_filter)

        self.table = QTableView()
        self.table.setAccessibleName("Jobs")
        self.header = JobHeader(TITLE, self.table)
        self.table.setHorizontalHeader(self.header)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setItemDelegateForColumn(PROGRESS, ProgressDelegate(self.table))
        self.table.setTabKeyNavigation(False)  # Tab leaves the list, arrows move in it
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.header.setSectionsMovable(True)
        self.header.setMinimumSectionSize(36)
        self.header.resetRequested.connect(self.reset_columns)
        self.reset_columns()
        self.header.setSortIndicator(ADDED, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)  # the model sorts, in SQL, off the GUI thread
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.activated.connect(self._row_activated)
        # What the actions may do depends on the selected jobs' statuses: looked at once per
        # turn of the event loop, however many rows change (10,000 reloaded after a retry).
        self._actions_timer = QTimer(self, singleShot=True, interval=ACTIONS_EVERY_MS,  # type: ignore[call-arg]  # Qt property/signal keywords
                                     timeout=self._refresh_actions)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.dataChanged.connect(self._maybe_refresh_actions)
        self.model.modelReset.connect(self._selection_changed)
        self.model.layoutChanged.connect(self._selection_changed)

        self.empty_hint = QLabel(self.table.viewport(), alignment=Qt.AlignmentFlag.AlignCenter,  # type: ignore[call-overload]  # Qt property/signal keywords
                                 wordWrap=True, objectName="emptyHint")
        self.empty_hint.setStyleSheet("color: palette(placeholder-text); font-size: 14px;")
        self.empty_hint.hide()
        self.table.viewport().installEventFilter(self)
        for changed in (self.model.loaded, self.model.rowsInserted, self.model.rowsRemoved):
            changed.connect(self._update_empty_hint)

        self.notice = Notice()
        self.details = JobDetails(manager, reader, paths, settings)
        self.actions = self._make_actions()
        toolbar = QToolBar("Job actions")
        toolbar.setAccessibleName("Job actions")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar = toolbar
        # Tab walks the panel top to bottom: filters, search, actions, the list, its details.
        # (Toolbar buttons take no focus by default; these are reachable with Tab too.)
        chain: list[QWidget] = [self.status_filter, self.kind_filter, self.search]
        for action in self.actions.values():
            toolbar.addAction(action)
            button = toolbar.widgetForAction(action)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            chain.append(button)
        chain += [self.header, self.table, self.details]

        filters = QHBoxLayout()
        filters.addWidget(self.status_filter)
        filters.addWidget(self.kind_filter)
        filters.addWidget(self.search, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([600, 360])
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.addWidget(self.stats)
        layout.addLayout(filters)
        layout.addWidget(toolbar)
        layout.addWidget(self.notice)
        layout.addWidget(splitter, 1)
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)

        self._totals_timer = QTimer(self, interval=TOTALS_EVERY_MS, timeout=self.refresh_totals)  # type: ignore[call-arg]  # Qt property/signal keywords
        self._totals_timer.start()
        # Bound methods, never lambdas that hold `self`: a lambda kept alive by a signal
        # keeps this widget alive with it, and frees it from inside another's destructor.
        manager.jobFinished.connect(self._totals_soon)
        manager.jobAdded.connect(self._totals_soon)
        self._totals_pending = False
        self.model.refresh()
        self.refresh_totals()
        self._selection_changed()

    # -- actions ------------------------------------------------------------------------------
    def _make_actions(self) -> dict[str, QAction]:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        space = "Space pauses or resumes"
        specs = [
            ("pause", "Pause", "pause", None, f"Pause the selected jobs ({space})",
             self.pause_selected),
            ("resume", "Resume", "resume", None, f"Resume the selected jobs ({space})",
             self.resume_selected),
            ("cancel", "Cancel", "cancel", None,
             "Stop the selected jobs; a partial download stays, so Retry resumes it",
             self.cancel_selected),
            ("retry", "Retry", "retry", QKeySequence("Ctrl+R"),
             "Queue the selected failed or cancelled jobs again", self.retry_selected),
            ("remove", "Remove from list", "remove",
             QKeySequence(QKeySequence.StandardKey.Delete),
             "Take the selected jobs off the list (downloaded files stay)", self.remove_selected),
            ("open", "Open folder", "open-folder", QKeySequence("Ctrl+O"),
             "Open the folder of the selected job", self.open_folder),
            ("copy", "Copy URL", "copy", QKeySequence(QKeySequence.StandardKey.Copy),
             "Copy the addresses of the selected jobs", self.copy_urls),
        ]
        made = {}
        self._icon_names: list[tuple[QAction, str]] = []
        for key, text, icon_name, shortcut, tip, handler in specs:
            action = make_action(self, text, handler, icon=icon_name, shortcut=shortcut,
                                 tip=tip, context=context)
            self._icon_names.append((action, icon_name))
            made[key] = action
        # The list's own key only: Space in its header sorts, on a button it presses.
        self.toggle_action = make_action(self, "Pause or resume", self.toggle_pause,
                                         shortcut=QKeySequence(Qt.Key.Key_Space),
                                         context=Qt.ShortcutContext.WidgetShortcut)
        self.table.addAction(self.toggle_action)
        for action in made.values():
            self.table.addAction(action)
        return made

    def refresh_icons(self) -> None:
        """Redraw the action icons in the palette's colours (light/dark switch)."""
        for action, name in self._icon_names:
            action.setIcon(icons.icon(name))
        self.table.viewport().update()  # status icons are drawn per paint

    def selected_ids(self) -> list[int]:
        """The selected jobs, in list order, read from the selection's row ranges (one
        range for select-all): never an index object per selected row."""
        spans = sorted((r.top(), r.bottom()) for r in self.table.selectionModel().selection())  # type: ignore[attr-defined]  # a list of ranges
        ids: list[int] = []
        end = -1
        for top, bottom in spans:
            top = max(top, end + 1)  # ranges of one row overlap when columns differ
            if top <= bottom:
                ids.extend(self.model.ids_between(top, bottom))
                end = bottom
        return ids

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
        """Where a job's file is (or will be)."""
        return row.folder(self._settings.download_dir())

    def _row_activated(self, index) -> None:
        job_id = self.model.job_id_at(index.row())
        row = self.model.job(job_id) if job_id is not None else None
        if row is not None and row.status == st.SUCCEEDED and row.output_path:
            self.playRequested.emit(row.output_path)

    def open_folder(self) -> None:
        rows = self._selected_rows()
        if not rows:
            return
        folder = self.folder_of(rows[0])
        if not folder.is_dir():
            self._cannot_open(folder, "it does not exist yet (nothing was saved there)")
        elif not self.open_url(QUrl.fromLocalFile(str(folder))):
            self._cannot_open(folder, "no file manager could be started to show it")

    def _cannot_open(self, folder: Path, why: str) -> None:
        self.notice.show_text(f"Could not open the folder {folder}: {why}.", str(folder))
        self.message.emit(f"Could not open the folder {folder}.")

    def copy_urls(self) -> None:
        """Copy the addresses of every selected job (rows not loaded yet are read first)."""
        ids = self.selected_ids()
        if ids:
            self._reader.submit(job_rows, ids, done=self._copy_rows)

    def _copy_rows(self, rows: list[JobRow]) -> None:
        rows.sort(key=lambda r: -r.id)  # newest first, as the list shows them by default
        QGuiApplication.clipboard().setText("\n".join(r.clean_url for r in rows))
        self.message.emit(f"Copied {len(rows)} address{'es' if len(rows) != 1 else ''}.")

    def _report(self, count: int, verb: str) -> None:
        if count:
            self.message.emit(f"{count} job{'s' if count != 1 else ''} {verb}.")

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        for action in self.actions.values():
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.toggle_action)
        return menu

    def _context_menu(self, position) -> None:
        self.context_menu().exec(self.table.viewport().mapToGlobal(position))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # -- columns -------------------------------------------------------------------------------
    def reset_columns(self) -> None:
        """Widths that fit their contents, so at 760 px the list still shows every column
        it shows by default; the title takes what is left."""
        header = self.header
        metrics = self.table.fontMetrics()
        pad = 20

        def fits(*texts: str) -> int:
            return max(metrics.horizontalAdvance(t) for t in texts) + pad

        widths = {
            KIND: fits("metadata", "Kind"),
            STATUS: fits("succeeded") + 20,  # + the status icon
            PROGRESS: fits("100%") + 64,  # + the bar
            SIZE: fits("999.9 MB"), SPEED: fits("999.9 KB/s"), ETA: fits("0:00:00"),
            ATTEMPTS: fits("Attempts"), ADDED: fits("28 Nov 23:59"),
        }
        for visual, logical in enumerate(range(len(COLUMNS))):
            header.moveSection(header.visualIndex(logical), visual)
            header.setSectionHidden(logical, logical in HIDDEN_AT_FIRST)
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumWidth(0)

    def column_state(self) -> bytes:
        return COLUMNS_STATE_MARK + bytes(self.header.saveState())  # type: ignore[call-overload]  # a QByteArray is a buffer

    def restore_column_state(self, state: bytes) -> None:
        if state.startswith(COLUMNS_STATE_MARK):
            if not self.header.restoreState(state[len(COLUMNS_STATE_MARK):]):
                self.reset_columns()
            self.header.setSectionHidden(TITLE, False)

    # -- selection, filters, totals -----------------------------------------------------------
    def _selection_changed(self, *_) -> None:
        ids = self.selected_ids()
        self.details.show_job(ids[0] if len(ids) == 1 else None)
        self._refresh_actions()

    def _maybe_refresh_actions(self, top: QModelIndex, bottom: QModelIndex, *_) -> None:
        live_only = top.column() >= PROGRESS and bottom.column() <= ETA  # no status changed
        if (not live_only and self.table.selectionModel().hasSelection()
                and not self._actions_timer.isActive()):
            self._actions_timer.start()

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

    def _update_empty_hint(self, *_) -> None:
        self.details.set_hint_shown(self.model.rowCount() > 0)
        if not self.model.is_loaded or self.model.rowCount():
            self.empty_hint.hide()
            return
        flt = self.model.filter
        if not flt.narrows:
            self.empty_hint.setText(EMPTY_HINT)
        else:
            what = f"No jobs match “{flt.text}”" if flt.text else "No jobs"
            if flt.statuses:
                what += f" among “{self.status_filter.currentText()}”"
            if flt.kind:
                what += f" of kind “{self.kind_filter.currentText()}”"
            self.empty_hint.setText(f"{what}.\n\nClear the search or choose “All jobs” to "
                                    "see every job.")
        self.empty_hint.setGeometry(self.table.viewport().rect())
        self.empty_hint.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self.empty_hint.setGeometry(self.table.viewport().rect())
        return super().eventFilter(watched, event)

    def select_job(self, job_id: int) -> bool:
        row = self.model.row_of(job_id)
        if row is None:
            return False
        self.table.selectionModel().select(
            self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _totals_soon(self, *_) -> None:
        if not self._totals_pending:
            self._totals_pending = True
            QTimer.singleShot(300, self.refresh_totals)

    def refresh_totals(self) -> None:
        self._totals_pending = False
        self._reader.submit(queue_totals, done=self._show_totals)

    def _show_totals(self, totals: QueueTotals) -> None:
        self.stats.setText(last_hour_text(totals))
        self.totalsChanged.emit(totals)
