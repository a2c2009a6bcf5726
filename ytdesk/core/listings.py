"""The CLI's listings of jobs and videos, read row by row from one cursor and written as
they are read: `jobs --json` over 100,000 jobs had built every row as an object and the
whole document as one string (478 MB, 5 s). Memory now stays flat whatever the count."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from .clock import iso
from .db import bound
from .jobstore import PRIORITIES
from .library import fts_query

_PRIORITY_NAMES = {value: name for name, value in PRIORITIES.items()}
_ALL_JOBS = ("SELECT id, kind, status, url, title, priority, attempts, progress, error, "
             "parent_id, created_at, finished_at FROM job ORDER BY id")
_JOBS_WITH_STATUS = ("SELECT id, kind, status, url, title, priority, attempts, progress, "
                     "error, parent_id, created_at, finished_at FROM job WHERE status = ? "
                     "ORDER BY id")
_ALL_VIDEOS = ("SELECT id, extractor, video_id, title, channel, duration, upload_date, "
               "filepath, downloaded_at, watched FROM video "
               "ORDER BY downloaded_at IS NULL, downloaded_at DESC, id DESC LIMIT ?")
_FOUND_VIDEOS = ("SELECT id, extractor, video_id, title, channel, duration, upload_date, "
                 "filepath, downloaded_at, watched FROM video "
                 "WHERE id IN (SELECT rowid FROM video_fts WHERE video_fts MATCH ?) "
                 "ORDER BY downloaded_at IS NULL, downloaded_at DESC, id DESC LIMIT ?")


def jobs(status: str | None = None) -> Iterator[dict[str, Any]]:
    """Every job (or those in `status`), oldest first, as `jobs --json` shows them."""
    cursor = (bound().execute_sql(_JOBS_WITH_STATUS, (status,)) if status
              else bound().execute_sql(_ALL_JOBS))
    for (job_id, kind, state, url, title, priority, attempts, progress, error, parent_id,
         created_at, finished_at) in cursor:
        yield {"id": job_id, "kind": kind, "status": state, "url": url, "title": title,
               "priority": _PRIORITY_NAMES.get(priority, priority), "attempts": attempts,
               "progress": progress, "error": error, "parent_id": parent_id,
               "created_at": iso(created_at), "finished_at": iso(finished_at)}


def videos(search: str | None = None, limit: int = 1000) -> Iterator[dict[str, Any]]:
    """The library's videos (those matching `search`), newest download first."""
    match = fts_query(search or "")
    cursor = (bound().execute_sql(_FOUND_VIDEOS, (match, limit)) if match
              else bound().execute_sql(_ALL_VIDEOS, (limit,)))
    for (row_id, extractor, video_id, title, channel, duration, upload_date, filepath,
         downloaded_at, watched) in cursor:
        yield {"id": row_id, "extractor": extractor, "video_id": video_id, "title": title,
               "channel": channel, "duration": duration, "upload_date": upload_date,
               "filepath": filepath, "downloaded_at": iso(downloaded_at),
               "watched": bool(watched)}


_encode_text = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses


def _value(value: Any) -> str:
    """One value as json.dumps writes it (the common types first, by their exact type)."""
    kind = type(value)
    if kind is str:
        return _encode_text(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    return json.dumps(value, ensure_ascii=False)  # bool, NaN, infinity, anything else


def write_json_array(rows: Iterable[dict[str, Any]], out: TextIO) -> None:
    """Write `rows` as `json.dumps(list(rows), indent=2, ensure_ascii=False)` would, one
    row at a time (the same text, byte for byte; json's indenting encoder is pure Python
    and about four times slower than this)."""
    keys: tuple[str, ...] = ()
    labels: list[str] = []
    opened = False
    for row in rows:
        if tuple(row) != keys:
            keys = tuple(row)
            labels = [f'    {_encode_text(key)}: ' for key in keys]
        fields = ",\n".join([label + _value(value)
                             for label, value in zip(labels, row.values(), strict=True)])
        out.write(("[\n  {\n" if not opened else ",\n  {\n") + fields + "\n  }")
        opened = True
    out.write("\n]\n" if opened else "[]\n")
