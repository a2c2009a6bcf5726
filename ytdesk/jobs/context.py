"""What a job kind's function gets: its job, and ways to report progress, log, check for a
stop and queue children. Reports leave the worker thread through `report` (the worker
primitive's queued news), throttled, and reach the DB at most once a second."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import peewee as pw

from ytdesk.core import jobstore
from ytdesk.core.diskfull import LIBRARY_DISK_FULL, is_disk_full
from ytdesk.core.models import Job
from ytdesk.core.settings import Settings
from ytdesk.ytdl.traffic import STALLED, Traffic

from .joblog import JobLogFile

if TYPE_CHECKING:  # yt-dlp is imported by the job, on its thread, not by the window
    from ytdesk.ytdl.progress import Progress

SIGNAL_INTERVAL = 0.1  # progress reaches the UI at most ~10 times a second per job
DB_INTERVAL = 1.0  # and the DB at most once a second
WRITE_FIRST_WAIT_S = 0.5  # a write the job cannot do without is tried again after this,
WRITE_LONGEST_WAIT_S = 10.0  # doubling up to this

# What a running job tells its manager (the first item of each report).
STARTED, PROGRESS, LOG, ADDED, TITLED, FINISHED, PAUSE_QUEUE, HELD = (
    "started", "progress", "log", "added", "titled", "finished", "pause queue", "held")

Report = Callable[[tuple], None]
T = TypeVar("T")
log = logging.getLogger(__name__)


class ShuttingDown(Exception):
    """ytdesk closed while a write the job needs was still waiting for the DB: nothing more
    is written, and the job is taken back at the next start (its files stay)."""


def _or_unknown(value: float | None) -> float:
    return -1.0 if value is None else float(value)


class JobContext:
    def __init__(self, job: Job, settings: Settings, log_path: Path, report: Report,
                 logins: Path | None = None, cookies: Path | None = None,
                 closing: threading.Event | None = None):
        self.job_id: int = job.id
        self.url: str = job.url
        self.kind: str = job.kind
        self.title: str | None = job.title
        self.site: str = job.site
        self.priority: int = job.priority
        self.attempts: int = job.attempts
        self.attempts_before_retry: int = job.attempts_before_retry
        self.payload: dict[str, Any] = jobstore.payload(job)
        self.settings = settings
        self.report = report
        self.logins = logins  # the data dir's credentials file: the sites' logins
        self.cookies = cookies  # the data dir's folder of kept cookies files
        self.log_path = log_path  # its own log (a cleanup job finds the logs folder by it)
        self._log_file = JobLogFile(log_path)
        self._stop = threading.Event()
        self._stop_reason: str | None = None
        self._last_signal = 0.0
        # The first DB write waits a second: most of a batch of small files ends sooner,
        # and its end state says all (a write per job saved).
        self._last_db = time.monotonic()
        self.output_path: str | None = None
        self.last_progress: Progress | None = None  # written with the end state
        self.traffic = Traffic()
        self.stall_seconds: float = settings.get("stall_seconds")
        self.unsaved_title: str | None = None  # a busy DB: written with the end state
        self._closing = closing or threading.Event()
        self.library_was_full = False  # a write met a full disk: the queue pauses
        # Set by a download's engine: the speed limit at a moment, and how to change the
        # running download's (the speed-limit schedule's periods begin and end meanwhile).
        self.speed_limit_of: Callable[[float], int] | None = None
        self.set_rate_limit: Callable[[int], None] | None = None

    # -- asked by the manager (its own thread) ---------------------------------------------
    def request_stop(self, reason: str) -> None:
        if not self._stop.is_set():
            self._stop_reason = reason
            self._stop.set()
            # A read blocked on a silent server would never reach the progress hook that
            # checks the stop: its connection is cut.
            self.traffic.cut()

    def follow_speed_schedule(self, stamp: float) -> None:
        """A period of the speed-limit schedule began or ended: the running download takes
        the limit of the new one (yt-dlp reads it for each block it receives)."""
        if self.speed_limit_of is not None and self.set_rate_limit is not None:
            self.set_rate_limit(self.speed_limit_of(stamp))

    def stop_if_stalled(self) -> bool:
        """Stop the job if it has waited `stall_seconds` without receiving a byte."""
        if self.traffic.starved_for() >= self.stall_seconds and not self._stop.is_set():
            self.request_stop(STALLED)
            return True
        return False

    # -- used by the job kind (worker thread) ----------------------------------------------
    def stop_reason(self) -> str | None:
        return self._stop_reason if self._stop.is_set() else None

    def wait_unless_stopped(self, seconds: float) -> str | None:
        """Wait (a polite pause) but end at once when the job is asked to stop; the stop's
        reason, or None when the wait ran its course."""
        self._stop.wait(seconds)
        return self.stop_reason()

    def log(self, level: int, message: str) -> None:
        line = self._log_file.write(level, message)
        if level >= logging.INFO:
            self.report((LOG, self.job_id, level, line))

    def progress(self, p: Progress) -> None:
        self.last_progress = p
        stamp = time.monotonic()
        complete = p.fraction is not None and p.fraction >= 1.0
        if complete or stamp - self._last_signal >= SIGNAL_INTERVAL:
            self._last_signal = stamp
            self.report((PROGRESS, self.job_id, _or_unknown(p.fraction), p.downloaded,
                         p.total if p.total else -1, _or_unknown(p.speed), _or_unknown(p.eta),
                         getattr(p, "phase", "")))
        if stamp - self._last_db >= DB_INTERVAL:
            if jobstore.save_progress(self.job_id, progress=p.fraction,
                                      downloaded_bytes=p.downloaded, total_bytes=p.total,
                                      speed=p.speed, eta=p.eta):
                self._last_db = stamp  # skipped on a busy DB: the next report tries again

    def set_title(self, title: str | None) -> None:
        """Best effort, like progress: a busy or full DB never holds up the download; the
        title then goes with the end state."""
        if title and title != self.title:  # a playlist's child knows its title already
            self.title = title
            if jobstore.save_progress(self.job_id, title=title):
                self.report((TITLED, self.job_id))
            else:
                self.unsaved_title = title

    def write_until_done(self, write: Callable[[], T], what: str) -> T:
        """A write the job's outcome depends on (its end state, its library row): another
        program holding the DB's lock, or a full disk, is waited out, trying again with
        growing pauses. A full disk pauses the queue at once, with its sentence. Raises
        ShuttingDown when ytdesk closes first."""
        wait, told = WRITE_FIRST_WAIT_S, False
        while True:
            try:
                return write()
            except pw.OperationalError as exc:
                full = is_disk_full(exc)  # SQLite's own error hides under a failed ROLLBACK
                if full and not self.library_was_full:
                    self.library_was_full = True
                    self.report((PAUSE_QUEUE, self.job_id, LIBRARY_DISK_FULL))
                if not told:  # once, not every try
                    told = True
                    log.warning("job %s: could not record %s yet (%s); trying again until "
                                "it can", self.job_id, what, "the disk is full" if full else exc)
                if self._closing.wait(wait):
                    raise ShuttingDown(what) from exc
                wait = min(WRITE_LONGEST_WAIT_S, wait * 2)

    def set_output(self, path: str | None) -> None:
        """The file the job made (or found): written with the job's end state."""
        if path:
            self.output_path = path

    def enqueue_children(self, new_jobs: list[jobstore.NewJob]) -> list[int]:
        ids = jobstore.add_jobs(new_jobs)
        self.announce_added(ids)
        return ids

    def announce_added(self, ids: list[int]) -> None:
        """Jobs this one added in a transaction of its own, once it is committed."""
        if ids:
            self.report((ADDED, ids))

    def close(self) -> None:
        self._log_file.close()
