"""Runs one claimed job on a pool thread and writes how it ended.

The end state is written here, on the worker thread, before the manager hears of it: the
DB is the truth, the `finished` signal only tells the manager's thread that it changed.
"""

from __future__ import annotations

import logging
import traceback

from ytdesk.core import jobstates as st
from ytdesk.core import jobstore
from ytdesk.core.clock import now
from ytdesk.core.models import Job
from ytdesk.core.retry import RetryPolicy
from ytdesk.ytdl.errors import LOCAL, PERMANENT, RATE_LIMITED, Failure, JobStopped, classify

from .context import JobContext
from .kinds import KindFunction


class JobRunner:
    """A plain object, not a QRunnable: the manager hands the pool a function that makes
    and runs it, so no Qt object's life depends on which thread Python's garbage
    collector happens to run in."""

    def __init__(self, job: Job, owner: str, context: JobContext, function: KindFunction):
        self.job_id = job.id
        self.site = job.site
        self.attempts = job.attempts
        self.owner = owner
        self.context = context
        self._function = function

    def run(self) -> None:
        ctx = self.context
        status, pause_reason = st.FAILED, ""
        try:
            try:
                result = self._function(ctx)
            except JobStopped as stop:
                status = self._stopped(stop.reason)
            except Exception as exc:  # every failure ends in a sentence, never a dead thread
                failure = classify(exc)
                if not failure.understood:  # a 404 needs no traceback; a surprise does
                    ctx.log(logging.DEBUG, traceback.format_exc())
                ctx.log(logging.ERROR, failure.sentence)
                status = self._failed(failure)
                if failure.kind == LOCAL:
                    pause_reason = failure.sentence
            else:
                status = self._succeeded(result)
        except Exception:  # the DB itself failed: the lease runs out and the job is recovered
            logging.getLogger(__name__).exception("job %s: could not record its end", self.job_id)
        finally:
            ctx.close()
            Job._meta.database.close()  # this pool thread's connection
            ctx.signals.finished.emit(self.job_id, status, pause_reason)

    def _succeeded(self, result: str) -> str:
        self.context.log(logging.INFO, result)
        jobstore.move(self.job_id, st.SUCCEEDED, owner=self.owner, message=result, result=result,
                      error=None, error_kind=None)
        jobstore.clear_hold(self.site)
        return st.SUCCEEDED

    def _stopped(self, reason: str) -> str:
        if reason == "pause":
            target, message = st.PAUSED, "paused; the partial file is kept for resuming"
        elif reason == "cancel":
            target, message = st.CANCELLED, "cancelled; the partial file is kept if you retry"
        else:
            target, message = st.QUEUED, "stopped as ytdesk closed; it resumes next time"
        self.context.log(logging.INFO, message)
        jobstore.move(self.job_id, target, owner=self.owner, message=message,
                      event_kind="interrupted" if target == st.QUEUED else "status")
        return target

    def _failed(self, failure: Failure) -> str:
        policy = RetryPolicy.from_settings(self.context.settings)
        if failure.kind == LOCAL:
            # Not the job's fault: it goes back in line without using up an attempt.
            jobstore.move(self.job_id, st.QUEUED, owner=self.owner, message=failure.sentence,
                          event_kind="message", error=failure.sentence, error_kind=failure.kind,
                          attempts=max(0, self.attempts - 1))
            return st.QUEUED
        if failure.kind == PERMANENT:
            jobstore.move(self.job_id, st.FAILED, owner=self.owner, message=failure.sentence,
                          error=failure.sentence, error_kind=failure.kind)
            return st.FAILED
        if policy.gives_up_after(self.attempts):
            sentence = f"gave up after {self.attempts} attempts: {failure.sentence}"
            jobstore.move(self.job_id, st.FAILED, owner=self.owner, message=sentence,
                          error=sentence, error_kind=failure.kind)
            return st.FAILED
        if failure.kind == RATE_LIMITED:
            settings = self.context.settings
            when = jobstore.hold_site(self.site, settings.get("rate_limit_hold_seconds"),
                                      settings.get("rate_limit_hold_cap_seconds"),
                                      failure.sentence)
        else:
            when = now() + policy.delay(self.attempts)
        message = (f"attempt {self.attempts} of {policy.attempts} failed: {failure.sentence} "
                   f"Retrying in {max(0.0, when - now()):.0f} s.")
        self.context.log(logging.WARNING, message)
        jobstore.move(self.job_id, st.WAITING, owner=self.owner, message=message,
                      event_kind="retry", error=failure.sentence, error_kind=failure.kind,
                      scheduled_at=when)
        return st.WAITING
