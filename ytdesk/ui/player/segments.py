"""Skips SponsorBlock segments as playback enters them, once each, when asked to.

Public API: `SegmentSkipper(QObject)`: `set_segments(segments)` (a new video: forgets what
was skipped), `set_auto_skip(on)` (the setting; off by default), `update_position(ms)` (the
player's position ticks). When the position is inside a segment not skipped yet and auto-skip
is on, it emits `skipTo(end_ms, category)` once for that segment: the player seeks there and
shows `notice(category)` ("Skipped sponsor segment"). Going back into a skipped segment
plays it: the person chose to watch it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ytdesk.core.chapters import Segment, skipped_notice

# A segment whose end is this close is let play out: the seek would save nothing.
TOO_CLOSE_MS = 500


class SegmentSkipper(QObject):
    skipTo = Signal(int, str)  # (ms to seek to, the segment's category)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._segments: list[Segment] = []
        self._skipped: set[int] = set()
        self._auto_skip = False

    def set_segments(self, segments: list[Segment]) -> None:
        self._segments = sorted(segments, key=lambda segment: segment.start)
        self._skipped = set()

    def set_auto_skip(self, on: bool) -> None:
        self._auto_skip = on

    def update_position(self, ms: int) -> None:
        if not self._auto_skip:
            return
        for number, segment in enumerate(self._segments):
            if number in self._skipped or not segment.start_ms <= ms < segment.end_ms:
                continue
            self._skipped.add(number)
            if segment.end_ms - ms > TOO_CLOSE_MS:
                self.skipTo.emit(segment.end_ms, segment.category)
            return

    @staticmethod
    def notice(category: str) -> str:
        return skipped_notice(category)
