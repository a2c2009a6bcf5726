"""The play queue as a Qt list model, for the queue view and the player.

Public API (`QueueModel(QAbstractListModel)`; `QueueItem` and `RepeatMode` are
ytdesk.core.play_queue's):

- Reading: `current()`, `current_row()`, `item(row)`, `items()`, `has_next()`,
  `has_previous()`, `restarts_instead(position_ms)` (whether "previous" should restart the
  current item: the player's call, this gives it the answer).
- Moving: `next()`, `previous()`, `after_end()` (when the current item played to its end:
  repeat one, autoplay, repeat all decide), `jump_to(row)`. Each returns the item to play
  (None: nothing), which the player then plays; `currentChanged(row)` tells displays.
- Changing: `replace(items, start_at)` (a list double-clicked: that one plays, the rest
  follows; returns it), `play_next(items)`, `add(items)`, `remove_rows(rows)`, `clear()`,
  `moveRows(...)` (drag and drop, Alt+Up/Down).
- Modes: `shuffle` / `set_shuffle(on)`, `repeat` / `set_repeat(mode)`, `autoplay` /
  `set_autoplay(on)`, with `shuffleChanged(bool)`, `repeatChanged(str)`, `autoplayChanged(bool)`.
- Roles: DisplayRole the title, ToolTipRole title/channel/length/file, `ItemRole` the
  QueueItem, `IsCurrentRole`, `DurationRole` (seconds or None); the current row is bold.
- Drag and drop: `mimeData(dragged)` carries the rows' keys as MIME_TYPE, `dropMimeData`
  moves them (within this queue), and moveRows moves rows for QListView's internal move.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import (QAbstractListModel, QByteArray, QMimeData, QModelIndex,
                            QPersistentModelIndex, Qt, Signal)
from PySide6.QtGui import QFont

from ytdesk.core import play_queue
from ytdesk.core.play_queue import PlayQueue, QueueItem, RepeatMode
from ytdesk.ui import format as fmt

MIME_TYPE = "application/x-ytdesk-queue-keys"
ItemRole = Qt.ItemDataRole.UserRole + 1
IsCurrentRole = Qt.ItemDataRole.UserRole + 2
DurationRole = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex


class QueueModel(QAbstractListModel):
    currentChanged = Signal(int)  # the current row, -1 for none
    shuffleChanged = Signal(bool)
    repeatChanged = Signal(str)
    autoplayChanged = Signal(bool)

    def __init__(self, parent=None, queue: PlayQueue | None = None) -> None:
        super().__init__(parent)
        self._queue = queue or PlayQueue()

    # ---- Qt model ------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._queue)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.checkIndex(index, QAbstractListModel.CheckIndexOption.IndexIsValid):
            return None
        item = self._queue.items[index.row()]
        is_current = index.row() == self._queue.current_row
        if role == Qt.ItemDataRole.DisplayRole:
            return item.title
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [item.title, item.channel, fmt.duration(item.duration), item.path or ""]
            return "\n".join(line for line in lines if line)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"Now playing: {item.title}" if is_current else item.title
        if role == Qt.ItemDataRole.FontRole and is_current:
            font = QFont()
            font.setBold(True)
            return font
        if role == ItemRole:
            return item
        if role == IsCurrentRole:
            return is_current
        if role == DurationRole:
            return item.duration
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled  # drops go between rows, never onto one
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemNeverHasChildren)

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, dragged: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({index.row() for index in dragged if index.isValid()})
        keys = [self._queue.items[row].key for row in rows]
        data = QMimeData()
        data.setData(MIME_TYPE, QByteArray(json.dumps(keys).encode()))
        return data

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: Index) -> bool:
        return action == Qt.DropAction.MoveAction and data.hasFormat(MIME_TYPE) \
            and not parent.isValid()

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: Index) -> bool:
        """Moves the dragged rows (keys in the data) to before `row` (-1: the end), keeping
        their order. Keys that are no longer queued are left out."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        try:
            keys = json.loads(bytes(data.data(MIME_TYPE).data()).decode())
        except ValueError:
            return False
        destination = len(self._queue) if row < 0 else min(row, len(self._queue))
        moved = False
        for key in keys if isinstance(keys, list) else []:
            source = self._queue.row_of(key) if isinstance(key, int) else None
            if source is None:
                continue
            if source != destination and source + 1 != destination:
                moved = self.moveRows(QModelIndex(), source, 1, QModelIndex(), destination) \
                    or moved
            # The next dragged row goes right after this one, wherever it now is.
            destination = (self._queue.row_of(key) or 0) + 1
        return moved

    def moveRows(self, sourceParent: Index, sourceRow: int, count: int,
                 destinationParent: Index, destinationChild: int) -> bool:
        if sourceParent.isValid() or destinationParent.isValid():
            return False
        last = sourceRow + count - 1
        if count <= 0 or sourceRow < 0 or last >= len(self._queue) or \
                not 0 <= destinationChild <= len(self._queue) or \
                sourceRow <= destinationChild <= last + 1:
            return False
        if not self.beginMoveRows(QModelIndex(), sourceRow, last, QModelIndex(),
                                  destinationChild):
            return False
        self._queue.move(sourceRow, count, destinationChild)
        self.endMoveRows()
        self._emit_current()
        return True

    # ---- reading -------------------------------------------------------------------

    def current(self) -> QueueItem | None:
        return self._queue.current()

    def current_row(self) -> int:
        row = self._queue.current_row
        return -1 if row is None else row

    def item(self, row: int) -> QueueItem:
        return self._queue.items[row]

    def items(self) -> list[QueueItem]:
        return self._queue.items

    def has_next(self) -> bool:
        return self._queue.has_next()

    def has_previous(self) -> bool:
        return self._queue.has_previous()

    def restarts_instead(self, position_ms: int) -> bool:
        return play_queue.restarts_instead(position_ms, self._queue)

    # ---- moving the current item ---------------------------------------------------

    def next(self) -> QueueItem | None:
        return self._moved(self._queue.next)

    def previous(self) -> QueueItem | None:
        return self._moved(self._queue.previous)

    def after_end(self) -> QueueItem | None:
        return self._moved(self._queue.after_end)

    def jump_to(self, row: int) -> QueueItem | None:
        if not 0 <= row < len(self._queue):
            return None
        return self._moved(lambda: self._queue.jump_to(row))

    # ---- changing what is queued ---------------------------------------------------

    def replace(self, items: Iterable[QueueItem], start_at: int = 0) -> QueueItem | None:
        self.beginResetModel()
        started = self._queue.replace(items, start_at)
        self.endResetModel()
        self._emit_current()
        return started

    def play_next(self, items: Iterable[QueueItem]) -> None:
        self._insert(list(items), self._queue.play_next)

    def add(self, items: Iterable[QueueItem]) -> None:
        self._insert(list(items), self._queue.add)

    def remove_rows(self, rows: Iterable[int]) -> None:
        """Removes the rows (any order, repeats ignored), each contiguous run as one change."""
        before = self._queue.current_row
        for first, last in reversed(_runs(sorted({r for r in rows
                                                  if 0 <= r < len(self._queue)}))):
            self.beginRemoveRows(QModelIndex(), first, last)
            self._queue.remove(range(first, last + 1))
            self.endRemoveRows()
        if self._queue.current_row != before:
            self._emit_current()

    def clear(self) -> None:
        self.beginResetModel()
        self._queue.clear()
        self.endResetModel()
        self._emit_current()

    # ---- modes ---------------------------------------------------------------------

    @property
    def shuffle(self) -> bool:
        return self._queue.shuffle

    def set_shuffle(self, on: bool) -> None:
        if on == self._queue.shuffle:
            return
        self.layoutAboutToBeChanged.emit()
        keys_before = [item.key for item in self._queue.items]
        self._queue.set_shuffle(on)
        self._follow_persistent_indexes(keys_before)
        self.layoutChanged.emit()
        self._emit_current()
        self.shuffleChanged.emit(on)

    @property
    def repeat(self) -> RepeatMode:
        return self._queue.repeat

    def set_repeat(self, mode: RepeatMode | str) -> None:
        mode = RepeatMode(mode)
        if mode != self._queue.repeat:
            self._queue.repeat = mode
            self.repeatChanged.emit(mode.value)

    @property
    def autoplay(self) -> bool:
        return self._queue.autoplay

    def set_autoplay(self, on: bool) -> None:
        if on != self._queue.autoplay:
            self._queue.autoplay = on
            self.autoplayChanged.emit(on)

    # ---- helpers -------------------------------------------------------------------

    def _moved(self, move) -> QueueItem | None:
        before = self._queue.current_row
        item = move()
        after = self._queue.current_row
        for row in {before, after} - {None}:
            changed = self.index(row)  # type: ignore[arg-type]
            self.dataChanged.emit(changed, changed)
        if before != after:
            self.currentChanged.emit(-1 if after is None else after)
        return item

    def _insert(self, items: list[QueueItem], insert) -> None:
        if not items:
            return
        before = self._queue.current_row
        at = len(self._queue) if insert == self._queue.add else self._queue.play_next_row()
        self.beginInsertRows(QModelIndex(), at, at + len(items) - 1)
        insert(items)
        self.endInsertRows()
        if self._queue.current_row != before:
            self._emit_current()

    def _follow_persistent_indexes(self, keys_before: list[int]) -> None:
        old = self.persistentIndexList()
        new = []
        for index in old:
            row = self._queue.row_of(keys_before[index.row()]) if index.isValid() else None
            new.append(QModelIndex() if row is None else self.index(row))
        self.changePersistentIndexList(old, new)

    def _emit_current(self) -> None:
        self.currentChanged.emit(self.current_row())


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted rows as (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
