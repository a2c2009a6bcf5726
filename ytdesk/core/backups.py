"""Copies of the library: made before its schema changes and before a restore, listed,
rotated, and put back in its place.

A backup is `backups/library-<UTC stamp>-<reason>.db` (reason: before-upgrade-from-NNN,
before-rollback-of-NNN, before-restore, damaged; older ytdesk wrote no reason). Every copy
goes through SQLite's backup API into a temporary file that is renamed when complete, so
neither a backup nor the library is ever half-written.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import private

KEEP_LAST = 5  # plus the newest copy taken before each schema upgrade
BEFORE_UPGRADE = "before-upgrade-from-"
BEFORE_ROLLBACK = "before-rollback-of-"
BEFORE_RESTORE = "before-restore"
DAMAGED = "damaged"  # a library SQLite could not copy, kept byte for byte
_NAME = re.compile(r"^library-(\d{8}-\d{6}-\d{6})(?:-([a-z0-9_-]+))?\.db$")
_STAMP = "%Y%m%d-%H%M%S-%f"
_COMPANIONS = ("-wal", "-shm")


class RestoreRefused(Exception):
    """A restore that cannot be done; the message is the sentence to show."""


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime
    reason: str  # "" for copies made by older ytdesk versions
    size: int

    @property
    def name(self) -> str:
        return self.path.name

    def schema(self) -> str | None:
        """The last migration the copy had (None when it cannot be read): one query."""
        return schema_of(self.path)

    def as_json(self) -> dict:
        return {"name": self.name, "path": str(self.path), "taken_at": self.taken_at.isoformat(),
                "reason": self.reason or None, "size": self.size, "schema": self.schema()}


def schema_of(path: Path) -> str | None:
    try:
        # immutable: a backup has no -wal and nobody writes to it; nothing is created beside it
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)) as con:
            row = con.execute("SELECT name FROM migratehistory ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def list_backups(backup_dir: Path) -> list[Backup]:
    """Every backup in `backup_dir`, newest first."""
    found = []
    with suppress(FileNotFoundError, NotADirectoryError):
        for path in backup_dir.iterdir():
            match = _NAME.match(path.name)
            if match and path.is_file():
                taken = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
                found.append(Backup(path, taken, match.group(2) or "", path.stat().st_size))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def _fsync(path: Path) -> None:
    with suppress(OSError):  # a directory cannot be opened on Windows: nothing to do there
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def copy_database(source: Path | str, target: Path, *, check: bool = False) -> None:
    """A consistent copy of the database `source` (a path or an SQLite URI) at `target`,
    written beside it and renamed into place once complete (and, with `check`, verified)."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        private.create_file(partial)  # a copy of the library is as private as the library
        uri = isinstance(source, str)
        with closing(sqlite3.connect(source, uri=uri)) as src, \
                closing(sqlite3.connect(partial)) as copy:
            src.backup(copy)
            if check and copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("database disk image is malformed")
        _fsync(partial)
        os.replace(partial, target)
        _fsync(target.parent)
    finally:
        partial.unlink(missing_ok=True)


def _new_path(backup_dir: Path, reason: str) -> Path:
    stamp = datetime.now(UTC).strftime(_STAMP)
    return backup_dir / f"library-{stamp}-{reason}.db"


def make_backup(db_path: Path, backup_dir: Path, reason: str) -> Path | None:
    """Copy the library before changing it; None when there is nothing to copy (no file,
    or an empty one). Older copies are rotated away."""
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return None
    backup_dir.mkdir(parents=True, exist_ok=True)
    target = _new_path(backup_dir, reason)
    copy_database(db_path, target)
    rotate(backup_dir)
    return target


