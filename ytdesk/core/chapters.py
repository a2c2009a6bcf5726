"""A video's chapters and its skippable SponsorBlock segments, read from its stored info JSON.

Public API:

- `Chapter(start, end, title, category=None)`: times in seconds; `category` is set on the
  chapters yt-dlp's SponsorBlock marking added (their title starts with "[SponsorBlock]: ");
  `label` is the title to show; `start_ms`.
- `Segment(category, start, end)`: a part of the file a person may want skipped; `start_ms`,
  `end_ms`, `name` ("Sponsor", "Intro"...).
- `chapters_of(info)` and `segments_of(info)`: from `video.info_json` (text) or an info dict;
  nothing (never an error) for missing or malformed data.
- `skipped_notice(category)`: the short notice after a skip, "Skipped sponsor segment".

Where the segments come from (yt-dlp's postprocessor/sponsorblock.py and modify_chapters.py):
`--sponsorblock-mark` runs SponsorBlockPP, which stores the raw segments as
`sponsorblock_chapters` (times of the uncut video), then ModifyChaptersPP, which merges them
into `chapters` (times of the file as written, with `category`/`categories` keys and the title
"[SponsorBlock]: <category names>"), cutting out what `--sponsorblock-remove` named. So the
marked chapters are the truth about the file. `sponsorblock_chapters` is used only when the
info has no chapters at all (ModifyChaptersPP did not run, so nothing was cut): after a run
that cut, its times no longer match the file and a cut segment is not there to skip.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

SPONSORBLOCK_PREFIX = "[SponsorBlock]: "

# yt-dlp's SponsorBlockPP.CATEGORIES (the names it writes into chapter titles).
CATEGORY_NAMES = {
    "sponsor": "Sponsor",
    "intro": "Intermission/Intro Animation",
    "outro": "Endcards/Credits",
    "selfpromo": "Unpaid/Self Promotion",
    "preview": "Preview/Recap",
    "filler": "Filler Tangent",
    "interaction": "Interaction Reminder",
    "music_offtopic": "Non-Music Section",
    "hook": "Hook/Greetings",
    "poi_highlight": "Highlight",
    "chapter": "Chapter",
}
# Marks, not parts to skip (SponsorBlockPP.NON_SKIPPABLE_CATEGORIES).
NOT_SKIPPABLE = frozenset({"poi_highlight", "chapter"})

# What a person reads: in the chapter list and the notice after a skip.
SHORT_NAMES = {
    "sponsor": "Sponsor", "intro": "Intro", "outro": "Credits", "selfpromo": "Self-promotion",
    "preview": "Preview", "filler": "Filler", "interaction": "Interaction reminder",
    "music_offtopic": "Non-music part", "hook": "Hook", "poi_highlight": "Highlight",
    "chapter": "Chapter",
}
_BY_NAME = {name: category for category, name in CATEGORY_NAMES.items()}


@dataclass(frozen=True)
class Chapter:
    start: float
    end: float
    title: str
    category: str | None = None  # a SponsorBlock category, for the chapters it marked

    @property
    def start_ms(self) -> int:
        return round(self.start * 1000)

    @property
    def label(self) -> str:
        if self.category:
            return f"{SHORT_NAMES.get(self.category, self.category)} (SponsorBlock)"
        return self.title or "Untitled chapter"


@dataclass(frozen=True)
class Segment:
    category: str
    start: float
    end: float

    @property
    def start_ms(self) -> int:
        return round(self.start * 1000)

    @property
    def end_ms(self) -> int:
        return round(self.end * 1000)

    @property
    def name(self) -> str:
        return SHORT_NAMES.get(self.category, self.category)


def chapters_of(info: str | dict[str, Any] | None) -> list[Chapter]:
    """The chapters in the file, in order (SponsorBlock's marks among them)."""
    found = []
    for raw in _dicts(_info(info).get("chapters")):
        times = _times(raw)
        if times:
            title = str(raw.get("title") or "")
            found.append(Chapter(*times, title, _category_of(raw)))
    return sorted(found, key=lambda chapter: chapter.start)


def segments_of(info: str | dict[str, Any] | None) -> list[Segment]:
    """The parts of the file that SponsorBlock says may be skipped, in order."""
    data = _info(info)
    marked = [(chapter.category, chapter.start, chapter.end) for chapter in chapters_of(data)
              if chapter.category]
    if not marked and not _dicts(data.get("chapters")):
        marked = [(str(raw.get("category") or ""), *times)
                  for raw in _dicts(data.get("sponsorblock_chapters"))
                  if (times := _times(raw)) and raw.get("type", "skip") == "skip"]
    return sorted((Segment(category, start, end) for category, start, end in marked
                   if category and category not in NOT_SKIPPABLE), key=lambda s: s.start)


def skipped_notice(category: str) -> str:
    name = SHORT_NAMES.get(category, "SponsorBlock").lower()
    return f"Skipped {name} segment"


def _info(info: str | dict[str, Any] | None) -> dict[str, Any]:
    if isinstance(info, dict):
        return info
    try:
        data = json.loads(info) if info else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _times(raw: dict[str, Any]) -> tuple[float, float] | None:
    try:
        start, end = float(raw["start_time"]), float(raw["end_time"])
    except (KeyError, TypeError, ValueError):
        return None
    return (start, end) if 0 <= start < end else None


def _category_of(raw: dict[str, Any]) -> str | None:
    """The SponsorBlock category of a chapter ModifyChaptersPP marked: its `category` key,
    or, from an info JSON that lost the key, the first name in its title."""
    title = str(raw.get("title") or "")
    if not title.startswith(SPONSORBLOCK_PREFIX) and "categories" not in raw:
        return None
    if raw.get("category"):
        return str(raw["category"])
    names = title.removeprefix(SPONSORBLOCK_PREFIX).split(", ")
    return next((_BY_NAME[name] for name in names if name in _BY_NAME), "sponsor")
