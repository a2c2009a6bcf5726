"""Versions of the download tools, for the About box (the UI may not import yt_dlp)."""

from __future__ import annotations

import functools

from . import ffmpeg

NOT_FOUND = "not found"


def yt_dlp_version() -> str:
    from yt_dlp.version import __version__

    return __version__


@functools.cache
def ffmpeg_version() -> str:
    """The bundled ffmpeg's version. Asking runs `ffmpeg -version` once (no user text);
    a missing or broken binary reads as "not found" rather than breaking the About box."""
    return ffmpeg.version_of(ffmpeg.ffmpeg_path()) or NOT_FOUND


@functools.cache
def ffprobe_version() -> str:
    """The bundled ffprobe's (yt-dlp needs it for SponsorBlock, chapters, embedding)."""
    return ffmpeg.version_of(ffmpeg.ffprobe_path()) or NOT_FOUND
