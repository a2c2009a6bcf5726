"""Runs one claimed job on a pool thread and writes how it ended.

The end state is written here, on the worker thread, before the manager hears of it: the
DB is the truth, the FINISHED report only tells the manager's thread that it changed.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from functools import partial

from ytdesk.core import jobstates as st
from ytdesk.core import jobstore, site_holds
from ytdesk.core.clock import now
from ytdesk.core.diskfull import LIBRARY_DISK_FULL
from ytdesk.core.retry import RetryPolicy
from ytdesk.ytdl.errors import (FORBIDDEN, LOCAL, PERMANENT, RATE_LIMITED, Failure, JobStopped,
                                classify, held_sentence, stalled)
from ytdesk.ytdl.traffic import STALLED

from .context import FINISHED, HELD, JobContext, ShuttingDown
from .kinds import KindFunction

log = logging.getLogger(__name__)


class JobRunner:
    """A plain object, not a QRunnable: the job's slot calls it on its pool thread, so no
    Qt object's life depends on which thread Python's garbage collector runs in."""

    def __init__(self, owner: str, context: JobContext, function: KindFunction,
                 stop_claims: Callable[[], None] = lambda: None):
        # Called before a local failure (disk full, a folder ytdesk may not write) puts its
        # job back in line: another slot must not take it again before the queue pauses.
        self._stop_claims = stop_claims
        self.job_id = context.job_id
        self.site = context.site
        self.attempts = context.attempts
        self.owner = owner
        self.context = context
        self._function = function

    def run(self) -> str:
        """Run the job, write where it ended, report it. Returns why the queue must pause
        ("" when it need not): the caller must not take another job then."""
        ctx = self.context
        status, pause_reason = st.RUNNING, ""
        try:
            try:
                result = self._function(ctx)
            except ShuttingDown:  # a write the job needed was still waiting for the DB
                status = self._write(partial(self._stopped, "shutdown"))
            except JobStopped as stop:
                if stop.reason == STALLED:  # not asked by anyone: the site went silent
                    status, pause_reason = self._fail(stalled(ctx.stall_seconds))
                else:
                    status = self._write(partial(self._stopped, stop.reason))
            except Exception as exc:  # every failure ends in a sentence, never a dead thread
                failure = classify(exc)
                if not failure.understood:  # a 404 needs no traceback; a surprise does
                    ctx.log(logging.DEBUG, traceback.format_exc())
                status, pause_reason = self._fail(failure)
            else:
                status = self._write(lambda: self._succeeded(result))
        finally:
            if ctx.library_was_full and not pause_reason:
                pause_reason = LIBRARY_DISK_FULL  # recorded once there was room: still paused
            ctx.close()
            # RUNNING here means the end could not be written: the row's lease is no longer
            # renewed, so it is taken back (requeued) within a lease, while this process lives.
            ctx.report((FINISHED, self.job_id, status, pause_reason))
        return pause_reason

    def _fail(self, failure: Failure) -> tuple[str, str]:
        """Write a failure; returns the status written and why the queue must pause."""
        self.context.log(logging.ERROR, failure.sentence)
        if failure.kind == LOCAL:
            self._stop_claims()
        status = self._write(lambda: self._failed(failure))
        return status, failure.sentence if failure.kind == LOCAL else ""

    def _write(self, write: Callable[[], str]) -> str:
        """Write the end state, waiting out a busy DB (another program holding its lock) or
        a full disk (the queue pauses meanwhile): the job's end is never lost to a failed
        write, nor turned into a failure. Gives up only when ytdesk is closing; the job is
        then recovered on the next start. Returns the status the row has."""
        try:
            return self.context.write_until_done(write, "its end")
        except ShuttingDown:
            return st.RUNNING

    def _succeeded(self, result: str) -> str:
        self.context.log(logging.INFO, result)
        sizes = {}
        last = self.context.last_progress  # a quick job may never have written its bytes
        if last is not None:
            sizes = dict(downloaded_bytes=last.downloaded, total_bytes=last.total)
        return self._end(st.SUCCEEDED, message=result, result=result, error=None,
                         error_kind=None, progress=1.0, output_path=self.context.output_path,
                         forgive_site=self.site, **sizes)

    def _stopped(self, reason: str) -> str:
        if reason == "pause":
            target, message = st.PAUSED, "paused; the partial file is kept for resuming"
        elif reason == "cancel":
            target, message = st.CANCELLED, "cancelled; the partial file is kept if you retry"
        else:
            target, message = st.QUEUED, "stopped as ytdesk closed; it resumes next time"
        self.context.log(logging.INFO, message)
        # A stopped run is not an attempt: it gives its count back.
        return self._end(target, message=message,
                         event_kind="interrupted" if target == st.QUEUED else "status",
                         attempts=max(0, self.attempts - 1), **self._figures())

    def _figures(self) -> dict:
        """How far the job got, from its last progress: the DB's copy is written at most
        once a second (and skipped on a busy DB), so a stopped job writes the real one."""
        last = self.context.last_progress
        if last is None:
            return {}
        figures = dict(progress=last.fraction, downloaded_bytes=last.downloaded,
                       total_bytes=last.total)
        return {name: value for name, value in figures.items() if value is not None}

    def _failed(self, failure: Failure) -> str:
        figures = self._figures()
        settings = self.context.settings
        policy = RetryPolicy.from_settings(settings)
        if failure.kind == LOCAL:
            # Not the job's fault: it goes back in line without using up an attempt.
            return self._end(st.QUEUED, message=failure.sentence, event_kind="message",
                             error=failure.sentence, error_kind=failure.kind,
                             attempts=max(0, self.attempts - 1), **figures)
        if failure.kind == PERMANENT:
            return self._end(st.FAILED, message=failure.sentence, error=failure.sentence,
                             error_kind=failure.kind, **figures)
        made = self.attempts - self.context.attempts_before_retry
        if policy.gives_up_after(made):
            sentence = f"gave up after {made} attempts: {failure.sentence}"
            return self._end(st.FAILED, message=sentence, error=sentence,
                             error_kind=failure.kind, **figures)
        holds = failure.kind == RATE_LIMITED or (
            failure.site_answer == FORBIDDEN and site_holds.worked_before(self.site))
        if holds:
            # Every job of the site waits, not only this one; said once per hold.
            sentence = held_sentence(failure)
            held = site_holds.hold(self.site, settings.get("rate_limit_hold_seconds"),
                                   settings.get("rate_limit_hold_cap_seconds"), sentence)
            when = held.until
            if held.new:
                self.context.report((HELD, self.job_id, self.site, sentence, when))
        else:
            when = now() + policy.delay(made)
        message = (f"attempt {made} of {policy.attempts} failed: {failure.sentence} "
                   f"Retrying in {max(0.0, when - now()):.0f} s.")
        self.context.log(logging.WARNING, message)
        return self._end(st.WAITING, message=message, event_kind="retry",
                         error=failure.sentence, error_kind=failure.kind, scheduled_at=when,
                         **figures)

    def _end(self, target: str, **fields) -> str:
        """Move the job to `target` if it is still ours; say where it really is if not."""
        if self.context.unsaved_title:  # learned while the DB was busy
            fields.setdefault("title", self.context.unsaved_title)
        if jobstore.move(self.job_id, target, owner=self.owner, **fields):
            return target
        return jobstore.status_of(self.job_id) or target
