"""yt-dlp's progress and post-processor hooks turned into one job-wide progress, and the stop
check.

A video is often several downloads in a row (a video stream and an audio stream, each maybe
cut into fragments), then ffmpeg work (merging, converting, embedding). The user wants one
bar that only moves forward and ends full, and a word for what is happening now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import JobStopped

DOWNLOADING = "downloading"
FINISHED = "finished"
IN_LIBRARY = "in library"

# yt-dlp post-processor keys (PostProcessor.pp_key) -> the word for what the user waits on.
# Others (moving files, our own checks) are too quick or too internal to name.
_PHASES = {
    "Merger": "merging",
    "ExtractAudio": "converting",
    "VideoConvertor": "converting",
    "VideoRemuxer": "converting",
    "ThumbnailsConvertor": "converting",
    "SubtitlesConvertor": "converting",
    "EmbedSubtitle": "embedding",
    "EmbedThumbnail": "embedding",
    "Metadata": "embedding",
    "SponsorBlock": "processing",
    "ModifyChapters": "processing",
    "SplitChapters": "processing",
}
_ALMOST = 0.999  # a stream still downloading is never shown as complete


@dataclass
class Progress:
    fraction: float | None
    downloaded: int
    total: int | None
    speed: float | None
    eta: float | None
    phase: str = DOWNLOADING  # or "merging", "converting", "embedding", "fixing"... "finished"


def phase_of(pp_key: str) -> str | None:
    if pp_key in _PHASES:
        return _PHASES[pp_key]
    if pp_key.startswith("Fixup"):
        return "fixing"
    return None


class _Stream:
    """One format's download: its share of the bar, how far it is, its bytes."""

    def __init__(self, weight: float, planned_bytes: int | None):
        self.weight = weight
        self.planned_bytes = planned_bytes
        self.fraction = 0.0  # of this stream, 0..1; only ever grows
        self.downloaded = 0
        self.total: int | None = None
        self.done = False

    def update(self, d: dict[str, Any]) -> None:
        self.downloaded = int(d.get("downloaded_bytes") or 0)
        total = d.get("total_bytes") or d.get("total_bytes_estimate")
        self.total = int(total) if total else None
        estimate = self.downloaded / total if total else None
        index, count = d.get("fragment_index"), d.get("fragment_count")
        if count:
            # A fragment count is the truth, coarse; the byte estimate refines it within
            # the fragment in flight but is wild early on (it extrapolates one fragment).
            low, high = min(index or 0, count) / count, min((index or 0) + 1, count) / count
            estimate = low if estimate is None else min(max(estimate, low), high)
        if estimate is not None:
            self.fraction = max(self.fraction, min(estimate, _ALMOST))

    def finish(self, d: dict[str, Any]) -> None:
        size = d.get("total_bytes") or d.get("downloaded_bytes")
        if size:
            self.downloaded = self.total = int(size)
        self.fraction = 1.0
        self.done = True

    def expected_bytes(self) -> int | None:
        return self.total or self.planned_bytes


class ProgressTracker:
    """Feeds `report` from yt-dlp's hooks. `plan(info)` is called with each video's info just
    before it is downloaded (a before_dl post-processor): it says which formats will come,
    and how much of the bar each one gets, so the bar never goes back between formats."""

    def __init__(self, report: Callable[[Progress], None], should_stop: Callable[[], str | None]):
        self._report = report
        self._should_stop = should_stop
        self._streams: dict[str, _Stream] = {}
        self._fraction = 0.0
        self._phase = DOWNLOADING
        self._speed: float | None = None
        self._eta: float | None = None
        self.step = ""  # the post-processor running now (its key), "" while downloading

    def plan(self, info: dict[str, Any]) -> None:
        formats = info.get("requested_formats") or [info]
        sizes = [_planned_bytes(f, info.get("duration")) for f in formats]
        weights = _shares(sizes) or _shares([f.get("tbr") for f in formats]) \
            or [1 / len(formats)] * len(formats)
        self._streams = {_key(f, i): _Stream(w, s)
                         for i, (f, w, s) in enumerate(zip(formats, weights, sizes, strict=True))}
        self._fraction = 0.0
        self._phase = DOWNLOADING

    def hook(self, d: dict[str, Any]) -> None:
        """yt-dlp's progress hook."""
        reason = self._should_stop()
        if reason:
            raise JobStopped(reason)
        status = d.get("status")
        if status not in ("downloading", "finished"):
            return
        stream = self._stream_for(d.get("info_dict") or {})
        if status == "finished":
            stream.finish(d)
            self._speed = self._eta = None
        else:
            stream.update(d)
            self._speed, self._eta = d.get("speed"), d.get("eta")
        self._phase = DOWNLOADING
        self._emit()

    def postprocessor_hook(self, d: dict[str, Any]) -> None:
        """yt-dlp's postprocessor hook: ffmpeg work gets its own word."""
        key = str(d.get("postprocessor") or "")
        if d.get("status") == "started":
            self.step = key  # the step running now: named if it fails
        phase = phase_of(key)
        if d.get("status") == "started" and phase:
            self._phase = phase
            self._speed = self._eta = None
            self._emit()

    def complete(self, size: int | None = None, phase: str = FINISHED) -> None:
        """The video is done (downloaded and post-processed, or found already there): the
        bar is full, with the file's size when known."""
        if size is None:
            size = sum(s.downloaded for s in self._streams.values()) or None
        self._fraction = 1.0
        self._phase = phase
        self._report(Progress(1.0, size or 0, size, None, None, phase))

    def _stream_for(self, info: dict[str, Any]) -> _Stream:
        key = _key(info, None)
        if key in self._streams:
            return self._streams[key]
        if not any(s.fraction for s in self._streams.values()):
            # Not what was planned (or nothing was), and nothing has moved yet: this one
            # download is the whole video (e.g. ffmpeg fetching all formats at once).
            self._streams = {key: _Stream(1.0, None)}
        else:
            # One more download than planned: it gets an even share from here on; the bar
            # holds still rather than going back.
            count = len(self._streams) + 1
            for stream in self._streams.values():
                stream.weight *= (count - 1) / count
            self._streams[key] = _Stream(1 / count, None)
        return self._streams[key]

    def _emit(self) -> None:
        streams = self._streams.values()
        fraction = sum(s.weight * s.fraction for s in streams)
        if not all(s.done for s in streams):
            fraction = min(fraction, _ALMOST)
        self._fraction = max(self._fraction, fraction)  # a re-weighting never moves it back
        expected = [s.expected_bytes() for s in streams]
        total = sum(expected) if all(expected) else None  # type: ignore[arg-type]
        downloaded = sum(s.downloaded for s in streams)
        self._report(Progress(self._fraction, downloaded, total, self._speed, self._eta,
                              self._phase))


def _key(fmt: dict[str, Any], position: int | None) -> str:
    key = fmt.get("format_id")
    return str(key) if key is not None else f"#{position or 0}"


def _shares(values: list[Any]) -> list[float] | None:
    """Each value's share of their sum, when every one is known."""
    if not values or not all(isinstance(v, (int, float)) and v > 0 for v in values):
        return None
    total = float(sum(values))
    return [v / total for v in values]


def _planned_bytes(fmt: dict[str, Any], duration: Any) -> int | None:
    """What yt-dlp knows of a format's size before fetching it: the site's figure, yt-dlp's
    estimate, or the bitrate times the duration."""
    size = fmt.get("filesize") or fmt.get("filesize_approx")
    if not size and fmt.get("tbr") and duration:
        size = float(fmt["tbr"]) * 1000 / 8 * float(duration)
    return int(size) if size else None
