"""The clipboard watcher (a setting, off by default): when a video link is copied in another
program, ytdesk offers to download it — in the tray's message, or in a bar at the top of the
window where there is no tray — and never adds it without being asked.

Qt reads the clipboard on the GUI thread only; that read is the one wait here (on X11, as
long as the program that copied takes to answer). The link check is a parse, no I/O."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from ytdesk.core.settings import Settings
from ytdesk.core.urls import check_url

LONGEST = 2_048  # longer copied text is not one link: no offer


class ClipboardWatch(QObject):
    offered = Signal(str)  # a checked http(s) link the user may want to download

    def __init__(self, settings: Settings, parent: QObject | None = None):
        super().__init__(parent)
        self._settings = settings
        self._last = ""  # offered once per copy, not again for the same link
        self._clipboard = QGuiApplication.clipboard()
        self._clipboard.dataChanged.connect(self.look)

    def look(self) -> None:
        # ytdesk's own copies (a job's address) are not offered back.
        if not self._settings.get("watch_clipboard") or self._clipboard.ownsClipboard():
            return
        text = self._clipboard.text().strip()
        if not text or len(text) > LONGEST or any(c.isspace() for c in text):
            return
        checked = check_url(text)
        if checked.ok and checked.url != self._last:
            self._last = checked.url
            self.offered.emit(checked.url)


class ClipboardOffer(QFrame):
    """The window's bar for a copied link, where there is no tray to say it."""

    accepted = Signal(list)  # [the link], as window.add_urls takes them

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, objectName="clipboardOffer")  # type: ignore[call-arg]  # Qt property/signal keywords
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#clipboardOffer { background: palette(alternate-base); }")
        self.label = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.label.setAccessibleName("Copied link")
        self.add_button = QPushButton("Download it")
        self.add_button.setAccessibleName("Download the copied link")
        self.add_button.setToolTip("Download the link you copied, as a paste would")
        self.add_button.clicked.connect(self._accept)
        self.close_button = QToolButton(text="✕", autoRaise=True)  # type: ignore[call-arg]  # Qt property/signal keywords
        self.close_button.setAccessibleName("Not this link")
        self.close_button.setToolTip("Do not download the copied link")
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.add_button)
        layout.addWidget(self.close_button)
        self.url = ""
        self.hide()

    def offer(self, url: str) -> None:
        self.url = url
        self.label.setText(f"You copied a link: {url}")
        self.show()

    def _accept(self) -> None:
        self.hide()
        self.accepted.emit([self.url])
