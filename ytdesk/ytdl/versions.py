"""Versions of the download tools, for the About box (the UI may not import yt_dlp)."""

from __future__ import annotations

import functools
import subprocess

NOT_FOUND = "not found"


def yt_dlp_version() -> str:
    from yt_dlp.version import __version__

    return __version__


@functools.cache
def ffmpeg_version() -> str:
    """The bundled ffmpeg's version. Asking runs `ffmpeg -version` once (no user text);
    a missing or broken binary reads as "not found" rather than breaking the About box."""
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_version() or NOT_FOUND
    except (ImportError, RuntimeError, OSError, subprocess.SubprocessError):
        return NOT_FOUND