def _keep_damaged(db_path: Path, backup_dir: Path) -> Path:
    """A library SQLite cannot read, copied byte for byte (with its -wal) so nothing is lost."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    target = _new_path(backup_dir, DAMAGED)
    for suffix in ("", "-wal"):
        source = Path(str(db_path) + suffix)
        if source.is_file():
            copy = Path(str(target) + suffix)
            private.create_file(copy)  # as private as the library it copies
            shutil.copyfile(source, copy)
    return target


def rotate(backup_dir: Path) -> list[Path]:
    """Keep the newest KEEP_LAST copies, and the newest copy taken before each schema
    upgrade (older ytdesk's unlabelled copies were all taken before a schema change, so they
    count as such, grouped by the schema they hold). Returns what was deleted."""
    backups = list_backups(backup_dir)
    keep = {b.path for b in backups[:KEEP_LAST]}
    upgrades_seen: set[str | None] = set()
    for backup in backups:  # newest first: the first of each schema is kept
        if backup.reason.startswith(BEFORE_UPGRADE):
            schema: str | None = backup.reason.removeprefix(BEFORE_UPGRADE)
        elif not backup.reason:
            found = backup.schema()
            schema = found.split("_", 1)[0] if found else None
        else:
            continue
        if schema not in upgrades_seen:
            upgrades_seen.add(schema)
            keep.add(backup.path)
    deleted = []
    for backup in backups:
        if backup.path not in keep:
            for suffix in ("", *_COMPANIONS):
                Path(str(backup.path) + suffix).unlink(missing_ok=True)
            deleted.append(backup.path)
    return deleted


def find_backup(backup_dir: Path, wanted: str | None) -> Backup:
    """The backup named `wanted` (a name in the backups folder or a path), or the newest."""
    backups = list_backups(backup_dir)
    if wanted is None:
        if not backups:
            raise RestoreRefused(f"There is no backup to restore in {backup_dir}.")
        return backups[0]
    for backup in backups:
        if wanted in (backup.name, str(backup.path)):
            return backup
    path = Path(wanted).expanduser()
    if path.is_file():
        return Backup(path.resolve(), datetime.fromtimestamp(path.stat().st_mtime, UTC), "",
                      path.stat().st_size)
    raise RestoreRefused(f"There is no backup called {wanted}; `ytdesk-cli migrate backups` "
                         "lists them.")


@dataclass(frozen=True)
class Restored:
    backup: Backup
    previous: Path | None  # where the library that was replaced went (None: there was none)


def restore(db_path: Path, backup_dir: Path, chosen: Backup,
            in_use: Callable[[], str | None]) -> Restored:
    """Replace the library with `chosen`, after keeping the current library as a backup.
    `in_use` says which other program holds the library (a sentence) or None: a library in
    use is never swapped under it. Nothing is half-written: the copy is made and checked
    beside the library, then renamed over it."""
    busy = in_use()
    if busy:
        raise RestoreRefused(busy)
    if db_path.is_dir():
        raise RestoreRefused(f"{db_path} is a folder, not a library file. Move it out of the "
                             "way, then restore again.")
    if schema_of(chosen.path) is None:
        raise RestoreRefused(f"{chosen.name} cannot be restored: SQLite cannot read it as a "
                             "ytdesk library (it is damaged, or another file); choose another "
                             "backup.")
    # The copy first: the backup of the current library below rotates old copies away,
    # and the chosen one may be among them.
    incoming = db_path.with_name(db_path.name + ".restoring")
    try:
        copy_database(f"{chosen.path.resolve().as_uri()}?immutable=1", incoming, check=True)
    except sqlite3.Error as exc:
        raise RestoreRefused(f"{chosen.name} cannot be restored: it is damaged ({exc}); "
                             "choose another backup.") from exc
    previous = None
    try:
        if db_path.is_file() and db_path.stat().st_size > 0:
            try:
                previous = make_backup(db_path, backup_dir, BEFORE_RESTORE)
            except sqlite3.Error:  # the library is damaged: that is why it is being replaced
                previous = _keep_damaged(db_path, backup_dir)
    except BaseException:
        incoming.unlink(missing_ok=True)
        raise
    # The old -wal and -shm belong to the old file: SQLite would apply them to the new one.
    # What they held is in the copy just made.
    for suffix in _COMPANIONS:
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    os.replace(incoming, db_path)
    _fsync(db_path.parent)
    return Restored(chosen, previous)
