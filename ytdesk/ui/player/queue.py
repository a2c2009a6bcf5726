"""What plays next. The player takes any object with `current()`, `next()` and `previous()`
(each a video id, a file path, or None at either end); `ListQueue` is the plain one: a list
played in order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

Entry = int | str  # a library video's id, or a file's path


class Queue(Protocol):
    def current(self) -> Entry | None: ...

    def next(self) -> Entry | None: ...

    def previous(self) -> Entry | None: ...


class ListQueue:
    def __init__(self, entries: Iterable[Entry] = ()):
        self._entries = list(entries)
        self._at = 0 if self._entries else -1

    def replace(self, entries: Iterable[Entry], start: int = 0) -> None:
        """Play these, from `start` (a list activated at one of its videos)."""
        self._entries = list(entries)
        self._at = start if 0 <= start < len(self._entries) else (0 if self._entries else -1)

    def current(self) -> Entry | None:
        return self._entries[self._at] if 0 <= self._at < len(self._entries) else None

    def next(self) -> Entry | None:
        if self._at + 1 >= len(self._entries):
            return None
        self._at += 1
        return self._entries[self._at]

    def previous(self) -> Entry | None:
        if self._at <= 0:
            return None
        self._at -= 1
        return self._entries[self._at]
