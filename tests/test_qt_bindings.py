"""Guards against Qt binding releases that corrupt Python's reference counts.

PySide6 6.12.0 dropped a reference to True on every signal emit and to None on every
Python override called from a pool thread; on Python 3.11, where those objects are not
immortal, the process aborted after a few thousand downloads' worth of progress signals.

Other threads of the test process create and free objects meanwhile, so the counts are
compared with a margin far below the one-per-call loss the bug caused.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QThreadPool, Signal


CALLS = 4_000


class Emitter(QObject):
    fired = Signal(int)


def test_emitting_signals_keeps_reference_counts(qapp):
    emitter, seen = Emitter(), []
    emitter.fired.connect(seen.append)
    before_true, before_none = sys.getrefcount(True), sys.getrefcount(None)
    for i in range(CALLS):
        emitter.fired.emit(i)
    assert len(seen) == CALLS
    assert abs(sys.getrefcount(True) - before_true) < CALLS // 4
    assert abs(sys.getrefcount(None) - before_none) < CALLS // 4


def test_running_python_callables_on_a_thread_pool_keeps_reference_counts(qapp):
    pool = QThreadPool()
    done = []
    before = sys.getrefcount(None)
    for i in range(CALLS):
        pool.start(lambda i=i: done.append(i))
    assert pool.waitForDone(30_000)
    assert len(done) == CALLS
    assert abs(sys.getrefcount(None) - before) < CALLS // 4
