"""yt-dlp progress hooks turned into one job-wide progress, and the stop check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .errors import JobStopped


@dataclass
class Progress:
    fraction: float | None
    downloaded: int
    total: int | None
    speed: float | None
    eta: float | None


class ProgressTracker:
    """A video with separate video and audio streams is two downloads in a row; the user
    wants one bar, so finished files are added to the bytes of the one in flight."""

    def __init__(self, report: Callable[[Progress], None], should_stop: Callable[[], str | None]):
        self._report = report
        self._should_stop = should_stop
        self._finished: dict[str, int] = {}
        self._expected_total: int | None = None

    def hook(self, d: dict) -> None:
        reason = self._should_stop()
        if reason:
            raise JobStopped(reason)
        status = d.get("status")
        name = d.get("filename") or d.get("tmpfilename") or ""
        if status == "finished":
            self._finished[name] = int(d.get("total_bytes") or d.get("downloaded_bytes") or 0)
            return
        if status != "downloading":
            return
        if self._expected_total is None:
            self._expected_total = self._planned_total(d.get("info_dict") or {})
        current = int(d.get("downloaded_bytes") or 0)
        current_total = d.get("total_bytes") or d.get("total_bytes_estimate")
        done = sum(self._finished.values())
        total = self._expected_total
        if not total and current_total:
            total = done + int(current_total)
        downloaded = done + current
        fraction = min(1.0, downloaded / total) if total else None
        self._report(Progress(fraction, downloaded, int(total) if total else None,
                              d.get("speed"), d.get("eta")))

    @staticmethod
    def _planned_total(info: dict) -> int | None:
        formats = info.get("requested_formats") or [info]
        sizes = [f.get("filesize") or f.get("filesize_approx") for f in formats]
        return int(sum(sizes)) if sizes and all(sizes) else None
