"""Running downloads follow the speed-limit schedule: a timer set to the next moment one of
its periods begins or ends (at the latest `sync_check_seconds` later, so a changed setting
or a computer that slept is caught up) gives each running download its new limit."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer

from ytdesk.core import day_periods
from ytdesk.core.clock import now
from ytdesk.core.day_periods import PeriodError
from ytdesk.core.settings import Settings

from .scheduler import Running

log = logging.getLogger(__name__)


class SpeedSchedule(QObject):
    def __init__(self, settings: Settings, running: Running, parent: QObject | None = None):
        super().__init__(parent)
        self._settings = settings
        self._running = running
        self._timer = QTimer(self, singleShot=True, timeout=self.apply)  # type: ignore[call-arg]  # Qt property/signal keywords

    def apply(self) -> None:
        """Every running download takes the limit that holds now; then sleep until the
        next change."""
        stamp = now()
        for job_id in self._running.ids():
            context = self._running.get(job_id)
            if context is not None:
                context.follow_speed_schedule(stamp)
        try:
            change = day_periods.next_change(
                day_periods.parse_schedule(self._settings.get("speed_schedule")), stamp)
        except PeriodError:
            change = None
        longest = self._settings.get("sync_check_seconds")
        wait = longest if change is None else min(longest, max(0.0, change - stamp))
        self._timer.start(int(wait * 1000) + 1)

    def stop(self) -> None:
        self._timer.stop()
