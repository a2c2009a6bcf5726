"""The chapters of the playing video as a list: a click or Enter seeks there.

Public API: `ChapterList(QListWidget)`: `set_chapters(chapters)` (ytdesk.core.chapters
`Chapter`s), `set_position(ms)` marks the chapter playing now (bold), `seekRequested(ms)`
when a chapter is clicked or Enter is pressed on one, `chapter_at(ms)` the chapter index at
a time (-1 for none).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from ytdesk.core.chapters import Chapter
from ytdesk.ui import format as fmt

StartRole = Qt.ItemDataRole.UserRole + 1
FIGURE_SPACE = "\u2007"


class ChapterList(QListWidget):
    seekRequested = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("chapters")
        self.setAccessibleName("Chapters")
        self.setToolTip("Chapters: click or press Enter to go to one")
        self._chapters: list[Chapter] = []
        self._playing = -1
        self.itemClicked.connect(self._seek_to)

    def set_chapters(self, chapters: list[Chapter]) -> None:
        self.clear()
        self._chapters, self._playing = list(chapters), -1
        times = [fmt.duration(chapter.start) for chapter in self._chapters]
        width = max(map(len, times), default=0)
        for chapter, time in zip(self._chapters, times, strict=True):
            # Figure spaces (as wide as a digit) line the titles up: 9:59 beside 1:00:00.
            item = QListWidgetItem(f"{time.rjust(width, FIGURE_SPACE)}   {chapter.label}")
            item.setData(StartRole, chapter.start_ms)
            item.setData(Qt.ItemDataRole.AccessibleTextRole,
                         f"{chapter.label}, at {fmt.duration(chapter.start)}")
            self.addItem(item)

    def chapter_at(self, ms: int) -> int:
        playing = -1
        for number, chapter in enumerate(self._chapters):
            if chapter.start_ms <= ms:
                playing = number
        return playing

    def set_position(self, ms: int) -> None:
        playing = self.chapter_at(ms)
        if playing == self._playing:
            return
        for number in (self._playing, playing):
            item = self.item(number) if number >= 0 else None
            if item is not None:
                font = item.font()
                font.setBold(number == playing)
                item.setFont(font)
        self._playing = playing

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem():
            self._seek_to(self.currentItem())
            event.accept()
            return
        super().keyPressEvent(event)

    def _seek_to(self, item: QListWidgetItem) -> None:
        self.seekRequested.emit(int(item.data(StartRole)))
