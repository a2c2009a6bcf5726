"""yt-dlp in-process: look at a URL, walk a playlist lazily, download one video.

Nothing here knows about jobs or Qt: a job kind hands in callbacks for logging, progress
and "should I stop?", and gets plain dicts back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from yt_dlp.postprocessor.common import PostProcessor

from ytdesk.core import library

from . import warm
from .archive import LibraryArchive
from .errors import JobStopped, OutsideDownloadDir
from .options import DownloadChoice, build_options
from .progress import Progress, ProgressTracker

CONTAINER_TYPES = ("playlist", "multi_video")
URL_TYPES = ("url", "url_transparent")
_MAX_NESTING = 5  # channel -> tab -> playlist is the deepest real case


class JobLogger:
    """yt-dlp's `logger` param: its screen messages arrive as debug() and its own debug
    lines start with "[debug] "; both become timestamped lines in the job's log."""

    def __init__(self, write: Callable[[int, str], None]):
        self._write = write

    def debug(self, msg: str) -> None:
        if msg.startswith("[debug] "):
            self._write(logging.DEBUG, msg[8:])
        else:
            self._write(logging.INFO, msg)

    def info(self, msg: str) -> None:
        self._write(logging.INFO, msg)

    def warning(self, msg: str) -> None:
        self._write(logging.WARNING, msg)

    def error(self, msg: str) -> None:
        self._write(logging.ERROR, msg)


class _DotFreePathFields(PostProcessor):
    """yt-dlp's sanitising keeps a field that is just "." or ".." as it is, and such a
    channel name would be a folder meaning "here" or "up". Renamed before names are made."""

    FIELDS = ("channel", "uploader", "playlist_uploader", "title")

    def run(self, info):
        for field in self.FIELDS:
            value = info.get(field)
            if isinstance(value, str) and value.strip() and not value.strip(". "):
                info[field] = value.replace(".", "\uff0e")  # a full-width dot, like yt-dlp's ⧸
        return [], info


class _StayInsideDownloadDir(PostProcessor):
    """Runs before the download: refuses a file name that resolves outside the folder."""

    def __init__(self, home: Path):
        super().__init__(None)
        self._home = home.resolve()

    def run(self, info):
        target = Path(info.get("_filename") or info.get("filepath") or "").resolve()
        if not target.is_relative_to(self._home):
            raise OutsideDownloadDir(
                f"The video's name would put the file outside the download folder "
                f"({target}); it was not downloaded.")
        return [], info


@dataclass
class Downloaded:
    info: dict[str, Any]
    filepath: str
    format_id: str | None


