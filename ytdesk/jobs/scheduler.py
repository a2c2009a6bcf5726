"""When jobs start: up to `concurrency` slots on the job pool, each claiming and running
jobs one after another on its own thread for as long as there is work it may take.

A slot claims on its own thread (the owner's thread never waits on SQLite's lock) and
goes straight on to the next job (no round trip through the event loop between two
downloads of a batch). Slots are started when something may have become runnable: a job
added or put back, a slot freed, the next retry or the end of a site's hold (a timer set
to that moment, not a poll), or another process writing to the library (SQLite's
`data_version`, read once a second, tells).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import peewee as pw
from PySide6.QtCore import QObject, QTimer, Signal

from ytdesk.core import day_periods, jobstore
from ytdesk.core.clock import now
from ytdesk.core.db import bound
from ytdesk.core.paths import Paths
from ytdesk.core.settings import Settings

from .context import ADDED, FINISHED, STARTED, JobContext
from .kinds import function_of, imported
from .liveness import LEASE_SECONDS
from .worker import Work, Workers

log = logging.getLogger(__name__)

OUTSIDE_CHECK_MS = 1_000  # how soon work queued by another process is noticed
CLAIM_AGAIN_AFTER_S = 2.0  # a claim the DB refused (busy, full) is tried again this soon
STALL_CHECK_MS = 500  # how often running jobs are checked for a site that went silent
LONGEST_SLEEP_MS = 60_000  # a due-time timer never sleeps longer (clock changes, sleep)


class Running:
    """The jobs this process runs now, by id (their contexts), for any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._contexts: dict[int, JobContext] = {}

    def add(self, context: JobContext) -> None:
        with self._lock:
            self._contexts[context.job_id] = context

    def remove(self, context: JobContext) -> None:
        with self._lock:
            if self._contexts.get(context.job_id) is context:
                del self._contexts[context.job_id]

    def get(self, job_id: int) -> JobContext | None:
        with self._lock:
            return self._contexts.get(job_id)

    def ids(self) -> list[int]:
        with self._lock:
            return list(self._contexts)

    def stop_stalled(self) -> list[int]:
        """Stop every job that waited too long without a byte; their ids."""
        with self._lock:
            contexts = list(self._contexts.values())
        return [c.job_id for c in contexts if c.stop_if_stalled()]

    def stop_all(self, reason: str) -> None:
        with self._lock:
            contexts = list(self._contexts.values())
        for context in contexts:
            context.request_stop(reason)


class Gate:
    """Whether slots may take another job, and how many may run at once, for any thread."""

    def __init__(self, concurrency: int):
        self._open = threading.Event()
        self.concurrency = concurrency
        self.closing = threading.Event()  # ytdesk is shutting down: stop, don't wait
        self._lock = threading.Lock()
        self._taken = 0

    def take(self) -> bool:
        """A place for one more job, if the gate is open and the limit allows (a lowered
        limit counts at once)."""
        with self._lock:
            if not self._open.is_set() or self._taken >= self.concurrency:
                return False
            self._taken += 1
            return True

    def give_back(self) -> None:
        with self._lock:
            self._taken -= 1

    def open(self) -> None:
        self._open.set()

    def shut(self) -> None:
        self._open.clear()

    @property
    def is_open(self) -> bool:
        return self._open.is_set()


def run_slot(task: Work, owner: str, settings: Settings, paths: Paths, gate: Gate,
             running: Running) -> float | None:
    """A slot's life on its pool thread: claim, run, write, claim again... Returns when
    no job may start now: the time something next becomes due (or None)."""
    busy = False  # in a batch: the last look found work, so the next probably will
    while gate.take():
        quiet_until = _quiet_until(settings)
        try:
            began = time.monotonic()
            try:
                job = jobstore.claim_next(
                    owner, LEASE_SECONDS, settings.get("per_site_concurrency"),
                    look_first=not busy, above=jobstore.ANY_PRIORITY if quiet_until is None
                    else jobstore.BACKGROUND_HELD)
            except pw.OperationalError as exc:  # another program's lock, a full disk
                _claim_failed(exc, began)
                return now() + CLAIM_AGAIN_AFTER_S  # the due timer brings the slot back
            _claim_failed(None, began)
            if job is None:
                due = jobstore.next_due()
                return due if quiet_until is None else min(due or quiet_until, quiet_until)
            busy = True
            _run_job(task, job, owner, settings, paths, gate, running)
        finally:
            gate.give_back()
    return None


def _quiet_until(settings: Settings) -> float | None:
    """The end of the quiet hours we are in (no background job starts before), or None."""
    try:
        quiet = day_periods.parse(settings.get("quiet_hours"))
    except day_periods.PeriodError:
        return None
    stamp = now()
    return quiet.ends_after(stamp) if quiet is not None and quiet.contains(stamp) else None


# What was last said, for every slot (they fail together), and when the claim that ended
# the last failure began.
_claim_failure: dict[str, Any] = {"said": "", "over_since": 0.0}
_claim_failure_lock = threading.Lock()


def _claim_failed(exc: Exception | None, began: float) -> None:
    """Said once while it lasts (it is tried every few seconds), not at every try nor by
    every slot; None: a claim went through, so the next failure is news again. A failed
    claim that began before the one that went through belongs to the failure just over
    (two slots around the moment the lock is let go), and is not news."""
    reason = "" if exc is None else str(exc)
    with _claim_failure_lock:
        if not reason:
            _claim_failure.update(said="", over_since=began)
            return
        news = reason != _claim_failure["said"] and began >= _claim_failure["over_since"]
        if news:
            _claim_failure["said"] = reason
    if news:
        log.warning("could not take the next job (%s); trying again every %.0f s",
                    reason, CLAIM_AGAIN_AFTER_S)


