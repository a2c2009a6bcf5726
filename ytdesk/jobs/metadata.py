"""The `metadata` job: refresh what the library knows of a video, playlist or channel
without downloading; says how many videos were new, changed and unchanged. The same work
runs as a dry run (`preview`), which compares and writes nothing, not even a job."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ytdesk.core import library, subscription_videos
from ytdesk.core.credentials import Logins
from ytdesk.core.library import Identity, UpsertCounts
from ytdesk.core.settings import Settings
from ytdesk.ytdl.engine import Engine
from ytdesk.ytdl.errors import JobStopped, classify
from ytdesk.ytdl.listing import walk

from .context import JobContext
from .download import engine_for, options_of

BATCH = 20
SUBSCRIPTION_ID = "subscription_id"  # payload: link what is found to this subscription
NOTHING_FOUND = "Nothing found at this address."
# The job's result sentence, read back by `ytdesk-cli refresh --json` (made by `sentence`).
_RESULT = re.compile(r"Metadata: (\d+) new, (\d+) updated, (\d+) unchanged"
                     r"(?:; (\d+) could not be read)?\.")


@dataclass
class Refreshed:
    """What a refresh did (or, on a dry run, would do) to the library."""

    counts: UpsertCounts = field(default_factory=UpsertCounts)
    unread: int = 0  # listing entries that could not be read
    found: list[Identity] = field(default_factory=list)  # each video once, as listed

    def sentence(self) -> str:
        unread = f"; {self.unread} could not be read" if self.unread else ""
        return f"Metadata: {self.counts}{unread}."

    def as_json(self) -> dict[str, int]:
        return {"inserted": self.counts.inserted, "updated": self.counts.updated,
                "unchanged": self.counts.unchanged, "unread": self.unread}


def counts_in(result: str | None) -> Refreshed | None:
    """The counts of a finished metadata job, from its result sentence."""
    if result == NOTHING_FOUND:
        return Refreshed()
    found = _RESULT.fullmatch(result or "")
    if found is None:
        return None
    new, updated, unchanged, unread = (int(n or 0) for n in found.groups())
    return Refreshed(UpsertCounts(new, updated, unchanged), unread)


def run(ctx: JobContext) -> str:
    subscription_id = ctx.payload.get(SUBSCRIPTION_ID)
    with engine_for(ctx, use_archive=False) as engine:
        refreshed = refresh(engine, ctx.url, log=ctx.log, on_title=ctx.set_title)
    if refreshed is None:
        return NOTHING_FOUND
    if isinstance(subscription_id, int):
        linked = subscription_videos.link(subscription_id, refreshed.found)
        ctx.log(logging.INFO, f"{linked} videos newly listed under subscription "
                              f"{subscription_id}")
    return refreshed.sentence()


def preview(url: str, settings: Settings, *, log: Callable[[int, str], None],
            logins: Path | None = None) -> Refreshed | None:
    """A dry run of `run`, in this thread: the same listing and comparison, nothing
    written (None: nothing found at the address)."""
    options = options_of({}, settings)
    with Engine(download_dir=settings.download_dir(), preset=options, log=log,
                socket_timeout=settings.get("socket_timeout"), use_archive=False,
                sponsorblock_api=settings.get("sponsorblock_api") or None,
                logins=Logins(logins).headers() if logins else None) as engine:
        return refresh(engine, url, log=log, dry_run=True)


def refresh(engine: Engine, url: str, *, log: Callable[[int, str], None],
            on_title: Callable[[str | None], None] | None = None,
            dry_run: bool = False) -> Refreshed | None:
    info = engine.probe(url)
    if info is None:
        return None
    if on_title is not None:
        on_title(info.get("title"))
    if not engine.is_container(info):
        full = engine.full_metadata(info)
        done = Refreshed()
        key = library.identity(full) if full else None
        if full and key is not None:
            done.counts = library.upsert_videos([full], dry_run=dry_run)
            done.found.append(key)
        return done
    return _refresh_list(engine, info, log, dry_run)


def _refresh_list(engine: Engine, container: dict[str, Any],
                  log: Callable[[int, str], None], dry_run: bool) -> Refreshed:
    done = Refreshed()
    seen: set[Identity] = set()  # a video listed twice is counted once, also on a dry run
    batch: list[dict[str, Any]] = []
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
                key = library.identity(full) if full is not None else None
                if full is not None and key is not None and key not in seen:
                    seen.add(key)
                    done.found.append(key)
                    batch.append(full)
        if failure is not None:
            done.unread += 1
            log(logging.WARNING, f"{item.url}: {failure.sentence}")
        if len(batch) >= BATCH:
            done.counts.add(library.upsert_videos(batch, dry_run=dry_run))
            batch.clear()
    done.counts.add(library.upsert_videos(batch, dry_run=dry_run))
    return done
