"""The `download` job: one URL. A video is downloaded into the library; a playlist or
channel is listed and becomes one child download job per video it contains.

A child carries its entry as the list gave it and the list's context (payload
"from_list"), and is downloaded from them exactly as yt-dlp downloads that playlist entry:
same title, file name and folder as `yt-dlp URL`. An entry that could not be opened while
the list was read is still a child (payload "listing_error"): it tries once more when it
runs, and fails with its own sentence if the entry is still gone.
"""

from __future__ import annotations

import logging
import random
from pathlib import Path
from typing import Any

from ytdesk.core import (cookies, day_periods, jobstore, library, presets, site_holds, sync_filters,
                         sync_record)
from ytdesk.core.clock import now
from ytdesk.core.credentials import Logins
from ytdesk.core.library import Identity
from ytdesk.core.preset_options import PresetOptions
from ytdesk.core.settings import Settings
from ytdesk.ytdl import warm
from ytdesk.ytdl.engine import Engine
from ytdesk.ytdl.errors import CannotDownload, JobStopped
from ytdesk.ytdl.listing import Listed, walk

from .context import JobContext

CHILD_BATCH = 50  # children are written in batches: a 5,000-video channel is 100 commits
FROM_LIST = "from_list"  # payload: {"entry": ..., "context": ...}
LISTING_ERROR = "listing_error"  # payload: the sentence, when the entry could not be opened
ERROR_KIND = "error_kind"  # payload: that failure's kind (errors.PERMANENT, ...)
_CHILD_KEYS = (FROM_LIST, LISTING_ERROR, ERROR_KIND)


PRESET = "preset"  # payload: the preset's short name (else the default preset)
SUBSCRIPTION = "subscription_id"  # payload: the subscription whose sync queued it
FILTERS = "filters"  # payload: that subscription's filters, when its listing left them open
OVERRIDES = "overrides"  # payload: options changed for this download only


def preset_name_of(payload: dict[str, Any], settings: Settings) -> str:
    """The preset a download runs with (its own, else the default; one deleted meanwhile
    falls back to the built-in default)."""
    return presets.usable(payload.get(PRESET) or settings.get("default_preset"))


def options_of(payload: dict[str, Any], settings: Settings) -> PresetOptions:
    """`own_options_of` with the speed limits that hold now."""
    options = own_options_of(payload, settings)
    limit = speed_limit(options.limit_rate, settings)
    return options.changed(limit_rate=limit) if limit != options.limit_rate else options


def own_options_of(payload: dict[str, Any], settings: Settings) -> PresetOptions:
    """What a download runs with: its preset as it is now, with its own changes (a
    preset deleted meanwhile falls back to the default). Older jobs name a quality and
    an audio format instead: those are changes to the default preset."""
    name = preset_name_of(payload, settings)
    changes = {key: payload[key] for key in ("quality", "audio_format") if payload.get(key)}
    overrides = payload.get(OVERRIDES)
    if isinstance(overrides, dict):
        changes.update(overrides)
    options = presets.get(name).options
    return options.changed(**changes) if changes else options


def speed_limit(own: int, settings: Settings, stamp: float | None = None) -> int:
    """Bytes a second a download may take now: the lowest of its own (preset's) limit,
    the global one and the speed-limit schedule's (0: no limit)."""
    kbps = [settings.get("speed_limit_kbps"),
            day_periods.limit_at(day_periods.parse_schedule(settings.get("speed_schedule")),
                                 now() if stamp is None else stamp)]
    limits = [value for value in (own, *(k * 1024 for k in kbps)) if value]
    return min(limits) if limits else 0


def download_dir_of(ctx: JobContext) -> Path:
    chosen = ctx.payload.get("download_dir")
    return Path(chosen) if chosen else ctx.settings.download_dir()


COOKIES = "cookies"  # payload: the name of a kept cookies file (core/cookies.py)


def cookie_file_of(ctx: JobContext, options: PresetOptions) -> Path | None:
    """The kept cookies file a download was given (with `add --cookies`, else by its
    preset), if any; one that is gone stops the download with a sentence rather than
    running it signed out."""
    name = ctx.payload.get(COOKIES) or options.cookies_file or None
    if name is None:
        return None
    found = cookies.path_of(ctx.cookies, name) if ctx.cookies else None
    if found is None:
        raise CannotDownload("The cookies file this download was given is gone from "
                             "ytdesk's data folder; add the download again with its cookies.")
    return found


