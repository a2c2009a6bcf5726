"""Runs DB reads for the UI on a background thread and hands results back on the thread
that asked, so no view ever waits on a query whose cost grows with the library."""

from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Carrier(QObject):
    delivered = Signal(int, object, str)  # ticket, result, error sentence ("" if none)


class Reader(QObject):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # reads arrive in the order they were asked
        # Results travel on a child created after the pool: children die in creation order,
        # so while the dying pool waits for a running read, the carrier it emits on lives.
        self._carrier = _Carrier(self)
        self._carrier.delivered.connect(self._deliver)
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[str], None] | None]] = {}
        self._next = 0

    def submit(self, function: Callable[..., Any], *args: Any,
               done: Callable[[Any], None],
               failed: Callable[[str], None] | None = None) -> int:
        self._next += 1
        ticket = self._next
        self._callbacks[ticket] = (done, failed)

        carrier = self._carrier

        def work() -> None:
            try:
                result, error = function(*args), ""
            except Exception as exc:  # a failed read is reported, never lost in a thread
                log.exception("background read failed")
                result, error = None, str(exc) or type(exc).__name__
            carrier.delivered.emit(ticket, result, error)

        self._pool.start(work)
        return ticket

    def forget(self, ticket: int) -> None:
        """Drop a request's callbacks: a stale answer is then ignored."""
        self._callbacks.pop(ticket, None)

    def wait(self, timeout_ms: int = 10_000) -> bool:
        return self._pool.waitForDone(timeout_ms)

    @Slot(int, object, str)
    def _deliver(self, ticket: int, result: Any, error: str) -> None:
        callbacks = self._callbacks.pop(ticket, None)
        if callbacks is None:
            return
        done, failed = callbacks
        if error:
            if failed is not None:
                failed(error)
        else:
            done(result)
