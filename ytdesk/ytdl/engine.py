"""yt-dlp in-process: look at a URL, open a playlist's entry, download one video.

Nothing here knows about jobs or Qt: a job kind hands in callbacks for logging, progress
and "should I stop?", and gets plain dicts back. Walking a playlist is in listing.py.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yt_dlp.postprocessor.common import PostProcessor
from yt_dlp.utils import DownloadError, sanitize_url

from ytdesk.core import library
from ytdesk.core.library import Identity
from ytdesk.core.preset_options import PresetOptions

from . import warm
from .archive import LibraryArchive
from .errors import JobStopped, OutsideDownloadDir, step_failed
from .media_server import MediaServerFiles
from .options import build_options
from .progress import IN_LIBRARY, Progress, ProgressTracker
from .traffic import STALLED, Traffic

CONTAINER_TYPES = ("playlist", "multi_video")
URL_TYPES = ("url", "url_transparent")
MAX_NESTING = 5  # channel -> tab -> playlist is the deepest real case


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

    FIELDS = ("channel", "uploader", "playlist_uploader", "playlist_title", "title")

    def run(self, info):
        for field in self.FIELDS:
            value = info.get(field)
            if isinstance(value, str) and value.strip() and not value.strip(". "):
                info[field] = value.replace(".", "\uff0e")  # a full-width dot, like yt-dlp's ⧸
        return [], info


class _PlanProgress(PostProcessor):
    """Runs just before a video's download: tells the tracker which formats will come."""

    def __init__(self, tracker: ProgressTracker):
        super().__init__(None)
        self._tracker = tracker

    def run(self, info):
        self._tracker.plan(info)
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


def _watch_traffic(ydl: Any, traffic: Traffic, should_stop: Callable[[], str | None]) -> None:
    """Every request and read of this job's yt-dlp (extraction and downloads alike) goes
    through `traffic`: its waits are measured, its sockets can be cut, and after a cut no
    request starts and no read's answer is used (a cut read may look like a short, complete
    body)."""
    original = ydl.urlopen

    def refuse_if_cut() -> None:
        if traffic.cut_off:
            raise JobStopped(should_stop() or STALLED)

    def urlopen(request):
        refuse_if_cut()
        with traffic.waiting() as got:
            try:
                response = original(request)
            except Exception:
                refuse_if_cut()
                raise
            got[0] = True  # the site answered
        traffic.opened(response)
        read = response.read

        def watched_read(amt=None):
            with traffic.waiting() as got:
                try:
                    data = read(amt)
                except Exception:
                    refuse_if_cut()
                    raise
                got[0] = bool(data)
            refuse_if_cut()
            return data

        response.read = watched_read
        return response

    ydl.urlopen = urlopen


@dataclass
class Downloaded:
    info: dict[str, Any]
    filepath: str
    format_id: str | None