MOST_POLITE_PAUSE_S = 600.0


def for_site(ctx: JobContext, options: PresetOptions) -> PresetOptions:
    """The site's own choice: the cookies chosen for it when it held us back (unless the
    job or its preset has its own)."""
    if not (ctx.payload.get(COOKIES) or options.cookies_file or options.cookies_from_browser):
        chosen = site_holds.cookies_of(ctx.site)
        if chosen is not None and chosen.file:
            ctx.payload[COOKIES] = chosen.file
        elif chosen is not None and chosen.browser:
            options = options.changed(cookies_from_browser=chosen.browser)
    return options


def polite_pause_of(ctx: JobContext) -> float:
    """Seconds a download a sync queued waits before it starts: the polite pause between
    downloads of one site, doubled for each time the site held us back (0: not a sync's)."""
    if ctx.kind != "download" or not ctx.payload.get(SUBSCRIPTION):
        return 0.0
    base = ctx.settings.get("site_hold_pause_seconds")
    return min(MOST_POLITE_PAUSE_S, base * 2 ** min(site_holds.holds_of(ctx.site), 10))


def _wait_politely(ctx: JobContext) -> None:
    """Our own wait rather than yt-dlp's sleep_interval (a plain sleep): a pause, cancel
    or quit asked meanwhile ends it at once."""
    pause = polite_pause_of(ctx)
    if pause <= 0:
        return
    pause *= random.uniform(1.0, 1.5)  # as yt-dlp's --max-sleep-interval: no lockstep
    ctx.log(logging.INFO, f"Waiting {pause:.0f} s before downloading, to be polite to "
                          f"{ctx.site}.")
    reason = ctx.wait_unless_stopped(pause)
    if reason is not None:
        raise JobStopped(reason)


def engine_for(ctx: JobContext, **extra: Any) -> Engine:
    options = for_site(ctx, options_of(ctx.payload, ctx.settings))
    own_limit = own_options_of(ctx.payload, ctx.settings).limit_rate
    ctx.speed_limit_of = lambda stamp: speed_limit(own_limit, ctx.settings, stamp)
    engine = Engine(download_dir=download_dir_of(ctx), preset=options,
                  sponsorblock_api=ctx.settings.get("sponsorblock_api") or None, log=ctx.log,
                  progress=ctx.progress, should_stop=ctx.stop_reason,
                  socket_timeout=ctx.settings.get("socket_timeout"),
                  logins=Logins(ctx.logins).headers() if ctx.logins else None,
                  cookie_file=cookie_file_of(ctx, options), traffic=ctx.traffic, **extra)
    ctx.set_rate_limit = engine.set_rate_limit  # the speed-limit schedule, live
    return engine


def prepare(settings: Settings, count: int) -> None:
    """Have `count` yt-dlp instances ready for the first downloads, ahead of them: made
    while a download starts, each one is 0.1 s of busy Python that competes with the
    window for the GIL (100-180 ms stalls while scrolling, measured). Downloads already
    running made theirs: only the missing ones are made."""
    missing = min(count, warm.IDLE_PER_KEY) - warm.instances()
    engines = [Engine(download_dir=settings.download_dir(),
                      preset=options_of({}, settings),
                      log=_ignore, socket_timeout=settings.get("socket_timeout"))
               for _ in range(max(0, missing))]
    for engine in engines:
        engine.close()  # back to the pool, for the jobs


def _ignore(level: int, message: str) -> None:
    pass


def run(ctx: JobContext) -> str:
    with engine_for(ctx) as engine:
        listed = ctx.payload.get(FROM_LIST)
        if isinstance(listed, dict):
            return _run_entry(ctx, engine, listed)
        info = engine.probe(ctx.url)
        if info is None:
            return _already(ctx, engine, engine.identity_of_url(ctx.url))
        if engine.is_container(info):
            return _expand(ctx, engine, info)
        return _download(ctx, engine, info, {})


def _run_entry(ctx: JobContext, engine: Engine, listed: dict[str, Any]) -> str:
    entry, context = listed.get("entry") or {}, listed.get("context") or {}
    if ctx.payload.get(LISTING_ERROR):
        ctx.log(logging.INFO, f"This entry could not be opened when its list was read: "
                              f"{ctx.payload[LISTING_ERROR]} Trying it once more.")
    info = engine.open(entry, context)
    if info is None:
        return _already(ctx, engine, engine.identity(Listed(entry, context).info))
    if engine.is_container(info):
        return _expand(ctx, engine, info)
    return _download(ctx, engine, info, context)


