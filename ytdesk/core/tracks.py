"""Audio and subtitle tracks by name, and a remembered choice found again, without Qt.

Public API:

- `Track(language, language_name, title)`: one track of a file; `language` an ISO 639 code
  ("de", "" when unknown), `language_name` how the language calls itself ("Deutsch").
- `track_names(tracks)`: what a menu shows, one per track: "English", "Deutsch — Director's
  commentary", "Track 3" for a track with neither; repeated names are numbered.
- `TrackChoice(language, title, off=False)` and `OFF`: a choice as it is remembered (per
  video), by language and title rather than by index, since the same language can sit at
  another index in another file; `to_text()` / `TrackChoice.from_text()` (or `to_dict()` /
  `from_dict()`, to keep it inside a JSON of one's own) for storage.
- `choice_of(tracks, index)`: the choice for index (-1 = subtitles off).
- `index_of(tracks, choice)`: the index to restore: the track with that language and title,
  else the first in that language, else None (the file's default stays); -1 for OFF.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

OFF_INDEX = -1  # QMediaPlayer's "no subtitle track"


@dataclass(frozen=True)
class Track:
    language: str = ""
    language_name: str = ""
    title: str = ""


@dataclass(frozen=True)
class TrackChoice:
    language: str = ""
    title: str = ""
    off: bool = False

    def to_dict(self) -> dict[str, str | bool]:
        return {"language": self.language, "title": self.title, "off": self.off}

    def to_text(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: object) -> TrackChoice | None:
        """The remembered choice; None for anything else (an index stored by an older
        version included)."""
        if not isinstance(data, dict):
            return None
        return cls(str(data.get("language") or ""), str(data.get("title") or ""),
                   bool(data.get("off")))

    @classmethod
    def from_text(cls, text: str | None) -> TrackChoice | None:
        try:
            return cls.from_dict(json.loads(text) if text else None)
        except ValueError:
            return None


OFF = TrackChoice(off=True)


def track_name(track: Track, number: int) -> str:
    """A track's name; `number` (from 1) names a track that has neither language nor title."""
    language = track.language_name[:1].upper() + track.language_name[1:]
    title = track.title.strip()
    if language and title and title.casefold() != language.casefold():
        return f"{language} — {title}"
    return language or title or f"Track {number}"


def track_names(tracks: list[Track]) -> list[str]:
    names = [track_name(track, number) for number, track in enumerate(tracks, 1)]
    repeated = Counter(names)
    seen: Counter[str] = Counter()
    numbered = []
    for name in names:
        seen[name] += 1
        numbered.append(f"{name} ({seen[name]})" if repeated[name] > 1 else name)
    return numbered


def choice_of(tracks: list[Track], index: int) -> TrackChoice:
    if not 0 <= index < len(tracks):
        return OFF
    return TrackChoice(tracks[index].language, tracks[index].title)


def index_of(tracks: list[Track], choice: TrackChoice | None) -> int | None:
    if choice is None:
        return None
    if choice.off:
        return OFF_INDEX
    for index, track in enumerate(tracks):
        if track.language == choice.language and track.title == choice.title:
            return index
    if choice.language:
        for index, track in enumerate(tracks):
            if track.language == choice.language:
                return index
    return None
