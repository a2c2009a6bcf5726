"""The jobs table as the single source of truth: every state change is a conditional
UPDATE in an IMMEDIATE transaction plus an event row, so two processes (the GUI and
`ytdesk-cli run`) sharing one data dir can never both own a job.

What a user asks of many jobs at once (pause, retry, remove...) is in `jobactions`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import peewee as pw

from . import jobstates as st
from .clock import now
from .credentials import split_login
from .db import bound, transaction, without_waiting
from .models import Job, JobEvent, SiteHold
from .urls import site_of

PRIORITIES = {"high": 10, "normal": 0, "low": -10}
CHUNK = 500  # ids per statement: stays far below SQLite's bound-variable limit


@dataclass
class NewJob:
    kind: str
    url: str
    payload: dict[str, Any] = field(default_factory=dict)
    priority: int = 0
    parent_id: int | None = None
    title: str | None = None


def chunks(ids: list[int], size: int = CHUNK) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def add_jobs(new_jobs: Iterable[NewJob]) -> list[int]:
    """Write many jobs (and their 'queued' events) in one transaction; returns their ids."""
    stamp = now()
    # Callers take logins out first and keep them (credentials.Logins.take_out); one that
    # slipped through (an address a site listed) is dropped here, never stored.
    rows = [dict(kind=j.kind, url=split_login(j.url)[0], payload=json.dumps(j.payload),
                 priority=j.priority, site=site_of(j.url), parent=j.parent_id, title=j.title,
                 status=st.QUEUED,
                 created_at=stamp, updated_at=stamp, scheduled_at=0) for j in new_jobs]
    ids: list[int] = []
    with transaction():
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            ids.extend(row.id for row in Job.insert_many(chunk).returning(Job.id).execute())
        add_events(ids, "status", None, st.QUEUED, None, stamp)
    return ids


def add_events(ids: list[int], kind: str, from_status: str | None, to_status: str | None,
               message: str | None, stamp: float | None = None) -> None:
    """The same event for many jobs (inside the caller's transaction)."""
    stamp = now() if stamp is None else stamp
    for chunk in chunks(ids):
        JobEvent.insert_many([dict(job=i, at=stamp, kind=kind, from_status=from_status,
                                   to_status=to_status, message=message)
                              for i in chunk]).execute()


def _event(job_id: int, kind: str, from_status: str | None = None,
           to_status: str | None = None, message: str | None = None) -> None:
    JobEvent.insert(job=job_id, at=now(), kind=kind, from_status=from_status,
                    to_status=to_status, message=message).execute()


# -- claiming --------------------------------------------------------------------------------
# The best job that may start now: highest priority, then oldest, skipping held sites and
# sites at their limit; a site whose hold ran out (or was released) but that has not served
# a job since runs one job at a time (core/site_holds). Written out so it can name the
# partial index job_runnable (migration 001): SQLite otherwise takes the status index and
# sorts every queued job on each claim (10,000 queued: 4 ms a claim, measured). A
# constant; values are bound.
_BEST_RUNNABLE = """
SELECT id, status FROM job INDEXED BY job_runnable
WHERE status IN ('queued', 'waiting') AND scheduled_at <= ? AND priority > ?
  AND site NOT IN (SELECT site FROM site_hold WHERE until > ?)
  AND site NOT IN (SELECT site FROM job WHERE status = 'running'
                   GROUP BY site HAVING COUNT(*) >= ?)
  AND site NOT IN (SELECT site FROM job WHERE status = 'running'
                   AND site IN (SELECT site FROM site_hold))
ORDER BY priority DESC, id LIMIT 1
"""
assert st.RUNNABLE == ("queued", "waiting") and st.RUNNING == "running"


ANY_PRIORITY = -2 ** 62
BACKGROUND_HELD = PRIORITIES["low"]  # quiet hours: jobs at or below it wait


def _best_runnable(stamp: float, per_site_limit: int, above: int) -> tuple[int, str] | None:
    return bound().execute_sql(_BEST_RUNNABLE, (stamp, above, stamp,
                                                per_site_limit)).fetchone()


def claim_next(owner: str, lease_seconds: float, per_site_limit: int,
               look_first: bool = True, above: int = ANY_PRIORITY) -> Job | None:
    """Take the best runnable job (highest priority, then oldest) whose site is neither
    held nor at its limit, and make it ours. None when there is nothing to take.
    `look_first`: look without a lock before taking it (most looks find nothing, and an
    idle look should not hold up other writers); a slot in the middle of a batch, which
    just found work, goes straight to the claim. `above`: only jobs of a higher priority
    (quiet hours: BACKGROUND_HELD)."""
    stamp = now()
    if look_first and _best_runnable(stamp, per_site_limit, above) is None:
        return None
    with transaction():
        candidate = _best_runnable(stamp, per_site_limit, above)
        if candidate is None:
            return None
        job_id, status = candidate
        taken = (Job.update(status=st.RUNNING, owner=owner, lease_until=stamp + lease_seconds,
                            started_at=stamp, attempts=Job.attempts + 1, requested=None,
                            updated_at=stamp, speed=None, eta=None)
                 .where((Job.id == job_id) & (Job.status == status))
                 .returning(Job).execute())
        job = next(iter(taken), None)
        if job is None:
            return None
        # The owner id says which process ran it (the window shows it in words).
        _event(job.id, "status", status, st.RUNNING, f"started by {owner}")
    return job


def next_due() -> float | None:
    """When the queue next has something to start that it cannot start now: the earliest
    retry of a waiting job, or the end of a site's hold. None: nothing is pending."""
    stamp = now()
    retry = (Job.select(pw.fn.MIN(Job.scheduled_at))
             .where(Job.status.in_(st.RUNNABLE) & (Job.scheduled_at > stamp)).scalar())
    hold = SiteHold.select(pw.fn.MIN(SiteHold.until)).where(SiteHold.until > stamp).scalar()
    due = [t for t in (retry, hold) if t is not None]
    return min(due) if due else None


# What a line about a job says: read for every start and end of a batch, on the thread that
# competes with the downloads for the GIL, so it skips peewee: `Job.get_or_none` costs
# 0.24 ms alone (and about 1.5 ms of a batch's wall time per call under py-spy), this
# 0.004 ms. Constant SQL, bound values.
_OUTLINE = "SELECT title, url, error, result FROM job WHERE id = ?"


def outline(job_id: int) -> tuple[str | None, str, str | None, str | None] | None:
    """(title, url, error, result) of a job, or None when it is gone."""
    return bound().execute_sql(_OUTLINE, (job_id,)).fetchone()


# -- one job's life ----------------------------------------------------------------------------
def move(job_id: int, to_status: str, *, owner: str | None = None, message: str | None = None,
         event_kind: str = "status", forgive_site: str | None = None, **fields: Any) -> bool:
    """Change a job's status if its life allows it (and, given `owner`, only if that process
    still owns it). Returns False when the job had already moved on. `forgive_site`: a
    site that served this job has forgiven us: its hold's row and strikes go, in the same
    transaction, unless the hold is still on."""
    if to_status not in st.STATUSES:
        raise st.TransitionError(f"{to_status!r} is not a job status.")
    stamp = now()
    values = dict(status=to_status, updated_at=stamp, **fields)
    if to_status in st.FINISHED:
        values.setdefault("finished_at", stamp)
    if to_status != st.RUNNING:
        values.update(owner=None, lease_until=None, requested=None, speed=None, eta=None)
    with transaction():
        current = Job.select(Job.status).where(Job.id == job_id).first()
        if current is None or not st.can_move(current.status, to_status):
            return False
        condition = (Job.id == job_id) & (Job.status == current.status)
        if owner is not None:
            condition &= Job.owner == owner
        if not Job.update(**values).where(condition).execute():
            return False
        _event(job_id, event_kind, current.status, to_status, message)
        if forgive_site is not None:
            # Only once the hold is over: a job that was under way when it began says
            # nothing of whether the site lets us back.
            SiteHold.delete().where((SiteHold.site == forgive_site)
                                    & (SiteHold.until <= stamp)).execute()
    return True


def save_progress(job_id: int, **fields: Any) -> bool:
    """Best effort: what a running job learned (its progress, its title) is written when
    the DB is free and skipped (False) when another writer holds it or the disk is full;
    the caller writes it again later, and the download never waits."""
    try:
        with without_waiting(), transaction():
            Job.update(updated_at=now(), **fields).where(
                (Job.id == job_id) & (Job.status == st.RUNNING)).execute()
    except pw.OperationalError:
        return False
    return True


# -- leases and recovery -----------------------------------------------------------------------
def renew_leases(owner: str, job_ids: list[int], lease_seconds: float) -> dict[int, str]:
    """Extend the leases of the jobs this process is running now (`job_ids`, not every row
    it owns: a row whose run ended without its end state written must run out, so it is
    recovered); return what users asked of them from another process (pause/cancel)."""
    stamp = now()
    asked: dict[int, str] = {}
    with transaction():
        for chunk in chunks(job_ids):
            mine = (Job.id.in_(chunk) & (Job.owner == owner) & (Job.status == st.RUNNING))
            Job.update(lease_until=stamp + lease_seconds).where(mine).execute()
            asked.update((row.id, row.requested)  # type: ignore[misc]  # not null: see where()
                         for row in Job.select(Job.id, Job.requested)
                         .where(mine & Job.requested.is_null(False)))
    return asked


def recover_interrupted(my_owner: str, owner_is_dead: Callable[[str], bool],
                        running: Iterable[int] = ()) -> list[int]:
    """Put back in the queue every running job whose run is over without an end: its owner
    died, its owner stopped renewing it, or (our own) its run ended without its end state
    written. An 'interrupted' event records it and the attempt is given back; its .part
    file resumes later. One UPDATE per owner, whatever the number of jobs. `running`: our
    own runs in progress, never taken back (their lease may lag behind a busy DB)."""
    stamp = now()
    live = list(running)
    owners = [row.owner for row in Job.select(Job.owner).distinct()
              .where(Job.status == st.RUNNING)]
    recovered: list[int] = []
    for owner in owners:
        dead = owner != my_owner and owner_is_dead(owner)  # type: ignore[arg-type]  # running: owned
        condition = (Job.status == st.RUNNING) & (Job.owner == owner)
        if not dead:
            condition &= Job.lease_until < stamp
        if owner == my_owner and live:
            condition &= Job.id.not_in(live)
        with transaction():
            ids = [row.id for row in Job.update(
                status=st.QUEUED, owner=None, lease_until=None, requested=None, speed=None,
                eta=None, updated_at=stamp, attempts=pw.fn.MAX(0, Job.attempts - 1))
                .where(condition).returning(Job.id).execute()]
            add_events(ids, "interrupted", st.RUNNING, st.QUEUED,
                       f"interrupted: {owner} stopped while running it", stamp)
        recovered.extend(ids)
    return recovered


# -- reading -------------------------------------------------------------------------------------
def status_of(job_id: int) -> str | None:
    row = Job.select(Job.status).where(Job.id == job_id).first()
    return row.status if row else None


def has_active_jobs() -> bool:
    return Job.select(Job.id).where(Job.status.in_(st.ACTIVE)).exists()


def child_urls(parent_id: int) -> set[str]:
    return {row.url for row in Job.select(Job.url).where(Job.parent == parent_id)}


def payload(job: Job) -> dict[str, Any]:
    """A job's payload; a corrupt one (hand-edited, or from a newer version) reads as {}."""
    try:
        value = json.loads(job.payload or "{}")
    except (json.JSONDecodeError, TypeError):
        return {}
    return value if isinstance(value, dict) else {}
