"""Opening the library DB and keeping its schema current (peewee-migrate)."""

from __future__ import annotations

import logging
import re
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
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


READ_ONLY, IMMUTABLE = "ro", "immutable"


def open_database(path: Path, reading: str | None = None) -> pw.SqliteDatabase:
    """A database on `path`, bound to every model. Write transactions are IMMEDIATE so a
    read-then-write never fails with "database is locked" when another writer is active.
    `reading` opens it for reading only: READ_ONLY (SQLite's mode=ro: it still reads the
    -wal), or IMMUTABLE for a read-only folder where SQLite cannot make its -shm file (only
    right when there is no -wal to read)."""
    if reading is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = pw.SqliteDatabase(str(path), pragmas=PRAGMAS, timeout=BUSY_TIMEOUT_S,
                               lock_type="IMMEDIATE", check_same_thread=False)
    else:
        query = "immutable=1" if reading == IMMUTABLE else "mode=ro"
        reading_pragmas = {k: v for k, v in PRAGMAS.items() if k != "journal_mode"}
        db = pw.SqliteDatabase(f"{path.resolve().as_uri()}?{query}", uri=True,
                               pragmas=reading_pragmas, timeout=BUSY_TIMEOUT_S,
                               check_same_thread=False)
    db.bind(MODELS, bind_refs=False, bind_backrefs=False)
    if reading is not None:
        return db  # nothing is made or changed on the way to reading
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


def up_to_date(db: pw.SqliteDatabase) -> bool:
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


def _number(name: str | None) -> str:
    return name.split("_", 1)[0] if name else "000"


def backup(db_path: Path, backup_dir: Path, reason: str = "") -> Path | None:
    """Copy the DB (consistently, through SQLite's backup API) before changing it."""
    from . import backups  # only when a copy is made: start-up never needs it

    return backups.make_backup(db_path, backup_dir, reason or "before-change")


@contextmanager
def _foreign_keys_off(db: pw.SqliteDatabase) -> Iterator[None]:
    """peewee rebuilds a table to add a NOT NULL column or drop one, and dropping the old
    table with foreign keys on deleted every job's events (ON DELETE CASCADE) and unlinked
    every child job (SET NULL). The pragma only takes effect outside a transaction, so it
    is set here, around peewee-migrate's own transaction."""
    db.execute_sql("PRAGMA foreign_keys = 0")
    try:
        yield
    finally:
        db.execute_sql("PRAGMA foreign_keys = 1")


def migrate_up(db: pw.SqliteDatabase, db_path: Path, backup_dir: Path) -> list[str]:
    """Apply pending migrations, after a backup of the DB as it was. Returns their names."""
    if up_to_date(db):
        return []
    router = _router(db)
    pending = router.diff
    if not pending:
        return []
    done = router.done
    # A library with no migration applied has nothing in it to keep.
    from .backups import BEFORE_UPGRADE

    made = backup(db_path, backup_dir, BEFORE_UPGRADE + _number(done[-1])) if done else None
    if made:
        log.info("backed up the library to %s before migrating", made)
    with _foreign_keys_off(db):
        return _router(db).run()


class CannotRollBack(RuntimeError):
    """A rollback that is refused or that a migration says it cannot do; the message is the
    sentence to show."""


@dataclass(frozen=True)
class RolledBack:
    name: str
    backup: Path | None  # the copy of the library taken just before


def rollback_loses(db: pw.SqliteDatabase) -> str | None:
    """What rolling back the latest migration would delete, in words (None: nothing). A
    migration that cannot keep its data on the way down says so with a `loses` attribute
    on its rollback function."""
    done = _router(db).done
    if not done:
        return None
    _, rollback = _router(db).read(done[-1])
    return getattr(rollback, "loses", None)


def migrate_down(db: pw.SqliteDatabase, db_path: Path, backup_dir: Path,
                 *, losing_data_ok: bool = False) -> RolledBack | None:
    """Roll back the latest migration (after a backup). Returns what was rolled back, or
    None when nothing is applied. The first migration is never rolled back (that would be
    deleting the library), and one that deletes data needs `losing_data_ok`."""
    router = _router(db)
    done = router.done
    if not done:
        return None
    name = done[-1]
    if len(done) == 1:
        raise CannotRollBack(
            f"{name} is the first migration: rolling it back would delete the whole library, "
            "so ytdesk does not do it. To start a new library, move library.db out of the "
            "data folder instead.")
    loses = rollback_loses(db)
    if loses and not losing_data_ok:
        raise CannotRollBack(f"Rolling back {name} deletes {loses}. Run it again with --yes "
                             "to do it anyway (a backup of the library is made first).")
    from .backups import BEFORE_ROLLBACK

    made = backup(db_path, backup_dir, BEFORE_ROLLBACK + _number(name))
    try:
        with _foreign_keys_off(db):
            router.rollback()
    except CannotRollBack:
        raise
    except RuntimeError as exc:  # a migration's own refusal, e.g. 004 with twins
        raise CannotRollBack(str(exc)) from exc
    return RolledBack(name, made)
