"""What `ytdesk --play` (or a desktop's "Open with") was given: a file on this computer to
play, the web address of a video whose download to play, or a sentence saying why not.

Checked twice: by the start that was given it (so a bad path fails there, with its exit
code, before a running ytdesk hears of it) and again by the ytdesk that plays it (any
program of this user may talk to it). No Qt; the library lookup runs on the UI's reader.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .printable import printable
from .urls import MAX_URL_LENGTH, check_url


@dataclass(frozen=True)
class LocalFile:
    path: str  # absolute


@dataclass(frozen=True)
class WebPage:
    url: str  # a checked http(s) address


@dataclass(frozen=True)
class Refused:
    sentence: str


@dataclass(frozen=True)
class NotDownloaded:
    """A web address the library has no downloaded file for: offered as a download."""

    url: str

    @property
    def sentence(self) -> str:
        return (f"Only downloaded videos play in ytdesk, and {_shown(self.url)} is not "
                "downloaded.")


PlayTarget = LocalFile | WebPage | Refused

# "name:" at the start: a URI scheme. Two letters at least, so "C:\video.mp4" is a path.
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")


def _shown(text: str, limit: int = 120) -> str:
    text = printable(text)  # a path may hold anything, and the sentence is printed
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_play_target(text: str, cwd: str | None = None) -> PlayTarget:
    """What `text` asks to play. A relative path is taken from `cwd` (the start's own
    folder); without one (the ytdesk that plays it runs elsewhere) it is refused."""
    text = (text or "").strip()
    if not text:
        return Refused("Nothing to play was given: name a video file or the web address of "
                       "a downloaded video.")
    if len(text) > MAX_URL_LENGTH * 4 or "\0" in text:
        return Refused(f"'{_shown(text)}' is not a file name or a web address.")
    scheme = _SCHEME.match(text)
    name = scheme.group(1).lower() if scheme else ""
    if name in ("http", "https"):
        checked = check_url(text)
        return WebPage(checked.url) if checked.ok else Refused(checked.reason)
    if name == "file":
        return _local_file(*_path_of_file_url(text))
    path = Path(text) if os.path.isabs(text) or cwd is None else Path(cwd) / text
    if scheme and not os.path.lexists(path):
        return Refused(f"ytdesk cannot open {name}: addresses: give a file on this computer, "
                       "or the web address of a video you downloaded.")
    return _local_file(str(path), text)


def _path_of_file_url(url: str) -> tuple[str, str]:
    """The local path of a file: URL (and what to call it in a sentence); "" when it names
    another computer."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return "", url
    if os.name == "nt":
        import nturl2path

        return nturl2path.url2pathname(parts.path), url
    return unquote(parts.path), url


def _local_file(path: str, given: str) -> PlayTarget:
    if not path:
        return Refused(f"'{_shown(given)}' is on another computer: copy it here, then play it.")
    if not os.path.isabs(path):
        return Refused(f"'{_shown(given)}' is not a full path: give the file's whole path.")
    shown = _shown(path)
    if os.path.isdir(path):
        return Refused(f"{shown} is a folder, not a video: choose a file in it.")
    if not os.path.exists(path):
        return Refused(f"There is no file at {shown}: check the name and try again.")
    if not os.path.isfile(path):
        return Refused(f"{shown} is not a video file (a device or a pipe): choose a video.")
    if not os.access(path, os.R_OK):
        return Refused(f"ytdesk is not allowed to read {shown}: check the file's permissions.")
    return LocalFile(os.path.normpath(path))


def resolve(text: str) -> LocalFile | NotDownloaded | Refused:
    """What the running ytdesk plays for `text` (from another start, already made
    absolute): the file, the downloaded file of a web address, or why not. Reads the
    library: run it on the reader, not the GUI thread."""
    target = check_play_target(text)
    if not isinstance(target, WebPage):
        return target
    found = downloaded_file_for(target.url)
    return LocalFile(found) if found is not None else NotDownloaded(target.url)


def downloaded_file_for(url: str) -> str | None:
    """The file of the library's video whose web page is `url`, when it is downloaded and
    its file is still there (the newest download, if several videos share the page)."""
    from .models import Video  # here: a start that only hands `--play` over needs no peewee

    rows = (Video.select(Video.filepath)
            .where((Video.webpage_url == url) & Video.filepath.is_null(False))
            .order_by(Video.downloaded_at.desc(nulls="LAST"), Video.id.desc()))
    for row in rows:
        if row.filepath and os.path.isfile(row.filepath):
            return str(row.filepath)
    return None
