"""Measures how long the GUI event loop stops turning: a timer that should fire every few
milliseconds records the longest gap between its ticks."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer

TICK_MS = 5


class StallProbe(QObject):
    def __init__(self):
        super().__init__()
        self._timer = QTimer(self, interval=TICK_MS, timeout=self._tick)
        self._last = 0.0
        self.longest = 0.0
        self.gaps: list[float] = []
        self.spans: list[tuple[float, float]] = []  # (start, end) of each gap, perf_counter

    def start(self) -> None:
        self.longest = 0.0
        self.gaps = []
        self.spans = []
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> float:
        self._timer.stop()
        return self.longest_ms

    @property
    def longest_ms(self) -> float:
        return self.longest * 1000

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = now - self._last - TICK_MS / 1000
        self.spans.append((self._last, now))
        self._last = now
        self.gaps.append(gap)
        self.longest = max(self.longest, gap)

    @property
    def p99_ms(self) -> float:
        ordered = sorted(self.gaps)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000 if ordered else 0.0
