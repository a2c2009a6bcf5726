"""Previews of URLs off the GUI thread, where only the newest request counts.

A preview is asked for as the user types; each new request makes the one before it stale.
A stale preview is told to stop (the walk checks between entries), is taken off the queue
if it has not started, and whatever it still produces is dropped, never emitted.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal, Slot

from ytdesk.core.models import Video
from ytdesk.core.settings import Settings
from ytdesk.ytdl.options import find_tools

if TYPE_CHECKING:
    from ytdesk.ytdl.preview import Preview

# Two threads: a stale preview stuck in a slow network read (a stop is only seen between
# requests) still leaves a thread for the newest one.
THREADS = 2


class _Reports(QObject):
    """Carries a worker's result, stamped with its generation, to the service's thread."""

    ready = Signal(int, object)  # generation, Preview
    failed = Signal(int, str, str)  # generation, url, sentence


def _work(reports: _Reports, generation: int, url: str, stop: threading.Event,
          closing: threading.Event, socket_timeout: float) -> None:
    # Imported here, on the pool thread: importing yt-dlp takes a good part of a second,
    # which the window's start-up should not pay (as with the job kinds).
    from ytdesk.ytdl.errors import classify
    from ytdesk.ytdl.preview import preview

    def stale() -> bool:
        return stop.is_set() or closing.is_set()

    try:
        try:
            found = preview(url, should_stop=stale, socket_timeout=socket_timeout)
        except Exception as exc:  # every failure becomes a sentence, never a dead thread
            if not stale():
                reports.failed.emit(generation, url, classify(exc).sentence)
        else:
            if not stale():
                reports.ready.emit(generation, found)
    finally:
        # The walk asks the library whether videos are downloaded: close this pool
        # thread's connection, as the job runner does.
        database = Video._meta.database
        if database is not None:
            database.close()


class PreviewService(QObject):
    """`request(url)` looks at a URL on a small pool of its own (never the download pool)
    and answers with `ready` or `failed`, on this object's thread, for the newest request
    only."""

    ready = Signal(object)  # a ytdesk.ytdl.preview.Preview
    failed = Signal(str, str)  # url, a sentence saying what went wrong

    def __init__(self, parent: QObject | None = None, settings: Settings | None = None):
        super().__init__(parent)
        find_tools()  # the tool finders are not thread-safe on first use; see options.py
        self._settings = settings or Settings()
        # Created before the reports carrier, so as children they are destroyed first: the
        # pool's destructor waits for running workers while the carrier is still alive.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(THREADS)
        # Parented, so the carrier is deleted on this thread, never by a garbage
        # collection that happens to run on a pool thread.
        self._reports = _Reports(self)
        self._reports.ready.connect(self._on_ready)
        self._reports.failed.connect(self._on_failed)
        self._generation = 0
        self._stop = threading.Event()
        # Set as this object is destroyed (before its pool, which waits for running work)
        # or the application quits: a walk through a huge channel must not hold up either.
        self._closing = threading.Event()
        self.destroyed.connect(self._closing.set)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.cancel)

    def request(self, url: str) -> None:
        """Preview `url`; any earlier request is abandoned and will not be answered."""
        self.cancel()
        generation, stop, closing = self._generation, self._stop, self._closing
        socket_timeout = self._settings.get("socket_timeout")
        reports = self._reports
        self._pool.start(lambda: _work(reports, generation, url, stop, closing, socket_timeout))

    @Slot()
    def cancel(self) -> None:
        """Abandon the current request, if any: it is never answered."""
        self._generation += 1
        self._stop.set()
        self._stop = threading.Event()
        self._pool.clear()  # not started yet: never starts

    def shutdown(self, timeout_s: float = 5.0) -> bool:
        """Abandon the current request and wait for the pool's threads to finish."""
        self.cancel()
        return self._pool.waitForDone(int(timeout_s * 1000))

    @Slot(int, object)
    def _on_ready(self, generation: int, found: Preview) -> None:
        if generation == self._generation:
            self.ready.emit(found)

    @Slot(int, str, str)
    def _on_failed(self, generation: int, url: str, sentence: str) -> None:
        if generation == self._generation:
            self.failed.emit(url, sentence)
