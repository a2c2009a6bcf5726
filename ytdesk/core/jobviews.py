"""Read-only views of the jobs table for lists and panels: plain rows with parsed fields,
paged by id, so the UI loads what it shows and nothing more, and never sees the DB's
insides (JSON payloads, owner ids, yt-dlp's smuggled data). Run these off the GUI thread."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import peewee as pw

from . import jobstates as st
from .clock import now
from .db import bound
from .models import Job, JobEvent

# yt-dlp appends data for its own use to an address as `#__youtubedl_smuggle=<json>`.
SMUGGLED = "#__youtubedl_smuggle="
# A process's owner id, as the job store writes it: host:pid:start-ms:counter.
_OWNER_ID = re.compile(r"[\w.-]+:\d+:\d+:\d+")


def clean_url(url: str) -> str:
    """The address a person gave or would give: without yt-dlp's smuggled data."""
    return url.split(SMUGGLED, 1)[0]


@dataclass(frozen=True)
class JobFilter:
    statuses: tuple[str, ...] = ()  # empty: every status
    kind: str | None = None
    text: str = ""

    def matches(self, row: JobRow) -> bool:
        if self.statuses and row.status not in self.statuses:
            return False
        if self.kind and row.kind != self.kind:
            return False
        if self.text:
            needle = self.text.casefold()
            return needle in (row.title or "").casefold() or needle in row.url.casefold()
        return True

    @property
    def narrows(self) -> bool:
        """True when some job might be left out (an empty list is then "no match")."""
        return bool(self.statuses or self.kind or self.text)


# Statuses in the order a person scans them: what moves first, what is over last.
STATUS_ORDER = (st.RUNNING, st.WAITING, st.QUEUED, st.PAUSED, st.FAILED, st.CANCELLED,
                st.SUCCEEDED)
SORT_KEYS = ("added", "title", "kind", "status", "progress", "size", "speed", "eta",
             "attempts")


@dataclass(frozen=True)
class JobOrder:
    """How the list is sorted: by one of SORT_KEYS; ties go newest first."""

    key: str = "added"
    descending: bool = True

    def __post_init__(self) -> None:
        if self.key not in SORT_KEYS:
            raise ValueError(f"Jobs cannot be sorted by {self.key!r}.")

    @property
    def by_id(self) -> bool:
        """Sorted by when jobs were added: the order ids have, known without a query."""
        return self.key == "added"


@dataclass
class JobRow:
    id: int
    kind: str
    status: str  # may be one this version does not know (written by a newer ytdesk)
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
    site: str = ""
    download_dir: str | None = None  # chosen for this job; None: the settings' folder
    preset: str | None = None  # the preset's short name; None: the default preset
    changes: tuple[tuple[str, str], ...] = ()  # options changed for this job, in words

    @property
    def clean_url(self) -> str:
        return clean_url(self.url)

    @property
    def label(self) -> str:
        return self.title or self.clean_url

    def folder(self, default: Path) -> Path:
        """Where the job's file is (or will be): its file's folder, else the folder chosen
        for it, else `default` (the settings' download folder)."""
        if self.output_path:
            return Path(self.output_path).parent
        return Path(self.download_dir).expanduser() if self.download_dir else default


_ROW_FIELDS = [Job.id, Job.kind, Job.status, Job.url, Job.title, Job.priority, Job.attempts,
               Job.progress, Job.downloaded_bytes, Job.total_bytes, Job.error, Job.result,
               Job.output_path, Job.parent, Job.created_at, Job.started_at, Job.finished_at,
               Job.scheduled_at, Job.site, Job.payload]


def _parsed_payload(text: str | None) -> dict[str, Any]:
    """A job's payload; a corrupt one (or one that is not an object) reads as empty, so the
    job still shows, with the default folder and quality."""
    try:
        value = json.loads(text or "{}")
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


_ROW_NAMES = ("id", "kind", "status", "url", "title", "priority", "attempts", "progress",
              "downloaded_bytes", "total_bytes", "error", "result", "output_path", "parent_id",
              "created_at", "started_at", "finished_at", "scheduled_at")


def _row(values: tuple) -> JobRow:
    *fields, site, payload_text = values
    payload = _parsed_payload(payload_text)
    return JobRow(**dict(zip(_ROW_NAMES, fields, strict=True)), site=site or "",
                  download_dir=_text_or_none(payload.get("download_dir")),
                  preset=_text_or_none(payload.get("preset")), changes=_changes(payload))


def _changes(payload: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """What a job changed of its preset (older jobs: a quality, an audio format), shown as
    option name and value."""
    changed = {key: payload[key] for key in ("quality", "audio_format") if payload.get(key)}
    overrides = payload.get("overrides")
    if isinstance(overrides, dict):
        changed.update(overrides)
    return tuple((str(name), _option_text(value)) for name, value in changed.items())


def _option_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value)


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


