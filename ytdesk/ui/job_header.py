"""The job list's header: click or keyboard to sort, and a menu to show or hide columns.

A QHeaderView takes no keyboard focus of its own; this one does (Tab reaches it), so a
person without a mouse can sort too: Left and Right choose a column, Space or Enter sorts
by it (again: the other way round), the menu key opens the column menu.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtWidgets import (QHeaderView, QMenu, QStyle, QStyleOptionFocusRect,
                               QStyleOptionHeader, QWidget)

SORT_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)


class JobHeader(QHeaderView):
    resetRequested = Signal()  # "Reset columns" was chosen

    def __init__(self, always_shown: int, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._always_shown = always_shown  # the one column that cannot be hidden (the title)
        self._current = always_shown
        self.setSectionsClickable(True)
        self.setSortIndicatorShown(True)
        self.setHighlightSections(False)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setAccessibleName("Job list columns")
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self.show_column_menu)
        self.sortIndicatorChanged.connect(lambda *_: self._describe())

    @property
    def current_section(self) -> int:
        """The column the keyboard is on (a logical index)."""
        return self._current

    def _title(self, logical: int) -> str:
        model = self.model()
        return str(model.headerData(logical, Qt.Orientation.Horizontal)) if model else ""

    def _describe(self) -> None:
        """Say which column the keyboard is on, and how the list is sorted (screen readers
        read the description with the name)."""
        order = ("ascending" if self.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
                 else "descending")
        self.setAccessibleDescription(
            f"Column {self._title(self._current)}. Sorted by "
            f"{self._title(self.sortIndicatorSection())}, {order}. Left and Right choose a "
            "column, Space sorts by it, the menu key shows or hides columns.")

    # -- keyboard ----------------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self._move(-1 if event.key() == Qt.Key.Key_Left else 1)
        elif event.key() in SORT_KEYS and not event.modifiers():
            self.sort_by(self._current)
        else:
            super().keyPressEvent(event)

    def _move(self, step: int) -> None:
        visual = self.visualIndex(self._current) + step
        while 0 <= visual < self.count():
            logical = self.logicalIndex(visual)
            if not self.isSectionHidden(logical):
                self._current = logical
                self.viewport().update()
                self._describe()
                return
            visual += step

    def sort_by(self, logical: int) -> None:
        """Sort by a column; by the same column again, the other way round."""
        if self.sortIndicatorSection() == logical:
            order = (Qt.SortOrder.DescendingOrder
                     if self.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
                     else Qt.SortOrder.AscendingOrder)
        else:
            initial = self.model().headerData(logical, Qt.Orientation.Horizontal,
                                              Qt.ItemDataRole.InitialSortOrderRole)
            order = Qt.SortOrder(initial) if initial is not None else Qt.SortOrder.AscendingOrder
        self._current = logical
        self.setSortIndicator(logical, order)

    def focusInEvent(self, event) -> None:
        if self.isSectionHidden(self._current):
            self._current = self._always_shown
        self._describe()
        self.viewport().update()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:
        self.viewport().update()
        super().focusOutEvent(event)

    def paintSection(self, painter, rect: QRect, logical: int) -> None:
        """Drawn here rather than by QHeaderView, which asks the selection model whether
        each column is selected, row by row: with 10,000 rows selected one paint of the
        header took 0.1 s in C++ (measured). Nothing here depends on the selection."""
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        option.rect = rect
        option.section = logical
        option.text = self._title(logical)
        option.textAlignment = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        option.position = self._position(logical)
        if self.isSortIndicatorShown() and self.sortIndicatorSection() == logical:
            # Qt's own mapping: an ascending sort shows the "down" indicator.
            option.sortIndicator = (QStyleOptionHeader.SortIndicator.SortDown
                                    if self.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
                                    else QStyleOptionHeader.SortIndicator.SortUp)
        if self.isEnabled():
            option.state |= QStyle.StateFlag.State_Enabled
        if self.window().isActiveWindow():
            option.state |= QStyle.StateFlag.State_Active
        self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, self)
        if self.hasFocus() and logical == self._current:
            focus = QStyleOptionFocusRect()
            focus.initFrom(self)
            focus.rect = rect.adjusted(2, 2, -2, -2)
            self.style().drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, focus,
                                       painter, self)

    def _position(self, logical: int) -> QStyleOptionHeader.SectionPosition:
        shown = [v for v in range(self.count()) if not self.isSectionHidden(self.logicalIndex(v))]
        visual = self.visualIndex(logical)
        positions = QStyleOptionHeader.SectionPosition
        if len(shown) == 1:
            return positions.OnlyOneSection
        if visual == shown[0]:
            return positions.Beginning
        if visual == shown[-1]:
            return positions.End
        return positions.Middle

    # -- columns menu ------------------------------------------------------------------------
    def column_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.setAccessibleName("Columns")
        for logical in range(self.count()):
            if logical == self._always_shown:
                continue
            action = menu.addAction(self._title(logical))
            action.setCheckable(True)
            action.setChecked(not self.isSectionHidden(logical))
            action.toggled.connect(lambda shown, column=logical: self.set_shown(column, shown))
        menu.addSeparator()
        menu.addAction("Reset columns", self.resetRequested.emit)
        return menu

    def show_column_menu(self, position) -> None:
        self.column_menu().exec(self.viewport().mapToGlobal(position))

    def set_shown(self, logical: int, shown: bool) -> None:
        if logical != self._always_shown:
            self.setSectionHidden(logical, not shown)
