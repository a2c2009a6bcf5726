"""Previews of URLs off the GUI thread, where only the newest request counts.

A preview is asked for as the user types; each new request makes the one before it stale.
A stale preview is told to stop (the walk checks between entries), does not start if it
has not, and whatever it still produces is dropped, never emitted.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from ytdesk.core.settings import Settings
from ytdesk.ytdl.options import find_tools

from .kinds import imported
from .worker import Task, Work, Workers

if TYPE_CHECKING:
    from ytdesk.ytdl.preview import Preview

# Two threads: a stale preview stuck in a slow network read (a stop is only seen between
# requests) still leaves a thread for the newest one.
THREADS = 2
LATEST = "preview"


def _look(task: Work, url: str, closing: threading.Event, socket_timeout: float) -> Preview:
    # Imported here, on the pool thread: importing yt-dlp takes a good part of a second,
    # which the window's start-up should not pay (as with the job kinds).
    preview = imported("ytdesk.ytdl.preview").preview
    return preview(url, should_stop=lambda: task.aborted or closing.is_set(),
                   socket_timeout=socket_timeout)


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
        self._workers = Workers(self, threads=THREADS, name="preview")
        # Set as this object is destroyed (before its pool, which waits for running work)
        # or the application quits: a walk through a huge channel must not hold up either.
        self._closing = threading.Event()
        self.destroyed.connect(self._closing.set)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.cancel)
        self._current: Task | None = None

    def request(self, url: str) -> None:
        """Preview `url`; any earlier request is abandoned and will not be answered."""
        self._current = self._workers.submit(
            _look, url, self._closing, self._settings.get("socket_timeout"), pass_task=True,
            latest=LATEST, done=self.ready.emit, failed=lambda exc: self._failed(url, exc))

    def _failed(self, url: str, exc: BaseException) -> None:
        from ytdesk.ytdl.errors import classify  # yt-dlp is loaded by now: the work ran

        self.failed.emit(url, classify(exc).sentence)

    @Slot()
    def cancel(self) -> None:
        """Abandon the current request, if any: it is never answered."""
        if self._current is not None:
            self._current.abort()
            self._current = None

    def shutdown(self, timeout_s: float = 5.0) -> bool:
        """Abandon the current request and wait for the pool's threads to finish."""
        self.cancel()
        return self._workers.wait(int(timeout_s * 1000))
