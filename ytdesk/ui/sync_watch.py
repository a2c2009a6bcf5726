"""Which subscriptions are syncing now, followed from the job manager's signals.

A signal names a job, not what it syncs: the jobs not seen before are looked up off the GUI
thread, a batch at a time (a job that is not a sync is remembered as such and never looked
up again, so 10,000 downloads finishing cost no reads)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from ytdesk.core import browse
from ytdesk.core import jobstates as st
from ytdesk.jobs.manager import JobManager
from ytdesk.jobs.reader import Reader

LOOK_UP_MS = 100  # jobs named in this long are looked up together


def _look_up(job_ids: list[int]) -> tuple[list[int], dict[int, tuple[int, str]]]:
    return job_ids, browse.sync_jobs(job_ids)


class SyncWatch(QObject):
    changed = Signal(object)  # the set of subscription ids syncing now
    syncEnded = Signal(int)  # a subscription whose sync just ended (its list is new)

    def __init__(self, manager: JobManager, reader: Reader, parent: QObject | None = None):
        super().__init__(parent)
        self._reader = reader
        self._sync_of: dict[int, int] = {}  # sync job -> its subscription
        self._not_syncs: set[int] = set()
        self._running: dict[int, int] = {}  # running sync job -> its subscription
        self._asking: set[int] = set()
        self._timer = QTimer(self, singleShot=True, interval=LOOK_UP_MS,  # type: ignore[call-arg]  # Qt property/signal keywords
                             timeout=self._look_up)
        manager.jobChanged.connect(self._job_changed)
        manager.jobFinished.connect(self._job_changed)
        manager.jobsChanged.connect(self._jobs_changed)
        manager.jobsRemoved.connect(self._jobs_removed)
        reader.submit(browse.running_syncs, done=self._found_running)

    @property
    def syncing(self) -> set[int]:
        return set(self._running.values())

    def _found_running(self, running: dict[int, int]) -> None:
        self._sync_of.update(running)
        before = self.syncing
        self._running.update(running)
        self._announce(before)

    def _job_changed(self, job_id: int, status: str) -> None:
        if job_id in self._sync_of:
            self._apply(job_id, self._sync_of[job_id], status)
        elif job_id not in self._not_syncs:
            self._ask(job_id)

    def _jobs_changed(self, job_ids: list) -> None:
        for job_id in job_ids:  # their new statuses are read with them
            if job_id not in self._not_syncs:
                self._ask(job_id)

    def _jobs_removed(self, job_ids: list) -> None:
        before = self.syncing
        for job_id in job_ids:
            self._running.pop(job_id, None)
            self._sync_of.pop(job_id, None)
            self._not_syncs.discard(job_id)
        self._announce(before)

    def _ask(self, job_id: int) -> None:
        self._asking.add(job_id)
        if not self._timer.isActive():
            self._timer.start()

    def _look_up(self) -> None:
        asked, self._asking = sorted(self._asking), set()
        self._reader.submit(_look_up, asked, done=self._looked_up)

    def _looked_up(self, answer: tuple[list[int], dict[int, tuple[int, str]]]) -> None:
        asked, found = answer
        for job_id in asked:
            if job_id in found:
                subscription_id, status = found[job_id]
                self._sync_of[job_id] = subscription_id
                self._apply(job_id, subscription_id, status)
            else:
                self._not_syncs.add(job_id)

    def _apply(self, job_id: int, subscription_id: int, status: str) -> None:
        before = self.syncing
        was_running = job_id in self._running
        if status == st.RUNNING:
            self._running[job_id] = subscription_id
        else:
            self._running.pop(job_id, None)
        self._announce(before)
        if was_running and status != st.RUNNING:
            self.syncEnded.emit(subscription_id)

    def _announce(self, before: set[int]) -> None:
        if self.syncing != before:
            self.changed.emit(self.syncing)
