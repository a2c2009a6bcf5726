"""The job list's model: every job the filter shows, newest first, for a QTableView.

It knows all matching ids (ints are cheap even for 100,000 jobs) but loads row data only
for the rows the view asks about, in pages, on the Reader's thread. The manager's signals
keep it current: new jobs are inserted at the top, changed ones reloaded in batches, and
live progress is kept in memory and repainted a few times a second, not per signal.
"""

from __future__ import annotations

import bisect
from collections import deque
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, QTimer, Signal

from ytdesk.core import jobstates as st
from ytdesk.core.jobviews import JobFilter, JobRow, job_ids, job_rows
from ytdesk.jobs.manager import JobManager
from ytdesk.jobs.reader import Reader
from ytdesk.ui import format as fmt

COLUMNS = ("Title", "Kind", "Status", "Progress", "Size", "Speed", "ETA", "Attempts", "Added")
TITLE, KIND, STATUS, PROGRESS, SIZE, SPEED, ETA, ATTEMPTS, ADDED = range(len(COLUMNS))
LIVE_COLUMNS = (PROGRESS, SIZE, SPEED, ETA)
PAGE = 200
REPAINT_MS = 250  # live progress reaches the view 4 times a second, however many jobs run
RELOAD_MS = 150  # status changes are collected this long, then reloaded in one read
APPLY_SLICE = 1_000  # reloaded rows applied per turn of the event loop

JobRole = Qt.ItemDataRole.UserRole + 1  # the JobRow (or None while it loads)
ProgressRole = Qt.ItemDataRole.UserRole + 2  # a fraction 0..1, or -1 when unknown


@dataclass
class Live:
    fraction: float
    downloaded: int
    total: int
    speed: float
    eta: float


