"""A full disk under the library (SQLite's "database or disk is full", or ENOSPC writing a
job's log): how to tell, and the sentence the user gets."""

from __future__ import annotations

import errno
import sqlite3

LIBRARY_DISK_FULL = ("The disk that holds ytdesk's library is full. Free some space, then resume "
                     "the queue; downloaded files are kept and recorded once there is room.")
_FULL_TEXT = "database or disk is full"


def is_disk_full(exc: BaseException) -> bool:
    """True for SQLite's SQLITE_FULL and for an OSError that says no space (or no quota) is
    left, wherever it is in the chain: SQLite rolls a full transaction back itself, so what
    surfaces is peewee's failed ROLLBACK ("cannot rollback - no transaction is active"),
    raised while handling the real error (peewee keeps sqlite3's error as its argument)."""
    seen: set[int] = set()
    stack: list[object] = [exc]
    while stack:
        error = stack.pop()
        if not isinstance(error, BaseException) or id(error) in seen:
            continue
        seen.add(id(error))
        if is_library_full(error) or (isinstance(error, OSError) and error.errno in (
                errno.ENOSPC, getattr(errno, "EDQUOT", -1))):
            return True
        stack.extend([*error.args, error.__cause__, error.__context__])
    return False


def is_library_full(error: BaseException) -> bool:
    """This one error (not its causes) is SQLite saying the library's disk is full."""
    if isinstance(error, sqlite3.Error):
        return getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    return _FULL_TEXT in str(error).lower()
