"""What is at a URL, before anything is downloaded: title, uploader, thumbnail, duration and,
for a playlist or channel, how many videos it holds.

The engine's own probe and lazy walk are reused, so a preview sees a URL exactly as the
download job will (url results resolved, channel tabs opened, nested playlists walked).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ytdesk.core.preset_options import PresetOptions
from ytdesk.core.urls import check_url

from .engine import Engine
from .errors import JobStopped
from .listing import walk

MAX_COUNTED = 10_000  # beyond this a count costs minutes of paging; "more than" is enough
STALE = "stale"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FormatChoice:
    """One of a video's formats, as the add dialog lists it (Parabolic's and YTSage's list):
    what it is, and the yt-dlp format spec that downloads it."""

    format_id: str
    label: str  # "1080p 30fps · avc1 + … · 45.2 MB · video only"
    spec: str  # a video-only format gets the best audio added: "137+ba"


@dataclass(frozen=True)
class Preview:
    url: str
    title: str
    uploader: str | None
    thumbnail_url: str | None  # http(s) only, or None
    duration: float | None  # seconds; None for a playlist or when the site does not say
    is_playlist: bool  # a playlist or a channel
    entry_count: int  # 1 for a video
    count_is_exact: bool  # False when counting stopped at MAX_COUNTED
    formats: tuple[FormatChoice, ...] = ()  # a single video's formats, best first


class NoPreview(Exception):
    """The address is not one yt-dlp may be given, or the site had nothing at it; the
    message is the sentence to show."""


def preview(url: str, *, should_stop: Callable[[], bool],
            socket_timeout: float = 20.0) -> Preview:
    """Look at `url` without downloading. Raises JobStopped("stale") soon after
    `should_stop()` turns true, and yt-dlp's errors (classify them) when the site fails."""
    checked = check_url(url)
    if not checked.ok:  # yt-dlp would also open file: and other local addresses
        raise NoPreview(checked.reason)

    def stop_reason() -> str | None:
        return STALE if should_stop() else None

    # Nothing is written: the engine always builds download options, which need a folder.
    with Engine(download_dir=Path(tempfile.gettempdir()), preset=PresetOptions(),
                log=_log, should_stop=stop_reason, socket_timeout=socket_timeout,
                use_archive=False) as engine:
        info = engine.probe(checked.url)
        if should_stop():
            raise JobStopped(STALE)
        if info is None:
            raise NoPreview("ytdesk found no video at this address.")
        if engine.is_container(info):
            return _playlist_preview(url, engine, info)
        return Preview(url=url, title=_title(info, url), uploader=_uploader(info),
                       thumbnail_url=_thumbnail(info), duration=_number(info.get("duration")),
                       is_playlist=False, entry_count=1, count_is_exact=True,
                       formats=formats_of(info))


def _playlist_preview(url: str, engine: Engine, container: dict[str, Any]) -> Preview:
    thumbnail = _thumbnail(container)
    given = container.get("playlist_count")
    if isinstance(given, int) and given >= 0:
        count, exact = given, True
    else:
        count, exact, first = _count_videos(engine, container)
        if not thumbnail and first:
            thumbnail = _thumbnail(first)
    return Preview(url=url, title=_title(container, url), uploader=_uploader(container),
                   thumbnail_url=thumbnail, duration=None, is_playlist=True,
                   entry_count=count, count_is_exact=exact)


def _count_videos(engine: Engine, container: dict[str, Any]
                  ) -> tuple[int, bool, dict[str, Any] | None]:
    """Videos in a container, each counted once (a video in two tabs is one download),
    stopping at MAX_COUNTED. The walk checks `should_stop` before every entry, and streams
    the list rather than reading each to its end."""
    seen: set[str] = set()
    first = None
    for item in walk(engine, container, whole_lists=False):
        key = item.url or repr(engine.identity(item.info))
        if key in seen:
            continue
        if len(seen) >= MAX_COUNTED:
            return len(seen), False, first
        seen.add(key)
        first = first or item.info
    return len(seen), True, first


def formats_of(info: dict[str, Any]) -> tuple[FormatChoice, ...]:
    """A video's formats as choices, best first (yt-dlp lists them worst first)."""
    choices = []
    for f in reversed(info.get("formats") or []):
        if not isinstance(f, dict) or not f.get("format_id"):
            continue
        video = f.get("vcodec") not in (None, "none")
        audio = f.get("acodec") not in (None, "none")
        if not video and not audio:
            continue  # storyboards and the like
        parts = []
        if video:
            height, fps = f.get("height"), f.get("fps")
            parts.append((f"{height}p" if height else "video") + (f" {fps:g}fps" if fps else ""))
        codecs = " + ".join(str(f[k]).split(".")[0] for k in ("vcodec", "acodec")
                            if f.get(k) not in (None, "none"))
        if codecs:
            parts.append(codecs)
        size = f.get("filesize") or f.get("filesize_approx")
        if isinstance(size, (int, float)) and size > 0:
            parts.append(f"{size / 1_000_000:.1f} MB")
        parts.append("video only" if video and not audio else
                     "audio only" if audio and not video else str(f.get("ext") or ""))
        format_id = str(f["format_id"])
        choices.append(FormatChoice(format_id, " · ".join(p for p in parts if p),
                                    f"{format_id}+ba" if video and not audio else format_id))
    return tuple(choices)


def _log(level: int, message: str) -> None:
    # yt-dlp's chatter about a preview is only useful when debugging; failures are
    # reported to the caller as exceptions, not through the log.
    log.debug("%s", message)


def _title(info: dict[str, Any], url: str) -> str:
    return str(info.get("title") or info.get("id") or url)


def _uploader(info: dict[str, Any]) -> str | None:
    for field in ("uploader", "channel", "playlist_uploader", "creator"):
        if info.get(field):
            return str(info[field])
    return None


def _thumbnail(info: dict[str, Any]) -> str | None:
    """The info's thumbnail, else the last of its list (yt-dlp orders them worst to best),
    and only an http(s) address: the dialog fetches it."""
    candidates = [info.get("thumbnail")]
    candidates += [t.get("url") for t in reversed(info.get("thumbnails") or ())
                   if isinstance(t, dict)]
    for candidate in candidates:
        if isinstance(candidate, str) and check_url(candidate).ok:
            return candidate
    return None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and value >= 0 else None
