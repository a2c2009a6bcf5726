"""What a person does to videos of the library: mark them watched or not, keep them as
favourites, delete their files, fetch them again.

A file deleted here is remembered (`deleted_at`): a later sync of its channel never
downloads it again. Files go first and rows after, so a file that cannot be removed
leaves its row as it was and says why.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .clock import now
from .db import transaction
from .jobstore import chunks
from .models import Video


@dataclass
class Deleted:
    """What a deletion removed (or, on a dry run, would remove)."""

    videos: int = 0
    files: int = 0
    bytes: int = 0
    problems: list[str] = field(default_factory=list)

    def sentence(self) -> str:
        text = (f"Deleted {self.videos} video{'s' if self.videos != 1 else ''} "
                f"({self.files} file{'s' if self.files != 1 else ''}, "
                f"{self.bytes / 1e6:.1f} MB)")
        if self.problems:
            text += f"; {len(self.problems)} could not be deleted: {self.problems[0]}"
        return text + "."


def mark_watched(video_ids: Iterable[int], watched: bool = True) -> int:
    """How many rows changed. Marking watched again keeps the first time it was watched."""
    ids, changed = list(video_ids), 0
    with transaction():
        for chunk in chunks(ids):
            query = Video.update(watched=watched, watched_at=now() if watched else None,
                                 updated_at=now()).where(Video.id.in_(chunk))
            changed += query.where(Video.watched != watched).execute()
    return changed


def set_favourite(video_ids: Iterable[int], favourite: bool = True) -> int:
    ids, changed = list(video_ids), 0
    with transaction():
        for chunk in chunks(ids):
            changed += (Video.update(favourite=favourite, updated_at=now())
                        .where(Video.id.in_(chunk) & (Video.favourite != favourite)).execute())
    return changed


class FolderNames:
    """Each folder's names, sorted, listed once: thousands of videos of one folder (a
    retention run) would otherwise list it thousands of times."""

    def __init__(self) -> None:
        self._names: dict[Path, list[str]] = {}

    def __call__(self, folder: Path) -> list[str]:
        if folder not in self._names:
            try:
                self._names[folder] = sorted(os.listdir(folder))
            except OSError:
                self._names[folder] = []
        return self._names[folder]


def files_of(filepath: str | os.PathLike[str], listed: FolderNames | None = None) -> list[Path]:
    """The video's file and what yt-dlp and ytdesk wrote beside it under the same name:
    "Title [id].info.json", ".en.vtt", ".jpg", ".nfo", "-thumb.jpg"."""
    path = Path(filepath)
    stem = path.stem
    if not stem:  # no name: nothing of its own
        return []
    names = (listed or FolderNames())(path.parent)
    found = []
    # Names that start with the stem are together in sorted order: only those are looked at.
    for name in names[bisect.bisect_left(names, stem):]:
        if not name.startswith(stem):
            break
        if name.startswith((stem + ".", stem + "-thumb.")) and (path.parent / name).is_file():
            found.append(path.parent / name)
    return found


def delete_files(video_ids: Iterable[int], *, dry_run: bool = False) -> Deleted:
    """Delete these videos' files and remember that they were deleted on purpose; a dry run
    only counts. Favourites are deleted too when asked for by id: retention leaves them out
    before it gets here."""
    report, done, listed = Deleted(), [], FolderNames()
    rows: list[Video] = []
    for chunk in chunks(list(video_ids)):
        rows.extend(Video.select(Video.id, Video.filepath, Video.title)
                    .where(Video.id.in_(chunk) & Video.filepath.is_null(False)))
    for row in rows:
        if not row.filepath:
            continue
        files = files_of(row.filepath, listed)
        sizes = {}
        for path in files:
            try:
                sizes[path] = path.stat().st_size
            except OSError:
                sizes[path] = 0
        if not dry_run:
            failed = _remove(files)
            if failed:
                report.problems.append(f"{failed}: ytdesk may not delete it (is it open in "
                                       "another program?)")
                continue
        report.videos += 1
        report.files += len(files)
        report.bytes += sum(sizes.values())
        done.append(row.id)
    if not dry_run and done:
        with transaction():
            for chunk in chunks(done):
                Video.update(filepath=None, filesize=None, deleted_at=now(), missing_since=None,
                             updated_at=now()).where(Video.id.in_(chunk)).execute()
    return report


def _remove(files: list[Path]) -> Path | None:
    """Remove each file; the first one that could not be removed, if any."""
    for path in files:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            return path
    return None


def forget_deletion(video_ids: Iterable[int]) -> int:
    """Fetching a deleted video again is a choice: its deletion is no longer remembered."""
    ids, changed = list(video_ids), 0
    with transaction():
        for chunk in chunks(ids):
            changed += (Video.update(deleted_at=None, updated_at=now())
                        .where(Video.id.in_(chunk) & Video.deleted_at.is_null(False)).execute())
    return changed
