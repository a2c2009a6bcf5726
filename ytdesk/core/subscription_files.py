"""Subscription lists other apps write, read by their content (never by the file's
extension): OPML (podcast apps, RSS readers, YouTube's old export), NewPipe's
subscriptions JSON, FreeTube's profiles file (one JSON object a line) and Google Takeout's
`subscriptions.csv`; and OPML written back. Reading changes nothing: it gives the list a
preview shows, duplicates already folded.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from .urls import check_url

MAX_BYTES = 20 * 1024 * 1024  # far above 10,000 subscriptions in any of these formats
YOUTUBE_CHANNEL = "https://www.youtube.com/channel/"


class SubscriptionFileError(ValueError):
    """A file that is not a subscription list ytdesk can read; the message says why."""


@dataclass(frozen=True)
class Subscription:
    url: str  # http(s), as the source names the channel, playlist or feed
    title: str
    group: str = ""  # a folder (OPML outline, FreeTube profile); "" when none


def read(data: bytes, source: str = "the file") -> tuple[str, list[Subscription]]:
    """(format name, subscriptions in file order, each URL once)."""
    if len(data) > MAX_BYTES:
        raise SubscriptionFileError(f"{source} is too large to be a list of subscriptions.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SubscriptionFileError(f"{source} is not text (UTF-8); export the subscriptions "
                                    "again from the app they come from.") from None
    stripped = text.lstrip()
    if stripped.startswith("<"):
        found = "OPML", _opml(stripped, source)
    elif stripped.startswith("{") and '"subscriptions"' in stripped.split("\n", 1)[0] \
            and '"_id"' in stripped.split("\n", 1)[0]:
        found = "FreeTube", _freetube(stripped, source)
    elif stripped.startswith("{"):
        found = "NewPipe", _newpipe(stripped, source)
    elif stripped.lower().startswith("channel id,"):
        found = "Google Takeout", _takeout(stripped)
    else:
        raise SubscriptionFileError(
            f"{source} is not a subscription list ytdesk can read: OPML, NewPipe's "
            "subscriptions JSON, FreeTube's profiles file or Google Takeout's subscriptions.csv.")
    return found[0], _once_each(found[1])


def write_opml(subscriptions: list[Subscription], title: str = "ytdesk subscriptions") -> bytes:
    """OPML 2.0: one outline a subscription, inside an outline per group."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    groups: dict[str, ET.Element] = {}
    for item in subscriptions:
        parent = body
        if item.group:
            if item.group not in groups:
                groups[item.group] = ET.SubElement(body, "outline", text=item.group,
                                                   title=item.group)
            parent = groups[item.group]
        attributes = {"text": item.title, "title": item.title, "htmlUrl": item.url}
        feed = _feed_of(item.url)
        if feed:
            attributes.update(type="rss", xmlUrl=feed)
        ET.SubElement(parent, "outline", attributes)
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


# -- the formats ---------------------------------------------------------------------------------
def _opml(text: str, source: str) -> list[Subscription]:
    if "<!DOCTYPE" in text or "<!ENTITY" in text:  # no entities: no expansion tricks
        raise SubscriptionFileError(f"{source} declares XML entities; an OPML file has none.")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise SubscriptionFileError(f"{source} is not valid OPML ({error}).") from None
    body = root.find("body")
    if root.tag != "opml" or body is None:
        raise SubscriptionFileError(f"{source} is XML but not OPML (no <opml><body>).")
    found: list[Subscription] = []

    def walk(outline: ET.Element, group: str) -> None:
        for child in outline.findall("outline"):
            url = child.get("htmlUrl") or _page_of(child.get("xmlUrl"))
            title = child.get("title") or child.get("text") or ""
            if child.get("xmlUrl") or (url and not child.findall("outline")):
                if url:
                    found.append(Subscription(url, title or url, group))
            else:
                walk(child, title or group)  # an outline of outlines is a folder

    walk(body, "")
    return found


def _newpipe(text: str, source: str) -> list[Subscription]:
    document = _json(text, source)
    items = document.get("subscriptions") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise SubscriptionFileError(f"{source} is JSON but not NewPipe's subscriptions export "
                                    '(no "subscriptions" list).')
    return [Subscription(str(item.get("url")), str(item.get("name") or item.get("url")))
            for item in items if isinstance(item, dict) and item.get("url")]


def _freetube(text: str, source: str) -> list[Subscription]:
    by_url: dict[str, Subscription] = {}  # first mention's place, a profile's group
    for line in text.splitlines():
        if not line.strip():
            continue
        profile = _json(line, source)
        if not isinstance(profile, dict):
            continue
        # "All Channels" lists everyone; the other profiles are the user's groups.
        group = "" if profile.get("_id") == "allChannels" else str(profile.get("name") or "")
        for channel in profile.get("subscriptions") or []:
            if not isinstance(channel, dict) or not channel.get("id"):
                continue
            url = YOUTUBE_CHANNEL + str(channel["id"])
            known = by_url.get(url)
            if known is None or (group and not known.group):
                by_url[url] = Subscription(url, str(channel.get("name") or channel["id"]),
                                           group)
    return list(by_url.values())


def _takeout(text: str) -> list[Subscription]:
    rows = csv.DictReader(io.StringIO(text))
    found = []
    for row in rows:
        normalised = {(key or "").strip().lower(): (value or "").strip()
                      for key, value in row.items()}
        # By the channel id where there is one: Takeout writes its addresses as http://,
        # and the same channel from NewPipe (https://) must be a duplicate, not a second one.
        url = (YOUTUBE_CHANNEL + normalised["channel id"] if normalised.get("channel id")
               else normalised.get("channel url") or "")
        if url:
            found.append(Subscription(url, normalised.get("channel title") or url))
    return found


# -- helpers ---------------------------------------------------------------------------------------
def _json(text: str, source: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SubscriptionFileError(f"{source} is not valid JSON ({error.msg}, line "
                                    f"{error.lineno}).") from None


def _page_of(feed: str | None) -> str | None:
    """A YouTube channel's page for its RSS feed; any other feed is its own address."""
    if not feed:
        return None
    parts = urlsplit(feed)
    channel = parse_qs(parts.query).get("channel_id")
    if parts.hostname and parts.hostname.endswith("youtube.com") and channel:
        return YOUTUBE_CHANNEL + channel[0]
    return feed


def _feed_of(url: str) -> str | None:
    if url.startswith(YOUTUBE_CHANNEL):
        return "https://www.youtube.com/feeds/videos.xml?channel_id=" + \
            url[len(YOUTUBE_CHANNEL):].split("/")[0]
    return None


def _once_each(found: list[Subscription]) -> list[Subscription]:
    """Only web addresses, each once (the first mention wins)."""
    seen: set[str] = set()
    kept = []
    for item in found:
        checked = check_url(item.url)
        if not checked.ok or checked.url in seen:
            continue
        seen.add(checked.url)
        kept.append(Subscription(checked.url, item.title.strip() or checked.url, item.group))
    return kept
