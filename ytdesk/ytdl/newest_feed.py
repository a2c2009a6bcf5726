"""A site's cheap feed of a channel's newest uploads (YouTube's RSS lists the 15 newest):
one small request that says whether there is anything new at all, so a sync lists the
channel itself only when there is (Pinchflat's "fast indexing").

The feed's address is learnt from what the first full listing said of the channel (its
extractor and channel id), kept on the subscription, and read by later syncs.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from .engine import Engine

FeedOf = Callable[[dict[str, Any]], str | None]
MOST_BYTES = 2_000_000  # a feed of 15 entries is some 40 kB; more is not a feed

_YOUTUBE_CHANNEL = re.compile(r"UC[\w-]{22}")
_YOUTUBE_PLAYLIST = re.compile(r"(?:PL|UU|OLAK5uy_)[\w-]{10,}")


def _youtube(info: dict[str, Any]) -> str | None:
    """A channel (or one of its tabs) or a playlist, by yt-dlp's YoutubeTab extractor."""
    list_id = str(info.get("id") or "")
    if _YOUTUBE_PLAYLIST.fullmatch(list_id):
        return f"https://www.youtube.com/feeds/videos.xml?playlist_id={list_id}"
    channel_id = str(info.get("channel_id") or "")
    if _YOUTUBE_CHANNEL.fullmatch(channel_id) and list_id in (channel_id, ""):
        return f"https://www.youtube.com/feeds/videos.xml?channel_id={channel_id}"
    return None


# By yt-dlp extractor key: how the feed's address follows from the listing's info.
FEEDS: dict[str, FeedOf] = {"YoutubeTab": _youtube}


def feed_of(info: dict[str, Any]) -> str | None:
    finder = FEEDS.get(str(info.get("extractor_key") or ""))
    address = finder(info) if finder else None
    return address if address and address.startswith(("https://", "http://")) else None


def read(engine: Engine, address: str) -> list[dict[str, Any]]:
    """The feed's videos, newest first, as listing entries (address, extractor, id,
    title). Raises when the feed cannot be read or is not a feed: the caller lists the
    channel instead."""
    with engine.ydl.urlopen(address) as response:
        body = response.read(MOST_BYTES + 1)
    if len(body) > MOST_BYTES:
        raise ValueError(f"{address} is larger than a feed of newest uploads")
    root = ET.fromstring(body)  # Python 3.11+ expat refuses entity-expansion bombs
    found = []
    for element in root.iter():
        if _local(element.tag) not in ("entry", "item"):
            continue
        entry = engine.entry_of_url(_link_of(element) or "")
        if entry is not None:
            title = next((child.text for child in element if _local(child.tag) == "title"),
                         None)
            found.append({**entry, "title": (title or "").strip() or None})
    return found


def _link_of(element: ET.Element) -> str | None:
    for child in element:
        if _local(child.tag) != "link":
            continue
        href = child.get("href") or (child.text or "").strip()
        if href and child.get("rel", "alternate") == "alternate":
            return href
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
