"""The `metadata` job: refresh what the library knows of a video, playlist or channel
without downloading; says how many videos were new, changed and unchanged."""

from __future__ import annotations

import logging
from typing import Any

from ytdesk.core import library
from ytdesk.core.library import UpsertCounts
from ytdesk.ytdl.engine import Engine
from ytdesk.ytdl.errors import JobStopped, classify
from ytdesk.ytdl.listing import walk

from .context import JobContext
from .download import engine_for

BATCH = 20


def run(ctx: JobContext) -> str:
    with engine_for(ctx, use_archive=False) as engine:
        info = engine.probe(ctx.url)
        if info is None:
            return "Nothing found at this address."
        ctx.set_title(info.get("title"))
        if not engine.is_container(info):
            full = engine.full_metadata(info)
            return f"Metadata: {library.upsert_videos([full] if full else [])}."
        return _refresh_list(ctx, engine, info)


def _refresh_list(ctx: JobContext, engine: Engine, container: dict[str, Any]) -> str:
    counts = UpsertCounts()
    unread = 0
    batch = []
    for item in walk(engine, container):
        failure = item.failure
        if failure is None:
            try:
                full = engine.full_metadata(item.opened or item.entry, item.context)
            except JobStopped:
                raise
            except Exception as exc:  # one video that cannot be read never sinks the list
                failure = classify(exc)
            else:
                if full is not None and full.get("id"):
                    batch.append(full)
        if failure is not None:
            unread += 1
            ctx.log(logging.WARNING, f"{item.url}: {failure.sentence}")
        if len(batch) >= BATCH:
            counts.add(library.upsert_videos(batch))
            batch.clear()
    counts.add(library.upsert_videos(batch))
    return f"Metadata: {counts}" + (f"; {unread} could not be read." if unread else ".")
