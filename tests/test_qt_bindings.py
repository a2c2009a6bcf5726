"""Guards against Qt binding releases that corrupt Python's reference counts.

PySide6 6.12.0 dropped a reference to True on every signal emit and to None on every
Python override called from a pool thread; on Python 3.11, where those objects are not
immortal, the process aborted after a few thousand downloads' worth of progress signals.
The check runs in a fresh process: the test process's other threads move these counts.
"""

from __future__ import annotations

import subprocess
import sys

CHECK = r"""
import sys
from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal

app = QCoreApplication([])

class Emitter(QObject):
    fired = Signal(int)

emitter, seen = Emitter(), []
emitter.fired.connect(seen.append)
pool, ran = QThreadPool(), []
before = sys.getrefcount(True), sys.getrefcount(None)
for i in range(20_000):
    emitter.fired.emit(i)
for i in range(20_000):
    pool.start(lambda i=i: ran.append(i))
pool.waitForDone()
after = sys.getrefcount(True), sys.getrefcount(None)
print(len(seen), len(ran), after[0] - before[0], after[1] - before[1])
"""


def test_signals_and_pool_callables_keep_reference_counts():
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                            timeout=120, env={"QT_QPA_PLATFORM": "offscreen",
                                              "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-2000:]  # the broken release aborts here
    seen, ran, true_delta, none_delta = map(int, result.stdout.split())
    assert (seen, ran) == (20_000, 20_000)
    assert abs(true_delta) < 100 and abs(none_delta) < 100
