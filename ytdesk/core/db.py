"""Opening the library DB and keeping its schema current (peewee-migrate)."""

from __future__ import annotations

import logging
import re
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import peewee as pw

from . import private
from .models import MODELS

log = logging.getLogger(__name__)

# WAL lets readers (the UI) run while a writer commits; NORMAL is durable across an app
# crash (not a power cut), which is the trade the job log and the library need.
PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 1,
    "foreign_keys": 1,
    "cache_size": -16000,
}
BUSY_TIMEOUT_S = 15


def open_database(path: Path) -> pw.SqliteDatabase:
    """A database on `path`, bound to every model. Write transactions are IMMEDIATE so a
    read-then-write never fails with "database is locked" when another writer is active."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = pw.SqliteDatabase(str(path), pragmas=PRAGMAS, timeout=BUSY_TIMEOUT_S,
                           lock_type="IMMEDIATE", check_same_thread=False)
    db.bind(MODELS, bind_refs=False, bind_backrefs=False)
    if not path.exists():
        # SQLite makes the file (and later its -wal and -shm, with the file's own mode):
        # made now, under a private umask, a new library is 0600 from its first byte.
        with private.private_umask():
            db.connect(reuse_if_open=True)
    else:
        private.tighten(path)  # one an older ytdesk made 0644; -wal/-shm follow it
    return db


def bound() -> pw.SqliteDatabase:
    """The database the models are bound to (by `open_database`)."""
    database = MODELS[0]._meta.database
    if database is None:
        raise RuntimeError("The library database is not open.")
    return database


def transaction():
    """A write transaction (IMMEDIATE; nested calls become savepoints)."""
    return bound().atomic()


def close_thread_connection() -> None:
    """Close the calling thread's connection: peewee keeps one per thread, and pool
    threads come and go, so work on a pool thread ends with this."""
    database = MODELS[0]._meta.database
    if database is not None:
        database.close()


QUICK_BUSY_TIMEOUT_MS = 50


def without_waiting() -> AbstractContextManager[None]:
    """Writes that may be skipped (progress): give up after 50 ms on a locked DB instead
    of the usual 15 s, so a download never stalls behind another program's lock."""
    return waiting_at_most(QUICK_BUSY_TIMEOUT_MS)


@contextmanager
def waiting_at_most(milliseconds: int) -> Iterator[None]:
    """The calling thread's writes wait at most this long for another connection's write
    lock, instead of the usual 15 s."""
    database = bound()
    database.execute_sql(f"PRAGMA busy_timeout = {int(milliseconds)}")  # an int: not text
    try:
        yield
    finally:  # back to the database's own timeout (BUSY_TIMEOUT_S unless a test set less)
        database.execute_sql(f"PRAGMA busy_timeout = {int(database.timeout * 1000)}")


def is_busy(exc: BaseException) -> bool:
    """True when a write failed only because another connection holds the library's write
    lock (another program, or another ytdesk writing for longer than the busy timeout):
    worth waiting out, not a failure."""
    if not isinstance(exc, (pw.OperationalError, sqlite3.OperationalError)):
        return False
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text \
        or "database is busy" in text


def migrations_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "migrations"
    return Path(str(resources.files("ytdesk.migrations")))


MIGRATION_FILE = re.compile(r"\d{3}_[^.]+\.py$")  # peewee-migrate's own naming rule
HISTORY_TABLE = "migratehistory"  # peewee-migrate's table of applied migrations


def _router(db: pw.SqliteDatabase):
    from peewee_migrate import Router  # only when the schema changes: it is slow to import
    return Router(db, migrate_dir=migrations_dir(), logger=logging.getLogger("ytdesk.migrate"))


def _up_to_date(db: pw.SqliteDatabase) -> bool:
    """Every migration file is in the history table: the everyday start, answered with one
    query instead of loading peewee-migrate."""
    files = {p.stem for p in migrations_dir().iterdir() if MIGRATION_FILE.match(p.name)}
    if HISTORY_TABLE not in db.get_tables():
        return not files
    applied = {row[0] for row in db.execute_sql("SELECT name FROM migratehistory")}
    return files <= applied


@dataclass
class MigrationStatus:
    applied: list[str]
    pending: list[str]


def migration_status(db: pw.SqliteDatabase) -> MigrationStatus:
    router = _router(db)
    return MigrationStatus(applied=router.done, pending=router.diff)


def backup(db_path: Path, backup_dir: Path) -> Path | None:
    """Copy the DB (consistently, through SQLite's backup API) before changing its schema."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    target = backup_dir / f"library-{stamp}.db"
    private.create_file(target)  # a copy of the library is as private as the library
    with closing(sqlite3.connect(db_path)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return target


def migrate_up(db: pw.SqliteDatabase, db_path: Path, backup_dir: Path) -> list[str]:
    """Apply pending migrations, after a backup of the DB as it was. Returns their names."""
    if _up_to_date(db):
        return []
    pending = _router(db).diff
    if not pending:
        return []
    made = backup(db_path, backup_dir)
    if made:
        log.info("backed up the library to %s before migrating", made)
    return _router(db).run()


def migrate_down(db: pw.SqliteDatabase, db_path: Path, backup_dir: Path) -> str | None:
    """Roll back the latest migration (after a backup). Returns its name, or None."""
    router = _router(db)
    done = router.done
    if not done:
        return None
    backup(db_path, backup_dir)
    router.rollback()
    return done[-1]
