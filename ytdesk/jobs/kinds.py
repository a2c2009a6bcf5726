"""Job kind name -> the module that runs it (one module each).

Kinds are named by module and imported when a job of that kind first runs, on the pool
thread: importing yt-dlp takes a good part of a second, which the window's start-up (and
its event loop) should not pay.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import ModuleType

from ytdesk.core import tool_store

KindFunction = Callable[..., str]

KINDS: dict[str, str | KindFunction] = {
    "download": "ytdesk.jobs.download",
    "metadata": "ytdesk.jobs.metadata",
    "import": "ytdesk.jobs.importing",
    "sync": "ytdesk.jobs.sync",
    "cleanup": "ytdesk.jobs.cleanup",
}


# yt-dlp's modules import each other in cycles: two threads importing them at once can
# each get the other's module half made ("cannot import name ... from partially
# initialized module 'yt_dlp.utils'", seen once when the warm-up and a first download
# started together). Every lazy import of what pulls in yt-dlp goes through here.
_IMPORTING = threading.Lock()


def imported(name: str) -> ModuleType:
    """The module `name`, imported by one thread at a time."""
    with _IMPORTING:
        # An updated yt-dlp that fails to import gives way to the bundled one.
        return tool_store.import_or_fall_back(name)


def function_of(kind: str) -> KindFunction:
    target = KINDS[kind]
    if isinstance(target, str):
        return imported(target).run
    return target
