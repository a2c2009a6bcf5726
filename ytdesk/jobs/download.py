"""The `download` job: one URL. A video is downloaded into the library; a playlist or
channel is listed lazily and becomes one child download job per video it contains."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ytdesk.core import jobstore, library
from ytdesk.ytdl.engine import Engine
from ytdesk.ytdl.options import DownloadChoice

from .context import JobContext

CHILD_BATCH = 50  # children are written in batches: a 5,000-video channel is 100 commits


def choice_of(ctx: JobContext) -> DownloadChoice:
    return DownloadChoice(quality=ctx.payload.get("quality") or ctx.settings.get("quality"),
                          audio_format=ctx.payload.get("audio_format")
                          or ctx.settings.get("audio_format"))


def download_dir_of(ctx: JobContext) -> Path:
    chosen = ctx.payload.get("download_dir")
    return Path(chosen) if chosen else ctx.settings.download_dir()


def engine_for(ctx: JobContext, **extra: Any) -> Engine:
    return Engine(download_dir=download_dir_of(ctx), choice=choice_of(ctx), log=ctx.log,
                  progress=ctx.progress, should_stop=ctx.stop_reason,
                  socket_timeout=ctx.settings.get("socket_timeout"), **extra)


def run(ctx: JobContext) -> str:
    with engine_for(ctx) as engine:
        info = engine.probe(ctx.url)
        if info is None:
            return "Already in your library; nothing was downloaded."
        if engine.is_container(info):
            return _expand(ctx, engine, info)
        ctx.set_title(info.get("title"))
        done = None if engine.in_library(info) else engine.download(info)
        if done is None:
            ident = engine.identity(info)
            known = library.find_video(*ident) if ident else None
            ctx.set_output(known.filepath if known else None)
            return "Already in your library; nothing was downloaded."
        library.record_download(done.info, done.filepath, done.format_id)
        ctx.set_output(done.filepath)
        return f"Saved {done.filepath}"


def _expand(ctx: JobContext, engine: Engine, container: dict[str, Any]) -> str:
    """One child job per video, recorded as a video row each; never the playlist itself."""
    title = container.get("title") or container.get("id")
    ctx.set_title(title)
    channel = container.get("channel") or container.get("uploader")
    already_queued = jobstore.child_urls(ctx.job_id)  # a resumed expansion adds no twins
    seen: set[str] = set()
    batch: list[dict[str, Any]] = []
    counts = {"queued": 0, "in_library": 0, "videos": 0}

    def flush() -> None:
        listed = [e for e in batch if engine.identity(e)]
        library.record_listed([{**e, "channel": e.get("channel") or channel} for e in listed])
        children = []
        for entry in batch:
            url = engine.video_url(entry)
            if engine.in_library(entry):
                counts["in_library"] += 1
            elif url not in already_queued:
                children.append(jobstore.NewJob(
                    "download", url, payload=ctx.payload, priority=ctx.priority,
                    parent_id=ctx.job_id, title=entry.get("title")))
        counts["queued"] += len(ctx.enqueue_children(children))
        batch.clear()

    for entry in engine.walk_videos(container):
        url = engine.video_url(entry)
        if not url or url in seen:
            continue  # a video in both a channel's Videos tab and a playlist counts once
        seen.add(url)
        counts["videos"] += 1
        batch.append(entry)
        if len(batch) >= CHILD_BATCH:
            flush()
    flush()
    return (f"{title}: {counts['videos']} videos; queued {counts['queued']}, "
            f"{counts['in_library']} already in your library.")
