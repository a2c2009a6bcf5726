"""Opening the library the one way every entry point does, and one sentence for each way
its folder or file can be unusable: what is wrong and what to do. No Qt.

Commands that only read (listing jobs and videos, a job's log, the schema status) still
work when the library or its folder is read-only: SQLite opens it read-only, or, in a
folder where it cannot even make its -shm file, as an immutable file (right only when no
-wal holds changes not yet in the file, which is checked first).
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import peewee as pw

from . import db as database
from .paths import Paths

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
_UNWRITABLE = (errno.EACCES, errno.EPERM, errno.EROFS)


class LibraryProblem(Exception):
    """The library or its folder cannot be used; `sentence` says why and what to do.
    `can_restore`: putting a backup in its place would fix it (and there is one)."""

    def __init__(self, sentence: str, *, can_restore: bool = False):
        super().__init__(sentence)
        self.sentence = sentence
        self.can_restore = can_restore


@dataclass
class OpenLibrary:
    db: pw.SqliteDatabase
    read_only: bool = False  # opened for reading only: writes would fail
    notices: list[str] = field(default_factory=list)  # things the user should know


def _wal(paths: Paths) -> Path:
    return Path(str(paths.database) + "-wal")


def _restore_hint(paths: Paths) -> tuple[str, bool]:
    from . import backups  # only for a library that cannot be opened

    if backups.list_backups(paths.backups):
        return ("Restore a backup (Restore from backup…, or `ytdesk-cli migrate restore`), "
                "or move it away to start a new library."), True
    return f"There is no backup in {paths.backups}; move it away to start a new library.", False


def damaged(paths: Paths, what: str) -> LibraryProblem:
    hint, can_restore = _restore_hint(paths)
    return LibraryProblem(f"The library {paths.database} {what}. {hint}", can_restore=can_restore)


def _first_file_in(path: Path) -> Path | None:
    """The first component of `path` that exists and is not a folder."""
    for part in reversed([path, *path.parents]):
        if part.exists() and not part.is_dir():
            return part
    return None


def _can_write_dir(folder: Path) -> bool:
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def _can_write_file(path: Path) -> bool:
    try:
        os.close(os.open(path, os.O_WRONLY))
        return True
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _read_only_part(paths: Paths) -> str:
    """What is read-only, found by trying (root ignores permission bits, so os.access
    would say yes where the kernel says no)."""
    db = paths.database
    if not _can_write_dir(paths.data_dir):
        return f"its folder {paths.data_dir} is read-only"
    stuck = [p.name for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm"))
             if p.exists() and not _can_write_file(p)]
    if stuck:
        return f"{', '.join(stuck)} in {paths.data_dir} {'is' if len(stuck) == 1 else 'are'} " \
               "read-only"
    return "the file or its folder is read-only"


def read_only(paths: Paths) -> LibraryProblem:
    return LibraryProblem(
        f"ytdesk cannot write to its library: {_read_only_part(paths)}. Make it writable for "
        "your user account, or choose another data folder with --data-dir (listing jobs and "
        "videos still works on a read-only library).")


def _os_problem(exc: OSError, paths: Paths) -> LibraryProblem | None:
    data_dir = paths.data_dir
    where = Path(exc.filename) if isinstance(exc.filename, str) else None
    ours = where is not None and (where == data_dir or data_dir in where.parents
                                  or where in data_dir.parents)
    if not ours:
        return None
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        blocking = _first_file_in(where) if where else None
        if blocking is not None:
            return LibraryProblem(
                f"ytdesk cannot use the data folder {data_dir}: {blocking} is a file, not a "
                "folder. Move that file, or choose another data folder with --data-dir (or "
                "YTDESK_DATA_DIR).")
    if exc.errno == errno.EISDIR:
        return LibraryProblem(
            f"{paths.database} is a folder, not ytdesk's library file. Move or rename that "
            "folder, then start ytdesk again.")
    if exc.errno in _UNWRITABLE:
        if not data_dir.exists():
            return LibraryProblem(
                f"ytdesk cannot create its data folder {data_dir}: {where} is not writable for "
                "your user account. Fix its permissions, or choose another data folder with "
                "--data-dir (or YTDESK_DATA_DIR).")
        return LibraryProblem(
            f"ytdesk cannot write to its data folder: {where} is read-only (or not yours). Make "
            "it writable for your user account, or choose another data folder with --data-dir "
            "(listing jobs and videos still works on a read-only library).")
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return LibraryProblem(f"The disk holding {data_dir} is full. Free some space, then "
                              "try again.")
    return None


def explain(exc: BaseException, paths: Paths) -> LibraryProblem | None:
    """The sentence for an error met while opening or using the library, or None when the
    error is not about the library (a bug, or someone else's problem)."""
    if isinstance(exc, LibraryProblem):
        return exc
    if isinstance(exc, OSError):
        return _os_problem(exc, paths)
    if not isinstance(exc, sqlite3.Error | pw.PeeweeException):
        return None
    text = str(exc).lower()
    db = paths.database
    if db.is_dir():
        return is_a_folder(paths)
    if "malformed" in text:
        return damaged(paths, "is damaged (SQLite says: database disk image is malformed)")
    if "not a database" in text:
        return damaged(paths, "is not a ytdesk library: SQLite cannot read it (perhaps "
                              "another file was copied over it)")
    if "locked" in text or "busy" in text:
        return LibraryProblem(
            f"The library is locked by another program, and it stayed locked for "
            f"{database.BUSY_TIMEOUT_S:g} s. Close whatever else has {db} open (a database "
            "browser, a sync or backup tool), then try again.")
    if "readonly" in text or "read-only" in text:
        return read_only(paths)
    if "disk is full" in text:
        return LibraryProblem(f"The disk holding {db} is full. Free some space, then try again.")
    if "disk i/o error" in text:
        return LibraryProblem(f"The disk could not read or write {db} (disk I/O error). Check "
                              "the disk; if this stays, restore a backup of the library.")
    if "unable to open" in text:
        if not paths.data_dir.is_dir():
            return LibraryProblem(f"ytdesk cannot open its library: the data folder "
                                  f"{paths.data_dir} does not exist and cannot be made.")
        if not db.exists() or not _can_write_dir(paths.data_dir):
            return read_only(paths)
        return LibraryProblem(f"ytdesk cannot open its library {db}. Check that the file and "
                              "its folder belong to your user account and can be read.")
    return None


def is_a_folder(paths: Paths) -> LibraryProblem:
    return LibraryProblem(
        f"{paths.database} is a folder, not ytdesk's library file. Move or rename that folder, "
        "then start ytdesk again (a new library is made, or restore one from a backup).")


def check_file(paths: Paths) -> None:
    """What can be told before SQLite opens the file: a folder in its place, or a file that
    does not start like an SQLite database."""
    db = paths.database
    if db.is_dir():
        raise is_a_folder(paths)
    try:
        with open(db, "rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    if header and header != SQLITE_HEADER:
        raise damaged(paths, "is not a ytdesk library: SQLite cannot read it (perhaps another "
                             "file was copied over it)")


def set_aside_empty(paths: Paths) -> str | None:
    """A zero-byte library.db (with no -wal holding its pages) is likely a copy that did not
    finish: it is renamed aside, so a new library is made, and the sentence saying so is
    returned (None when the library is not empty)."""
    db, wal = paths.database, _wal(paths)
    if not db.is_file() or db.stat().st_size != 0:
        return None
    if wal.exists() and wal.stat().st_size > 0:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    aside = db.with_name(f"{db.name}.empty-{stamp}")
    os.replace(db, aside)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    log.warning("library.db was empty; kept as %s, starting a new library", aside)
    return (f"The library file {db} was empty (0 bytes): perhaps a copy that did not finish. "
            f"It is kept as {aside.name}, and ytdesk started a new, empty library. Your backups "
            f"are in {paths.backups}.")


def _make_folders(paths: Paths, reading: bool) -> None:
    try:
        paths.ensure()
    except OSError:
        # Reading needs only the library itself: its folder may be read-only.
        if not (reading and paths.database.is_file()):
            raise


def _open_for_reading(paths: Paths) -> pw.SqliteDatabase:
    """The library opened read-only, the way its folder allows; raises LibraryProblem."""
    wal = _wal(paths)
    db = database.open_database(paths.database, database.READ_ONLY)
    try:
        current = database.up_to_date(db)
    except (sqlite3.Error, pw.PeeweeException) as exc:
        db.close()
        if wal.exists() and wal.stat().st_size > 0:
            problem = explain(exc, paths)
            if problem is not None and "readonly" not in str(exc).lower():
                raise problem from exc
            raise LibraryProblem(
                f"ytdesk cannot read the library: its folder {paths.data_dir} is read-only and "
                f"the library was not closed cleanly ({wal.name} holds its latest changes). "
                "Make the folder writable and start ytdesk once, or copy the whole folder "
                "elsewhere and use --data-dir.") from exc
        db = database.open_database(paths.database, database.IMMUTABLE)
        current = database.up_to_date(db)
    if not current:
        db.close()
        raise LibraryProblem(
            "The library needs an upgrade for this version of ytdesk, and it cannot be "
            f"written: {_read_only_part(paths)}. Make it writable, then try again.")
    return db


def _is_about_writing(exc: BaseException, paths: Paths) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in _UNWRITABLE
    text = str(exc).lower()
    return "readonly" in text or "unable to open" in text


def open_library(paths: Paths, *, reading: bool = False, migrate: bool = True) -> OpenLibrary:
    """The library, checked and (with `migrate`) brought up to date. `reading`: the caller
    only reads, so a read-only library or folder is opened read-only instead of refused.
    Raises LibraryProblem with the sentence to show."""
    notices: list[str] = []
    try:
        _make_folders(paths, reading)
        check_file(paths)
        aside = set_aside_empty(paths)
        if aside:
            notices.append(aside)
        db = database.open_database(paths.database)
        try:
            if migrate:
                database.migrate_up(db, paths.database, paths.backups)
            else:
                database.up_to_date(db)  # reads the file: a damaged one says so here
        except BaseException:
            db.close()
            raise
        return OpenLibrary(db, False, notices)
    except Exception as exc:
        if reading and paths.database.is_file() and _is_about_writing(exc, paths):
            log.info("the library cannot be written (%s); opening it read-only", exc)
            return OpenLibrary(_open_for_reading(paths), True, notices)
        problem = explain(exc, paths)
        if problem is None:
            raise
        if problem is not exc:
            log.info("the library cannot be used: %s", exc)
            raise problem from exc
        raise
