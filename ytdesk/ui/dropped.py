"""What a drop or a paste carries, turned into URLs (run off the GUI thread: a dropped
text file or 10,000 links is real work)."""

from __future__ import annotations

from pathlib import Path

from ytdesk.core.urls import find_urls

MAX_TEXT_FILE = 16 * 1024 * 1024  # a list of links, not a video someone dropped by mistake


def urls_in(text: str, local_files: list[str]) -> list[str]:
    parts = [text]
    for name in local_files:
        path = Path(name)
        try:
            if path.is_file() and path.stat().st_size <= MAX_TEXT_FILE:
                parts.append(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue  # unreadable: the drop still brings what else it had
    return find_urls("\n".join(parts))
