"""A job's statuses and the only moves allowed between them, in one place."""

from __future__ import annotations

QUEUED = "queued"
RUNNING = "running"
WAITING = "waiting"  # a retry is scheduled for later
PAUSED = "paused"
SUCCEEDED = "succeeded"
FAILED = "failed"
CANCELLED = "cancelled"

STATUSES = (QUEUED, RUNNING, WAITING, PAUSED, SUCCEEDED, FAILED, CANCELLED)
FINISHED = (SUCCEEDED, FAILED, CANCELLED)
ACTIVE = (QUEUED, RUNNING, WAITING)  # the queue is not idle while any job is in these
RUNNABLE = (QUEUED, WAITING)  # a claim takes these (waiting ones once their time has come)

TRANSITIONS: dict[str, frozenset[str]] = {
    QUEUED: frozenset({RUNNING, PAUSED, CANCELLED}),
    # running -> queued: shut down or interrupted; the .part file resumes next time.
    RUNNING: frozenset({SUCCEEDED, FAILED, WAITING, PAUSED, CANCELLED, QUEUED}),
    WAITING: frozenset({RUNNING, QUEUED, PAUSED, CANCELLED}),
    PAUSED: frozenset({QUEUED, CANCELLED}),
    SUCCEEDED: frozenset(),
    FAILED: frozenset({QUEUED}),  # retry
    CANCELLED: frozenset({QUEUED}),  # retry
}


class TransitionError(ValueError):
    """A status change the job's life does not allow; the message says which."""


class AlreadyThere(TransitionError):
    """Nothing to do: the job already is where the action would take it (resuming a
    queued job, pausing a paused one)."""


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())

