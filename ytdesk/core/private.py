"""Files only their user can read: the data dir holds what a person downloaded, the sites'
logins and the job logs, so on POSIX its folders are 0700 and its files 0600.

Our own files are created with those modes (os.open's mode, never a chmod after the fact
that leaves a moment of 0644); what others create for us (SQLite's library file, Qt's lock
files) is made inside a 0700 folder first, so no one else can reach it even for that moment.
A data dir made by an older ytdesk is tightened on start, as far as its files are ours.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
POSIX = os.name == "posix"
_umask_lock = threading.Lock()
_said_once = threading.Event()


def opener(path: str, flags: int) -> int:
    """`open(..., opener=opener)`: a file that is new is born 0600."""
    return os.open(path, flags, PRIVATE_FILE)


def create_file(path: Path) -> None:
    """Make an empty 0600 file that must not exist yet (FileExistsError otherwise)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))


@contextmanager
def private_umask() -> Iterator[None]:
    """For files others create for us (SQLite's library file): born 0600 where a chmod would
    come after. The umask is the whole process's: held only around one short call."""
    if not POSIX:
        yield
        return
    with _umask_lock:
        previous = os.umask(0o077)
        try:
            yield
        finally:
            os.umask(previous)


def is_ours(info: os.stat_result) -> bool:
    return not POSIX or info.st_uid == os.getuid()


def tighten(path: Path) -> bool:
    """Close `path` to everyone but us (0700 for a folder, 0600 for a file), if it is ours
    and is not closed yet. True if it was open to others before. A symbolic link is never
    followed: it could point anywhere."""
    if not POSIX:
        return False
    try:
        info = path.lstat()
    except OSError:
        return False
    if stat.S_ISLNK(info.st_mode) or not is_ours(info):
        return False
    wanted = PRIVATE_DIR if stat.S_ISDIR(info.st_mode) else PRIVATE_FILE
    if stat.S_IMODE(info.st_mode) & ~wanted == 0:
        return False
    try:
        os.chmod(path, stat.S_IMODE(info.st_mode) & wanted)
    except OSError as exc:  # a read-only disk: what cannot be changed stays as it is
        # Said once: a read-only data dir of an older ytdesk would say it for every file.
        level = logging.DEBUG if _said_once.is_set() else logging.WARNING
        _said_once.set()
        log.log(level, "could not make %s private (readable by you alone): %s", path,
                exc.strerror or exc)
    return True


def tighten_folder(folder: Path, every_file: bool = False) -> None:
    """`folder` (made if missing) and the files directly in it: every file when asked (the
    data dir's few), else only when the folder was open to others (a data dir of an older
    ytdesk), so an everyday start does not look at 100,000 job logs."""
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    if not POSIX:
        return
    opened = tighten(folder)
    if not (opened or every_file):
        return
    try:
        children = list(os.scandir(folder))
    except OSError:
        return
    for child in children:
        if not child.is_dir(follow_symlinks=False):
            tighten(Path(child.path))
