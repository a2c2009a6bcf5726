"""The seek bar: a slider in milliseconds that follows playback, and asks to seek when a
person moves it (mouse or keyboard: ←/→ 5 s, Page Up/Down 10 s, Home/End)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSlider, QStyle, QWidget

STEP_MS = 5_000
PAGE_MS = 10_000


class SeekBar(QSlider):
    seekRequested = Signal("qint64")  # type: ignore[arg-type]  # C++ type name

    def __init__(self, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setRange(0, 0)
        self.setSingleStep(STEP_MS)
        self.setPageStep(PAGE_MS)
        self.setTracking(False)  # a drag seeks once, where it is let go
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.valueChanged.connect(self._moved)

    def show_position(self, ms: int) -> None:
        if self.isSliderDown():  # a person holds it: playback does not pull it away
            return
        self.blockSignals(True)
        self.setValue(ms)
        self.blockSignals(False)

    def set_duration(self, ms: int) -> None:
        self.blockSignals(True)
        self.setRange(0, max(0, ms))
        self.blockSignals(False)

    def _moved(self, ms: int) -> None:
        self.seekRequested.emit(ms)

    def mousePressEvent(self, event) -> None:
        # A click jumps to where it is, as in every media player (a slider pages by default).
        if event.button() == Qt.MouseButton.LeftButton and self.maximum() > 0:
            value = QStyle.sliderValueFromPosition(self.minimum(), self.maximum(),
                                                   int(event.position().x()), self.width())
            self.setValue(value)
        super().mousePressEvent(event)
