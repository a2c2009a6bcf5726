"""Cycles are collected on the application's thread, never on a pool thread: a collection
there destroyed Qt objects on the wrong thread (a deadlock seen in a full run)."""

from __future__ import annotations

import gc
import threading

from ytdesk.jobs.collector import Collector, collect_on_the_app_thread


class Cycle:
    def __init__(self, seen: list[str]):
        self.me = self  # only the cyclic collector frees it
        self.seen = seen

    def __del__(self):
        self.seen.append(threading.current_thread().name)


def test_garbage_cycles_are_collected_on_the_application_thread_only(qapp, qtbot):
    collect_on_the_app_thread()
    collect_on_the_app_thread()  # once per process
    assert len(qapp.findChildren(Collector)) == 1
    assert not gc.isenabled()

    seen: list[str] = []

    def make_garbage() -> None:
        for _ in range(5000):  # far past the threshold that would collect here
            Cycle(seen)

    worker = threading.Thread(target=make_garbage, name="pool")
    worker.start()
    worker.join()
    assert seen == []  # nothing collected on the worker
    qtbot.waitUntil(lambda: len(seen) == 5000, timeout=10_000)
    assert set(seen) == {threading.main_thread().name}
