"""What a person asks of jobs (pause, resume, cancel, retry, remove), for one job or ten
thousand: set-based statements in one transaction, whatever the selection's size, and an
answer that says what changed, so the caller announces it only after the commit.

A running job is not changed here: it is *asked* (`requested`), and the process that runs
it stops it cooperatively and writes where it ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import jobstates as st
from .clock import now
from .db import transaction
from .jobstore import add_events, chunks
from .models import Job

PAUSE, RESUME, CANCEL, RETRY, REMOVE = "pause", "resume", "cancel", "retry", "remove"
ACTIONS = (PAUSE, RESUME, CANCEL, RETRY, REMOVE)

# action -> (the status it leads to, the statuses it applies to when not running)
_MOVES = {
    PAUSE: (st.PAUSED, (st.QUEUED, st.WAITING)),
    CANCEL: (st.CANCELLED, (st.QUEUED, st.WAITING, st.PAUSED)),
    RESUME: (st.QUEUED, (st.PAUSED,)),
    RETRY: (st.QUEUED, (st.FAILED, st.CANCELLED)),
}
_ASKS_RUNNING = (PAUSE, CANCEL)  # a running job can be asked to stop, not to resume


@dataclass
class ActionResult:
    action: str
    changed: dict[str, list[int]] = field(default_factory=dict)  # new status -> ids
    asked: list[int] = field(default_factory=list)  # running: told to stop
    removed: list[int] = field(default_factory=list)
    untouched: int = 0  # asked for, but their status does not allow it (or gone)

    @property
    def count(self) -> int:
        return sum(map(len, self.changed.values())) + len(self.asked) + len(self.removed)

    def status_of(self, job_id: int) -> str | None:
        return next((status for status, ids in self.changed.items() if job_id in ids), None)

    @property
    def changed_ids(self) -> list[int]:
        return [i for ids in self.changed.values() for i in ids]


def _fields(action: str, stamp: float) -> dict[str, Any]:
    values: dict[str, Any] = dict(updated_at=stamp, owner=None, lease_until=None, requested=None,
                                  speed=None, eta=None)
    if action in (RESUME, RETRY):
        values["scheduled_at"] = 0
    if action == RETRY:
        # The retry policy counts attempts from here; the total stays as history.
        values.update(attempts_before_retry=Job.attempts, error=None, error_kind=None,
                      finished_at=None, result=None)
    if action == CANCEL:
        values["finished_at"] = stamp
    return values


def apply(action: str, job_ids: list[int]) -> ActionResult:
    """Do `action` to every job in `job_ids` its status allows, in one transaction."""
    if action not in ACTIONS:
        raise ValueError(f"There is no job action {action!r}.")
    result = ActionResult(action)
    ids = sorted(set(job_ids))
    stamp = now()
    with transaction():
        if action == REMOVE:
            for chunk in chunks(ids):
                # Events go with their job (ON DELETE CASCADE); files on disk stay.
                result.removed += [row.id for row in Job.delete().where(
                    Job.id.in_(chunk) & (Job.status != st.RUNNING)).returning(Job.id).execute()]
        else:
            target, sources = _MOVES[action]
            for source in sources:
                moved: list[int] = []
                for chunk in chunks(ids):
                    moved += [row.id for row in Job.update(status=target, **_fields(action, stamp))
                              .where(Job.id.in_(chunk) & (Job.status == source))
                              .returning(Job.id).execute()]
                add_events(moved, "status", source, target, f"{action} asked", stamp)
                if moved:
                    result.changed.setdefault(target, []).extend(moved)
            if action in _ASKS_RUNNING:
                for chunk in chunks(ids):
                    asked = (Job.update(requested=action, updated_at=stamp)
                             .where(Job.id.in_(chunk) & (Job.status == st.RUNNING))
                             .returning(Job.id).execute())
                    result.asked += [row.id for row in asked]
    result.untouched = len(ids) - result.count
    return result


def apply_one(action: str, job_id: int) -> str:
    """`apply` for one job, with a sentence when it cannot be done. Returns the status the
    job has now (or, for a running job asked to stop, the one it will have)."""
    result = apply(action, [job_id])
    if result.removed:
        return "removed"
    if result.asked:
        return _MOVES[action][0]
    for status, ids in result.changed.items():
        if ids:
            return status
    job = Job.select(Job.status).where(Job.id == job_id).first()
    if job is None:
        raise st.TransitionError(f"There is no job {job_id}.")
    if ((action == RESUME and job.status in st.ACTIVE)
            or (action in (PAUSE, CANCEL) and job.status == _MOVES[action][0])):
        raise st.AlreadyThere(f"Job {job_id} is already {job.status}.")
    verb = {PAUSE: "paused", RESUME: "resumed", CANCEL: "cancelled", RETRY: "retried",
            REMOVE: "removed while it runs (pause or cancel it first)"}[action]
    raise st.TransitionError(f"Job {job_id} is {job.status}; it cannot be {verb}.")