def _sort_expression(key: str):
    if key == "title":
        return pw.fn.COALESCE(Job.title, Job.url).collate("NOCASE")
    if key == "status":
        return pw.Case(Job.status, [(s, n) for n, s in enumerate(STATUS_ORDER)],
                       len(STATUS_ORDER))
    return {"kind": Job.kind, "progress": Job.progress, "size": Job.total_bytes,
            "speed": Job.speed, "eta": Job.eta, "attempts": Job.attempts}[key]


def job_ids(flt: JobFilter, order: JobOrder = JobOrder()) -> list[int]:
    """Ids of the jobs the filter shows, in the order asked (ints only: 100k is cheap).
    Sorting happens here, in SQL, never over rows in memory."""
    query = _where(Job.select(Job.id), flt)
    newest_first = Job.id.desc()
    if order.by_id:
        query = query.order_by(newest_first if order.descending else Job.id.asc())
    else:
        expression = _sort_expression(order.key)
        # Empty values (no size yet, no title) go last either way.
        first = (expression.desc(nulls="LAST") if order.descending
                 else expression.asc(nulls="LAST"))
        query = query.order_by(first, newest_first)
    # Straight from SQLite's cursor: peewee's row handling costs far more than the query
    # (10,000 ids: 11 ms against 1.6 ms), and the window waits for this list at start-up.
    return [row[0] for row in bound().execute(query).fetchall()]


def job_rows(ids: list[int]) -> list[JobRow]:
    rows: list[JobRow] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for values in Job.select(*_ROW_FIELDS).where(Job.id.in_(chunk)).tuples():
            rows.append(_row(values))  # type: ignore[arg-type]  # a .tuples() row, not a Job
    return rows


@dataclass
class QueueTotals:
    by_status: dict[str, int] = field(default_factory=dict)
    succeeded_last_hour: int = 0
    failed_last_hour: int = 0
    cancelled_last_hour: int = 0
    retries_last_hour: int = 0

    def count(self, status: str) -> int:
        return self.by_status.get(status, 0)


def queue_totals() -> QueueTotals:
    totals = QueueTotals()
    counted = Job.select(Job.status, pw.fn.COUNT(Job.id)).group_by(Job.status).tuples()
    # peewee's stubs type the rows of .tuples() as model objects, hence these ignores.
    totals.by_status = dict(counted)  # type: ignore[arg-type]  # .tuples() rows
    since = now() - 3600
    finished = (Job.select(Job.status, pw.fn.COUNT(Job.id))
                .where((Job.finished_at > since) & Job.status.in_(st.FINISHED))
                .group_by(Job.status).tuples())
    recent: dict[str, int] = dict(finished)  # type: ignore[arg-type]  # .tuples() rows
    totals.succeeded_last_hour = recent.get(st.SUCCEEDED, 0)
    totals.failed_last_hour = recent.get(st.FAILED, 0)
    totals.cancelled_last_hour = recent.get(st.CANCELLED, 0)
    totals.retries_last_hour = (JobEvent.select()
                                .where((JobEvent.kind == "retry") & (JobEvent.at > since))
                                .count())
    return totals


@dataclass(frozen=True)
class EventRow:
    at: float
    change: str  # "queued → running", or "" for a note
    text: str  # what happened, in words, without internal ids


def event_text(kind: str, message: str | None, me: str | None) -> str:
    """An event's message as a person reads it: the process that did it is "this ytdesk"
    or "another ytdesk process", never its internal owner id."""
    text = message or ""
    if me and text == f"started by {me}":
        return "started"
    if me:
        text = text.replace(me, "this ytdesk")
    text = _OWNER_ID.sub("another ytdesk process", text)
    if not text and kind not in ("status", "message"):
        return kind  # e.g. "interrupted", "retry" with nothing more to say
    return text


@dataclass
class JobDetail:
    row: JobRow
    events: list[EventRow]
    preset_title: str = ""  # what the job downloads with, in words


def job_detail(job_id: int, me: str | None = None,
               default_preset: str = "best") -> JobDetail | None:
    """One job with its events; `me` is this process's owner id (its own starts read
    "started"); a job that names no preset uses `default_preset`."""
    found = job_rows([job_id])
    if not found:
        return None
    query = (JobEvent.select(JobEvent.at, JobEvent.kind, JobEvent.from_status,
                             JobEvent.to_status, JobEvent.message)
             .where(JobEvent.job == job_id).order_by(JobEvent.id))
    rows: Iterable[tuple[Any, ...]] = query.tuples()  # type: ignore[assignment]  # tuple rows
    events = [EventRow(at, (f"{before} → {after}" if before else after) if after else "",
                       event_text(kind, message, me))
              for at, kind, before, after, message in rows]
    from . import presets  # the details pane only: the list's start-up does not wait for it

    named = found[0].preset
    title = presets.get(presets.usable(named or default_preset)).title
    if not named:
        title += " (the default)"
    elif not presets.exists(named):
        title += f" (“{named}” was deleted)"
    return JobDetail(found[0], events, title)


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
