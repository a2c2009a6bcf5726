"""The `metadata` job: refresh what the library knows of a video, playlist or channel
without downloading; says how many videos were new, changed and unchanged."""

from __future__ import annotations

from ytdesk.core import library
from ytdesk.core.library import UpsertCounts

from .context import JobContext
from .download import engine_for

BATCH = 20


def run(ctx: JobContext) -> str:
    counts = UpsertCounts()
    with engine_for(ctx, use_archive=False) as engine:
        info = engine.probe(ctx.url)
        if info is None:
            return "Nothing found at this address."
        ctx.set_title(info.get("title"))
        entries = engine.walk_videos(info) if engine.is_container(info) else iter([info])
        batch = []
        for entry in entries:
            full = engine.full_metadata(entry)
            if full is not None and full.get("id"):
                batch.append(full)
            if len(batch) >= BATCH:
                counts.add(library.upsert_videos(batch))
                batch.clear()
        counts.add(library.upsert_videos(batch))
    return f"Metadata: {counts}."
