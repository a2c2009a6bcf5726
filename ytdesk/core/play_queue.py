"""The play queue, without Qt: what plays now, what comes next, shuffle and repeat.

Public API:

- `QueueItem(title, video_id=None, path=None, duration=None, channel="")`: one entry; a library
  video (its id, and its file when known) or a file path. Each entry gets its own `key`, so the
  same video can be queued twice.
- `RepeatMode`: OFF, ONE, ALL.
- `PlayQueue`: `items` (in playing order, which is the order shown), `current_row`,
  `current()`, `next()`, `previous()`, `after_end()` (what to play when the current item ends:
  repeat one, autoplay and repeat all decide), `jump_to(row)`, `replace(items, start_at)`,
  `play_next(items)` (after the current item; `play_next_row()` says where), `add(items)`,
  `remove(rows)` (the current item removed: next() continues with the one that took its
  place), `clear()`, `move(row, count, destination)`,
  `shuffle` / `set_shuffle()`, `repeat`, `autoplay`, `has_previous()`, `has_next()`.
- `restarts_instead(position_ms, queue)`: whether "previous" should restart the current item
  (a few seconds in, or nothing before it) rather than go back, as players do.

Shuffle reorders the queue itself, current item first, so the list shows what will really play
next and every item plays once before any repeats; turning it off puts the items back in the
order they had (items added meanwhile where they were added) and keeps the current one.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

# "Previous" restarts the current item once this far in (the common player convention).
RESTART_AFTER_MS = 3000

_keys = itertools.count(1)


@dataclass(frozen=True)
class QueueItem:
    """One queued thing to play: a library video (video_id, with its file when known) or a
    file. `duration` is in seconds, when known."""

    title: str
    video_id: int | None = None
    path: str | None = None
    duration: float | None = None
    channel: str = ""
    key: int = field(default_factory=lambda: next(_keys), compare=False)

    def __post_init__(self) -> None:
        if self.video_id is None and not self.path:
            raise ValueError("A queued item needs a library video or a file path.")

    def again(self) -> QueueItem:
        """The same thing as a new queue entry (queued twice, it is two entries)."""
        return QueueItem(self.title, self.video_id, self.path, self.duration, self.channel)


class RepeatMode(StrEnum):
    OFF = "off"
    ONE = "one"
    ALL = "all"


class PlayQueue:
    """The items in playing order and which one is current. Rows are positions in `items`."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self._items: list[QueueItem] = []
        # The order before shuffling (keys), kept while shuffle is on so turning it off
        # restores it; equal to the playing order while shuffle is off.
        self._natural: list[int] = []
        self._current: int | None = None  # key of the current item
        # Where a removed current item stood: next() continues from there.
        self._gap: int | None = None
        self._shuffle = False
        self._rng = rng or random.Random()
        self.repeat = RepeatMode.OFF
        self.autoplay = True

    # ---- reading -------------------------------------------------------------------

    @property
    def items(self) -> list[QueueItem]:
        return list(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def row_of(self, key: int) -> int | None:
        for row, item in enumerate(self._items):
            if item.key == key:
                return row
        return None

    @property
    def current_row(self) -> int | None:
        return None if self._current is None else self.row_of(self._current)

    def current(self) -> QueueItem | None:
        row = self.current_row
        return None if row is None else self._items[row]

    @property
    def shuffle(self) -> bool:
        return self._shuffle

    def _next_row(self) -> int | None:
        row = self.current_row
        following = (self._gap if self._gap is not None else 0) if row is None else row + 1
        if following < len(self._items):
            return following
        return 0 if self.repeat == RepeatMode.ALL and self._items else None

    def _previous_row(self) -> int | None:
        row = self.current_row
        before = (self._gap if self._gap is not None else 0) - 1 if row is None else row - 1
        if before >= 0:
            return min(before, len(self._items) - 1) if self._items else None
        return len(self._items) - 1 if self.repeat == RepeatMode.ALL and self._items else None

    def has_next(self) -> bool:
        return self._next_row() is not None

    def has_previous(self) -> bool:
        return self._previous_row() is not None

    # ---- moving the current item ---------------------------------------------------

    def jump_to(self, row: int) -> QueueItem:
        item = self._items[row]
        self._current, self._gap = item.key, None
        return item

    def next(self) -> QueueItem | None:
        """The next item, now current (the user's "next": repeat one does not hold it
        back); None at the end of the queue unless repeat all wraps to the first."""
        row = self._next_row()
        return None if row is None else self.jump_to(row)

    def previous(self) -> QueueItem | None:
        """The item before, now current; None at the start unless repeat all wraps."""
        row = self._previous_row()
        return None if row is None else self.jump_to(row)

    def after_end(self) -> QueueItem | None:
        """What to play when the current item has played to its end: itself again with
        repeat one, nothing when autoplay is off, else the next (wrapping with repeat all)."""
        if self.repeat == RepeatMode.ONE and self.current() is not None:
            return self.current()
        return self.next() if self.autoplay else None

    # ---- changing what is queued ---------------------------------------------------

    def replace(self, items: Iterable[QueueItem], start_at: int = 0) -> QueueItem | None:
        """A new queue (a list double-clicked): `items[start_at]` plays and the rest of the
        list follows it (in its order, or shuffled after it when shuffle is on)."""
        fresh = _entries(items)
        self._items, self._natural, self._current, self._gap = fresh, [i.key for i in fresh], \
            None, None
        if not fresh:
            return None
        start = fresh[max(0, min(start_at, len(fresh) - 1))]
        self._current = start.key
        if self._shuffle:
            self._shuffle_around_current()
        return start

    def play_next(self, items: Iterable[QueueItem]) -> list[int]:
        """Queue `items` right after the current item (at the start when nothing plays);
        returns their rows."""
        fresh = _entries(items)
        at = self.play_next_row()
        anchor = self._natural_position_of_row(at)
        self._items[at:at] = fresh
        self._natural[anchor:anchor] = [i.key for i in fresh]
        return list(range(at, at + len(fresh)))

    def play_next_row(self) -> int:
        """The row that items queued with play_next() will take."""
        row = self.current_row
        return min(self._gap or 0, len(self._items)) if row is None else row + 1

    def add(self, items: Iterable[QueueItem]) -> list[int]:
        """Queue `items` at the end; returns their rows."""
        fresh = _entries(items)
        at = len(self._items)
        self._items.extend(fresh)
        self._natural.extend(i.key for i in fresh)
        return list(range(at, at + len(fresh)))

    def remove(self, rows: Iterable[int]) -> None:
        doomed = set(rows)
        current = self.current_row
        if current is not None and current in doomed:
            # The current item went: the next one is the item that took its place.
            self._current, self._gap = None, current
        if self._gap is not None:
            self._gap -= sum(1 for row in doomed if row < self._gap)
        gone = {self._items[row].key for row in doomed}
        self._items = [i for i in self._items if i.key not in gone]
        self._natural = [key for key in self._natural if key not in gone]

    def clear(self) -> None:
        self._items, self._natural, self._current, self._gap = [], [], None, None

    def move(self, row: int, count: int, destination: int) -> bool:
        """Move `count` rows from `row` to before `destination` (a row of the queue as it is
        before the move, as QAbstractItemModel.moveRows counts). False when it is no move."""
        if count <= 0 or row < 0 or row + count > len(self._items) or \
                not 0 <= destination <= len(self._items) or row <= destination <= row + count:
            return False
        moving = self._items[row:row + count]
        del self._items[row:row + count]
        at = destination if destination < row else destination - count
        self._items[at:at] = moving
        if not self._shuffle:
            self._natural = [i.key for i in self._items]
        return True

    # ---- shuffle -------------------------------------------------------------------

    def set_shuffle(self, on: bool) -> None:
        if on == self._shuffle:
            return
        self._shuffle = on
        if on:
            self._shuffle_around_current()
        else:
            by_key = {i.key: i for i in self._items}
            self._items = [by_key[key] for key in self._natural]
            self._gap = None

    def _shuffle_around_current(self) -> None:
        current = self.current()
        rest = [i for i in self._items if current is None or i.key != current.key]
        self._rng.shuffle(rest)
        self._items = ([current] if current is not None else []) + rest
        self._gap = None

    def _natural_position_of_row(self, row: int) -> int:
        """Where an item inserted at `row` of the playing order goes in the natural order:
        right after the item before that row (at the start if none)."""
        if row > 0:
            return self._natural.index(self._items[row - 1].key) + 1
        return 0


def restarts_instead(position_ms: int, queue: PlayQueue) -> bool:
    """Whether "previous" should restart the current item: once a few seconds have
    played, or when nothing comes before it."""
    return position_ms >= RESTART_AFTER_MS or not queue.has_previous()


def _entries(items: Iterable[QueueItem]) -> list[QueueItem]:
    """Items as new queue entries: each one's own key, even when queued again."""
    return [item.again() for item in items]
