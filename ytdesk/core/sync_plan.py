"""When each subscription is due, spread out, and which to queue now: the scheduler's rules
without Qt, with a clock that tests can fake.

A subscription is due at `last_synced_at + interval` (never synced: when it was added), plus
its own jitter: a fixed fraction of a spread window worked out from its id, so a thousand
subscriptions with one interval do not fire in the same second, and the offset is the same
after a restart (nothing to store). Due times come from the library, so a subscription that
was due while ytdesk was closed or the computer slept is synced once, when ytdesk next
looks, however many intervals it missed: its sync sets `last_synced_at` to then.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Protocol

from . import jobstates as st
from .channels import queue_syncs
from .db import transaction
from .jobstore import PRIORITIES
from .models import Job, Subscription

JITTER_SHARE = 0.1  # a subscription's jitter is at most this share of its interval
SLEPT_AFTER_S = 60.0  # the wall clock ran this much ahead of the monotonic one: it slept


class Clock(Protocol):
    def wall(self) -> float: ...  # seconds since the epoch, as stored in the library

    def monotonic(self) -> float: ...  # never jumps; on most systems stops while asleep


class SystemClock:
    def wall(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()


def jitter_s(subscription_id: int, interval_s: float, spread_s: float) -> float:
    """This subscription's own offset in [0, window): the same in every run."""
    window = max(0.0, min(spread_s, interval_s * JITTER_SHARE))
    digest = hashlib.sha256(f"sync-{subscription_id}".encode()).digest()
    return window * int.from_bytes(digest[:4], "big") / 2 ** 32


def due_at(subscription_id: int, interval_s: float, last_synced_at: float | None,
           created_at: float, spread_s: float) -> float:
    base = created_at if last_synced_at is None else last_synced_at + interval_s
    return base + jitter_s(subscription_id, interval_s, spread_s)


@dataclass(frozen=True)
class Planned:
    queued: list[int]  # sync jobs queued now
    next_due: float | None  # when the next subscription not queued now is due (None: none)
    more_due: bool  # some were due but had to wait for a free place


def queue_due(stamp: float, at_most: int, spread_s: float) -> Planned:
    """Queue (at background priority) the syncs of enabled subscriptions that are due at
    `stamp`, longest-waiting first, while fewer than `at_most` syncs are queued or running;
    say when the next one is due."""
    with transaction():
        query = (Subscription.select(Subscription.id, Subscription.interval_s,
                                     Subscription.last_synced_at, Subscription.created_at)
                 .where(Subscription.enabled))
        rows: list[tuple[int, float, float | None, float]] = list(query.tuples())  # type: ignore[arg-type]  # .tuples() rows
        busy = set()
        for job in Job.select(Job.payload).where(
                (Job.kind == "sync") & Job.status.in_(st.ACTIVE)):
            try:
                busy.add(json.loads(job.payload).get("subscription_id"))
            except (json.JSONDecodeError, AttributeError):
                continue
        times = sorted((due_at(i, interval, last, created, spread_s), i)
                       for i, interval, last, created in rows if i not in busy)
        due = [i for when, i in times if when <= stamp]
        room = max(0, at_most - len(busy))
        wanted = due[:room]
        later = [when for when, _ in times if when > stamp]
        queued = queue_syncs(wanted, PRIORITIES["low"]) if wanted else []
    return Planned(queued, min(later) if later else None, len(due) > len(wanted))


class SleepWatch:
    """Tells when the computer slept (or its clock was set forward): the wall clock moved
    on more than the monotonic one since the last look."""

    def __init__(self, clock: Clock):
        self.clock = clock
        self._wall, self._mono = clock.wall(), clock.monotonic()

    def look(self) -> float:
        """Seconds the wall clock ran ahead since the last look (0 when none worth saying)."""
        wall, mono = self.clock.wall(), self.clock.monotonic()
        ahead = (wall - self._wall) - (mono - self._mono)
        self._wall, self._mono = wall, mono
        return ahead if ahead >= SLEPT_AFTER_S else 0.0