class Engine:
    def __init__(self, *, download_dir: Path, preset: PresetOptions,
                 log: Callable[[int, str], None],
                 progress: Callable[[Progress], None] = lambda p: None,
                 should_stop: Callable[[], str | None] = lambda: None,
                 socket_timeout: float = 20.0, use_archive: bool = True,
                 sponsorblock_api: str | None = None,
                 logins: Mapping[str, str] | None = None, cookie_file: Path | None = None,
                 traffic: Traffic | None = None):
        self.download_dir = download_dir
        # A metadata refresh must see downloaded videos too, so it runs without the archive.
        self.archive = LibraryArchive() if use_archive else None
        self._in_library: dict[Identity, bool] = {}
        self.tracker = ProgressTracker(progress, should_stop)
        self.should_stop = should_stop
        options = build_options(download_dir=download_dir, preset=preset,
                                logger=JobLogger(log), progress_hook=self.tracker.hook,
                                postprocessor_hook=self.tracker.postprocessor_hook,
                                archive=self.archive, socket_timeout=socket_timeout,
                                sponsorblock_api=sponsorblock_api, cookie_file=cookie_file)
        self.ydl = warm.borrow(options)
        self.ydl._ytdesk_logins = dict(logins or {})  # by site: see DesktopYoutubeDL.urlopen
        self.ydl.add_post_processor(_DotFreePathFields(None), when="pre_process")
        self.ydl.add_post_processor(_StayInsideDownloadDir(download_dir), when="before_dl")
        self.ydl.add_post_processor(_PlanProgress(self.tracker), when="before_dl")
        if preset.layout == "media-server":
            self.ydl.add_post_processor(MediaServerFiles(None), when="after_move")
        if traffic is not None:
            _watch_traffic(self.ydl, traffic, should_stop)

    def set_rate_limit(self, bytes_per_second: int) -> None:
        """Change the speed limit of this engine's download, even while it runs: yt-dlp's
        HTTP downloader reads `ratelimit` from these very params for each block. A
        fragmented download (HLS, DASH) copied the params when it began: it keeps its
        limit, and the next download takes the new one."""
        self.ydl.params["ratelimit"] = bytes_per_second or None

    def close(self) -> None:
        self.ydl.__dict__.pop("urlopen", None)  # the next job's instance is unwatched
        warm.give_back(self.ydl)

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def probe(self, url: str) -> dict[str, Any] | None:
        """What is at `url`: a video or a container (playlist, channel), unprocessed, with
        its entries still lazy. None if the archive says the video is already here."""
        info = self.ydl.extract_info(url, download=False, process=False)
        return self._follow(info, {})

    def open(self, entry: dict[str, Any], context: dict[str, Any]) -> dict[str, Any] | None:
        """A playlist's entry opened as yt-dlp's process_ie_result opens it (its url and
        url_transparent branches), short of processing: a video or a container. `context`
        is the playlist's part of the entry (its extra_info). None when yt-dlp's archive
        check says the video is already here before extracting it."""
        return self._follow(dict(entry), context)

    def _follow(self, info: dict[str, Any] | None,
                context: dict[str, Any]) -> dict[str, Any] | None:
        for _ in range(MAX_NESTING):
            if info is None or info.get("_type") not in URL_TYPES:
                return info
            info = self._resolve(info, context)
        return info

    def _resolve(self, entry: dict[str, Any], context: dict[str, Any]) -> dict[str, Any] | None:
        """One step of YoutubeDL.process_ie_result for a url / url_transparent result."""
        url = sanitize_url(entry["url"], scheme="http" if self.ydl.params.get("prefer_insecure")
                           else "https")
        extra = context
        if entry.get("original_url") and not context.get("original_url"):
            extra = {"original_url": entry["original_url"], **context}
        resolved = self.ydl.extract_info(url, ie_key=entry.get("ie_key"), extra_info=extra,
                                         download=False, process=False)
        if resolved is None or entry.get("_type") != "url_transparent":
            return resolved
        # The outer extractor's fields win (but not a clip's id), as yt-dlp does it.
        exempted = {"_type", "url", "ie_key"}
        if not entry.get("section_end") and entry.get("section_start") is None:
            exempted |= {"id", "extractor", "extractor_key"}
        merged = {**resolved, **{k: v for k, v in entry.items()
                                 if v is not None and k not in exempted}}
        if merged.get("_type") == "url":
            merged["_type"] = "url_transparent"
        return merged

    @staticmethod
    def is_container(info: dict[str, Any]) -> bool:
        return info.get("_type") in CONTAINER_TYPES

    def is_single_video(self, entry: dict[str, Any]) -> bool:
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
    def identity(entry: dict[str, Any]) -> Identity | None:
        """The library's key of a video entry (library.identity), when it has an id."""
        return library.identity(entry)

    def identity_of_url(self, url: str) -> Identity | None:
        """The key yt-dlp's first archive check gives a URL (its extractor's temporary id),
        for a video it skipped before extracting anything."""
        entry = self.entry_of_url(url)
        return library.identity(entry) if entry else None

    def entry_of_url(self, url: str) -> dict[str, Any] | None:
        """A video's address as a listing's entry: its extractor and the id that
        extractor reads from the address alone (None when it cannot)."""
        for key, ie in self.ydl._ies.items():
            if ie.suitable(url):
                temp_id = ie.get_temp_id(url)
                return {"_type": "url", "id": temp_id, "ie_key": key, "url": url} \
                    if temp_id else None
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

    def download(self, info: dict[str, Any],
                 context: dict[str, Any] | None = None) -> Downloaded | None:
        """Download one (unprocessed) video, with its playlist context applied the way
        yt-dlp applies it to a playlist's entry. None when yt-dlp skipped it as already
        here."""
        try:
            result = self.ydl.process_ie_result(info, download=True, extra_info=context or {})
        except DownloadError as exc:
            failed = step_failed(exc, self.tracker.step)  # the file is there: say so
            if failed is not None:
                raise failed from exc
            raise
        if not result:
            return None
        downloads = result.get("requested_downloads") or []
        if not downloads:
            return None
        filepath = downloads[-1].get("filepath") or result.get("filepath")
        self.tracker.complete(_size_of(filepath))
        if "chapters" in downloads[-1]:
            # The chapters in the file are the download's, after post-processing: SponsorBlock
            # marks among them, times after a cut. The video's info has the site's.
            result = {**result, "chapters": downloads[-1]["chapters"]}
        clean = self.ydl.sanitize_info(result)
        return Downloaded(clean, filepath, result.get("format_id"))

    def report_in_library(self, size: int | None) -> None:
        """The bar of a video found already downloaded: full, with the file's size."""
        self.tracker.complete(size, IN_LIBRARY)

    def full_metadata(self, entry: dict[str, Any],
                      context: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The complete info dict of a video entry, without downloading it."""
        info = self.open(entry, context or {})
        if info is None or self.is_container(info):
            return None
        return self.ydl.sanitize_info(
            self.ydl.process_ie_result(info, download=False, extra_info=context or {}))


def _size_of(path: str | None) -> int | None:
    try:
        return os.path.getsize(path) if path else None
    except OSError:
        return None
