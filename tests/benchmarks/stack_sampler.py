"""Where the GUI thread is while it stalls: a background thread samples the main thread's
Python stack every millisecond; after a benchmark, the stacks seen inside the longest gaps
the stall probe recorded are counted and printed (innermost ytdesk frame first).

The sampler needs the GIL to look, so time the GUI thread spends in Python shows up as
its Python stack, and time it spends in C++ with the GIL held shows up as the Python line
that called into C++: both are the places to fix.
"""

from __future__ import annotations

import collections
import gc
import sys
import threading
import time
from collections.abc import Iterable

INTERVAL_S = 0.001


class StackSampler:
    def __init__(self, thread_id: int | None = None):
        self._target = thread_id or threading.main_thread().ident
        self._samples: list[tuple[float, tuple[str, ...]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stack-sampler", daemon=True)
        # Garbage collections hold the GIL from start to end, on whatever thread they fall:
        # the GUI thread cannot run Python meanwhile, and no stack sample can be taken.
        self.collections: list[tuple[float, float, int, str]] = []  # start, end, gen, thread
        self._collecting: dict[int, float] = {}

    def start(self) -> StackSampler:
        gc.callbacks.append(self._on_gc)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        gc.callbacks.remove(self._on_gc)

    def _on_gc(self, phase: str, info: dict) -> None:
        ident = threading.get_ident()
        if phase == "start":
            self._collecting[ident] = time.perf_counter()
        elif ident in self._collecting:
            began = self._collecting.pop(ident)
            self.collections.append((began, time.perf_counter(), info["generation"],
                                     threading.current_thread().name))

    def collections_during(self, windows: Iterable[tuple[float, float]],
                           over_ms: float = 5.0) -> list[str]:
        spans = list(windows)
        return [f"gc generation {gen} on {thread}: {(end - start) * 1000:.1f} ms"
                for start, end, gen, thread in self.collections
                if (end - start) * 1000 > over_ms
                and any(s <= end and start <= e for s, e in spans)]

    def _run(self) -> None:
        while not self._stop.is_set():
            frame = sys._current_frames().get(self._target)
            stack = []
            while frame is not None and len(stack) < 40:
                code = frame.f_code
                stack.append(f"{code.co_filename.rsplit('/', 2)[-2:][-1]}:{frame.f_lineno} "
                             f"{code.co_name}")
                frame = frame.f_back
            self._samples.append((time.perf_counter(), tuple(stack)))
            time.sleep(INTERVAL_S)

    def during(self, windows: Iterable[tuple[float, float]], top: int = 8) -> list[str]:
        """The most frequent stacks sampled inside the given (start, end) windows."""
        counts: collections.Counter[tuple[str, ...]] = collections.Counter()
        spans = list(windows)
        for stamp, stack in self._samples:
            if any(start <= stamp <= end for start, end in spans):
                counts[stack[:12]] += 1
        lines = []
        for stack, n in counts.most_common(top):
            lines.append(f"{n:5d} samples: " + " <- ".join(stack))
        return lines


def stall_windows(gaps: list[tuple[float, float]], over_ms: float) -> list[tuple[float, float]]:
    """(start, end) of every gap longer than `over_ms` (from StallProbe.spans)."""
    return [(start, end) for start, end in gaps if (end - start) * 1000 > over_ms]
