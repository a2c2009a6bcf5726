"""Cookies files (Netscape cookies.txt, as browsers' export add-ons write them) kept for
downloads: copied into the data dir's `cookies/` folder, 0600, and named by a digest of
their content. Jobs carry that name, never the path the user gave nor the content, so no
log, payload, export or crash report ever holds a cookie."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from .private import PRIVATE_DIR, opener

_NAME = re.compile(r"^[0-9a-f]{16}$")
MAX_BYTES = 8 * 1024 * 1024  # a browser's whole jar is far smaller
_HEADERS = ("# Netscape HTTP Cookie File", "# HTTP Cookie File")


class CookiesError(ValueError):
    """A cookies file that cannot be used; the message says why."""


def keep(folder: Path, source: Path) -> str:
    """Copy a cookies.txt into `folder` (the data dir's cookies/) and return its name."""
    try:
        if source.stat().st_size > MAX_BYTES:
            raise CookiesError(f"{source} is too large to be a cookies file.")
        data = source.read_bytes()
    except OSError as exc:
        raise CookiesError(f"Cannot read the cookies file {source}: "
                           f"{exc.strerror or exc}.") from None
    if not _looks_like_cookies(data):
        raise CookiesError(f"{source} is not a cookies.txt file (Netscape format, as "
                           "exported by a browser add-on such as “Get cookies.txt”).")
    name = hashlib.sha256(data).hexdigest()[:16]
    folder.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    target = folder / f"{name}.txt"
    if not target.exists():
        partial = folder / f".{name}.{os.getpid()}.part"
        with open(partial, "wb", opener=opener) as handle:  # 0600 from the first byte
            handle.write(data)
        os.replace(partial, target)  # whole or not at all
    return name


def path_of(folder: Path, name: object) -> Path | None:
    """The kept file called `name`, if it is a name we made and the file is still there."""
    if not isinstance(name, str) or not _NAME.match(name):
        return None
    path = folder / f"{name}.txt"
    return path if path.is_file() else None


def _looks_like_cookies(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and lines[0].startswith(_HEADERS):
        return True
    entries = [line for line in lines if not line.startswith("#")]
    return bool(entries) and all(len(line.split("\t")) == 7 for line in entries)
