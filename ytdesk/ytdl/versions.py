"""Versions of the download tools, for the About box, `ytdesk-cli --version` and the doctor
(the UI may not import yt_dlp)."""

from __future__ import annotations

import functools
import re
import subprocess

from ytdesk.core import tool_store

from . import ffmpeg
from .options import deno_path

NOT_FOUND = "not found"


def yt_dlp_version() -> str:
    return tool_store.import_or_fall_back("yt_dlp.version").__version__


def ejs_version() -> str:
    try:
        return str(tool_store.import_or_fall_back("yt_dlp_ejs").version)
    except ImportError:
        return NOT_FOUND


def copy_in_use(name: str) -> str:
    """Which copy of yt-dlp / yt-dlp-ejs this process runs: the bundled one or an update."""
    if name in tool_store.ACTIVE:
        return f"updated copy in {tool_store.ACTIVE[name]}"
    if tool_store.FELL_BACK:
        return "bundled; the updated copy could not be loaded"
    return "bundled"


@functools.cache
def ffmpeg_version() -> str:
    """The bundled ffmpeg's version. Asking runs `ffmpeg -version` once (no user text);
    a missing or broken binary reads as "not found" rather than breaking the About box."""
    return ffmpeg.version_of(ffmpeg.ffmpeg_path()) or NOT_FOUND


@functools.cache
def ffprobe_version() -> str:
    """The bundled ffprobe's (yt-dlp needs it for SponsorBlock, chapters, embedding)."""
    return ffmpeg.version_of(ffmpeg.ffprobe_path()) or NOT_FOUND


def deno_version_of(path: str | None) -> str | None:
    """What `deno --version` says (a fixed command, no user text)."""
    if path is None:
        return None
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.match(r"deno (\S+)", done.stdout)
    return found.group(1) if done.returncode == 0 and found else None


@functools.cache
def deno_version() -> str:
    return deno_version_of(deno_path()) or NOT_FOUND


def tool_lines() -> list[str]:
    """One line per tool (the window and the CLI add their own and Qt's)."""
    return [
        f"yt-dlp {yt_dlp_version()} ({copy_in_use('yt-dlp')})",
        f"yt-dlp-ejs {ejs_version()} ({copy_in_use('yt-dlp-ejs')})",
        f"ffmpeg {ffmpeg_version()}",
        f"ffprobe {ffprobe_version()}",
        f"deno {deno_version()}",
    ]
