"""The subscription scheduler: sleeps until the next subscription is due, then queues its
`sync` job (a few at a time), on the manager's thread.

It is a single-shot QTimer set to the next due time rather than an asyncio task: the
window runs a qasync loop, but `ytdesk-cli run` runs a plain QCoreApplication loop with no
asyncio in it, and a QTimer is the same thing on both (on qasync, asyncio's own timers are
QTimers too). It is not a poll: it wakes at the next due time, and at the latest after
`sync_check_seconds`, because a timer counts monotonic time, which on most systems stops
while the computer sleeps: the wall clock then runs ahead, the scheduler notices it, and
subscriptions that fell due meanwhile are synced once (their due times come from the
library: see core/sync_plan). The work itself (reading due times, queueing) runs on the
manager's writer thread: the GUI thread never waits on SQLite.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from ytdesk.core import day_periods, sync_plan
from ytdesk.core.sync_plan import Clock, Planned, SleepWatch, SystemClock

if TYPE_CHECKING:
    from .manager import JobManager

log = logging.getLogger(__name__)


class SyncTimer(QObject):
    planned = Signal(float)  # when the next subscription is due (epoch s; 0: none)
    slept = Signal(float)  # the computer slept (or its clock jumped) this many seconds

    def __init__(self, manager: JobManager, clock: Clock | None = None):
        super().__init__(manager)
        self._manager = manager
        self.clock: Clock = clock or SystemClock()
        self._watch = SleepWatch(self.clock)
        self._timer = QTimer(self, singleShot=True, timeout=self.look)  # type: ignore[call-arg]  # Qt property/signal keywords
        self._running = False
        self._paused = False
        self._looking = False  # a look is on the writer thread
        self._again = False  # asked to look while one was on its way
        self._more_due = False  # some were due but waited for a place

    def set_clock(self, clock: Clock) -> None:
        """Tests: a fake clock (wall and monotonic)."""
        self.clock = clock
        self._watch = SleepWatch(clock)

    # -- control -------------------------------------------------------------------------------
    def start(self, paused: bool = False) -> None:
        self._running, self._paused = True, paused
        if not paused:
            self.look()

    def stop(self) -> None:
        self._running = False
        self._timer.stop()

    def pause(self) -> None:
        """Queue no sync until `resume` (the queue's "Pause all")."""
        self._paused = True
        self._timer.stop()

    def resume(self) -> None:
        self._paused = False
        self.look()

    @property
    def paused(self) -> bool:
        return self._paused

    def replan(self) -> None:
        """A subscription was added or changed: its due time may be sooner."""
        self.look()

    def job_ended(self) -> None:
        """A job ended: if it was a sync, it left a place for one that waited."""
        if self._more_due:
            self.look()

    # -- looking -------------------------------------------------------------------------------
    def look(self) -> None:
        """Queue what is due now (on the writer thread), then sleep until the next one."""
        if not self._running or self._paused:
            return
        if self._looking:
            self._again = True
            return
        self._timer.stop()
        slept = self._watch.look()
        if slept:
            log.info("the computer slept (or its clock moved) %.0f s: looking for overdue "
                     "subscriptions", slept)
            self.slept.emit(slept)
        settings = self._manager.settings
        stamp = self.clock.wall()
        if not settings.get("background_sync"):
            self._sleep(None)
            return
        quiet = day_periods.parse(settings.get("quiet_hours"))
        if quiet is not None and quiet.contains(stamp):
            self._sleep(quiet.ends_after(stamp))  # nothing in the background until then
            return
        self._looking = True
        self._manager.write(sync_plan.queue_due, stamp, settings.get("syncs_at_once"),
                            settings.get("sync_spread_seconds"), done=self._looked,
                            failed=self._look_failed)

    def _looked(self, planned: Planned) -> None:
        self._looking = False
        self._more_due = planned.more_due
        if planned.queued:
            self._manager.announce_added(planned.queued)
        if self._again:
            self._again = False
            self.look()
            return
        self._sleep(planned.next_due)

    def _look_failed(self, exc: BaseException) -> None:
        self._looking = False
        log.warning("could not look for subscriptions due to be synced: %s", exc)
        self._sleep(None)

    def _sleep(self, until: float | None) -> None:
        """Until the next due time, and never longer than sync_check_seconds (sleep)."""
        self.planned.emit(until or 0.0)
        if not self._running or self._paused:
            return
        longest = self._manager.settings.get("sync_check_seconds")
        wait = longest if until is None else min(longest, max(0.0, until - self.clock.wall()))
        self._timer.start(int(wait * 1000) + 1)
