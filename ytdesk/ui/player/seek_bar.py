"""The seek bar: where the video is, its chapters as ticks, SponsorBlock segments shaded.

Public API: `SeekBar(QSlider)`: `set_duration(ms)`, `set_position(ms)` (what plays; ignored
while the handle is held), `set_chapters(chapters)`, `set_segments(segments)` (ytdesk.core
.chapters types); `seekRequested(ms)` when the person moves it: a click on the groove (jumps
there), a drag (on release), the wheel, or the keyboard (←/→ 5 s, PageUp/PageDown 1 min,
Home/End). Hovering shows the time there and its chapter. `tick_x(ms)` is the x of a time's
tick, `time_at(x)` the time under x. Its accessible description reads "1:23 of 4:56".
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QAbstractSlider, QSlider, QStyle, QStyleOptionSlider, QToolTip

from ytdesk.core.chapters import Chapter, Segment
from ytdesk.ui import format as fmt

STEP_MS = 5_000
PAGE_MS = 60_000
SEGMENT_COLOUR = QColor(0, 180, 0, 150)  # SponsorBlock's own green for sponsor segments
NAVIGATION_KEYS = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down,
                   Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Home, Qt.Key.Key_End}


class SeekBar(QSlider):
    seekRequested = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("seekBar")
        self.setAccessibleName("Position")
        self.setToolTip("Position (←/→ 5 s, PageUp/PageDown 1 min, Home/End)")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setRange(0, 0)
        self.setSingleStep(STEP_MS)
        self.setPageStep(PAGE_MS)
        self.setMouseTracking(True)
        self.setMinimumHeight(22)
        self._chapters: list[Chapter] = []
        self._segments: list[Segment] = []
        self.actionTriggered.connect(self._acted)
        self.sliderReleased.connect(self._released)
        self.valueChanged.connect(self._describe)
        self._describe(0)

    # ---- what the player tells it --------------------------------------------------

    def set_duration(self, ms: int) -> None:
        self.setRange(0, max(0, int(ms)))
        self._describe(self.value())
        self.update()

    def set_position(self, ms: int) -> None:
        if not self.isSliderDown():
            self.setValue(int(ms))

    def set_chapters(self, chapters: list[Chapter]) -> None:
        self._chapters = sorted(chapters, key=lambda chapter: chapter.start)
        self.update()

    def set_segments(self, segments: list[Segment]) -> None:
        self._segments = list(segments)
        self.update()

    # ---- geometry ------------------------------------------------------------------

    def _option(self) -> QStyleOptionSlider:
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        return option

    def _groove_and_handle(self) -> tuple[QRect, QRect]:
        option = self._option()
        style = self.style()
        groove = style.subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                      QStyle.SubControl.SC_SliderGroove, self)
        handle = style.subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                      QStyle.SubControl.SC_SliderHandle, self)
        return groove, handle

    def tick_x(self, ms: int) -> int:
        """The x where the handle's centre stands at `ms`."""
        groove, handle = self._groove_and_handle()
        span = max(1, groove.width() - handle.width())
        return groove.x() + handle.width() // 2 + QStyle.sliderPositionFromValue(
            self.minimum(), self.maximum(), int(ms), span)

    def time_at(self, x: int) -> int:
        groove, handle = self._groove_and_handle()
        span = max(1, groove.width() - handle.width())
        return QStyle.sliderValueFromPosition(
            self.minimum(), self.maximum(), x - groove.x() - handle.width() // 2, span)

    def chapter_ticks(self) -> list[int]:
        """The x of each chapter's tick (none for a chapter starting at the very start)."""
        return [self.tick_x(chapter.start_ms) for chapter in self._chapters
                if 0 < chapter.start_ms < self.maximum()]

    def hover_text(self, x: int) -> str:
        ms = self.time_at(x)
        chapter = next((c for c in reversed(self._chapters) if c.start_ms <= ms), None)
        time = fmt.duration(ms / 1000)
        return f"{time}  {chapter.label}" if chapter else time

    # ---- painting ------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.maximum() <= 0 or not (self._chapters or self._segments):
            return
        groove, _ = self._groove_and_handle()
        middle = groove.center().y()
        painter = QPainter(self)
        for segment in self._segments:
            left, right = self.tick_x(segment.start_ms), self.tick_x(segment.end_ms)
            painter.fillRect(QRect(left, middle - 3, max(2, right - left), 6), SEGMENT_COLOUR)
        ink = self.palette().windowText().color()
        for x in self.chapter_ticks():
            # A tick through the groove, taller than it, so it shows on any style.
            painter.fillRect(QRect(x - 1, middle - 6, 2, 12), ink)
        painter.end()

    # ---- what the person does ------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        # With the bar focused, its keys move it rather than trigger the player's shortcuts.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and \
                event.key() in NAVIGATION_KEYS and \
                event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                      Qt.KeyboardModifier.KeypadModifier):
            event.accept()
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        _, handle = self._groove_and_handle()
        if event.button() == Qt.MouseButton.LeftButton and self.maximum() > 0 and \
                not handle.contains(event.position().toPoint()):
            # A click on the groove goes there (not a page step), and the handle, now
            # under the pointer, can be dragged on.
            ms = self.time_at(int(event.position().x()))
            self.setValue(ms)
            self.seekRequested.emit(ms)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.maximum() > 0:
            QToolTip.showText(event.globalPosition().toPoint(),
                              self.hover_text(int(event.position().x())), self)
        super().mouseMoveEvent(event)

    def _acted(self, action: int) -> None:
        if action != QAbstractSlider.SliderAction.SliderMove.value:
            self.seekRequested.emit(self.sliderPosition())

    def _released(self) -> None:
        self.seekRequested.emit(self.value())

    def _describe(self, value: int) -> None:
        text = f"{fmt.duration(value / 1000) or '0:00'} of " \
               f"{fmt.duration(self.maximum() / 1000) or '0:00'}"
        if text != self.accessibleDescription():
            self.setAccessibleDescription(text)
