"""The play queue as a list a person can reorder: drag and drop, or Alt+Up/Down.

Public API: `QueueView(QListView)` over a `QueueModel` (`setModel`): the current item is
bold with a play mark and its length on the right; Enter or a double-click asks to play a
row (`playRequested(row)`: the player calls `model.jump_to(row)` and plays what it returns);
Delete removes the selected rows; Alt+Up / Alt+Down move them. `move_selection(step)` does
the keyboard move.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QListView, QStyle,
                               QStyledItemDelegate, QStyleOptionViewItem)

from ytdesk.ui import format as fmt
from ytdesk.ui.player.queue_model import DurationRole, IsCurrentRole, QueueModel

PLAYING_MARK = "▶ "


class QueueDelegate(QStyledItemDelegate):
    """A row: the play mark on the current item, the title, the length at the right."""

    def initStyleOption(self, option: QStyleOptionViewItem,
                        index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        if index.data(IsCurrentRole):
            option.text = PLAYING_MARK + option.text

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        row = QStyleOptionViewItem(option)
        self.initStyleOption(row, index)
        style = row.widget.style() if row.widget else QApplication.style()
        title, length = row.text, fmt.duration(index.data(DurationRole))
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, row, row.widget)
        # The row's background, selection and focus across its whole width, then the title
        # (elided) beside the length.
        row.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, row, painter, row.widget)
        room = row.fontMetrics.horizontalAdvance(length) + 12 if length else 0
        # The margin CE_ItemViewItem gives its own text.
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, row.widget) + 1
        text_rect = text_rect.adjusted(margin, 0, -margin - room, 0)
        selected = bool(row.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setFont(row.font)
        elided = QFontMetrics(row.font).elidedText(title, Qt.TextElideMode.ElideRight,
                                                   text_rect.width())
        style.drawItemText(painter, text_rect,
                           Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                           row.palette, True, elided,
                           QPalette.ColorRole.HighlightedText if selected
                           else QPalette.ColorRole.Text)
        if length:
            painter.setPen(row.palette.highlightedText().color() if selected
                           else row.palette.placeholderText().color())
            painter.drawText(row.rect.adjusted(0, 0, -6, 0),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, length)
        painter.restore()


class QueueView(QListView):
    playRequested = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("playQueue")
        self.setAccessibleName("Play queue")
        self.setToolTip("Play queue: Enter plays, Delete removes, Alt+Up / Alt+Down move, "
                        "or drag to reorder")
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setUniformItemSizes(True)
        self.setItemDelegate(QueueDelegate(self))
        self.doubleClicked.connect(self._play_index)

    def queue(self) -> QueueModel:
        model = self.model()
        assert isinstance(model, QueueModel)
        return model

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._play_index(self.currentIndex())
        elif key == Qt.Key.Key_Delete and mods == Qt.KeyboardModifier.NoModifier:
            self.remove_selection()
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and \
                mods == Qt.KeyboardModifier.AltModifier:
            self.move_selection(-1 if key == Qt.Key.Key_Up else 1)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def selected_rows(self) -> list[int]:
        rows = sorted({index.row() for index in self.selectedIndexes()})
        if not rows and self.currentIndex().isValid():
            rows = [self.currentIndex().row()]
        return rows

    def remove_selection(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        self.queue().remove_rows(rows)
        # The focus stays in the list, on the row that took the first removed one's place.
        left = min(rows[0], self.queue().rowCount() - 1)
        if left >= 0:
            self.setCurrentIndex(self.queue().index(left))

    def move_selection(self, step: int) -> None:
        """Moves the selected rows (as one block when they are contiguous, one by one
        otherwise) a row up (-1) or down (+1), keeping them selected."""
        rows = self.selected_rows()
        model = self.queue()
        if not rows or (step < 0 and rows[0] == 0) or \
                (step > 0 and rows[-1] == model.rowCount() - 1):
            return
        keys = [model.item(row).key for row in rows]
        for row in (rows if step < 0 else reversed(rows)):
            # moveRows counts the destination before the move: down by one is "before row+2".
            model.moveRows(QModelIndex(), row, 1, QModelIndex(), row - 1 if step < 0 else row + 2)
        moved = [row for row in range(model.rowCount()) if model.item(row).key in keys]
        selection = self.selectionModel()
        selection.clearSelection()
        for row in moved:
            selection.select(model.index(row), QItemSelectionModel.SelectionFlag.Select)
        selection.setCurrentIndex(model.index(moved[0] if step < 0 else moved[-1]),
                                  QItemSelectionModel.SelectionFlag.NoUpdate)

    def _play_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.playRequested.emit(index.row())
