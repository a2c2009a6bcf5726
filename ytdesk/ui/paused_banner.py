"""The banner that says why the queue stopped taking jobs (a full disk, a folder it may not
write to) and offers to resume it once the user has fixed that: the status bar's sentence
alone scrolled away and left no way to go on."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from .actions import shortcut_text

RESUME_KEY = "Ctrl+Shift+R"


class PausedBanner(QFrame):
    resumeRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("pausedBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#pausedBanner { background: palette(alternate-base); }")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                           | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.label.setAccessibleName("Why the queue is paused")
        self.resume_button = QPushButton("Resume the queue")
        self.resume_button.setShortcut(RESUME_KEY)
        self.resume_button.setToolTip(
            f"Start taking jobs again, once the cause is fixed ({shortcut_text(RESUME_KEY)})")
        self.resume_button.setAccessibleName("Resume the queue")
        self.resume_button.clicked.connect(self.resumeRequested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.resume_button)
        self.hide()

    def show_reason(self, why: str) -> None:
        self.label.setText(f"The queue is paused: {why}")
        self.show()
