"""What a finished job means to someone not looking at the window (the tray's notifications
and its menu of recent downloads), read in one go off the GUI thread."""

from __future__ import annotations

import json
from dataclasses import dataclass

from . import job_family
from . import jobstates as st
from .models import Job, Subscription

RECENT = 5  # finished downloads the tray's menu lists


@dataclass(frozen=True)
class Finished:
    job_id: int
    kind: str
    status: str  # as stored now
    label: str  # its title, else its address
    error: str | None
    sync_id: int | None = None  # the sync that queued it (itself, for a sync)
    subscription_id: int | None = None
    channel: str | None = None  # that subscription's title
    sync_done: bool = False  # the sync and everything it queued have finished
    new_downloads: int = 0  # downloads that sync queued and that succeeded


@dataclass(frozen=True)
class RecentDownload:
    job_id: int
    label: str
    path: str


def _subscription_of(job: Job) -> int | None:
    try:
        value = json.loads(job.payload or "{}").get("subscription_id")
    except (json.JSONDecodeError, AttributeError):
        return None
    return value if isinstance(value, int) else None


def what_finished(job_id: int) -> Finished | None:
    """None for a job that is gone (removed meanwhile)."""
    job = Job.get_or_none(Job.id == job_id)
    if job is None:
        return None
    label = job.title or job.url
    sync = job if job.kind == "sync" else None
    if sync is None and job.parent_id is not None:
        parent = Job.get_or_none(Job.id == job.parent_id)
        sync = parent if parent is not None and parent.kind == "sync" else None
    if sync is None:
        return Finished(job.id, job.kind, job.status, label, job.error)
    subscription_id = _subscription_of(sync)
    found = Subscription.get_or_none(Subscription.id == subscription_id) \
        if subscription_id is not None else None
    family = job_family.statuses([sync.id])
    queued_by_sync = {i: s for i, s in family.items() if i != sync.id}
    done = all(status not in st.ACTIVE for status in family.values())
    return Finished(job.id, job.kind, job.status, label, job.error, sync.id, subscription_id,
                    found.title if found is not None else None, done,
                    sum(status == st.SUCCEEDED for status in queued_by_sync.values()))


def recent_downloads(limit: int = RECENT) -> list[RecentDownload]:
    """The newest finished downloads with a file, newest first."""
    rows = (Job.select(Job.id, Job.title, Job.url, Job.output_path)
            .where((Job.kind == "download") & (Job.status == st.SUCCEEDED)
                   & Job.output_path.is_null(False))
            .order_by(Job.finished_at.desc(), Job.id.desc()).limit(limit))
    return [RecentDownload(row.id, row.title or row.url, row.output_path or "") for row in rows]
