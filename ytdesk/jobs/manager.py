"""JobManager: the queue every part of ytdesk talks to (GUI, CLI, tray).

It writes every request to the DB first, then says so with a signal; it claims runnable
jobs atomically in the DB (so two processes on one data dir never run the same job), runs
them on its own QThreadPool, renews their leases, and recovers jobs whose owner died.
All its signals are emitted on the thread the manager lives on.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import time
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QThreadPool, QTimer, Signal, Slot

from ytdesk.core import jobstates as st
from ytdesk.core import jobstore
from ytdesk.core.jobstore import NewJob
from ytdesk.core.models import Job
from ytdesk.core.paths import Paths
from ytdesk.core.settings import Settings
from ytdesk.ytdl.options import find_tools

from .context import JobContext, JobSignals
from .kinds import KINDS, function_of

log = logging.getLogger(__name__)

LEASE_SECONDS = 30.0  # a job whose owner is silent this long is taken back
RENEW_EVERY_MS = 5_000
POLL_EVERY_MS = 500  # due retries, holds ending, work queued by another process
STAGGER_MS = 60  # between two job starts
WARM_UP_AFTER_MS = 1_000  # after the window is up, before the user's first download
_counter = itertools.count(1)


def _owner_lock_path(paths: Paths, owner: str) -> Path:
    return paths.locks / (owner.replace(":", "_").replace("/", "_") + ".lock")


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"There is no job kind {kind!r}.")


class _Carrier(QObject):
    written = Signal(list)  # from the writer thread: ids of a bulk add, now stored
    renewed = Signal(dict, list)  # what was asked of our jobs; jobs taken back from the dead


class JobManager(QObject):
    jobAdded = Signal(list)  # ids, one emit per enqueue call (a bulk add is one signal)
    jobChanged = Signal(int, str)  # id, status
    jobProgress = Signal(int, float, "qint64", "qint64", float, float)
    # id, fraction (-1 unknown), bytes, total (-1), speed B/s (-1), ETA s (-1)
    jobLog = Signal(int, int, str)  # id, logging level, timestamped line
    jobFinished = Signal(int, str)  # id, status it ended in (succeeded, failed, waiting...)
    jobsRemoved = Signal(list)  # ids taken off the list
    queuePaused = Signal(str)  # why (e.g. disk full)
    queueResumed = Signal()
    idle = Signal()  # nothing queued, running or waiting anywhere

    def __init__(self, paths: Paths, settings: Settings, parent: QObject | None = None,
                 concurrency: int | None = None):
        super().__init__(parent)
        self.paths = paths
        self.settings = settings
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{int(time.time() * 1000)}:{next(_counter)}"
        self._concurrency_override = concurrency
        self._pool = QThreadPool(self)
        # DB writes the GUI thread must not wait for (bulk adds, lease renewal) and the
        # yt-dlp warm-up, one at a time, never on the download pool.
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        # Created after the pools: children die in creation order, so a dying pool that
        # waits for its last work still has this to emit on.
        self._carrier = _Carrier(self)
        self._carrier.written.connect(self._on_added)
        self._carrier.renewed.connect(self._on_renewed)
        self._running: dict[int, JobContext] = {}
        self._accepting = False
        self._paused_reason: str | None = None
        self._lock = QLockFile(str(_owner_lock_path(paths, self.owner)))
        self._lock.setStaleLockTime(0)
        self._renew_timer = QTimer(self, interval=RENEW_EVERY_MS, timeout=self._renew)
        self._poll_timer = QTimer(self, interval=POLL_EVERY_MS, timeout=self._tick)

    # -- life ------------------------------------------------------------------------------
    def start(self) -> list[int]:
        """Take back interrupted jobs, then start running the queue. Returns recovered ids."""
        self.paths.ensure()
        find_tools()
        self._lock.tryLock(0)
        recovered = self.recover()
        self._accepting = True
        self._pool.setMaxThreadCount(self.concurrency())
        self._renew_timer.start()
        self._poll_timer.start()
        QTimer.singleShot(0, self._schedule)
        QTimer.singleShot(WARM_UP_AFTER_MS, self._warm_up)
        return recovered

    def _warm_up(self) -> None:
        """Import yt-dlp (through the job kinds) on the writer thread once start-up is over:
        otherwise the first downloads all import it at once, and four threads busy with
        Python starve the GUI thread of the GIL (a 150-200 ms stall, measured)."""
        def load() -> None:
            from . import runner  # noqa: F401
            for kind in list(KINDS):
                function_of(kind)

        self._writer.start(load)

    def recover(self) -> list[int]:
        recovered = jobstore.recover_interrupted(self.owner, self._owner_is_dead)
        self._announce_recovered(recovered)
        return recovered

    def _announce_recovered(self, recovered: list[int]) -> None:
        for job_id in recovered:
            log.info("job %s was interrupted; it is queued again", job_id)
            self.jobChanged.emit(job_id, st.QUEUED)
        if recovered:
            self._schedule_soon()

    def shutdown(self, timeout_s: float = 10.0) -> bool:
        """Stop claiming, ask running jobs to stop (their .part files stay), wait for them.
        Returns True if every job stopped in time."""
        self._accepting = False
        self._renew_timer.stop()
        self._poll_timer.stop()
        for context in list(self._running.values()):
            context.request_stop("shutdown")
        done = self._pool.waitForDone(int(timeout_s * 1000))
        self._writer.waitForDone(int(timeout_s * 1000))
        self._lock.unlock()
        return done

    def concurrency(self) -> int:
        return self._concurrency_override or self.settings.get("concurrency")

    def set_concurrency(self, value: int | None) -> None:
        self._concurrency_override = value
        self.apply_settings()

    def apply_settings(self) -> None:
        """Take changed settings (concurrency, limits) into use without a restart."""
        self._pool.setMaxThreadCount(self.concurrency())
        self._schedule_soon()

    @property
    def running_ids(self) -> list[int]:
        return list(self._running)

    @property
    def paused_reason(self) -> str | None:
        return self._paused_reason

    # -- requests ----------------------------------------------------------------------------
    def enqueue(self, kind: str, url: str, payload: dict | None = None, priority: int = 0,
                parent_id: int | None = None, title: str | None = None) -> int:
        return self.enqueue_many([NewJob(kind, url, payload or {}, priority, parent_id, title)])[0]

    def enqueue_many(self, new_jobs: list[NewJob]) -> list[int]:
        """Write all the jobs in one transaction, then say so once."""
        for kind in {job.kind for job in new_jobs}:
            _check_kind(kind)
        ids = jobstore.add_jobs(new_jobs)
        self._on_added(ids)
        return ids

    def enqueue_urls_later(self, kind: str, urls: list[str], payload: dict | None = None,
                           priority: int = 0) -> None:
        """Queue one job per (already validated) URL, written on a background thread, so
        dropping 10,000 links never freezes the window; `jobAdded` follows once stored."""
        _check_kind(kind)
        carrier, payload = self._carrier, dict(payload or {})

        def write() -> None:
            new_jobs = [NewJob(kind, url, payload, priority) for url in urls]
            carrier.written.emit(jobstore.add_jobs(new_jobs))

        self._writer.start(write)

    def remove(self, job_ids: list[int]) -> list[int]:
        removed = jobstore.remove(job_ids)
        for job_id in removed:
            self.paths.job_log(job_id).unlink(missing_ok=True)
        if removed:
            self.jobsRemoved.emit(removed)
        return removed

    def batch(self):
        """One transaction around many requests (pausing 1,000 selected jobs is one commit,
        not 1,000); a request refused inside it rolls back alone (a savepoint)."""
        return Job._meta.database.atomic()

    def pause(self, job_id: int) -> str:
        return self._ask(job_id, "pause")

    def cancel(self, job_id: int) -> str:
        return self._ask(job_id, "cancel")

    def _ask(self, job_id: int, action: str) -> str:
        status = jobstore.ask(job_id, action)
        context = self._running.get(job_id)
        if context is not None:
            context.request_stop(action)  # ours: stop now, not at the next lease tick
        else:
            self.jobChanged.emit(job_id, status)
        return status

    def resume(self, job_id: int) -> None:
        jobstore.resume(job_id)
        self.jobChanged.emit(job_id, st.QUEUED)
        self._schedule_soon()

    def retry(self, job_id: int) -> None:
        jobstore.retry(job_id)
        self.jobChanged.emit(job_id, st.QUEUED)
        self._schedule_soon()

    def pause_queue(self, reason: str) -> None:
        self._paused_reason = reason
        self.queuePaused.emit(reason)

    def resume_queue(self) -> None:
        self._paused_reason = None
        self.queueResumed.emit()
        self._schedule_soon()

    # -- scheduling ---------------------------------------------------------------------------
    def _schedule_soon(self) -> None:
        QTimer.singleShot(0, self._schedule)

    @Slot()
    def _schedule(self) -> None:
        """Start one runnable job if a slot is free, and look again a moment later: a job's
        first ~50 ms are busy Python (yt-dlp setting up), and several starting at once
        starve the GUI thread of the GIL (150+ ms stalls, measured)."""
        if not self._accepting or self._paused_reason is not None:
            return
        if len(self._running) >= self.concurrency():
            return
        job = jobstore.claim_next(self.owner, LEASE_SECONDS,
                                  self.settings.get("per_site_concurrency"))
        if job is not None:
            self._start(job)
            QTimer.singleShot(STAGGER_MS, self._schedule)

    def _start(self, job: Job) -> None:
        # Parented, so the C++ object is deleted by deleteLater on this thread, never by a
        # garbage collection that happens to run on a pool thread (that aborted the process).
        signals = JobSignals(self)
        signals.progress.connect(self._on_progress)
        signals.log.connect(self._on_log)
        signals.added.connect(self._on_added)
        signals.titled.connect(self._on_titled)
        signals.finished.connect(self._on_finished)
        context = JobContext(job, self.settings, self.paths.job_log(job.id), signals)
        self._running[job.id] = context
        self.jobChanged.emit(job.id, st.RUNNING)
        owner = self.owner

        def work() -> None:
            # Imported here, on the pool thread: the runner and the kinds pull in yt-dlp.
            from .runner import JobRunner
            try:
                function = function_of(job.kind)
            except (KeyError, ImportError) as exc:
                def function(ctx, exc=exc):
                    raise RuntimeError(f"ytdesk cannot run jobs of kind {job.kind!r}: {exc}")
            JobRunner(job, owner, context, function).run()

        self._pool.start(work)

    @Slot()
    def _tick(self) -> None:
        self._schedule()
        if not self._running and not jobstore.has_active_jobs():
            self.idle.emit()

    @Slot()
    def _renew(self) -> None:
        """Renew our leases and take back dead owners' jobs, on the writer thread: these
        are writes, and a write waits whenever a download holds SQLite's lock."""
        carrier, owner, owner_is_dead = self._carrier, self.owner, self._owner_is_dead

        def renew() -> None:
            asked = jobstore.renew_leases(owner, LEASE_SECONDS)
            carrier.renewed.emit(asked, jobstore.recover_interrupted(owner, owner_is_dead))

        self._writer.start(renew)

    @Slot(dict, list)
    def _on_renewed(self, asked: dict, recovered: list) -> None:
        for job_id, action in asked.items():  # asked by another process (e.g. the CLI)
            context = self._running.get(job_id)
            if context is not None and action in ("pause", "cancel"):
                context.request_stop(action)
        self._announce_recovered(recovered)

    def _owner_is_dead(self, owner: str) -> bool:
        """An owner holds a lock file while it lives; a lock we can take is a dead owner's."""
        path = _owner_lock_path(self.paths, owner)
        if not path.exists():
            return True
        probe = QLockFile(str(path))
        probe.setStaleLockTime(0)
        if probe.tryLock(0):
            probe.unlock()
            return True
        return False

    # -- reports from runners (queued onto this thread) ------------------------------------
    @Slot(int, float, "qint64", "qint64", float, float)
    def _on_progress(self, job_id, fraction, done, total, speed, eta) -> None:
        self.jobProgress.emit(job_id, fraction, done, total, speed, eta)

    @Slot(int, int, str)
    def _on_log(self, job_id: int, level: int, line: str) -> None:
        self.jobLog.emit(job_id, level, line)

    @Slot(list)
    def _on_added(self, ids: list) -> None:
        """New jobs are stored (a direct add, a bulk add, or a playlist's children)."""
        if ids:
            self.jobAdded.emit(ids)
            self._schedule_soon()

    @Slot(int, str)
    def _on_titled(self, job_id: int, title: str) -> None:
        self.jobChanged.emit(job_id, st.RUNNING)

    @Slot(int, str, str)
    def _on_finished(self, job_id: int, status: str, pause_reason: str) -> None:
        # A paused job resumed at once may already run again under the same id: only the
        # run whose signals sent this is over.
        sender = self.sender()
        context = self._running.get(job_id)
        if context is not None and context.signals is sender:
            del self._running[job_id]
        if sender is not None:
            sender.deleteLater()
        self.jobChanged.emit(job_id, status)
        self.jobFinished.emit(job_id, status)
        if pause_reason:
            self.pause_queue(pause_reason)
        self._schedule_soon()
