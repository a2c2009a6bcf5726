"""The library as yt-dlp's download archive: a video is skipped when the library has its
file, so no text archive can drift from what is really on disk.

yt-dlp names a video in its archive "<extractor> <id>". Where the extractor's ids are only
unique within one site (library.SCOPED_EXTRACTORS), ytdesk's archive names it
"<extractor>@<scope> <id>", so two sites' vid0008.mp4 are two videos. Both the archive and
engine.in_library answer from library.identity's triple, so they always agree.
"""

from __future__ import annotations

from typing import Any

from yt_dlp import YoutubeDL
from yt_dlp.globals import plugin_dirs

from ytdesk.core import library, tool_store
from ytdesk.core.library import Identity

# yt-dlp loads its plugins once, at the first YoutubeDL() of the process, and every instance
# ytdesk makes is a LibraryYoutubeDL: the data dir's plugins/ folder (PO-token providers...)
# is searched besides yt-dlp's own places, which "default" keeps.
for _folder in tool_store.PLUGIN_FOLDERS:
    if str(_folder) not in plugin_dirs.value:
        plugin_dirs.value = [*plugin_dirs.value, str(_folder)]


def archive_id(extractor: str, video_id: str, scope: str) -> str:
    head = f"{extractor.lower()}@{scope}" if scope else extractor.lower()
    return f"{head} {video_id}"


def parse_archive_id(text: str) -> Identity | None:
    head, _, video_id = text.partition(" ")
    if not head or not video_id:
        return None
    extractor, _, scope = head.partition("@")  # extractor keys never hold "@" or " "
    return extractor, video_id, scope


def scoped_archive_id(plain: str | None, info: dict[str, Any]) -> str | None:
    """yt-dlp's "<extractor> <id>" for `info`, with the id's scope added where it has one."""
    found = parse_archive_id(plain) if plain else None
    if found is None:
        return plain
    extractor, video_id, _ = found
    return archive_id(extractor, video_id, library.id_scope(extractor, library.url_of(info)))


class LibraryArchive:
    """yt-dlp asks `"<extractor> <id>" in archive` and calls `archive.add(...)` after a
    download. It skips the check when the archive is falsy, so this object is always truthy.
    """

    def __init__(self) -> None:
        # yt-dlp asks about one video several times per job (a listing, its temporary id,
        # before and after choosing formats): the library answers once. A download in
        # this run says yes at once, before its row is written.
        self._known: dict[str, bool] = {}

    def __bool__(self) -> bool:
        return True

    def __len__(self) -> int:  # truthiness must not depend on what we hold
        return max(1, len(self._known))

    def __contains__(self, text: object) -> bool:
        if not isinstance(text, str):
            return False
        if text not in self._known:
            found = parse_archive_id(text)
            self._known[text] = found is not None and library.is_downloaded(*found)
        return self._known[text]

    def add(self, text: str) -> None:
        self._known[text] = True


class LibraryYoutubeDL(YoutubeDL):
    """yt-dlp whose archive names carry an id's scope where the id alone is not unique
    (the generic extractor's "vid0008"), so its own archive checks (in_download_archive,
    record_download_archive) ask about the library's identity. Every instance ytdesk makes
    is one (see warm.py)."""

    def _make_archive_id(self, info_dict):
        return scoped_archive_id(super()._make_archive_id(info_dict), info_dict)