class Engine:
    def __init__(self, *, download_dir: Path, choice: DownloadChoice,
                 log: Callable[[int, str], None],
                 progress: Callable[[Progress], None] = lambda p: None,
                 should_stop: Callable[[], str | None] = lambda: None,
                 socket_timeout: float = 20.0, use_archive: bool = True):
        self.download_dir = download_dir
        # A metadata refresh must see downloaded videos too, so it runs without the archive.
        self.archive = LibraryArchive() if use_archive else None
        self._in_library: dict[tuple[str, str], bool] = {}
        self._tracker = ProgressTracker(progress, should_stop)
        self._should_stop = should_stop
        options = build_options(download_dir=download_dir, choice=choice,
                                logger=JobLogger(log), progress_hook=self._tracker.hook,
                                archive=self.archive, socket_timeout=socket_timeout)
        self.ydl = warm.borrow(options)
        self.ydl.add_post_processor(_DotFreePathFields(None), when="pre_process")
        self.ydl.add_post_processor(_StayInsideDownloadDir(download_dir), when="before_dl")

    def close(self) -> None:
        warm.give_back(self.ydl)

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def probe(self, url: str) -> dict[str, Any] | None:
        """What is at `url`: a video or a container (playlist, channel), unprocessed, with
        its entries still lazy. None if the archive says the video is already here."""
        info = self.ydl.extract_info(url, download=False, process=False)
        depth = 0
        while info is not None and info.get("_type") in URL_TYPES and depth < _MAX_NESTING:
            info = self._resolve(info)
            depth += 1
        return info

    def _resolve(self, entry: dict[str, Any]) -> dict[str, Any] | None:
        resolved = self.ydl.extract_info(entry["url"], ie_key=entry.get("ie_key"),
                                         download=False, process=False)
        if resolved is not None and entry.get("_type") == "url_transparent":
            # url_transparent: fields given by the outer extractor win (yt-dlp's own rule).
            overrides = {k: v for k, v in entry.items()
                         if v is not None and k not in ("_type", "url", "ie_key")}
            resolved = {**resolved, **overrides}
        return resolved

    @staticmethod
    def is_container(info: dict[str, Any]) -> bool:
        return info.get("_type") in CONTAINER_TYPES

    def walk_videos(self, container: dict[str, Any], depth: int = 0) -> Iterator[dict[str, Any]]:
        """Every video entry of a playlist or channel, lazily; tabs and nested playlists are
        opened, never returned as if they were videos."""
        for entry in container.get("entries") or ():
            stop = self._should_stop()
            if stop:
                raise JobStopped(stop)
            if not entry:
                continue
            if self.is_container(entry) and depth < _MAX_NESTING:
                yield from self.walk_videos(entry, depth + 1)
            elif (entry.get("_type") in URL_TYPES and not self.in_library(entry)
                  and not self._is_single_video(entry)):
                if depth >= _MAX_NESTING:
                    continue
                opened = self._resolve(entry)
                if opened is None:
                    continue
                if self.is_container(opened):
                    yield from self.walk_videos(opened, depth + 1)
                else:
                    yield opened
            else:
                yield entry

    def _is_single_video(self, entry: dict[str, Any]) -> bool:
        """Ask the extractor behind a flat entry whether its URL is one video; an unknown
        answer means we open it to see (one extra request)."""
        url = entry.get("url") or ""
        key = entry.get("ie_key")
        ies = [self.ydl.get_info_extractor(key)] if key else self.ydl._ies.values()
        for ie in ies:
            if ie.suitable(url):
                return bool(ie.is_single_video(url))
        return False

    @staticmethod
    def video_url(entry: dict[str, Any]) -> str | None:
        return entry.get("webpage_url") or entry.get("original_url") or entry.get("url")

    @staticmethod
    def identity(entry: dict[str, Any]) -> tuple[str, str] | None:
        """(extractor, id) of a video entry, when it has them."""
        key = entry.get("extractor_key") or entry.get("ie_key")
        if key and entry.get("id"):
            return str(key).lower(), str(entry["id"])
        return None

    def in_library(self, entry: dict[str, Any]) -> bool:
        """Asked twice per entry while a channel is listed (to skip opening it, then to skip
        queueing it): answered once, from the library, then remembered for this listing."""
        ident = self.identity(entry)
        if not ident:
            return False
        if ident not in self._in_library:
            self._in_library[ident] = library.is_downloaded(*ident)
        return self._in_library[ident]

    def download(self, info: dict[str, Any]) -> Downloaded | None:
        """Download one (unprocessed) video. None when yt-dlp skipped it as already here."""
        result = self.ydl.process_ie_result(info, download=True)
        if not result:
            return None
        downloads = result.get("requested_downloads") or []
        if not downloads:
            return None
        filepath = downloads[-1].get("filepath") or result.get("filepath")
        clean = self.ydl.sanitize_info(result)
        return Downloaded(clean, filepath, result.get("format_id"))

    def full_metadata(self, entry: dict[str, Any]) -> dict[str, Any] | None:
        """The complete info dict of a video entry, without downloading it."""
        info = entry
        if entry.get("_type") in URL_TYPES:
            info = self._resolve(entry)
        if info is None:
            return None
        return self.ydl.sanitize_info(self.ydl.process_ie_result(info, download=False))
