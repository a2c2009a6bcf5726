"""Knowing when the job list's first page is on screen: start-up leaves what the first frame
does not need (asyncio, the job manager's start) until just after it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from .job_panel import JobPanel

# A window started minimised paints nothing, and a first page that fails to load never
# shows: after this long, what waits for the first page goes ahead anyway.
GIVE_UP_MS = 2_000


class FirstPage(QObject):
    shown = Signal()  # once: the list has painted its first rows with their data, or its
    # empty state (a new library), or waiting gave up

    def __init__(self, panel: JobPanel, give_up_ms: int = GIVE_UP_MS):
        super().__init__(panel)
        self._panel = panel
        self._viewport = panel.table.viewport()
        self._viewport.installEventFilter(self)
        self._give_up = QTimer(self)
        self._give_up.setSingleShot(True)
        self._give_up.timeout.connect(self._emit)
        self._give_up.start(give_up_ms)
        self._emitted = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._page_ready():
            self._viewport.removeEventFilter(self)
            QTimer.singleShot(0, self._emit)  # once this paint is on screen
        return False

    def _page_ready(self) -> bool:
        model = self._panel.model
        if not model.is_loaded:
            return False
        first = model.job_id_at(0)
        return first is None or model.job(first) is not None  # not "…" while it loads

    def _emit(self) -> None:
        if not self._emitted:
            self._emitted = True
            self._give_up.stop()
            self._viewport.removeEventFilter(self)
            self.shown.emit()
