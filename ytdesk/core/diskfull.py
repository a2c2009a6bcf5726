"""A full disk under the library (SQLite's "database or disk is full", or ENOSPC writing a
job's log): how to tell, and the sentence the user gets."""

from __future__ import annotations

import errno
import sqlite3

LIBRARY_DISK_FULL = ("The disk that holds ytdesk's library is full. Free some space, then resume "
                     "the queue; downloaded files are kept and recorded once there is room.")
_FULL_TEXT = "database or disk is full"


def is_disk_full(exc: BaseException) -> bool:
    """True for SQLite's SQLITE_FULL (peewee keeps sqlite3's error as its first argument) and
    for an OSError that says no space (or no quota) is left."""
    for error in (exc, *exc.args):
        if isinstance(error, sqlite3.Error) and getattr(error, "sqlite_errorcode", None) == \
                sqlite3.SQLITE_FULL:
            return True
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC,
                                                          getattr(errno, "EDQUOT", -1)):
            return True
    return _FULL_TEXT in str(exc).lower()
