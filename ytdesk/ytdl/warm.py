"""Warmed YoutubeDL instances, lent to one job at a time and reused by the next.

Making a YoutubeDL costs ~0.1 s of busy Python (1,800 extractors registered, a TLS context
loaded on its first request); made once per job it was most of the time of a batch of
small downloads, five to seven times `yt-dlp -a`. An instance is not thread-safe, so each
is lent to one job at a time; what differs between jobs (logger, hooks, output template,
format, post-processors, archive) is set on it when it is lent. Options that shape the
instance itself (network, cookies, extractors...) are its key: jobs that differ there get
instances of their own.

Only one instance is made at a time: several made at once by parallel jobs starved the
GUI thread of the GIL (150-200 ms stalls, measured); this is the only "stagger" left.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

from yt_dlp import YoutubeDL
from yt_dlp.networking import Request
from yt_dlp.postprocessor import get_postprocessor
from yt_dlp.utils import POSTPROCESS_WHEN, sanitize_filename

from ytdesk.core.credentials import site_key

from . import names
from .archive import LibraryYoutubeDL

# Options read afresh for every download, or re-derived by `_lend`: they never decide
# which instance a job gets.
PER_JOB = frozenset({
    "logger", "progress_hooks", "postprocessor_hooks", "post_hooks", "download_archive",
    "paths", "outtmpl", "format", "postprocessors", "merge_output_format", "noplaylist",
    "ignoreerrors", "overwrites", "continuedl", "nopart", "retries", "fragment_retries",
    "file_access_retries", "trim_file_name", "windowsfilenames", "ratelimit",
    # A preset's choices that yt-dlp reads when it uses them, not when it is made (proxy
    # and browser cookies are read at construction: they stay in the key).
    "format_sort", "final_ext", "writesubtitles", "writeautomaticsub", "subtitleslangs",
    "subtitlesformat", "writethumbnail", "writedescription", "writeinfojson",
    "sleep_interval", "max_sleep_interval",
})
# yt-dlp's options that print a video's fields (--get-title and friends).
_FORCED_FIELDS = ("forcetitle", "forceid", "forceurl", "forcethumbnail", "forcedescription",
                  "forcefilename", "forceduration", "forceformat")


class DesktopYoutubeDL(LibraryYoutubeDL):
    """The YoutubeDL every job gets. yt-dlp renders its formats, thumbnails and subtitles
    tables for --print seven times per video, printed or not (2.8 ms a video, measured: a
    fifth of a small download's time); here they are rendered only when something prints.
    Every name it makes from the output template is safe on every OS (names.safe_path)."""

    def _prepare_filename(self, info_dict, *, outtmpl=None, tmpl_type=None):
        # The one place yt-dlp turns a template into a name (the video, its .part and .f137
        # files, subtitles, thumbnails, info JSON); the download folder is joined later and
        # is left as the user chose it.
        filename = super()._prepare_filename(info_dict, outtmpl=outtmpl, tmpl_type=tmpl_type)
        if not filename or filename == "-" or os.path.isabs(filename):
            return filename
        video_id = info_dict.get("id")
        return names.safe_path(filename, keep=sanitize_filename(str(video_id)) if video_id
                               else "")

    # Each site's login (`Authorization` value by credentials.site_key), set for each job by
    # the engine: addresses carry none, so neither yt-dlp's info dicts nor its messages do.
    _ytdesk_logins: Mapping[str, str] = {}

    def urlopen(self, req):
        """Every request yt-dlp makes (pages, APIs, the file, its fragments) passes here:
        one to a site with a saved login gets it, as yt-dlp sends a login in an address."""
        if self._ytdesk_logins:
            if isinstance(req, str):
                req = Request(req)
            if isinstance(req, Request) and "Authorization" not in req.headers:
                header = self._ytdesk_logins.get(site_key(req.url) or "")
                if header:
                    req.headers["Authorization"] = header
        return super().urlopen(req)

    @staticmethod
    def sanitize_info(info_dict, remove_private_keys=False):
        """What is kept of a video (its library row, an info JSON beside the file): yt-dlp
        keeps the cookies it sent (a `cookies` field per format, and a `Cookie` header),
        which would put a signed-in session into the library and into a file people
        share; they are left out, and so is any login header."""
        return _without_secrets(YoutubeDL.sanitize_info(info_dict, remove_private_keys))

    def _forceprint(self, key, info_dict):
        if info_dict is None:
            return None
        prints = self.params["forceprint"].get(key) or self.params["print_to_file"].get(key)
        if not prints and not (key == "video" and any(self.params.get(f) for f in _FORCED_FIELDS)):
            return dict(info_dict)
        return super()._forceprint(key, info_dict)


_SECRET_HEADERS = frozenset({"cookie", "authorization", "proxy-authorization"})


def _without_secrets(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_secrets(item) for key, item in value.items()
                if key != "cookies" and not (isinstance(key, str)
                                             and key.lower() in _SECRET_HEADERS)}
    if isinstance(value, list):
        return [_without_secrets(item) for item in value]
    return value


IDLE_PER_KEY = 4  # more than the busiest concurrency needs; extra instances are closed

_lock = threading.Lock()
_making = threading.Lock()
_idle: dict[str, list[YoutubeDL]] = {}
_alive = 0  # instances made and not closed (lent or idle)


def instances() -> int:
    """How many instances exist now, lent or idle."""
    return _alive


def _made() -> None:
    global _alive
    with _lock:
        _alive += 1


def _close(ydl: YoutubeDL) -> None:
    global _alive
    ydl.close()
    with _lock:
        _alive -= 1


def _key(options: dict[str, Any]) -> str:
    return repr(sorted((k, repr(v)) for k, v in options.items() if k not in PER_JOB))


def borrow(options: dict[str, Any]) -> YoutubeDL:
    """An instance set up for `options`, for the calling thread alone until `give_back`."""
    if isinstance(options.get("download_archive"), (str, os.PathLike)):
        _made()
        return DesktopYoutubeDL(dict(options))  # an archive file is read once, at construction
    key = _key(options)
    with _lock:
        spare = _idle.get(key)
        ydl = spare.pop() if spare else None
    if ydl is None:
        with _making:
            ydl = DesktopYoutubeDL(dict(options))  # it keeps and changes the dict it is given
        _made()
        ydl._ytdesk_key = key
        ydl._ytdesk_format = options.get("format")  # what its format_selector was built for
        return ydl
    _lend(ydl, options)
    return ydl


def give_back(ydl: YoutubeDL) -> None:
    """The job is over: keep the instance for the next job with the same key."""
    if ydl.params.get("cookiefile") is not None:
        _close(ydl)  # saves the cookie file, as `yt-dlp` does at exit
        return  # and the next job reads it afresh
    key = getattr(ydl, "_ytdesk_key", None)
    with _lock:
        spare = _idle.setdefault(key, []) if key else None
        if spare is not None and len(spare) < IDLE_PER_KEY:
            spare.append(ydl)
            return
    _close(ydl)


def _lend(ydl: YoutubeDL, options: dict[str, Any]) -> None:
    """Make a used instance what `YoutubeDL(options)` would have made, for the per-job
    options (the rest are equal: they are the key)."""
    params = ydl.params
    for name in PER_JOB:
        if name in options:
            params[name] = options[name]
        else:
            params.pop(name, None)
    # yt-dlp derives these in __init__ from the options just replaced.
    if isinstance(params.get("outtmpl"), dict):
        params["outtmpl"] = dict(params["outtmpl"])  # _parse_outtmpl fills it in place
    ydl._parse_outtmpl()
    chosen = params.get("format")
    # A selector is a pure function of its spec: built again only for another spec (building
    # one is 0.5 ms of a small download's ~10 ms).
    if chosen != getattr(ydl, "_ytdesk_format", None):
        ydl.format_selector = (chosen if chosen in (None, "-") or callable(chosen)
                               else ydl.build_format_selector(chosen))
        ydl._ytdesk_format = chosen
    ydl._progress_hooks = list(params.get("progress_hooks") or [])
    ydl._post_hooks = list(params.get("post_hooks") or [])
    ydl._postprocessor_hooks = []
    ydl._pps = {when: [] for when in POSTPROCESS_WHEN}
    for definition in params.get("postprocessors") or []:
        definition = dict(definition)
        when = definition.pop("when", "post_process")
        ydl.add_post_processor(get_postprocessor(definition.pop("key"))(ydl, **definition),
                               when=when)
    for hook in params.get("postprocessor_hooks") or []:
        ydl.add_postprocessor_hook(hook)
    archive = params.get("download_archive")
    ydl.archive = archive if archive is not None else set()
    # Counters one job must not inherit from the one before.
    ydl._download_retcode = 0
    ydl._num_downloads = 0
    ydl._num_videos = 0
    ydl._playlist_level = 0
    ydl._playlist_urls = set()
    ydl._printed_messages = set()


def forget_all() -> None:
    """Close every idle instance (tests, and settings that change what an instance is)."""
    with _lock:
        spares = [ydl for spare in _idle.values() for ydl in spare]
        _idle.clear()
    for ydl in spares:
        _close(ydl)
