"""Read-only views of the jobs table for lists and panels: plain rows, paged by id, so the
UI can load what it shows and nothing more (run these off the GUI thread)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import peewee as pw

from . import jobstates as st
from .clock import now
from .models import Job, JobEvent


@dataclass(frozen=True)
class JobFilter:
    statuses: tuple[str, ...] = ()  # empty: every status
    kind: str | None = None
    text: str = ""

    def matches(self, row: "JobRow") -> bool:
        if self.statuses and row.status not in self.statuses:
            return False
        if self.kind and row.kind != self.kind:
            return False
        if self.text:
            needle = self.text.casefold()
            return needle in (row.title or "").casefold() or needle in row.url.casefold()
        return True


@dataclass
class JobRow:
    id: int
    kind: str
    status: str
    url: str
    title: str | None
    priority: int
    attempts: int
    progress: float | None
    downloaded_bytes: int | None
    total_bytes: int | None
    error: str | None
    result: str | None
    output_path: str | None
    parent_id: int | None
    created_at: float
    started_at: float | None
    finished_at: float | None
    scheduled_at: float

    @property
    def label(self) -> str:
        return self.title or self.url


_ROW_FIELDS = [Job.id, Job.kind, Job.status, Job.url, Job.title, Job.priority, Job.attempts,
               Job.progress, Job.downloaded_bytes, Job.total_bytes, Job.error, Job.result,
               Job.output_path, Job.parent, Job.created_at, Job.started_at, Job.finished_at,
               Job.scheduled_at]


def _where(query, flt: JobFilter):
    if flt.statuses:
        query = query.where(Job.status.in_(flt.statuses))
    if flt.kind:
        query = query.where(Job.kind == flt.kind)
    if flt.text:
        # LIKE's wildcards typed by the user are matched literally (ESCAPE '\').
        pattern = "%" + flt.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(pw.SQL("(title LIKE ? ESCAPE '\\' OR url LIKE ? ESCAPE '\\')",
                                   (pattern, pattern)))
    return query


def job_ids(flt: JobFilter) -> list[int]:
    """Ids of the jobs the filter shows, newest first (ints only: 100k of them is cheap)."""
    query = _where(Job.select(Job.id), flt).order_by(Job.id.desc())
    return [row[0] for row in query.tuples()]


def job_rows(ids: list[int]) -> list[JobRow]:
    rows: list[JobRow] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for values in Job.select(*_ROW_FIELDS).where(Job.id.in_(chunk)).tuples():
            rows.append(JobRow(*values))
    return rows


@dataclass
class QueueTotals:
    by_status: dict[str, int] = field(default_factory=dict)
    finished_last_hour: int = 0
    succeeded_last_hour: int = 0
    retries_last_hour: int = 0

    def count(self, status: str) -> int:
        return self.by_status.get(status, 0)

    @property
    def success_rate(self) -> float | None:
        return (self.succeeded_last_hour / self.finished_last_hour
                if self.finished_last_hour else None)


def queue_totals() -> QueueTotals:
    totals = QueueTotals()
    counted = Job.select(Job.status, pw.fn.COUNT(Job.id)).group_by(Job.status).tuples()
    totals.by_status = dict(counted)
    since = now() - 3600
    recent = (Job.select(Job.status, pw.fn.COUNT(Job.id))
              .where((Job.finished_at > since) & Job.status.in_(st.FINISHED))
              .group_by(Job.status).tuples())
    for status, n in recent:
        totals.finished_last_hour += n
        if status == st.SUCCEEDED:
            totals.succeeded_last_hour = n
    totals.retries_last_hour = (JobEvent.select()
                                .where((JobEvent.kind == "retry") & (JobEvent.at > since))
                                .count())
    return totals


@dataclass
class JobDetail:
    row: JobRow
    payload: str
    site: str
    events: list[tuple[float, str, str | None, str | None, str | None]]


def job_detail(job_id: int) -> JobDetail | None:
    job = Job.get_or_none(Job.id == job_id)
    if job is None:
        return None
    [row] = job_rows([job_id])
    events = list(JobEvent.select(JobEvent.at, JobEvent.kind, JobEvent.from_status,
                                  JobEvent.to_status, JobEvent.message)
                  .where(JobEvent.job == job_id).order_by(JobEvent.id).tuples())
    return JobDetail(row, job.payload, job.site, events)


def read_log_tail(path: Path, max_bytes: int = 256 * 1024) -> str:
    """The end of a job's log (a long log is cut at a line start)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(0, size - max_bytes))
            data = handle.read()
    except FileNotFoundError:
        return ""
    text = data.decode("utf-8", errors="replace")
    if size > max_bytes and "\n" in text:
        text = text.split("\n", 1)[1]
    return text
