"""What the player remembers of a video: where to resume it, how often and when it was
played, whether it was watched, the tracks chosen for it, and that its file is gone.

No Qt: the player widget reads through the `Reader` (`item_for_video`, `item_for_file`) and
writes through `JobManager.write` (every other function here), never on the GUI thread.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .chapters import Chapter, Segment, chapters_of, segments_of
from .clock import now
from .db import transaction
from .models import Video
from .tracks import TrackChoice
from .video_actions import files_of, mark_watched

WATCHED_FRACTION = 0.9  # played this far, a video counts as watched
END_MARGIN_S = 5.0  # a position this close to the end starts the video from the beginning
COVER_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
TRACK_KINDS = ("audio", "subtitle")


@dataclass(frozen=True)
class PlayItem:
    """What the player needs to open one file, read in one go."""

    path: str
    title: str
    channel: str = ""
    video_id: int | None = None  # the library's row, when it knows the file
    duration: float | None = None  # seconds, as the site said (the file's own wins)
    resume_at: float = 0.0  # seconds
    watched: bool = False
    tracks: dict[str, TrackChoice] = field(default_factory=dict)  # "audio"/"subtitle"
    cover: str | None = None  # a picture file to show for sound without a picture
    missing: bool = False  # the file is not there
    chapters: tuple[Chapter, ...] = ()  # from its info JSON, as the file has them
    segments: tuple[Segment, ...] = ()  # SponsorBlock's, marked in the file's chapters

    def same_as(self, video_id: int | None, path: str | None) -> bool:
        """Whether a queue entry (a library video, or a file) is this."""
        if video_id is not None and self.video_id is not None:
            return video_id == self.video_id
        return bool(path) and os.path.abspath(path or "") == self.path


def resume_position(position: float, duration: float | None) -> float:
    """Where a video opened again starts: its saved position, unless that is at (or within
    a few seconds of) its end, where resuming would only show the last frame."""
    if position <= 0:
        return 0.0
    if duration and position >= duration - END_MARGIN_S:
        return 0.0
    return position


def counts_as_watched(position: float, duration: float | None) -> bool:
    return bool(duration) and position >= WATCHED_FRACTION * (duration or 0)


def thumbnail_cache_file(folder: Path, url: str) -> Path:
    """Where the channel browser keeps a fetched thumbnail (named by its address's SHA-256)."""
    return folder / hashlib.sha256(url.encode("utf-8")).hexdigest()


def find_cover(filepath: str, thumbnail_url: str | None, thumbnails: Path | None) -> str | None:
    """The picture yt-dlp wrote beside the file ("Title [id].jpg"), else the browser's cached
    copy of the site's thumbnail, else none (the player draws a plain placeholder)."""
    for path in files_of(filepath):
        if path.suffix.lower() in COVER_SUFFIXES:
            return str(path)
    if thumbnail_url and thumbnails is not None:
        cached = thumbnail_cache_file(thumbnails, thumbnail_url)
        if cached.is_file():
            return str(cached)
    return None


def _stored_tracks(text: str | None) -> dict[str, Any]:
    try:
        loaded = json.loads(text or "{}")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _tracks(text: str | None) -> dict[str, TrackChoice]:
    """The choices remembered for a video, by kind; what cannot be read is no choice."""
    found = {}
    for kind, value in _stored_tracks(text).items():
        choice = TrackChoice.from_dict(value) if kind in TRACK_KINDS else None
        if choice is not None:
            found[kind] = choice
    return found


def _item(video: Video, path: str, thumbnails: Path | None) -> PlayItem:
    return PlayItem(
        path=path, title=video.title or Path(path).stem, channel=video.channel or video.uploader
        or "", video_id=video.id, duration=video.duration,
        resume_at=resume_position(video.play_position or 0.0, video.duration),
        watched=bool(video.watched), tracks=_tracks(video.tracks),
        cover=find_cover(path, video.thumbnail, thumbnails), missing=not os.path.isfile(path),
        chapters=tuple(chapters_of(video.info_json)), segments=tuple(segments_of(video.info_json)))


def item_for_video(video_id: int, thumbnails: Path | None = None) -> PlayItem | None:
    """The library's video, ready to play; None when there is no such row or it has no file
    (a video only listed, or deleted on purpose)."""
    video = Video.get_or_none(Video.id == video_id)
    if video is None or not video.filepath:
        return None
    return _item(video, video.filepath, thumbnails)


def item_for_file(path: str, thumbnails: Path | None = None) -> PlayItem:
    """Any local file; the library's video when it knows the path (its position, title...)."""
    full = os.path.abspath(path)
    video = (Video.select().where(Video.filepath.in_([path, full]))
             .order_by(Video.id).first())
    if video is not None:
        return _item(video, full, thumbnails)
    return PlayItem(path=full, title=Path(full).stem, cover=find_cover(full, None, None),
                    missing=not os.path.isfile(full))


# -- writes: on the writer thread, through JobManager.write ------------------------------------

def save_position(video_id: int, seconds: float) -> None:
    with transaction():
        Video.update(play_position=max(0.0, float(seconds)), updated_at=now()).where(
            Video.id == video_id).execute()


def count_play(video_id: int) -> None:
    """One more play, now: a play is counted when it starts, once per opening."""
    with transaction():
        Video.update(play_count=Video.play_count + 1, last_played_at=now(),
                     updated_at=now()).where(Video.id == video_id).execute()


def mark_played_through(video_id: int) -> int:
    """Watched (through video_actions, which stamps `watched_at` for retention). How many
    rows changed: 0 when it was already watched."""
    return mark_watched([video_id], True)


def finished(video_id: int) -> int:
    """Played to its end: watched, and the next opening starts from the beginning."""
    changed = mark_played_through(video_id)
    save_position(video_id, 0.0)
    return changed


def remember_track(video_id: int, kind: str, choice: TrackChoice) -> None:
    """By language and title, not by index: another file of the video (downloaded again)
    may hold the same language at another index."""
    if kind not in TRACK_KINDS:
        raise ValueError(f"{kind!r} is not a kind of track (audio or subtitle).")
    with transaction():
        video = Video.get_or_none(Video.id == video_id)
        if video is None:
            return
        tracks = _stored_tracks(video.tracks)
        tracks[kind] = choice.to_dict()
        Video.update(tracks=json.dumps(tracks, sort_keys=True), updated_at=now()).where(
            Video.id == video_id).execute()


def mark_missing(video_id: int) -> None:
    """Its file is gone: the library says so (as cleanup would), the row is kept; the first
    time it was found gone is kept."""
    with transaction():
        Video.update(missing_since=now(), updated_at=now()).where(
            (Video.id == video_id) & Video.missing_since.is_null()).execute()
