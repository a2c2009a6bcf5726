"""One way to run work off the owner's thread: `Workers.submit` runs a function on a small
thread pool and answers on the thread that asked (superqt's worker shape: started,
reported, returned, errored, finished; an abort flag; running work kept referenced).

Lessons kept inside it, so no caller has to know them:
- news travels on one carrier object made on the owner's thread, after the pool, and
  parented: it outlives the pool's final wait, and only the owner's thread deletes it,
  never a garbage collection that happens to run on a pool thread (that aborted the
  process);
- the pool thread's DB connection is closed when its work ends (peewee keeps one per
  thread, and pool threads come and go);
- with `latest=KEY`, the newest request with that key wins: the one before it is
  aborted, does not start if it has not, and its answer is dropped.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from ytdesk.core.db import close_thread_connection

log = logging.getLogger(__name__)
_ids = itertools.count(1)


class _Carrier(QObject):
    """Carries every task's news to the owner's thread (one object, made after the pool, so
    it outlives the pool's final wait; parented, so only the owner's thread deletes it)."""

    news = Signal(int, str, object)  # task id, what happened, its value


STARTED, REPORTED, RETURNED, ERRORED, FINISHED = (
    "started", "reported", "returned", "errored", "finished")


class Aborted(Exception):
    """Raised by work that noticed its task was aborted; not worth a log line."""


class Work:
    """What the pool thread holds of a task: its id, its abort flag and the carrier. No
    callback, nothing of the owner: if the pool thread dropped the last reference to an
    owner object, that object would be destroyed there, on the wrong thread (this aborted
    the process). The work function gets this object with `pass_task`."""

    def __init__(self, carrier: _Carrier):
        self.id = next(_ids)
        self._carrier = carrier
        self._abort = threading.Event()

    @property
    def aborted(self) -> bool:
        return self._abort.is_set()

    def report(self, news: Any) -> None:
        """Send `news` to the owner's `reported` callback."""
        if not self._abort.is_set():
            self._carrier.news.emit(self.id, REPORTED, news)

    def send(self, what: str, value: Any = None) -> None:
        self._carrier.news.emit(self.id, what, value)


class Task:
    """A submitted piece of work, as its owner sees it (on the owner's thread)."""

    def __init__(self, work: Work, latest: str | None,
                 callbacks: dict[str, Callable[[Any], None]]):
        self.id = work.id
        self.latest = latest
        self.callbacks = callbacks
        self._work = work

    def abort(self) -> None:
        """Ask the work to stop (it checks `aborted`) and drop its answer."""
        self._work._abort.set()

    @property
    def aborted(self) -> bool:
        return self._work.aborted


def _run(work: Work, function: Callable[..., Any], args: tuple, pass_task: bool) -> None:
    try:
        if work.aborted:  # aborted before it started: never starts
            return
        work.send(STARTED)
        try:
            result = function(work, *args) if pass_task else function(*args)
        except Exception as exc:  # reported to the owner, never lost in a thread
            work.send(ERRORED, exc)
        else:
            work.send(RETURNED, result)
    finally:
        close_thread_connection()
        work.send(FINISHED)


class Workers(QObject):
    """A named pool of threads whose results come back on this object's thread."""

    def __init__(self, parent: QObject | None = None, threads: int = 1, name: str = "work"):
        super().__init__(parent)
        self.name = name
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._carrier = _Carrier(self)
        self._carrier.news.connect(self._on_news)
        self._running: dict[int, Task] = {}  # referenced until their `finished` arrives
        self._latest: dict[str, Task] = {}
        self._closing = False

    def set_threads(self, threads: int) -> None:
        self._pool.setMaxThreadCount(max(1, threads))

    def submit(self, function: Callable[..., Any], *args: Any,
               done: Callable[[Any], None] | None = None,
               failed: Callable[[BaseException], None] | None = None,
               reported: Callable[[Any], None] | None = None,
               finished: Callable[[Any], None] | None = None,
               latest: str | None = None, pass_task: bool = False) -> Task:
        """Run `function(*args)` (or `function(task, *args)` with pass_task) on the pool.
        `done(result)`, `failed(exception)` and `reported(news)` are called on this
        object's thread; an aborted task's answers are dropped. `finished(None)` is
        always called last, aborted or not (to release what the caller holds)."""
        callbacks = {RETURNED: done, ERRORED: failed or _log_failure(self.name),
                     REPORTED: reported, FINISHED: finished}
        work = Work(self._carrier)
        task = Task(work, latest, {k: v for k, v in callbacks.items() if v is not None})
        if latest is not None:
            previous = self._latest.get(latest)
            if previous is not None:
                previous.abort()
            self._latest[latest] = task
        self._running[task.id] = task
        self._pool.start(lambda: _run(work, function, args, pass_task))
        return task

    @Slot(int, str, object)
    def _on_news(self, task_id: int, what: str, value: Any) -> None:
        task = self._running.get(task_id)
        if task is None:
            return
        if what == FINISHED:
            del self._running[task_id]
            if task.latest is not None and self._latest.get(task.latest) is task:
                del self._latest[task.latest]
            callback = task.callbacks.get(FINISHED)
            task.callbacks = {}  # a task kept by its owner must not keep the owner alive
        elif task.aborted or self._closing:
            return  # a stale or abandoned answer
        else:
            callback = task.callbacks.get(what)
        if callback is not None:
            callback(value)

    def abort_all(self) -> None:
        for task in list(self._running.values()):
            task.abort()

    @property
    def busy(self) -> int:
        """Tasks submitted and not finished yet."""
        return len(self._running)

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Wait for every task to end (at shutdown; never on a GUI event path)."""
        return self._pool.waitForDone(timeout_ms)

    def close(self, timeout_ms: int = 10_000) -> bool:
        """Abort everything, drop every answer still to come, and wait for the threads."""
        self._closing = True
        self.abort_all()
        return self._pool.waitForDone(timeout_ms)


def _log_failure(name: str) -> Callable[[BaseException], None]:
    def failed(exc: BaseException) -> None:
        if not isinstance(exc, Aborted):
            log.error("%s: background work failed: %s", name, exc, exc_info=exc)
    return failed
