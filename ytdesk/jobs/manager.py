"""JobManager: the queue every part of ytdesk talks to (GUI, CLI, tray), as a thin façade.

It writes every request to the DB first, then says so with a signal. The work is done by
its parts: the Scheduler (slots that claim and run jobs), Liveness (owner lock, leases,
recovery) and a writer thread for writes the caller must not wait for (bulk adds, what a
user asks of a selection). All its signals are emitted on the thread the manager lives on,
after the change they announce is committed.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ytdesk.core import channels, jobactions
from ytdesk.core import jobstates as st
from ytdesk.core import jobstore, queuestate, site_holds
from ytdesk.core.credentials import Logins
from ytdesk.core.jobactions import ActionResult
from ytdesk.core.jobstore import NewJob
from ytdesk.core.paths import Paths
from ytdesk.core.settings import Settings
from ytdesk.ytdl.options import find_tools

from .collector import collect_on_the_app_thread
from .context import HELD, LOG, PAUSE_QUEUE, PROGRESS, TITLED
from .kinds import KINDS, function_of, imported
from .liveness import Liveness
from .patient import ATTEMPT_MS, BUSY, FREE, LibraryBusy, write_patiently
from .scheduler import Running, Scheduler
from .speed_schedule import SpeedSchedule
from .sync_timer import SyncTimer
from .worker import Workers

log = logging.getLogger(__name__)

WARM_UP_AFTER_MS = 1_000  # after the window is up, before the user's first download
PAUSED_BY_YOU = "You paused all downloads and syncs; Resume all starts them again."


def _freeze_what_lasts() -> None:
    """Keep what start-up made (Qt's wrappers, yt-dlp's 1,800 extractor classes, the
    modules) out of the garbage collector's full passes: they live as long as ytdesk, and
    walking them took 30-40 ms with the GIL held, on whatever thread the pass fell on,
    freezing the window (measured while 10,000 dropped links were listed)."""
    gc.freeze()


def _pause_not_stored(exc: BaseException) -> None:
    # This process still keeps the pause; other processes do not hear of it.
    log.warning("could not store the queue's pause in the library: %s", exc)


def _add_urls(logins: Logins, kind: str, urls: list[str], payload: dict,
              priority: int) -> list[int]:
    """On the writer thread: logins out of the addresses (kept in the user-only file),
    then the jobs."""
    return jobstore.add_jobs([NewJob(kind, url, payload, priority)
                              for url in logins.take_out(urls)])


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"There is no job kind {kind!r}.")


class JobManager(QObject):
    jobAdded = Signal(list)  # ids, one emit per enqueue call (a bulk add is one signal)
    jobChanged = Signal(int, str)  # id, status
    jobsChanged = Signal(list)  # ids whose status changed together (a bulk action)
    jobProgress = Signal(int, float, "qint64", "qint64", float, float, str)  # type: ignore[arg-type]  # C++ type names
    # id, fraction (-1 unknown), bytes, total (-1), speed B/s (-1), ETA s (-1), phase: what
    # it does now ("downloading", "merging"...; a slot may take only the first six)
    jobLog = Signal(int, int, str)  # id, logging level, timestamped line
    jobFinished = Signal(int, str)  # id, status it ended in (succeeded, failed, waiting...)
    jobsRemoved = Signal(list)  # ids taken off the list
    jobsRecovered = Signal(list)  # ids of interrupted jobs put back in the queue
    queuePaused = Signal(str)  # why (e.g. disk full)
    queueResumed = Signal()
    idle = Signal()  # nothing runs here, and the queue is paused or has nothing to do
    # A subscription was added, changed or removed, or the library's videos changed outside
    # a job (marked watched, files deleted): views of channels read them again.
    subscriptionsChanged = Signal()
    libraryBusy = Signal(bool)  # True: a change waits for another program to let go of
    # the library's write lock; False: it got through (or was given up)
    # A site said 429, a bot check, or 403 after working: none of its jobs (downloads and
    # syncs) start before `until`. Once per hold: site, what happened and what to do (a
    # sentence), until (epoch s).
    siteHeld = Signal(str, str, float)
    siteReleased = Signal(str)  # a job of a held site got through (after a hold, or a fix)
    syncPlanned = Signal(float)  # when the next subscription is due (epoch s; 0: none)

    def __init__(self, paths: Paths, settings: Settings, parent: QObject | None = None,
                 concurrency: int | None = None):
        super().__init__(parent)
        collect_on_the_app_thread()  # never a collection on a pool thread
        self.paths = paths
        self.settings = settings
        self._concurrency_override = concurrency
        self._running = Running()
        # Writes the caller must not wait for, one at a time, never on the job pool.
        self._writer = Workers(self, threads=1, name="writer")
        self._give_up_writing = threading.Event()  # set when quitting: waits stop
        self._waiting_write = False  # a write waits for another program's lock now
        self._liveness = Liveness(paths, self._writer, self._running.ids, self)
        self.owner = self._liveness.owner
        self._scheduler = Scheduler(self.owner, settings, paths, self._running,
                                    self.concurrency(), self)
        self._scheduler.started.connect(self._on_started)
        self._scheduler.finished.connect(self._on_finished)
        self._scheduler.added.connect(self._on_added)
        self._scheduler.news.connect(self._on_news)
        self._scheduler.drained.connect(self._check_idle)
        self._scheduler.written.connect(self._look_at_stored_pause)
        self._liveness.asked.connect(self._on_asked)
        self._liveness.recovered.connect(self._on_recovered)
        self._liveness.libraryFull.connect(self._on_library_full)
        self._accepting = False
        # Subscriptions due to be synced are queued a few at a time, when they are due.
        self.sync_timer = SyncTimer(self)
        self.sync_timer.planned.connect(self._on_sync_planned)
        self.subscriptionsChanged.connect(self.sync_timer.replan)
        self._speed_schedule = SpeedSchedule(settings, self._running, self)
        # Said held, not yet said released: site -> (sentence, until).
        self._held_sites: dict[str, tuple[str, float]] = {}
        self._paused_reason: str | None = None
        # The pause as last read from (or written to) the library: a different stored
        # value means another process paused or resumed the queue.
        self._stored_pause: str | None = None
        self.warmed_up = False  # yt-dlp imported and start-up's objects frozen

    # -- life ------------------------------------------------------------------------------
    def start(self) -> None:
        """Take back interrupted jobs (announced by `jobsRecovered`), then run the queue."""
        self.paths.ensure()
        find_tools()
        self._accepting = True
        self._liveness.start()
        self._stored_pause = queuestate.paused_reason()  # one row, by its key
        self._scheduler.start(paused=bool(self._stored_pause))
        self.sync_timer.start(paused=bool(self._stored_pause))
        self._speed_schedule.apply()
        self._writer.submit(site_holds.current, done=self._holds_found)
        if self._stored_pause:
            self._pause_here(self._stored_pause)
        QTimer.singleShot(WARM_UP_AFTER_MS, self._warm_up)

    def _warm_up(self) -> None:
        """Import yt-dlp (through the job kinds) and make a yt-dlp instance per download
        slot, on the writer thread, once start-up is over: otherwise the first downloads do
        it all at once, and threads busy with Python starve the GUI thread of the GIL
        (150-200 ms stalls, measured)."""
        settings, count = self.settings, self.concurrency()

        def load() -> None:
            imported("ytdesk.jobs.runner")
            for kind in list(KINDS):
                function_of(kind)
            imported("ytdesk.jobs.download").prepare(settings, count)

        if self._accepting:
            self._writer.submit(load, done=self._warmed)

    def _warmed(self, _: object = None) -> None:
        _freeze_what_lasts()
        self.warmed_up = True

    def shutdown(self, timeout_s: float = 10.0) -> bool:
        """Stop claiming, ask running jobs to stop (their .part files stay), wait for them.
        Returns True if every job stopped in time."""
        self._accepting = False
        self.sync_timer.stop()
        self._speed_schedule.stop()
        self._liveness.stop()
        done = self._scheduler.stop(timeout_s)
        if not self._writer.wait(int(timeout_s * 1000)):
            self._give_up_writing.set()  # the library stayed locked: quit all the same
            self._writer.wait(2 * ATTEMPT_MS)
        self._liveness.release()
        return done

    def concurrency(self) -> int:
        return self._concurrency_override or self.settings.get("concurrency")

    def set_concurrency(self, value: int | None) -> None:
        self._concurrency_override = value
        self.apply_settings()

    def apply_settings(self) -> None:
        """Take changed settings (concurrency, limits) into use without a restart."""
        self._scheduler.set_concurrency(self.concurrency())
        self._speed_schedule.apply()  # a changed limit or schedule reaches running downloads
        self.sync_timer.replan()  # quiet hours, background syncs on or off

    @property
    def running_ids(self) -> list[int]:
        return self._running.ids()

    @property
    def paused_reason(self) -> str | None:
        return self._paused_reason

    # -- adding --------------------------------------------------------------------------------
    def enqueue(self, kind: str, url: str, payload: dict | None = None, priority: int = 0,
                parent_id: int | None = None, title: str | None = None) -> int:
        return self.enqueue_many([NewJob(kind, url, payload or {}, priority, parent_id, title)])[0]

    def enqueue_many(self, new_jobs: list[NewJob]) -> list[int]:
        """Write all the jobs in one transaction on this thread, then say so once (the CLI
        and tests; the window uses `enqueue_urls_later`)."""
        for kind in {job.kind for job in new_jobs}:
            _check_kind(kind)
        clean = Logins(self.paths.credentials).take_out(job.url for job in new_jobs)
        new_jobs = [replace(job, url=url) for job, url in zip(new_jobs, clean, strict=True)]
        ids = jobstore.add_jobs(new_jobs)
        self._on_added(ids)
        return ids

    def enqueue_urls_later(self, kind: str, urls: list[str], payload: dict | None = None,
                           priority: int = 0) -> None:
        """Queue one job per (already validated) URL, written on the writer thread, so
        dropping 10,000 links never freezes the window; `jobAdded` follows once stored."""
        _check_kind(kind)
        payload = dict(payload or {})
        self.write(_add_urls, Logins(self.paths.credentials), kind, list(urls), payload,
                    priority, done=self._on_added)

    def announce_added(self, ids: list[int]) -> None:
        """Jobs a core write stored (`channels.queue_syncs` run through `write`): said and
        started like any other add."""
        self._on_added(list(ids))

    def save_settings(self, values: dict[str, Any]) -> None:
        """Settings changed in the window: checked and in effect now (a refused value
        raises SettingError and changes nothing), written on the writer thread."""
        self.write(self.settings.store, self.settings.stage(values))

    def write(self, function: Callable[..., Any], *args: Any,
              done: Callable[[Any], None] | None = None,
              failed: Callable[[BaseException], None] | None = None) -> None:
        """Run a write (one transaction) on the writer thread, waiting out another program's
        lock there (`libraryBusy` says so meanwhile): `done(result)` here once it is
        committed, `failed(exception)` if it raised (a refusal with its sentence)."""
        self._writer.submit(write_patiently, self._give_up_writing, function, args,
                            pass_task=True, done=done, reported=self._on_write_news,
                            failed=failed or self._on_write_failed,
                            finished=self._on_write_over)

    def _on_write_news(self, news: str) -> None:
        if news == BUSY:
            self._set_busy(True)
        elif news == FREE:
            self._set_busy(False)

    def _on_write_failed(self, exc: BaseException) -> None:
        if isinstance(exc, LibraryBusy):
            log.warning("%s", exc)
        else:
            log.error("a change could not be saved: %s", exc, exc_info=exc)

    def _on_write_over(self, _: object) -> None:
        self._set_busy(False)  # a write given up, or failed, while it waited

    def _set_busy(self, busy: bool) -> None:
        # One writer thread: at most one write waits at a time.
        if busy != self._waiting_write:
            self._waiting_write = busy
            self.libraryBusy.emit(busy)

    # -- what a user asks of jobs ------------------------------------------------------------------
    def act(self, action: str, job_ids: list[int],
            done: Callable[[ActionResult], None] | None = None) -> None:
        """Pause, resume, cancel, retry or remove any number of jobs, in one transaction on
        the writer thread; the signals follow the commit, then `done(result)`."""
        paths = self.paths

        def write() -> ActionResult:
            result = jobactions.apply(action, job_ids)
            for job_id in result.removed:  # after the commit: a failed one keeps its log
                paths.job_log(job_id).unlink(missing_ok=True)
            return result

        def acted(result: ActionResult) -> None:
            self._announce(result)
            if done is not None:
                done(result)

        self.write(write, done=acted)

    def _announce(self, result: ActionResult) -> None:
        for job_id in result.asked:  # ours: stop now, not at the next lease renewal
            context = self._running.get(job_id)
            if context is not None:
                context.request_stop(result.action)
        changed = result.changed_ids
        if len(changed) == 1:
            self.jobChanged.emit(changed[0], result.status_of(changed[0]) or "")
        elif changed:
            self.jobsChanged.emit(changed)
        if result.removed:
            self.jobsRemoved.emit(result.removed)
        if result.changed.get(st.QUEUED):
            self._scheduler.wake()

    def _ask(self, action: str, job_id: int) -> str:
        """One job, on this thread, with a sentence when it cannot be done (the CLI)."""
        status = jobactions.apply_one(action, job_id)
        context = self._running.get(job_id)
        if context is not None and action in (jobactions.PAUSE, jobactions.CANCEL):
            context.request_stop(action)
        elif status != "removed":
            self.jobChanged.emit(job_id, status)
        if action in (jobactions.RESUME, jobactions.RETRY):
            self._scheduler.wake()
        return status

    def pause(self, job_id: int) -> str:
        return self._ask(jobactions.PAUSE, job_id)

    def cancel(self, job_id: int) -> str:
        return self._ask(jobactions.CANCEL, job_id)

    def resume(self, job_id: int) -> str:
        return self._ask(jobactions.RESUME, job_id)

    def retry(self, job_id: int) -> str:
        return self._ask(jobactions.RETRY, job_id)

    def remove(self, job_ids: list[int]) -> list[int]:
        """Take jobs off the list on this thread (the CLI and tests; the window uses
        `act("remove", ...)`). Running jobs stay."""
        result = jobactions.apply(jobactions.REMOVE, job_ids)
        for job_id in result.removed:
            self.paths.job_log(job_id).unlink(missing_ok=True)
        if result.removed:
            self.jobsRemoved.emit(result.removed)
        return result.removed

    def pause_queue(self, reason: str) -> None:
        """Start no new job, here and in every process sharing the library, until
        `resume_queue` (or `ytdesk-cli resume`)."""
        self._pause_here(reason)
        self.write(queuestate.pause, reason, done=self._pause_stored, failed=_pause_not_stored)

    def resume_queue(self) -> None:
        self._resume_here()
        self.write(queuestate.resume, done=self._resume_stored, failed=_pause_not_stored)

    # -- the tray's and the window's whole-queue actions ---------------------------------------
    def pause_all(self) -> None:
        """Pause all: no new download or sync starts (running ones go on), and the
        subscription scheduler sleeps, here and in every process sharing the library."""
        if self._paused_reason is None:
            self.pause_queue(PAUSED_BY_YOU)

    def resume_all(self) -> None:
        """Resume all: the queue runs and the scheduler plans again."""
        if self._paused_reason is not None:
            self.resume_queue()

    def sync_all_now(self) -> None:
        """Sync all now: a sync for every enabled subscription (one already queued or
        running is not queued twice), ahead of background work; `jobAdded` follows."""
        self.write(channels.queue_all_syncs, done=self.announce_added)

    def release_site(self, site: str, cookies: site_holds.SiteCookies | None) -> None:
        """The banner's choice for a held site: `cookies` (from a browser or a kept file)
        for its jobs from now on, or None to wait. Given cookies, the hold ends and one job
        of the site runs first; the rest follow once it got through (`siteReleased`)."""
        if cookies is None:
            return  # "Wait": the hold runs its course
        self.write(site_holds.release, site, cookies, done=self._released)

    def release_site_with_file(self, site: str, path: Path,
                               failed: Callable[[BaseException], None] | None = None) -> None:
        """The banner's "Use a cookies file…": the file is kept (user-only) and the site
        released with it; `failed(exception)` with its sentence when it is no cookies file."""
        self.write(site_holds.release_with_file, self.paths.cookies, site, path,
                   done=self._released, failed=failed)

    def _released(self, site: str) -> None:
        self._scheduler.wake()

    def _on_sync_planned(self, when: float) -> None:
        self.syncPlanned.emit(when)

    def _holds_found(self, holds: list[site_holds.Hold]) -> None:
        """Holds made before this start (another run, another process): said like new."""
        for hold in holds:
            self._on_site_held(hold.site, hold.reason, hold.until)

    def _on_site_held(self, site: str, sentence: str, until: float) -> None:
        self._held_sites[site] = (sentence, until)
        self.siteHeld.emit(site, sentence, until)

    @property
    def held_sites(self) -> dict[str, tuple[str, float]]:
        """The sites said held and not yet released: site -> (sentence, until), for a
        window or tray made after the news."""
        return dict(self._held_sites)

    def _look_for_forgiven(self) -> None:
        """A job got through: the sites said held whose row is gone run again."""
        if self._held_sites:
            self._writer.submit(site_holds.with_holds, sorted(self._held_sites),
                                done=self._still_held, latest="still-held")

    def _still_held(self, held: set[str]) -> None:
        for site in sorted(set(self._held_sites) - held):
            del self._held_sites[site]
            self.siteReleased.emit(site)

    def _pause_here(self, reason: str) -> None:
        self._paused_reason = reason
        self._scheduler.pause()
        self.sync_timer.pause()
        self.queuePaused.emit(reason)
        self._check_idle()  # nothing running: a paused queue is idle now

    def _resume_here(self) -> None:
        self._paused_reason = None
        self.queueResumed.emit()
        if self._accepting:
            self._scheduler.resume()
            self.sync_timer.resume()

    def _pause_stored(self, reason: str) -> None:
        self._stored_pause = reason

    def _resume_stored(self, _: object = None) -> None:
        self._stored_pause = None

    def _look_at_stored_pause(self) -> None:
        """Another connection wrote to the library: read the stored pause on the writer
        thread, after our own pause writes (one thread, in order), so only another
        process's change differs from what we last stored or saw."""
        if self._accepting:
            self._writer.submit(queuestate.paused_reason, done=self._on_stored_pause,
                                latest="stored-pause")

    def _on_stored_pause(self, stored: str | None) -> None:
        if stored == self._stored_pause or not self._accepting:
            return
        self._stored_pause = stored
        if stored and self._paused_reason is None:
            self._pause_here(stored)
        elif not stored and self._paused_reason is not None:
            self._resume_here()

    # -- news from the parts -----------------------------------------------------------------------
    def _on_added(self, ids: list) -> None:
        """New jobs are stored (a direct add, a bulk add, or a playlist's children)."""
        if ids:
            self.jobAdded.emit(ids)
            self._scheduler.wake()

    def _on_news(self, report: tuple) -> None:
        what, job_id = report[0], report[1]
        if what == PROGRESS:
            self.jobProgress.emit(job_id, *report[2:8])
        elif what == LOG:
            self.jobLog.emit(job_id, report[2], report[3])
        elif what == TITLED:
            self.jobChanged.emit(job_id, st.RUNNING)
        elif what == PAUSE_QUEUE:  # e.g. the library's disk is full
            self._on_library_full(report[2])
        elif what == HELD:  # a site held us back: once per hold
            self._on_site_held(report[2], report[3], report[4])

    def _on_library_full(self, sentence: str) -> None:
        if self._paused_reason is None:
            self.pause_queue(sentence)

    def _on_started(self, job_id: int) -> None:
        self.jobChanged.emit(job_id, st.RUNNING)

    def _on_finished(self, job_id: int, status: str, pause_reason: str) -> None:
        self.sync_timer.job_ended()
        if status == st.SUCCEEDED:
            self._look_for_forgiven()
        self.jobChanged.emit(job_id, status)
        self.jobFinished.emit(job_id, status)
        if pause_reason and self._paused_reason is None:
            self.pause_queue(pause_reason)

    def _on_asked(self, asked: dict) -> None:
        for job_id, action in asked.items():  # asked by another process (e.g. the CLI)
            context = self._running.get(job_id)
            if context is not None and action in (jobactions.PAUSE, jobactions.CANCEL):
                context.request_stop(action)

    def _on_recovered(self, recovered: list) -> None:
        for job_id in recovered:
            log.info("job %s was interrupted; it is queued again", job_id)
        self.jobsRecovered.emit(recovered)
        if len(recovered) == 1:
            self.jobChanged.emit(recovered[0], st.QUEUED)
        else:
            self.jobsChanged.emit(recovered)
        self._scheduler.wake()

    def _check_idle(self) -> None:
        """No slot runs: if nothing can start here (the queue is paused) or nothing is
        queued, running or waiting anywhere, say so."""
        if (self._accepting and not self._scheduler.busy and not self._running.ids()
                and (self._paused_reason or not jobstore.has_active_jobs())):
            self.idle.emit()
