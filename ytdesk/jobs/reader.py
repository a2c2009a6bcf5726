"""Runs DB reads for the UI on a background thread and hands results back on the thread
that asked, so no view ever waits on a query whose cost grows with the library."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from .worker import Task, Workers


class Reader(Workers):
    """One thread, so reads arrive in the order they were asked."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent, threads=1, name="reader")

    def submit(self, function: Callable[..., Any], *args: Any,  # type: ignore[override]
               done: Callable[[Any], None],
               failed: Callable[[str], None] | None = None, latest: str | None = None) -> Task:
        def failed_with_sentence(exc: BaseException) -> None:
            if failed is not None:
                failed(str(exc) or type(exc).__name__)

        return super().submit(function, *args, done=done, failed=failed_with_sentence,
                              latest=latest)

    def forget(self, task: Task | None) -> None:
        """Drop a request's answer: a stale one is then ignored."""
        if task is not None:
            task.abort()