def _run_job(task: Work, job, owner: str, settings: Settings, paths: Paths, gate: Gate,
             running: Running) -> None:
    # On the pool thread: the runner pulls in yt-dlp.
    JobRunner = imported("ytdesk.jobs.runner").JobRunner

    context = JobContext(job, settings, paths.job_log(job.id), task.report,
                         logins=paths.credentials, cookies=paths.cookies, closing=gate.closing)
    running.add(context)
    try:
        task.report((STARTED, job.id))
        try:
            function = function_of(job.kind)
        except (KeyError, ImportError) as exc:
            def function(ctx, exc=exc, kind=job.kind):
                raise RuntimeError(f"ytdesk cannot run jobs of kind {kind!r}: {exc}")
        if JobRunner(owner, context, function, stop_claims=gate.shut).run():
            gate.shut()  # a local failure (disk full...): the manager pauses the queue
    finally:
        running.remove(context)


class Scheduler(QObject):
    started = Signal(int)  # job id
    finished = Signal(int, str, str)  # job id, status written, why the queue must pause
    added = Signal(list)  # children a running job queued
    news = Signal(tuple)  # progress, log and title reports, as the context made them
    drained = Signal()  # no slot runs any more
    written = Signal()  # another connection (most often another process) wrote to the library

    def __init__(self, owner: str, settings: Settings, paths: Paths, running: Running,
                 concurrency: int, parent: QObject | None = None):
        super().__init__(parent)
        self._owner = owner
        self._settings = settings
        self._paths = paths
        self._running = running
        self.gate = Gate(concurrency)
        self._pool = Workers(self, threads=concurrency, name="jobs")
        self._slots = 0  # slot tasks submitted and not over (counted on this thread only)
        self._due = QTimer(self, singleShot=True, timeout=self.wake)  # type: ignore[call-arg]  # Qt property/signal keywords
        self._outside = QTimer(self, interval=OUTSIDE_CHECK_MS, timeout=self._check_outside)  # type: ignore[call-arg]  # Qt property/signal keywords
        # One timer for every running job, not a thread each: a stalled read never returns
        # to the job's own code, so the check cannot live there.
        self._stalls = QTimer(self, interval=STALL_CHECK_MS, timeout=self._check_stalls)  # type: ignore[call-arg]  # Qt property/signal keywords
        self._data_version: int | None = None
        self._missed = False  # woken while every slot was busy

    # -- control ---------------------------------------------------------------------------------
    def start(self, paused: bool = False) -> None:
        self._outside.start()
        self._stalls.start()
        if not paused:
            self.gate.open()
            self.wake()

    @property
    def busy(self) -> bool:
        """A slot runs (a job, or a look for one)."""
        return self._slots > 0

    def pause(self) -> None:
        """Start nothing new; running jobs go on."""
        self.gate.shut()
        self._due.stop()

    def resume(self) -> None:
        self.gate.open()
        self.wake()

    def stop(self, timeout_s: float) -> bool:
        """Start nothing new, stop running jobs (their .part files stay), wait for them."""
        self.gate.shut()
        self.gate.closing.set()
        self._due.stop()
        self._outside.stop()
        self._stalls.stop()
        self._running.stop_all("shutdown")
        return self._pool.wait(int(timeout_s * 1000))

    def set_concurrency(self, value: int) -> None:
        self.gate.concurrency = value
        self._pool.set_threads(value)
        self.wake()

    # -- starting slots --------------------------------------------------------------------------
    def wake(self) -> None:
        """Something may be runnable: fill the free slots (each finds out for itself)."""
        if not self.gate.is_open:
            return
        # A slot busy now may be about to find nothing and end just before this news
        # reaches it: when one ends, look again.
        self._missed = self._slots >= self.gate.concurrency
        while self._slots < self.gate.concurrency:
            self._slots += 1
            self._pool.submit(run_slot, self._owner, self._settings, self._paths, self.gate,
                              self._running, pass_task=True,
                              reported=self._on_report, done=self._on_slot_done,
                              failed=self._on_slot_failed, finished=self._on_slot_over)

    def _on_slot_done(self, due: float | None) -> None:
        if due is not None:
            wait_ms = int(max(0.0, due - now()) * 1000) + 5
            if not self._due.isActive() or self._due.remainingTime() > wait_ms:
                self._due.start(min(wait_ms, LONGEST_SLEEP_MS))

    def _on_slot_failed(self, exc: BaseException) -> None:
        log.error("a job slot stopped: %s", exc, exc_info=exc)

    def _on_slot_over(self, _: Any) -> None:
        self._slots -= 1
        if self._missed:
            self.wake()
        if self._slots == 0:
            self.drained.emit()

    def _check_outside(self) -> None:
        """Work another process queued (the CLI, a second window) starts within a second:
        SQLite's data_version changes when any other connection commits."""
        try:
            version = bound().execute_sql("PRAGMA data_version").fetchone()[0]
        except Exception as exc:  # a locked or vanished DB: look again next second
            log.debug("data_version: %s", exc)
            return
        if version != self._data_version:
            self._data_version = version
            self.written.emit()
            if self._slots < self.gate.concurrency:
                self.wake()

    def _check_stalls(self) -> None:
        for job_id in self._running.stop_stalled():
            log.info("job %s: no data for a while; stopping it to try again", job_id)

    # -- what slots report -----------------------------------------------------------------------
    def _on_report(self, report: tuple) -> None:
        what = report[0]
        if what == STARTED:
            self.started.emit(report[1])
        elif what == FINISHED:
            self.finished.emit(report[1], report[2], report[3])
        elif what == ADDED:
            self.added.emit(report[1])
            self.wake()
        else:
            self.news.emit(report)
