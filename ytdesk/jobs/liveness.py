"""Who is alive: this process's owner id and lock file, the leases of the jobs it runs, and
taking back jobs whose run is over without an end (a dead process, a process that stopped
renewing, or a run of ours whose end could not be written).

Renewal and recovery are writes, so they run on the writer thread: the owner's thread
never waits on SQLite's lock.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal

from ytdesk.core import jobstore, private
from ytdesk.core.diskfull import LIBRARY_DISK_FULL, is_disk_full
from ytdesk.core.paths import Paths

from .worker import Workers

log = logging.getLogger(__name__)

LEASE_SECONDS = 30.0  # a job whose owner is silent this long is taken back
RENEW_EVERY_MS = 5_000
_counter = itertools.count(1)


def new_owner_id() -> str:
    """host:pid:start-ms:n, unique across processes and managers in one process."""
    return f"{socket.gethostname()}:{os.getpid()}:{int(time.time() * 1000)}:{next(_counter)}"


def _lock_path(paths: Paths, owner: str) -> Path:
    return paths.locks / (owner.replace(":", "_").replace("/", "_") + ".lock")


def owner_checker(paths: Paths) -> Callable[[str], bool]:
    def owner_is_dead(owner: str) -> bool:
        """An owner holds a lock file while it lives; a lock we can take is a dead one's."""
        path = _lock_path(paths, owner)
        if not path.exists():
            return True
        probe = QLockFile(str(path))
        probe.setStaleLockTime(0)
        if probe.tryLock(0):
            probe.unlock()
            path.unlink(missing_ok=True)  # the dead leave no litter
            return True
        return False
    return owner_is_dead


def library_in_use(paths: Paths) -> str | None:
    """A sentence if another ytdesk (window or ytdesk-cli) holds this library now, else None:
    each one holds a lock file in the data dir while it lives."""
    try:
        locks = sorted(paths.locks.glob("*.lock"))
    except OSError:
        return None
    for path in locks:
        probe = QLockFile(str(path))
        probe.setStaleLockTime(0)
        if probe.tryLock(0):
            probe.unlock()  # a dead one's, gone now
            continue
        return ("Another ytdesk (a window or ytdesk-cli run) is using this library. Close it, "
                "then try again.")
    return None


class Liveness(QObject):
    asked = Signal(dict)  # job id -> "pause" / "cancel", asked from another process
    recovered = Signal(list)  # ids put back in the queue
    libraryFull = Signal(str)  # the sentence: leases cannot be written, the disk is full

    def __init__(self, paths: Paths, writer: Workers, running: Callable[[], list[int]],
                 parent: QObject | None = None):
        super().__init__(parent)
        self.owner = new_owner_id()
        self._paths = paths
        self._writer = writer
        self._running = running
        self._lock = QLockFile(str(_lock_path(paths, self.owner)))
        self._lock.setStaleLockTime(0)
        self._timer = QTimer(self, interval=RENEW_EVERY_MS, timeout=self.renew)  # type: ignore[call-arg]  # Qt property/signal keywords
        self._renewing = False  # one renewal at a time: a locked DB must not pile them up
        self._failing = ""  # why the last renewal failed, said once

    def start(self) -> None:
        """Hold our lock file, take back what dead owners left, then renew every 5 s."""
        private.tighten_folder(self._paths.locks)
        self._lock.tryLock(0)
        # Qt makes the file by the umask; in the 0700 folder no one else could see it anyway.
        private.tighten(Path(self._lock.fileName()))
        self.renew()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def release(self) -> None:
        """After the last job ended: our lock file goes (a lock left behind reads as dead)."""
        self._lock.unlock()

    def renew(self) -> None:
        if self._renewing:  # the last one still waits for the DB
            return
        owner, running = self.owner, self._running()
        is_dead = owner_checker(self._paths)

        def renew_and_recover() -> tuple[dict, list]:
            asked = jobstore.renew_leases(owner, running, LEASE_SECONDS) if running else {}
            return asked, jobstore.recover_interrupted(owner, is_dead, running)

        self._renewing = True
        self._writer.submit(renew_and_recover, done=self._renewed, failed=self._renew_failed,
                            finished=self._renew_over)

    def _renew_over(self, _: object) -> None:
        self._renewing = False

    def _renew_failed(self, exc: BaseException) -> None:
        """Said once while it lasts (a full disk or a held lock can last minutes), not a
        traceback every 5 s; a full disk pauses the queue with its sentence."""
        if str(exc) == self._failing:
            return
        self._failing = str(exc)
        log.warning("could not renew the leases of running jobs: %s (trying again every "
                    "%d s)", exc, RENEW_EVERY_MS // 1000)
        if is_disk_full(exc):
            self.libraryFull.emit(LIBRARY_DISK_FULL)

    def _renewed(self, answer: tuple[dict, list]) -> None:
        if self._failing:
            log.warning("leases are renewed again")
            self._failing = ""
        asked, recovered = answer
        if asked:
            self.asked.emit(asked)
        if recovered:
            self.recovered.emit(recovered)
