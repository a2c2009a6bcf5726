"""Python's garbage collector, run on the thread that owns the Qt objects.

Left to itself, the cyclic collector runs on whichever thread happens to allocate when a
threshold is crossed. On a pool thread it destroyed Qt objects there: a deadlock was seen in
a full test run (a pool thread inside a QObject's destructor, holding its connection lock,
waited for the GIL; the GUI thread held the GIL and waited for that lock, connecting a
signal). So automatic collection is turned off once per process and done here instead, on
the application's thread, a few times a second: young objects every tick, older ones every
tenth, everything every hundredth (Python's own 700/10/10 proportions). Reference counting,
which frees almost everything, is untouched; only cycles wait for the next tick.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

TICK_MS = 250


class Collector(QObject):
    def __init__(self, app: QObject):
        super().__init__(app)
        self._ticks = 0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._collect)
        self._timer.start(TICK_MS)

    def _collect(self) -> None:
        self._ticks += 1
        generation = 2 if self._ticks % 100 == 0 else 1 if self._ticks % 10 == 0 else 0
        gc.collect(generation)


def collect_on_the_app_thread() -> None:
    """Once per process, on the thread that made the QCoreApplication (call it there)."""
    app = QCoreApplication.instance()
    if app is None or app.findChild(Collector) is not None:
        return
    Collector(app)
    gc.disable()
