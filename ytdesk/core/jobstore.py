"""The jobs table as the single source of truth: every state change is a conditional
UPDATE in an IMMEDIATE transaction plus an event row, so two processes (the GUI and
`ytdesk-cli run`) sharing one data dir can never both own a job.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import peewee as pw

from . import jobstates as st
from .clock import now
from .models import Job, JobEvent, SiteHold
from .urls import site_of

PRIORITIES = {"high": 10, "normal": 0, "low": -10}
_CHUNK = 500  # rows per INSERT: stays far below SQLite's bound-variable limit


@dataclass
class NewJob:
    kind: str
    url: str
    payload: dict[str, Any] = field(default_factory=dict)
    priority: int = 0
    parent_id: int | None = None
    title: str | None = None


def _db() -> pw.SqliteDatabase:
    return Job._meta.database


def add_jobs(new_jobs: Iterable[NewJob]) -> list[int]:
    """Write many jobs (and their 'queued' events) in one transaction; returns their ids."""
    stamp = now()
    rows = [dict(kind=j.kind, url=j.url, payload=json.dumps(j.payload), priority=j.priority,
                 site=site_of(j.url), parent=j.parent_id, title=j.title, status=st.QUEUED,
                 created_at=stamp, updated_at=stamp, scheduled_at=0) for j in new_jobs]
    ids: list[int] = []
    with _db().atomic():
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start:start + _CHUNK]
            ids.extend(row.id for row in Job.insert_many(chunk).returning(Job.id).execute())
        for start in range(0, len(ids), _CHUNK):
            JobEvent.insert_many(
                [dict(job=i, at=stamp, kind="status", to_status=st.QUEUED)
                 for i in ids[start:start + _CHUNK]]).execute()
    return ids


def _event(job_id: int, kind: str, from_status: str | None = None,
           to_status: str | None = None, message: str | None = None) -> None:
    JobEvent.insert(job=job_id, at=now(), kind=kind, from_status=from_status,
                    to_status=to_status, message=message).execute()


def log_event(job_id: int, kind: str, message: str) -> None:
    with _db().atomic():
        _event(job_id, kind, message=message)


def _best_runnable(stamp: float, per_site_limit: int, skip_sites: Iterable[str]) -> Job | None:
    blocked = set(skip_sites)
    blocked.update(h.site for h in SiteHold.select(SiteHold.site).where(SiteHold.until > stamp))
    busy = (Job.select(Job.site, pw.fn.COUNT(Job.id).alias("n"))
            .where(Job.status == st.RUNNING).group_by(Job.site))
    blocked.update(row.site for row in busy if row.n >= per_site_limit)
    query = (Job.select(Job.id, Job.status)
             .where(Job.status.in_(st.RUNNABLE) & (Job.scheduled_at <= stamp))
             .order_by(Job.priority.desc(), Job.id).limit(1))
    if blocked:
        query = query.where(Job.site.not_in(list(blocked)))
    return query.first()


def claim_next(owner: str, lease_seconds: float, per_site_limit: int,
               skip_sites: Iterable[str] = ()) -> Job | None:
    """Take the best runnable job (highest priority, then oldest) whose site is neither
    held nor at its limit, and make it ours. None when there is nothing to take."""
    stamp = now()
    # Look first without a lock: most calls find nothing, and taking SQLite's write lock
    # would make the caller (the GUI thread) wait whenever a download is writing progress.
    if _best_runnable(stamp, per_site_limit, skip_sites) is None:
        return None
    with _db().atomic():
        candidate = _best_runnable(stamp, per_site_limit, skip_sites)
        if candidate is None:
            return None
        taken = (Job.update(status=st.RUNNING, owner=owner, lease_until=stamp + lease_seconds,
                            started_at=stamp, attempts=Job.attempts + 1, requested=None,
                            updated_at=stamp, progress=None, speed=None, eta=None)
                 .where((Job.id == candidate.id) & Job.status.in_(st.RUNNABLE)).execute())
        if not taken:
            return None
        _event(candidate.id, "status", candidate.status, st.RUNNING, f"started by {owner}")
    return Job.get_by_id(candidate.id)


def move(job_id: int, to_status: str, *, owner: str | None = None, message: str | None = None,
         event_kind: str = "status", **fields: Any) -> bool:
    """Change a job's status if its life allows it (and, given `owner`, only if that process
    still owns it). Returns False when the job had already moved on."""
    if to_status not in st.STATUSES:
        raise st.TransitionError(f"{to_status!r} is not a job status.")
    stamp = now()
    values = dict(status=to_status, updated_at=stamp, **fields)
    if to_status in st.FINISHED:
        values.setdefault("finished_at", stamp)
    if to_status != st.RUNNING:
        values.update(owner=None, lease_until=None, requested=None, speed=None, eta=None)
    with _db().atomic():
        current = Job.select(Job.status).where(Job.id == job_id).first()
        if current is None or not st.can_move(current.status, to_status):
            return False
        condition = (Job.id == job_id) & (Job.status == current.status)
        if owner is not None:
            condition &= Job.owner == owner
        if not Job.update(**values).where(condition).execute():
            return False
        _event(job_id, event_kind, current.status, to_status, message)
    return True


def require_move(job_id: int, to_status: str, **kwargs: Any) -> None:
    """`move`, but a refused move is an error the caller shows to the user."""
    if not move(job_id, to_status, **kwargs):
        job = Job.get_or_none(Job.id == job_id)
        if job is None:
            raise st.TransitionError(f"There is no job {job_id}.")
        raise st.TransitionError(f"Job {job_id} is {job.status}; it cannot be {to_status}.")


def save_progress(job_id: int, **fields: Any) -> None:
    with _db().atomic():
        Job.update(updated_at=now(), **fields).where(
            (Job.id == job_id) & (Job.status == st.RUNNING)).execute()


def renew_leases(owner: str, lease_seconds: float) -> dict[int, str]:
    """Extend every lease this process holds; return what users asked of its jobs
    (pause/cancel requested from another process, e.g. `ytdesk-cli cancel`)."""
    stamp = now()
    with _db().atomic():
        Job.update(lease_until=stamp + lease_seconds).where(
            (Job.owner == owner) & (Job.status == st.RUNNING)).execute()
        asked = (Job.select(Job.id, Job.requested)
                 .where((Job.owner == owner) & (Job.status == st.RUNNING)
                        & Job.requested.is_null(False)))
        return {row.id: row.requested for row in asked}


def recover_interrupted(my_owner: str, owner_is_dead: Callable[[str], bool]) -> list[int]:
    """Put back in the queue every running job whose owner died (its lease ran out, or its
    process is gone): an 'interrupted' event records it; its .part file resumes later."""
    stamp = now()
    owners = [row.owner for row in Job.select(Job.owner).distinct()
              .where((Job.status == st.RUNNING) & (Job.owner != my_owner))]
    recovered: list[int] = []
    for owner in owners:
        dead = owner_is_dead(owner)
        with _db().atomic():
            stale = Job.select(Job.id).where((Job.status == st.RUNNING) & (Job.owner == owner))
            if not dead:
                stale = stale.where(Job.lease_until < stamp)
            for row in stale:
                if move(row.id, st.QUEUED, event_kind="interrupted",
                        message=f"interrupted: {owner} stopped while running it"):
                    recovered.append(row.id)
    return recovered


def ask(job_id: int, action: str) -> str:
    """Pause or cancel a job wherever it is. A job not running changes at once; a running
    one is asked through the DB, and its owner stops it cooperatively. Returns the status
    it has (or will have)."""
    target = {"pause": st.PAUSED, "cancel": st.CANCELLED}[action]
    with _db().atomic():
        job = Job.get_or_none(Job.id == job_id)
        if job is None:
            raise st.TransitionError(f"There is no job {job_id}.")
        if job.status == st.RUNNING:
            Job.update(requested=action).where(
                (Job.id == job_id) & (Job.status == st.RUNNING)).execute()
            return target
        require_move(job_id, target, message=f"{action} asked")
        return target


def resume(job_id: int) -> None:
    require_move(job_id, st.QUEUED, message="resumed", scheduled_at=0)


def retry(job_id: int) -> None:
    """Put a failed or cancelled job back in the queue with a fresh set of attempts."""
    require_move(job_id, st.QUEUED, message="retry asked", attempts=0, error=None,
                 error_kind=None, scheduled_at=0, finished_at=None)


def remove(job_ids: Iterable[int]) -> list[int]:
    """Take jobs off the list (their events go too; downloaded files stay). A running job
    is left alone: it has to be cancelled or paused first."""
    ids = list(job_ids)
    removed: list[int] = []
    with _db().atomic():
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            removable = [row.id for row in Job.select(Job.id).where(
                Job.id.in_(chunk) & (Job.status != st.RUNNING))]
            JobEvent.delete().where(JobEvent.job.in_(removable)).execute()
            Job.delete().where(Job.id.in_(removable)).execute()
            removed.extend(removable)
    return removed


def hold_site(site: str, base_seconds: float, cap_seconds: float, reason: str) -> float:
    """Leave a site alone for a while; each new strike doubles the hold. Returns its end."""
    stamp = now()
    with _db().atomic():
        hold = SiteHold.get_or_none(SiteHold.site == site)
        strikes = (hold.strikes + 1) if hold else 1
        until = stamp + min(cap_seconds, base_seconds * 2 ** (strikes - 1))
        SiteHold.replace(site=site, until=until, strikes=strikes, reason=reason).execute()
    return until


def clear_hold(site: str) -> None:
    """A site that served a job again has forgiven us: forget its strikes."""
    with _db().atomic():
        SiteHold.delete().where(SiteHold.site == site).execute()


def next_wakeup() -> float | None:
    """When the next waiting job becomes runnable (for the scheduler's timer)."""
    value = (Job.select(pw.fn.MIN(Job.scheduled_at))
             .where(Job.status == st.WAITING).scalar())
    return value


def has_active_jobs() -> bool:
    return Job.select(Job.id).where(Job.status.in_(st.ACTIVE)).exists()


def child_urls(parent_id: int) -> set[str]:
    return {row.url for row in Job.select(Job.url).where(Job.parent == parent_id)}


def payload(job: Job) -> dict[str, Any]:
    try:
        return json.loads(job.payload or "{}")
    except json.JSONDecodeError:
        return {}
