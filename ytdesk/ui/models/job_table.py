"""The job list's model: every job the filter shows, in the order asked, for a QTableView.

It knows all matching ids (ints are cheap even for 100,000 jobs) but loads row data only
for the rows the view asks about, in pages, through a reader that runs queries off the
GUI thread. Sorting happens in SQL (`jobviews.job_ids`), never over rows here. News comes
from any object with the job manager's four signals (jobAdded, jobChanged, jobProgress,
jobsRemoved): new jobs are inserted where they belong, changed ones reloaded in batches,
and live progress is kept in memory and repainted a few times a second, not per signal.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt,
                            QTimer, Signal, SignalInstance)

from ytdesk.core import jobstates as st
from ytdesk.core.jobviews import JobFilter, JobOrder, JobRow, job_ids, job_rows
from ytdesk.ui import format as fmt
from ytdesk.ui import icons

COLUMNS = ("Title", "Kind", "Status", "Progress", "Size", "Speed", "ETA", "Attempts", "Added")
TITLE, KIND, STATUS, PROGRESS, SIZE, SPEED, ETA, ATTEMPTS, ADDED = range(len(COLUMNS))
SORT_KEYS = {TITLE: "title", KIND: "kind", STATUS: "status", PROGRESS: "progress",
             SIZE: "size", SPEED: "speed", ETA: "eta", ATTEMPTS: "attempts", ADDED: "added"}
# A first click on these sorts biggest/newest first; on the others, A to Z.
DESCENDING_FIRST = {PROGRESS, SIZE, SPEED, ATTEMPTS, ADDED}
STATUS_WORDS = {st.WAITING: "will retry"}  # the others read well as they are
PAGE = 200
REPAINT_MS = 250  # live progress reaches the view 4 times a second, however many jobs run
RELOAD_MS = 150  # status changes are collected this long, then reloaded in one read
RESORT_MS = 1_000  # sorted by something that changes: re-sort at most once a second
APPLY_SLICE = 1_000  # reloaded rows applied per turn of the event loop
DOWNLOADING = ("", "downloading")  # phases that are the download itself, not after it

JobRole = Qt.ItemDataRole.UserRole + 1  # the JobRow (or None while it loads)
ProgressRole = Qt.ItemDataRole.UserRole + 2  # a fraction 0..1, or -1 when unknown
PhaseRole = Qt.ItemDataRole.UserRole + 3  # what runs after the download ("merging"), or ""


class JobSource(Protocol):
    """Where news about jobs comes from: the JobManager, or anything with its signals."""

    jobAdded: SignalInstance  # (ids)
    jobChanged: SignalInstance  # (id, status)
    jobsChanged: SignalInstance  # (ids) changed together
    jobProgress: SignalInstance  # (id, fraction, bytes, total, speed, eta[, phase])
    jobsRemoved: SignalInstance  # (ids)


class RowReader(Protocol):
    """Runs a read off the GUI thread and calls `done` with its result on the GUI thread."""

    def submit(self, function: Callable[..., Any], *args: Any,
               done: Callable[[Any], None]) -> object: ...


@dataclass
class Live:
    fraction: float
    downloaded: int
    total: int
    speed: float
    eta: float
    phase: str = ""

    @property
    def moving(self) -> bool:
        """Bytes are flowing: only then do a speed and a time left mean anything."""
        return (self.phase in DOWNLOADING and self.downloaded > 0 and self.fraction != 0
                and self.fraction < 1)


class JobTableModel(QAbstractTableModel):
    loaded = Signal()  # the id list for the current filter has arrived

    def __init__(self, source: JobSource, reader: RowReader, parent: QObject | None = None):
        super().__init__(parent)
        self._reader = reader
        self._filter = JobFilter()
        self._order = JobOrder()  # the order asked for
        self._ids_order = JobOrder()  # the order `_ids` is in now (a re-sort may be on its way)
        self._ids: list[int] = []
        self._shown: set[int] = set()  # the same ids, for membership in O(1)
        self._positions: dict[int, int] | None = None  # id -> row, for orders other than id
        self._incoming: deque[JobRow] = deque()  # reloaded rows waiting to be applied
        self._rows: dict[int, JobRow] = {}
        self._live: dict[int, Live] = {}
        self._asked: set[int] = set()  # row data requested, not yet arrived
        self._stale: set[int] = set()  # changed, to reload
        self._dirty: set[int] = set()  # live progress to repaint
        self._generation = 0  # bumps on every refresh: answers for an older filter are dropped
        self._sort_ticket = 0  # bumps on every re-sort: only the newest answer is applied
        self._loaded_once = False
        self._repaint = QTimer(self, interval=REPAINT_MS, timeout=self._flush_live)  # type: ignore[call-arg]  # Qt property/signal keywords
        self._reload = QTimer(self, interval=RELOAD_MS, singleShot=True, timeout=self._flush_stale)  # type: ignore[call-arg]  # Qt property/signal keywords
        self._fetch = QTimer(self, interval=0, singleShot=True, timeout=self._flush_asked)  # type: ignore[call-arg]  # Qt property/signal keywords
        self._apply = QTimer(self, interval=0, singleShot=True, timeout=self._apply_incoming)  # type: ignore[call-arg]  # Qt property/signal keywords
        self._resort = QTimer(self, interval=RESORT_MS, singleShot=True, timeout=self.resort)  # type: ignore[call-arg]  # Qt property/signal keywords
        self._wanted: set[int] = set()
        source.jobAdded.connect(self.on_added)
        source.jobChanged.connect(self.on_changed)
        source.jobsChanged.connect(self.on_added)  # a bulk change: reload them together
        source.jobProgress.connect(self.on_progress)
        source.jobsRemoved.connect(self.on_removed)
        self._repaint.start()

    # -- what the view asks ----------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            return (Qt.SortOrder.DescendingOrder if section in DESCENDING_FIRST
                    else Qt.SortOrder.AscendingOrder)
        return None

    # No flags() here: QAbstractTableModel's own (enabled, selectable, no children) is what
    # the list needs, and Qt asks it for every cell of a selection (10,000 rows selected:
    # 90,000 calls per header paint, 0.7 s in Python; none in C++).

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._ids)):
            return None
        job_id = self._ids[index.row()]
        row = self._rows.get(job_id)
        if row is None:
            self._want(index.row())
            if role == Qt.ItemDataRole.DisplayRole and index.column() == TITLE:
                return "…"
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == JobRole:
            return row
        if role == ProgressRole:
            return self._fraction(row)
        if role == PhaseRole:
            return self._phase(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == STATUS:
            return icons.status_icon(row.status)  # empty for a status from a newer ytdesk
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (SIZE, SPEED, ETA, ATTEMPTS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _live_of(self, row: JobRow) -> Live | None:
        return self._live.get(row.id) if row.status == st.RUNNING else None

    def _fraction(self, row: JobRow) -> float:
        live = self._live_of(row)
        if live is not None:
            return live.fraction
        if row.status == st.SUCCEEDED:
            return 1.0
        return row.progress if row.progress is not None else -1.0

    def _phase(self, row: JobRow) -> str:
        live = self._live_of(row)
        return live.phase if live is not None and live.phase not in DOWNLOADING else ""

    def _display(self, row: JobRow, column: int):
        live = self._live_of(row)
        moving = live if live is not None and live.moving else None
        if column == TITLE:
            return row.label
        if column == KIND:
            return row.kind
        if column == STATUS:
            return STATUS_WORDS.get(row.status, row.status)
        if column == PROGRESS:
            phase = self._phase(row)
            if phase:
                return f"{phase.capitalize()}…"
            fraction = self._fraction(row)
            return f"{fraction * 100:.0f}%" if fraction >= 0 else ""
        if column == SIZE:
            total = live.total if live and live.total > 0 else row.total_bytes
            return fmt.size(total)
        if column == SPEED:
            return fmt.speed(moving.speed) if moving else ""
        if column == ETA:
            return fmt.eta(moving.eta) if moving else ""
        if column == ATTEMPTS:
            return str(row.attempts)
        if column == ADDED:
            return fmt.added(row.created_at)
        return None

    def _tooltip(self, row: JobRow, column: int) -> str | None:
        if column == TITLE:
            return row.clean_url if not row.title else f"{row.title}\n{row.clean_url}"
        if column == STATUS:
            return row.error if row.status in (st.FAILED, st.WAITING) and row.error else None
        if column == ADDED:
            return fmt.when(row.created_at)
        return None

    # -- helpers for the panel -------------------------------------------------------------
    def ids_between(self, first: int, last: int) -> list[int]:
        """The ids of rows first..last (inclusive), as shown."""
        return self._ids[max(0, first):last + 1]

    def job_id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, job_id: int) -> int | None:
        if job_id not in self._shown:
            return None
        if not self._ids_order.by_id:
            if self._positions is None:
                self._positions = {j: n for n, j in enumerate(self._ids)}
            return self._positions.get(job_id)
        position = self._position(job_id)
        return position if position < len(self._ids) and self._ids[position] == job_id else None

    def _position(self, job_id: int) -> int:
        """Where `job_id` is or would go in a list in id order. Newest first is descending,
        so that search runs on negated ids (bisect applies `key` to the list, not the probe)."""
        if self._ids_order.descending:
            return bisect.bisect_left(self._ids, -job_id, key=lambda i: -i)
        return bisect.bisect_left(self._ids, job_id)

    def job(self, job_id: int) -> JobRow | None:
        return self._rows.get(job_id)

    def total_speed(self) -> float:
        return sum(live.speed for live in self._live.values() if live.moving and live.speed > 0)

    @property
    def filter(self) -> JobFilter:
        return self._filter

    @property
    def order(self) -> JobOrder:
        return self._order

    @property
    def is_loaded(self) -> bool:
        """The list for the first filter has arrived (before that, empty means "not yet")."""
        return self._loaded_once

    # -- loading ---------------------------------------------------------------------------
    def set_filter(self, flt: JobFilter) -> None:
        self._filter = flt
        self.refresh()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(column)
        if key is None:
            return
        wanted = JobOrder(key, order == Qt.SortOrder.DescendingOrder)
        if wanted != self._order:
            self._order = wanted
            self.resort()

    def refresh(self) -> None:
        """Reload the id list for the current filter (off the GUI thread)."""
        self._generation += 1
        self._sort_ticket += 1
        generation, order = self._generation, self._order
        self._reader.submit(job_ids, self._filter, order,
                            done=lambda ids: self._ids_arrived(generation, order, ids))

    def resort(self) -> None:
        """Put the same jobs in the order asked (off the GUI thread); the selection stays."""
        self._resort.stop()
        self._sort_ticket += 1
        generation, ticket, order = self._generation, self._sort_ticket, self._order
        self._reader.submit(job_ids, self._filter, order,
                            done=lambda ids: self._sorted_arrived(generation, ticket, order, ids))

    def _ids_arrived(self, generation: int, order: JobOrder, ids: list[int]) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._ids = ids
        self._ids_order = order
        self._positions = None
        self._shown = set(ids)
        self._rows = {i: r for i, r in self._rows.items() if i in self._shown}
        self._incoming.clear()
        self._asked.clear()
        self._wanted.clear()
        self.endResetModel()
        self._loaded_once = True
        self.loaded.emit()

    def _sorted_arrived(self, generation: int, ticket: int, order: JobOrder,
                        ids: list[int]) -> None:
        if generation != self._generation or ticket != self._sort_ticket:
            return
        wanted = set(ids)
        self._remove_ids([i for i in self._ids if i not in wanted])  # gone meanwhile
        fresh = [i for i in ids if i not in self._shown]
        if fresh:  # come meanwhile: appended, then moved with the rest
            self.beginInsertRows(QModelIndex(), len(self._ids), len(self._ids) + len(fresh) - 1)
            self._ids.extend(fresh)
            self._shown.update(fresh)
            self._positions = None
            self.endInsertRows()
        if ids != self._ids:
            self.layoutAboutToBeChanged.emit()
            positions = {job_id: n for n, job_id in enumerate(ids)}
            before = self.persistentIndexList()  # e.g. the selection: it follows its jobs
            after = [self.index(positions[self._ids[i.row()]], i.column()) for i in before]
            self.changePersistentIndexList(before, after)
            self._ids = ids
            self._positions = positions
            self.layoutChanged.emit()
        self._ids_order = order

    def _want(self, row: int) -> None:
        """Ask for the page around `row` (once): the view is about to show it."""
        if self._ids[row] in self._asked:
            return  # on its way: every cell and role of a loading row asks, on every paint
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
            if row.id in self._shown:
                self._rows[row.id] = row
                changed.append(row.id)
        self._emit_rows_changed(changed, 0, len(COLUMNS) - 1)

    def _emit_rows_changed(self, ids, first_column: int, last_column: int) -> None:
        positions = sorted(p for p in (self.row_of(i) for i in ids) if p is not None)
        for start, end in _runs(positions):
            # Neighbouring rows share one signal: a page is one repaint, not two hundred.
            self.dataChanged.emit(self.index(start, first_column), self.index(end, last_column))

    # -- news from the job source (slots: the panel or a test may call them too) ------------
    def on_added(self, ids: list) -> None:
        self._stale.update(ids)
        self._reload.start()

    def on_changed(self, job_id: int, status: str) -> None:
        self._stale.add(job_id)
        if not self._reload.isActive():
            self._reload.start()

    def on_progress(self, job_id: int, fraction: float, done: int, total: int, speed: float,
                    eta: float, phase: str | None = "") -> None:
        """Live progress; `phase` names what runs after the download ("merging"), where the
        source says so (older sources send six values)."""
        self._live[job_id] = Live(fraction, done, total, speed, eta, phase or "")
        self._dirty.add(job_id)

    def on_removed(self, ids: list) -> None:
        self._remove_ids(ids)
        for job_id in ids:
            self._rows.pop(job_id, None)
            self._live.pop(job_id, None)

    def _remove_ids(self, ids) -> None:
        positions = sorted((p for p in (self.row_of(i) for i in ids) if p is not None),
                           reverse=True)
        for end, start in _runs(positions, step=-1):
            self.beginRemoveRows(QModelIndex(), start, end)
            gone = self._ids[start:end + 1]
            del self._ids[start:end + 1]
            self._shown.difference_update(gone)
            self._positions = None
            self.endRemoveRows()

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
        self.on_removed([i for i in asked if i not in found])  # deleted meanwhile
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
                    self.on_removed([row.id])
                continue
            self._rows[row.id] = row
            if shown:
                changed.append(row.id)
            else:
                fresh.append(row)
        self._emit_rows_changed(changed, 0, len(COLUMNS) - 1)
        self._insert(sorted(fresh, key=lambda r: -r.id))
        if not self._ids_order.by_id and (fresh or changed):
            self._resort.start()  # a status or title that changed may move its row
        if self._incoming:
            self._apply.start()

    def _insert(self, rows: list[JobRow]) -> None:
        """Put new rows (newest first) where they belong, one signal per run of neighbours.
        In an order only the DB knows (title, status...), they go to the top until the
        re-sort that follows puts them in place."""
        if not rows:
            return
        ids = [row.id for row in rows]
        if not self._ids_order.descending:
            ids.reverse()
        index = 0
        while index < len(ids):
            position = self._position(ids[index]) if self._ids_order.by_id else 0
            run = [ids[index]]
            index += 1
            while index < len(ids) and (not self._ids_order.by_id or position >= len(self._ids)
                                        or self._before(ids[index], self._ids[position])):
                run.append(ids[index])
                index += 1
            self.beginInsertRows(QModelIndex(), position, position + len(run) - 1)
            self._ids[position:position] = run
            self._shown.update(run)
            self._positions = None
            self.endInsertRows()

    def _before(self, a: int, b: int) -> bool:
        """`a` is listed before `b` in id order."""
        return a > b if self._ids_order.descending else a < b


def _runs(positions: list[int], step: int = 1):
    """(first, last) of each run of consecutive positions, in the order given."""
    if not positions:
        return
    start = previous = positions[0]
    for position in positions[1:]:
        if position == previous + step:
            previous = position
            continue
        yield start, previous
        start = previous = position
    yield start, previous
