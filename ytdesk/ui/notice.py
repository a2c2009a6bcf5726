"""A notice above a list: a sentence the user can select and copy (e.g. a folder's path),
with a copy button and a close button; it stays until closed or replaced."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget


class Notice(QFrame):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, objectName="notice")  # type: ignore[call-arg]  # Qt property/signal keywords
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#notice { background: palette(alternate-base); }")
        self.label = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                           | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.label.setAccessibleName("Notice")
        self.copy_button = QPushButton("Copy path", clicked=self._copy)  # type: ignore[call-overload]  # Qt property/signal keywords
        self.close_button = QToolButton(text="✕", autoRaise=True, clicked=self.hide)  # type: ignore[call-arg]  # Qt property/signal keywords
        self.close_button.setAccessibleName("Close the notice")
        self.close_button.setToolTip("Close the notice (Esc)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.copy_button)
        layout.addWidget(self.close_button)
        self._copied = ""
        self.hide()

    def show_text(self, text: str, copied: str) -> None:
        """Show `text`; the copy button copies `copied` (e.g. the path named in it)."""
        self.label.setText(text)
        self._copied = copied
        self.copy_button.setToolTip(f"Copy {copied}")
        self.show()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self._copied)
