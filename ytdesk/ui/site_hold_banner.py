"""The banner that says a site held ytdesk back (too many requests, a bot check, a refusal
after it worked) and offers the fix in place: cookies from each installed browser, a
cookies file, or waiting. Choosing one stores it for that site (its downloads and syncs
use it from then on) and releases the hold: one job of the site runs first, then the rest."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFileDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout,
                               QWidget)

from .actions import shortcut_text

WAIT_KEY = "Ctrl+Shift+W"


def _when(until: float) -> str:
    return time.strftime("%H:%M", time.localtime(until))


class SiteHoldBanner(QFrame):
    browserChosen = Signal(str, str)  # site, browser (as yt-dlp names it)
    fileChosen = Signal(str, str)  # site, the cookies file's path
    waitChosen = Signal(str)  # site

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("siteHoldBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#siteHoldBanner { background: palette(alternate-base); }")
        self.site = ""
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                           | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.label.setAccessibleName("Why a site is held")
        self._browser_buttons: list[QPushButton] = []
        self._buttons = QHBoxLayout()
        self.file_button = self._button("Use a cookies file…", "Choose a cookies.txt file "
                                        "exported from a browser where you are signed in")
        self.file_button.clicked.connect(self._choose_file)
        self.wait_button = self._button("Wait", "Leave the site alone until the hold ends "
                                        f"({shortcut_text(WAIT_KEY)})")
        self.wait_button.setShortcut(WAIT_KEY)
        self.wait_button.clicked.connect(self._wait)
        self._buttons.addStretch(1)
        self._buttons.addWidget(self.file_button)
        self._buttons.addWidget(self.wait_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label)
        layout.addLayout(self._buttons)
        self.hide()

    def _button(self, text: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text.rstrip("…"))
        button.setToolTip(tip)
        return button

    def set_browsers(self, names: list[str]) -> None:
        """The browsers with a cookie store here (looked up off the GUI thread)."""
        for button in self._browser_buttons:
            self._buttons.removeWidget(button)
            button.deleteLater()
        self._browser_buttons = []
        for index, name in enumerate(names):
            button = self._button(f"Use cookies from {name.title()}",
                                  f"Sign in to the site with {name.title()}'s cookies")
            button.setProperty("browser", name)
            button.clicked.connect(self._use_browser)
            self._buttons.insertWidget(1 + index, button)
            self._browser_buttons.append(button)

    @property
    def browser_buttons(self) -> list[QPushButton]:
        return list(self._browser_buttons)

    def show_hold(self, site: str, sentence: str, until: float) -> None:
        self.site = site
        self.label.setText(f"{site} is held until {_when(until)}: {sentence}")
        self.show()

    def site_released(self, site: str) -> None:
        if site == self.site:
            self.hide()

    def _use_browser(self) -> None:
        button = self.sender()
        if isinstance(button, QPushButton):
            self.browserChosen.emit(self.site, str(button.property("browser")))
            self.hide()

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, f"Cookies for {self.site}", str(Path.home()),
                                              "Cookies files (*.txt);;All files (*)")
        if path:
            self.use_file(path)

    def use_file(self, path: str) -> None:
        self.fileChosen.emit(self.site, path)
        self.hide()

    def _wait(self) -> None:
        self.waitChosen.emit(self.site)
        self.hide()
