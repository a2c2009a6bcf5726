"""The one place that builds yt-dlp's options."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# yt-dlp picks the best streams within the limit and merges video+audio with ffmpeg;
# the fallbacks keep a video downloadable when only a single muxed file exists.
FORMATS = {
    "best": "bv*+ba/b",
    "1080": "bv*[height<=1080]+ba/b[height<=1080]/bv*+ba/b",
    "720": "bv*[height<=720]+ba/b[height<=720]/bv*+ba/b",
    "480": "bv*[height<=480]+ba/b[height<=480]/bv*+ba/b",
    "audio": "ba[ext=m4a]/ba/b",
}
# The folder is the channel; for a feed or playlist that names none (a podcast), the list's
# title; for a bare file, its site. library._columns reads the same names for the row.
OUTPUT_TEMPLATE = ("%(channel,uploader,playlist_uploader,playlist_title,webpage_url_domain"
                   "|Unknown channel)s/%(title)s [%(id)s].%(ext)s")


@functools.cache
def ffmpeg_path() -> str | None:
    """The ffmpeg that ships with imageio-ffmpeg, so users need no system ffmpeg."""
    try:
        import imageio_ffmpeg
        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        return None


@functools.cache
def _deno_path() -> str | None:
    try:
        import deno
        return deno.find_deno_bin()
    except (ImportError, FileNotFoundError, RuntimeError):
        return None


def js_runtimes() -> dict[str, dict[str, str]]:
    """The deno wheel's binary: yt-dlp needs a JavaScript runtime for YouTube."""
    path = _deno_path()
    return {"deno": {"path": path}} if path else {"deno": {}}


def find_tools() -> None:
    """Look up ffmpeg and deno once, on the calling thread: their finders read
    `sysconfig`, whose first use is not thread-safe (it returned None to a pool thread)."""
    ffmpeg_path()
    _deno_path()


@dataclass
class DownloadChoice:
    quality: str = "best"
    audio_format: str = "m4a"


def build_options(*, download_dir: Path, choice: DownloadChoice, logger: Any,
                  progress_hook: Callable[[dict], None] | None = None,
                  postprocessor_hook: Callable[[dict], None] | None = None,
                  archive: Any = None, socket_timeout: float = 20.0) -> dict[str, Any]:
    options: dict[str, Any] = {
        "logger": logger,
        "noprogress": True,
        "quiet": False,
        "no_warnings": False,
        "color": {"stdout": "no_color", "stderr": "no_color"},
        "paths": {"home": str(download_dir)},
        "outtmpl": {"default": OUTPUT_TEMPLATE},
        "format": FORMATS[choice.quality],
        "merge_output_format": "mp4/mkv",
        "continuedl": True,
        "nopart": False,
        "overwrites": False,
        "retries": 3,
        "fragment_retries": 3,
        "file_access_retries": 1,
        "socket_timeout": socket_timeout,
        # Names valid on every OS come from DesktopYoutubeDL (names.safe_path), not from
        # `windowsfilenames` (it also rewrote the user's own folder on Linux: `Videos: mine.`
        # became `Videos# mine#`) nor `trim_file_name` (it counts characters, not bytes, over
        # the whole relative path, and cut the video's id off long titles).
        "js_runtimes": js_runtimes(),
        "noplaylist": False,
        "ignoreerrors": False,
        "postprocessors": [],
    }
    ffmpeg = ffmpeg_path()
    if ffmpeg:
        options["ffmpeg_location"] = ffmpeg
    if choice.quality == "audio":
        options["postprocessors"].append({
            "key": "FFmpegExtractAudio", "preferredcodec": choice.audio_format,
            "preferredquality": "192"})
    if progress_hook is not None:
        options["progress_hooks"] = [progress_hook]
    if postprocessor_hook is not None:
        options["postprocessor_hooks"] = [postprocessor_hook]
    if archive is not None:
        options["download_archive"] = archive
    return options
