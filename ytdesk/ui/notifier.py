"""What ytdesk tells someone who is not looking at the window: new videos a channel's sync
downloaded, a job that failed for good, a queue that paused by itself. Each kind can be
turned off in the settings. Never a storm: one message per channel per sync, and at most
one message every `notify_every_seconds`; what happens meanwhile is said together."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from ytdesk.core import jobstates as st
from ytdesk.core.finished_news import Finished, what_finished
from ytdesk.core.settings import Settings
from ytdesk.jobs.manager import PAUSED_BY_YOU, JobManager
from ytdesk.jobs.reader import Reader

from . import format as fmt
from .places import CHANNEL, JOB, WINDOW

SHOWN_TOGETHER = 3  # lines of a combined message; the rest is "and N more"


@dataclass(frozen=True)
class Note:
    title: str
    text: str
    place: tuple[str, int | None]  # where a click on it leads (places.open_place)
    error: bool = False


class Notifier(QObject):
    """Turns the manager's news into Notes, and lets them out at a polite pace through
    `noted` (a tray shows them as messages)."""

    noted = Signal(object)  # a Note
    failedForGood = Signal()  # a job failed for good (the tray's icon says so until seen)

    def __init__(self, manager: JobManager, reader: Reader, settings: Settings,
                 parent: QObject | None = None):
        super().__init__(parent)
        self._reader = reader
        self._settings = settings
        self._told_syncs: set[int] = set()  # syncs whose news was told (once each)
        self._waiting: list[Note] = []
        self._quiet = QTimer(self, singleShot=True)
        self._quiet.timeout.connect(self._let_out)
        manager.jobFinished.connect(self._job_finished)
        manager.queuePaused.connect(self._queue_paused)
        # A site is told once until it runs again, however often its hold is renewed.
        self._told_sites: set[str] = set()
        manager.siteHeld.connect(self._site_held)
        manager.siteReleased.connect(self._told_sites.discard)

    # -- news -----------------------------------------------------------------------------------
    def _job_finished(self, job_id: int, status: str) -> None:
        if status in (st.SUCCEEDED, st.FAILED):
            self._reader.submit(what_finished, job_id, done=self._read)

    def _read(self, finished: Finished | None) -> None:
        if finished is None:
            return
        if finished.status == st.FAILED:
            self.failedForGood.emit()
            if self._settings.get("notify_failed"):
                self.add(Note("Download failed" if finished.kind == "download"
                              else "A job failed",
                              f"{finished.label}: {finished.error or 'it failed.'}",
                              (JOB, finished.job_id), error=True))
        if (finished.sync_done and finished.sync_id is not None and finished.new_downloads
                and finished.sync_id not in self._told_syncs):
            self._told_syncs.add(finished.sync_id)
            if self._settings.get("notify_new_videos"):
                channel = finished.channel or "a subscription"
                self.add(Note("New videos",
                              f"{fmt.plural(finished.new_downloads, 'new video', 'new videos')}"
                              f" from {channel}",
                              (CHANNEL, finished.subscription_id)
                              if finished.subscription_id is not None else (WINDOW, None)))

    def _queue_paused(self, why: str) -> None:
        if why == PAUSED_BY_YOU:  # the user's own pause is no news to them
            return
        if self._settings.get("notify_paused"):
            self.add(Note("Downloads paused", why, (WINDOW, None), error=True))

    def _site_held(self, site: str, sentence: str, _until: float) -> None:
        if site not in self._told_sites and self._settings.get("notify_site_held"):
            self._told_sites.add(site)
            # The window's banner for the site offers the fixes: a click opens it.
            self.add(Note(f"{site} is left alone for a while", sentence, (WINDOW, None),
                          error=True))

    # -- pace -------------------------------------------------------------------------------------
    def add(self, note: Note) -> None:
        self._waiting.append(note)
        if not self._quiet.isActive():
            self._let_out()

    def _let_out(self) -> None:
        if not self._waiting:
            return
        notes, self._waiting = self._waiting, []
        self.noted.emit(notes[0] if len(notes) == 1 else _together(notes))
        self._quiet.start(int(self._settings.get("notify_every_seconds") * 1000))


def _together(notes: list[Note]) -> Note:
    lines = [note.text for note in notes[:SHOWN_TOGETHER]]
    if len(notes) > SHOWN_TOGETHER:
        lines.append(f"and {len(notes) - SHOWN_TOGETHER:,} more")
    places = {note.place for note in notes}
    return Note(f"{len(notes):,} things happened in ytdesk", "\n".join(lines),
                places.pop() if len(places) == 1 else (WINDOW, None),
                error=any(note.error for note in notes))
