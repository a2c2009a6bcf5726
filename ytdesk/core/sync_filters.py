"""Which videos a subscription's filters leave out, and why, in a sentence.

A listing knows little of each video (YouTube's gives a title and often a length, rarely
a date), so a filter that needs what the listing lacks is not decided there: the video's
download decides it once the video's page has been read (`undecided` says when).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

SHORT = "short"  # where a listed video came from: a channel's Shorts tab...
LIVE = "live"  # ...its Live tab
VIDEOS = "videos"  # ...or anything else

_LIVE_STATES = frozenset({"is_live", "is_upcoming", "was_live", "post_live"})


def tab_of(url: str | None) -> str:
    """A channel tab's kind, from its address as YouTube (and sites like it) spell it."""
    path = (url or "").split("?", 1)[0].split("#", 1)[0].rstrip("/").lower()
    if path.endswith("/shorts"):
        return SHORT
    if path.endswith(("/streams", "/live")):
        return LIVE
    return VIDEOS


def kind_of(info: dict[str, Any], tab: str = VIDEOS) -> str:
    """A video's kind: its tab's, unless the video itself says it is a Short or live."""
    if tab != VIDEOS:
        return tab
    if "/shorts/" in str(info.get("url") or info.get("webpage_url") or ""):
        return SHORT
    if info.get("live_status") in _LIVE_STATES or info.get("is_live"):
        return LIVE
    return VIDEOS


def wants_tab(filters: dict[str, Any], tab: str) -> bool:
    if tab == SHORT:
        return bool(filters.get("include_shorts"))
    if tab == LIVE:
        return bool(filters.get("include_live"))
    return True


def left_out(info: dict[str, Any], filters: dict[str, Any], *, tab: str = VIDEOS) -> str | None:
    """Why the filters leave this video out, or None to download it (or when what is
    known of it does not decide: see `undecided`)."""
    kind = kind_of(info, tab)
    if not wants_tab(filters, kind):
        return "a Short" if kind == SHORT else "a livestream"
    title = info.get("title") or ""
    if filters.get("title_matches") and title and not re.search(filters["title_matches"],
                                                                 title, re.IGNORECASE):
        return f"its title does not match {filters['title_matches']!r}"
    if filters.get("title_excludes") and title and re.search(filters["title_excludes"], title,
                                                             re.IGNORECASE):
        return f"its title matches {filters['title_excludes']!r}"
    duration = info.get("duration")
    if isinstance(duration, (int, float)):
        if filters.get("min_duration_s") is not None and duration < filters["min_duration_s"]:
            return f"shorter than {_length(filters['min_duration_s'])}"
        if filters.get("max_duration_s") is not None and duration > filters["max_duration_s"]:
            return f"longer than {_length(filters['max_duration_s'])}"
    published = _published(info)
    after = (filters.get("published_after") or "").replace("-", "")
    if after and published and published < after:
        return f"published before {filters['published_after']}"
    return None


def undecided(info: dict[str, Any], filters: dict[str, Any]) -> bool:
    """True when a filter needs what this listing entry does not say (its length, its
    date, its title): the download decides once it has read the video."""
    if (filters.get("min_duration_s") is not None or filters.get("max_duration_s")
            is not None) and not isinstance(info.get("duration"), (int, float)):
        return True
    if filters.get("published_after") and not _published(info):
        return True
    return bool((filters.get("title_matches") or filters.get("title_excludes"))
                and not info.get("title"))


def _published(info: dict[str, Any]) -> str | None:
    date = info.get("upload_date") or info.get("release_date")
    if isinstance(date, str) and re.fullmatch(r"\d{8}", date):
        return date
    stamp = info.get("timestamp") or info.get("release_timestamp")
    if isinstance(stamp, (int, float)):
        return datetime.fromtimestamp(stamp, UTC).strftime("%Y%m%d")
    return None


def _length(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    if minutes and secs:
        return f"{minutes} min {secs} s"
    return f"{minutes} min" if minutes else f"{secs} s"
