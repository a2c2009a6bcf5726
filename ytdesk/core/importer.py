"""Videos already on disk, taken into the library: a folder's media files named the way
yt-dlp names them (`Title [id].ext`), with the `.info.json` yt-dlp writes beside them
(`--write-info-json`), become library rows, so their videos are never downloaded again.
What the old web app's `scan_to_db` did, without guessing: a file with no info JSON is
left out and named, since nothing says which site its id belongs to."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import library

MEDIA = frozenset({".mp4", ".mkv", ".webm", ".mov", ".avi", ".flv", ".m4v", ".ts", ".m4a",
                   ".mp3", ".opus", ".ogg", ".oga", ".flac", ".wav", ".aac", ".mka"})
_ID_IN_NAME = re.compile(r"\[([^\[\]]+)\]$")  # yt-dlp's "%(title)s [%(id)s]"
MAX_INFO_BYTES = 64 * 1024 * 1024  # a yt-dlp info JSON with every format is a few MB


@dataclass
class ImportReport:
    registered: int = 0  # new in the library
    refreshed: int = 0  # known already: its file and metadata were brought up to date
    without_info: list[str] = field(default_factory=list)  # files left out, and why
    unreadable: list[str] = field(default_factory=list)

    def sentence(self) -> str:
        said = [f"{self.registered:,} video{'s' if self.registered != 1 else ''} added to "
                "your library"]
        if self.refreshed:
            said.append(f"{self.refreshed:,} already there")
        text = "; ".join(said) + "."
        if self.without_info:
            text += (f" {len(self.without_info):,} file{'s' if len(self.without_info) != 1 else ''}"
                     " left out: no .info.json beside them says which site they come from "
                     "(their names are in the job's log).")
        if self.unreadable:
            text += (f" {len(self.unreadable):,} info JSON file"
                     f"{'s' if len(self.unreadable) != 1 else ''} could not be read.")
        return text


def media_files(folder: Path) -> Iterator[Path]:
    """Media files named with an id, anywhere under `folder` (links not followed)."""
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            if path.suffix.lower() in MEDIA and _ID_IN_NAME.search(path.stem):
                yield path


def import_folder(folder: Path, note: Callable[[str], None] = lambda line: None,
                  stop: Callable[[], bool] = lambda: False) -> ImportReport:
    """Register every media file under `folder` that has its info JSON; `note` gets a line
    for each file left out; `stop()` true ends the scan early (what is done stays done)."""
    report = ImportReport()
    for path in media_files(folder):
        if stop():
            break
        info = _info_beside(path, report, note)
        if info is None:
            continue
        key = library.identity(info)
        if key is None:
            report.unreadable.append(str(path))
            note(f"{path}: its info JSON has no id")
            continue
        known = library.find_video(*key)
        library.record_download(info, str(path), info.get("format_id"))
        if known is not None and known.filepath:
            report.refreshed += 1
        else:
            report.registered += 1
    return report


def _info_beside(path: Path, report: ImportReport, note: Callable[[str], None]) -> dict | None:
    candidates = [path.with_suffix(".info.json"), path.parent / f"{path.stem}.info.json"]
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        report.without_info.append(str(path))
        note(f"{path}: left out, no .info.json beside it")
        return None
    try:
        if found.stat().st_size > MAX_INFO_BYTES:
            raise ValueError("too large")
        info = json.loads(found.read_text(encoding="utf-8"))
        if not isinstance(info, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as error:
        report.unreadable.append(str(found))
        note(f"{found}: cannot be read ({error})")
        return None
    wanted = _ID_IN_NAME.search(path.stem)
    if wanted and str(info.get("id")) != wanted.group(1):
        report.unreadable.append(str(found))
        note(f"{found}: describes video {info.get('id')!r}, not {wanted.group(1)!r}")
        return None
    return info