class JobTableModel(QAbstractTableModel):
    loaded = Signal()  # the id list for the current filter has arrived

    def __init__(self, manager: JobManager, reader: Reader, parent: QObject | None = None):
        super().__init__(parent)
        self._reader = reader
        self._filter = JobFilter()
        self._ids: list[int] = []  # newest first
        self._shown: set[int] = set()  # the same ids, for membership in O(1)
        self._incoming: deque[JobRow] = deque()  # reloaded rows waiting to be applied
        self._rows: dict[int, JobRow] = {}
        self._live: dict[int, Live] = {}
        self._asked: set[int] = set()  # row data requested, not yet arrived
        self._stale: set[int] = set()  # changed, to reload
        self._dirty: set[int] = set()  # live progress to repaint
        self._generation = 0  # bumps on every refresh: answers for an older filter are dropped
        self._repaint = QTimer(self, interval=REPAINT_MS, timeout=self._flush_live)
        self._reload = QTimer(self, interval=RELOAD_MS, singleShot=True, timeout=self._flush_stale)
        self._fetch = QTimer(self, interval=0, singleShot=True, timeout=self._flush_asked)
        self._apply = QTimer(self, interval=0, singleShot=True, timeout=self._apply_incoming)
        self._wanted: set[int] = set()
        manager.jobAdded.connect(self._on_added)
        manager.jobChanged.connect(self._on_changed)
        manager.jobsChanged.connect(self._on_added)  # a bulk change: reload them together
        manager.jobProgress.connect(self._on_progress)
        manager.jobsRemoved.connect(self._on_removed)
        self._repaint.start()

    # -- what the view asks ----------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMNS)):
            return COLUMNS[section]
        return None

    def flags(self, index: QModelIndex):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._ids)):
            return None
        job_id = self._ids[index.row()]
        row = self._rows.get(job_id)
        if row is None:
            self._want(index.row())
            if role == Qt.ItemDataRole.DisplayRole and index.column() == TITLE:
                return "…"
            return None
        if role == JobRole:
            return row
        if role == ProgressRole:
            return self._fraction(row)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (TITLE, STATUS):
            return row.error if row.status in (st.FAILED, st.WAITING) and row.error else row.url
        if role == Qt.ItemDataRole.DecorationRole and index.column() == STATUS:
            from ytdesk.ui import icons
            return icons.icon(row.status)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (
                SIZE, SPEED, ETA, ATTEMPTS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _fraction(self, row: JobRow) -> float:
        live = self._live.get(row.id)
        if live is not None and row.status == st.RUNNING:
            return live.fraction
        if row.status == st.SUCCEEDED:
            return 1.0
        return row.progress if row.progress is not None else -1.0

    def _display(self, row: JobRow, column: int):
        live = self._live.get(row.id) if row.status == st.RUNNING else None
        if column == TITLE:
            return row.label
        if column == KIND:
            return row.kind
        if column == STATUS:
            return row.status
        if column == PROGRESS:
            fraction = self._fraction(row)
            return f"{fraction * 100:.0f}%" if fraction >= 0 else ""
        if column == SIZE:
            total = live.total if live and live.total > 0 else row.total_bytes
            return fmt.size(total)
        if column == SPEED:
            return fmt.speed(live.speed) if live else ""
        if column == ETA:
            return fmt.duration(live.eta) if live and live.eta >= 0 else ""
        if column == ATTEMPTS:
            return str(row.attempts)
        if column == ADDED:
            return fmt.when(row.created_at)
        return None

    # -- helpers for the panel -------------------------------------------------------------
    def job_id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, job_id: int) -> int | None:
        if job_id not in self._shown:
            return None
        position = self._position(job_id)
        return position if position < len(self._ids) and self._ids[position] == job_id else None

    def _position(self, job_id: int) -> int:
        """Where `job_id` is or would go: ids are kept newest first, i.e. descending, so the
        search runs on negated ids (bisect applies `key` to the list, not to the probe)."""
        return bisect.bisect_left(self._ids, -job_id, key=lambda i: -i)

    def job(self, job_id: int) -> JobRow | None:
        return self._rows.get(job_id)

    def total_speed(self) -> float:
        return sum(live.speed for live in self._live.values() if live.speed > 0)

    @property
    def filter(self) -> JobFilter:
        return self._filter

    # -- loading ---------------------------------------------------------------------------
    def set_filter(self, flt: JobFilter) -> None:
        self._filter = flt
        self.refresh()

    def refresh(self) -> None:
        """Reload the id list for the current filter (off the GUI thread)."""
        self._generation += 1
        generation = self._generation
        self._reader.submit(job_ids, self._filter,
                            done=lambda ids: self._ids_arrived(generation, ids))

    def _ids_arrived(self, generation: int, ids: list[int]) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._ids = ids
        self._shown = set(ids)
        self._rows = {i: r for i, r in self._rows.items() if i in self._shown}
        self._incoming.clear()
        self._asked.clear()
        self._wanted.clear()
        self.endResetModel()
        self.loaded.emit()

    def _want(self, row: int) -> None:
        """Ask for the page around `row` (once): the view is about to show it."""
        start = (row // PAGE) * PAGE
        page = [i for i in self._ids[start:start + PAGE]
                if i not in self._rows and i not in self._asked]
        if page:
            self._wanted.update(page)
            self._asked.update(page)
            self._fetch.start()

    def _flush_asked(self) -> None:
        ids, self._wanted = sorted(self._wanted), set()
        generation = self._generation
        self._reader.submit(job_rows, ids, done=lambda rows: self._rows_arrived(generation, rows))

    def _rows_arrived(self, generation: int, rows: list[JobRow]) -> None:
        for row in rows:
            self._asked.discard(row.id)
        if generation != self._generation:
            return
        changed = []
        for row in rows:
            if self.row_of(row.id) is not None:
                self._rows[row.id] = row
                changed.append(row.id)
        self._emit_rows_changed(changed, 0, len(COLUMNS) - 1)

    def _emit_rows_changed(self, ids, first_column: int, last_column: int) -> None:
        positions = sorted(p for p in (self.row_of(i) for i in ids) if p is not None)
        if not positions:
            return
        # Neighbouring rows share one signal: a page is one repaint, not two hundred.
        start = previous = positions[0]
        for position in positions[1:] + [None]:
            if position is not None and position == previous + 1:
                previous = position
                continue
            self.dataChanged.emit(self.index(start, first_column),
                                  self.index(previous, last_column))
            if position is not None:
                start = previous = position

    # -- the manager's news ----------------------------------------------------------------
    def _on_added(self, ids: list) -> None:
        self._stale.update(ids)
        self._reload.start()

    def _on_changed(self, job_id: int, status: str) -> None:
        self._stale.add(job_id)
        if not self._reload.isActive():
            self._reload.start()

    def _on_progress(self, job_id, fraction, done, total, speed, eta) -> None:
        self._live[job_id] = Live(fraction, done, total, speed, eta)
        self._dirty.add(job_id)

    def _on_removed(self, ids: list) -> None:
        for job_id in sorted(ids):
            position = self.row_of(job_id)
            if position is not None:
                self.beginRemoveRows(QModelIndex(), position, position)
                del self._ids[position]
                self._shown.discard(job_id)
                self.endRemoveRows()
            self._rows.pop(job_id, None)
            self._live.pop(job_id, None)

    def _flush_live(self) -> None:
        dirty, self._dirty = self._dirty, set()
        if dirty:
            self._emit_rows_changed(dirty, PROGRESS, ETA)

    def _flush_stale(self) -> None:
        ids, self._stale = sorted(self._stale), set()
        generation = self._generation
        self._reader.submit(job_rows, ids,
                            done=lambda rows: self._changes_arrived(generation, ids, rows))

    def _changes_arrived(self, generation: int, asked: list[int], rows: list[JobRow]) -> None:
        if generation != self._generation:
            return
        found = {row.id for row in rows}
        self._on_removed([i for i in asked if i not in found])  # deleted meanwhile
        self._incoming.extend(rows)
        self._apply_incoming()

    def _apply_incoming(self) -> None:
        """Apply reloaded rows a slice at a time: 10,000 new jobs at once must not hold
        the event loop for longer than a frame."""
        batch = [self._incoming.popleft() for _ in range(min(APPLY_SLICE, len(self._incoming)))]
        fresh: list[JobRow] = []
        changed: list[int] = []
        for row in batch:
            if row.status != st.RUNNING:
                self._live.pop(row.id, None)
            shown = row.id in self._shown
            if not self._filter.matches(row):
                if shown:
                    self._on_removed([row.id])
                continue
            self._rows[row.id] = row
            if shown:
                changed.append(row.id)
            else:
                fresh.append(row)
        self._emit_rows_changed(changed, 0, len(COLUMNS) - 1)
        self._insert(sorted(fresh, key=lambda r: -r.id))
        if self._incoming:
            self._apply.start()

    def _insert(self, rows: list[JobRow]) -> None:
        """Put new rows where their id belongs (new jobs: the top), one signal per run."""
        if not rows:
            return
        if not self._ids or rows[-1].id > self._ids[0]:  # the usual case: all newer
            self.beginInsertRows(QModelIndex(), 0, len(rows) - 1)
            self._ids[0:0] = [row.id for row in rows]
            self._shown.update(row.id for row in rows)
            self.endInsertRows()
            return
        index = 0
        while index < len(rows):
            position = self._position(rows[index].id)
            run = [rows[index].id]
            index += 1
            while index < len(rows) and (position >= len(self._ids)
                                         or rows[index].id > self._ids[position]):
                run.append(rows[index].id)
                index += 1
            self.beginInsertRows(QModelIndex(), position, position + len(run) - 1)
            self._ids[position:position] = run
            self._shown.update(run)
            self.endInsertRows()
