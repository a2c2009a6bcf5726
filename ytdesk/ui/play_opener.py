"""Plays what `ytdesk --play X` asked for (this start's, or handed over by a later one): a
file goes to the player; the web address of a downloaded video plays its file; one not
downloaded is offered as a download, never queued without asking; anything else is a
sentence in the status bar. The checks and the library lookup run on the reader."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QMessageBox

from ytdesk.core.play_request import LocalFile, NotDownloaded, Refused, resolve

if TYPE_CHECKING:
    from .main_window import MainWindow

DOWNLOAD_QUESTION = "Download it now? It plays here once it is downloaded."


class PlayOpener(QObject):
    def __init__(self, window: MainWindow, play_file: Callable[[str], None] | None = None):
        super().__init__(window)
        self._window = window
        self._play_file = play_file  # a path on this computer; else the window's player
        self.offer: QMessageBox | None = None  # the open "download it?" question, if any
        self._offered_url = ""

    @Slot(str)
    def open(self, text: str) -> None:
        """Play `text` (an absolute path, a file: or an http(s) address) when known."""
        # Newest wins: a second --play while the first is being looked up replaces it.
        self._window.reader.submit(resolve, text, done=self._resolved, failed=self._failed,
                                   latest="play")

    def _resolved(self, target: LocalFile | NotDownloaded | Refused) -> None:
        if isinstance(target, LocalFile):
            # The window's player (MainWindow.play_file) comes with the player's branch;
            # once both are merged this is simply `self._window.play_file`.
            play_file = self._play_file or getattr(self._window, "play_file", None)
            if play_file is None:
                self._window.say("This ytdesk has no player yet: open the file in another "
                                 "program.")
                return
            play_file(target.path)
        elif isinstance(target, NotDownloaded):
            self._offer_download(target)
        else:
            self._window.say(target.sentence)

    def _failed(self, why: str) -> None:
        self._window.say(f"ytdesk could not look the video up in its library ({why}): "
                         "try again.")

    def _offer_download(self, target: NotDownloaded) -> None:
        earlier, self.offer = self.offer, None
        if earlier is not None:
            earlier.close()  # a newer question replaces it, unanswered
        offer = QMessageBox(QMessageBox.Icon.Question, "Not downloaded", target.sentence,
                            QMessageBox.StandardButton.Cancel, self._window)
        offer.setInformativeText(DOWNLOAD_QUESTION)
        download = offer.addButton("&Download", QMessageBox.ButtonRole.AcceptRole)
        download.setToolTip("Queue its download, as dropping its address would (Alt+D)")
        offer.setDefaultButton(download)
        offer.setAccessibleName("Not downloaded")
        offer.finished.connect(self._offer_answered)
        self.offer, self._offered_url = offer, target.url
        offer.open()  # not exec(): the window goes on while the question waits

    @Slot(int)
    def _offer_answered(self, _result: int) -> None:
        offer, url = self.offer, self._offered_url
        if offer is None or self.sender() is not offer:
            gone = self.sender()
            if isinstance(gone, QMessageBox):
                gone.deleteLater()  # an older question, replaced by a newer one
            return
        clicked = offer.clickedButton()
        # No button was clicked when the question was closed (Esc, or replaced).
        accepted = bool(clicked) and (offer.buttonRole(clicked)
                                      == QMessageBox.ButtonRole.AcceptRole)
        self.offer, self._offered_url = None, ""
        offer.deleteLater()
        if accepted:
            self._window.add_urls([url])
