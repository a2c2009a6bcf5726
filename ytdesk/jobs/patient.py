"""Writes that wait out another program holding the library's write lock.

What a user asks of the window (add links, act on a selection, save settings) is written
on the manager's writer thread, never on the GUI thread. When another program (a backup
tool, a second ytdesk busy for longer than the busy timeout, `sqlite3` left open in a
transaction) holds the write lock, the write waits for it there and says so, once, so the
window can show a note instead of freezing or opening a crash dialog.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ytdesk.core.db import QUICK_BUSY_TIMEOUT_MS, is_busy, waiting_at_most

from .worker import Work

BUSY, FREE = "library busy", "library free"
# Each wait is short, so a write that is given up (ytdesk quitting) stops within this.
ATTEMPT_MS = 1_000


class LibraryBusy(Exception):
    """A write was given up: ytdesk quit while another program still held the library."""


def write_patiently(task: Work, give_up: threading.Event, function: Callable[..., Any],
                    args: tuple) -> Any:
    """`function(*args)` (one transaction), tried until the lock is free. Reports BUSY
    when it first has to wait and FREE once it got through."""
    waited = False
    while True:
        try:
            with waiting_at_most(ATTEMPT_MS if waited else QUICK_BUSY_TIMEOUT_MS):
                result = function(*args)
        except Exception as exc:
            if not is_busy(exc):
                raise
            if give_up.is_set():
                raise LibraryBusy("ytdesk quit while another program held the library; "
                                  "this change was not saved.") from exc
            if not waited:
                waited = True
                task.report(BUSY)
            continue
        if waited:
            task.report(FREE)
        return result