def _download(ctx: JobContext, engine: Engine, info: dict[str, Any],
              context: dict[str, Any]) -> str:
    # As process_ie_result will see it: the playlist context fills what the video lacks.
    seen = {**context, **info}
    ctx.set_title(seen.get("title"))
    left_out = _left_out_by_filters(ctx, seen)
    if left_out:
        return left_out
    done = None
    if not engine.in_library(seen):
        _wait_politely(ctx)
        done = engine.download(info, context)
    if done is None:
        return _already(ctx, engine, engine.identity(seen))
    # The file is there: a busy or full DB is waited out rather than losing the download.
    preset = preset_name_of(ctx.payload, ctx.settings)
    ctx.write_until_done(lambda: library.record_download(done.info, done.filepath,
                                                         done.format_id, preset),
                         "the downloaded file")
    ctx.set_output(done.filepath)
    return f"Saved {done.filepath}"


def _left_out_by_filters(ctx: JobContext, seen: dict[str, Any]) -> str | None:
    """A subscription's download whose filters its listing could not decide (the listing
    did not say the video's length or date): decided now that the video has been read."""
    filters = ctx.payload.get(FILTERS)
    if not isinstance(filters, dict):
        return None
    reason = sync_filters.left_out(seen, filters)
    if reason is None:
        return None
    subscription = int(ctx.payload.get(SUBSCRIPTION) or 0)
    ctx.write_until_done(lambda: sync_record.leave_out(subscription, seen, reason),
                         "why the video was left out")
    return f"Left out by the subscription's filters: {reason}."


def _already(ctx: JobContext, engine: Engine, ident: Identity | None) -> str:
    """A video the library already has: the row says where, and shows its size."""
    known = library.find_video(*ident) if ident else None
    if known is None or not known.filepath:
        return "Already in your library; nothing was downloaded."
    ctx.set_output(known.filepath)
    engine.report_in_library(known.filesize)
    return f"Already in your library: {known.filepath}"


def _expand(ctx: JobContext, engine: Engine, container: dict[str, Any]) -> str:
    """One child job per video, recorded as a video row each; never the playlist itself."""
    title = container.get("title") or container.get("id")
    ctx.set_title(title)
    channel = container.get("channel") or container.get("uploader")
    inherited = {k: v for k, v in ctx.payload.items() if k not in _CHILD_KEYS}
    already_queued = jobstore.child_urls(ctx.job_id)  # a resumed expansion adds no twins
    seen: set[tuple[str | None, str | None]] = set()
    batch: list[Listed] = []
    counts = {"queued": 0, "in_library": 0, "videos": 0, "failed": 0}

    def flush() -> None:
        readable = [item.info for item in batch if not item.failure]
        library.record_listed([{**info, "channel": info.get("channel") or channel}
                               for info in readable if engine.identity(info)])
        children = []
        for item in batch:
            if not item.failure and engine.in_library(item.info):
                counts["in_library"] += 1
            elif item.url not in already_queued:
                children.append(jobstore.NewJob(
                    "download", item.url or "", payload={**inherited, **child_payload(item)},
                    priority=ctx.priority, parent_id=ctx.job_id, title=item.title))
        counts["queued"] += len(ctx.enqueue_children(children))
        batch.clear()

    for item in walk(engine, container):
        # A video in both a channel's Videos tab and a playlist counts once; two feed items
        # that share a file are still two items (yt-dlp downloads both: their raw entries
        # differ in id or in the data smuggled into the address).
        key = (item.entry.get("url") or item.url, item.entry.get("id"))
        if not item.url or key in seen:
            continue
        seen.add(key)
        counts["videos"] += 1
        counts["failed"] += item.failure is not None
        batch.append(item)
        if len(batch) >= CHILD_BATCH:
            flush()
    flush()
    summary = (f"{counts['videos']} videos; queued {counts['queued']}, "
               f"{counts['in_library']} already in your library.")
    if counts["failed"]:
        summary += f" {counts['failed']} could not be opened; their rows say why."
    return summary


def child_payload(item: Listed) -> dict[str, Any]:
    payload: dict[str, Any] = {FROM_LIST: item.as_payload()}
    if item.failure:
        payload[LISTING_ERROR] = item.failure.sentence
        payload[ERROR_KIND] = item.failure.kind
    return payload
