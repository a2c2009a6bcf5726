"""The player's memory, off the GUI thread: every write goes through `JobManager.write`
(the writer thread waits out SQLite's lock, never the window). The position is saved at
most every SAVE_EVERY_S while playing, and at once on pause, on a switch and on close."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, Signal

from ytdesk.core import playback
from ytdesk.core.playback import PlayItem
from ytdesk.core.tracks import TrackChoice
from ytdesk.jobs.manager import JobManager

SAVE_EVERY_S = 5.0


class PlayMemory(QObject):
    watched = Signal(int)  # a video just counted as watched (its row is committed)

    def __init__(self, manager: JobManager, parent: QObject | None = None):
        super().__init__(parent)
        self._manager = manager
        self._saved_at: dict[int, float] = {}  # video id -> position last saved
        self._watched: set[int] = set()

    def opened(self, item: PlayItem) -> None:
        if item.video_id is None:
            return
        if item.watched:
            self._watched.add(item.video_id)
        self._saved_at[item.video_id] = item.resume_at
        self._manager.write(playback.count_play, item.video_id)

    def playing_at(self, item: PlayItem, seconds: float, duration: float | None) -> None:
        """Called on every position change: writes only now and then."""
        if item.video_id is None:
            return
        if abs(seconds - self._saved_at.get(item.video_id, 0.0)) >= SAVE_EVERY_S:
            self.save(item, seconds)
        if item.video_id not in self._watched and playback.counts_as_watched(seconds, duration):
            self._watched.add(item.video_id)
            self._manager.write(playback.mark_played_through, item.video_id,
                                done=self._said_watched(item.video_id))

    def save(self, item: PlayItem, seconds: float) -> None:
        if item.video_id is None or seconds < 0:
            return
        self._saved_at[item.video_id] = seconds
        self._manager.write(playback.save_position, item.video_id, seconds)

    def finished(self, item: PlayItem) -> None:
        if item.video_id is None:
            return
        self._watched.add(item.video_id)
        self._saved_at[item.video_id] = 0.0
        self._manager.write(playback.finished, item.video_id,
                            done=self._said_watched(item.video_id))

    def missing(self, item: PlayItem) -> None:
        if item.video_id is not None:
            self._manager.write(playback.mark_missing, item.video_id)

    def track_chosen(self, item: PlayItem, kind: str, choice: TrackChoice) -> None:
        if item.video_id is not None:
            self._manager.write(playback.remember_track, item.video_id, kind, choice)

    def _said_watched(self, video_id: int) -> _Announce:
        return _Announce(self, video_id)


class _Announce:
    """`done` for a watched write: says so once it is committed (a plain callable, not a
    lambda holding the memory)."""

    def __init__(self, memory: PlayMemory, video_id: int):
        self._memory = memory
        self._video_id = video_id

    def __call__(self, changed: object) -> None:
        if shiboken6.isValid(self._memory):  # the player may be closed by the commit
            self._memory.watched.emit(self._video_id)
