"""The library as yt-dlp's download archive: a video is skipped when the library has its
file, so no text archive can drift from what is really on disk."""

from __future__ import annotations

from ytdesk.core import library


class LibraryArchive:
    """yt-dlp asks `"<extractor> <id>" in archive` and calls `archive.add(...)` after a
    download. It skips the check when the archive is falsy, so this object is always truthy.
    """

    def __init__(self) -> None:
        self._added: set[str] = set()  # downloaded in this run, before the row is written

    def __bool__(self) -> bool:
        return True

    def __len__(self) -> int:  # truthiness must not depend on what we hold
        return max(1, len(self._added))

    def __contains__(self, archive_id: object) -> bool:
        if not isinstance(archive_id, str) or " " not in archive_id:
            return False
        if archive_id in self._added:
            return True
        extractor, video_id = archive_id.split(" ", 1)
        return library.is_downloaded(extractor, video_id)

    def add(self, archive_id: str) -> None:
        self._added.add(archive_id)
