"""Job kind name -> the module that runs it (one module each).

Kinds are named by module and imported when a job of that kind first runs, on the pool
thread: importing yt-dlp takes a good part of a second, which the window's start-up (and
its event loop) should not pay.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

KindFunction = Callable[..., str]

KINDS: dict[str, str | KindFunction] = {
    "download": "ytdesk.jobs.download",
    "metadata": "ytdesk.jobs.metadata",
    "import": "ytdesk.jobs.importing",
    "sync": "ytdesk.jobs.sync",
    "cleanup": "ytdesk.jobs.cleanup",
}


def function_of(kind: str) -> KindFunction:
    target = KINDS[kind]
    if isinstance(target, str):
        return importlib.import_module(target).run
    return target
