"""The daily look for a newer yt-dlp, at start: on a worker thread, so the window never waits
for the package index, a download or the new copy's self-check. A copy that passed is used
from the next start (this process may have imported yt-dlp already); the window says so."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from ytdesk.core import tool_store
from ytdesk.core.paths import Paths
from ytdesk.core.settings import Settings
from ytdesk.jobs.worker import Workers

log = logging.getLogger(__name__)


def check_if_due(paths: Paths, index: str, channel: str) -> list[tuple[str | None, str]]:
    """(version switched to or None, sentence) per tool; empty when checked within the day."""
    from ytdesk.ytdl.tool_update import ToolChannel

    bundled = {name: tool_store.bundled_version(name) for name in tool_store.TOOLS}
    outcomes = ToolChannel(paths.data_dir, index, channel).check_if_due(bundled)
    return [(outcome.version, outcome.sentence) for outcome in outcomes or []]


class ToolCheck(QObject):
    checked = Signal(list)  # [(version switched to or None, sentence)]: the check is over
    updated = Signal(str)  # a sentence: a newer yt-dlp is ready for the next start

    def __init__(self, paths: Paths, settings: Settings, parent: QObject | None = None):
        super().__init__(parent)
        self.paths = paths
        self.settings = settings
        self.workers = Workers(self, name="tool check")

    def start(self) -> bool:
        """Look for an update if the setting allows and none was looked for today."""
        if not self.settings.get("tools_check_daily"):
            return False
        self.workers.submit(check_if_due, self.paths, self.settings.get("tools_index_url"),
                            self.settings.get("tools_channel"), done=self._done)
        return True

    def _done(self, outcomes: list[tuple[str | None, str]]) -> None:
        for version, sentence in outcomes:
            log.info("tool check: %s", sentence)
            if version is not None:
                self.updated.emit(sentence)
        self.checked.emit(outcomes)

    def close(self) -> None:
        """At quit: an update under way is let finish (it never leaves a half-made switch)."""
        self.workers.close()
