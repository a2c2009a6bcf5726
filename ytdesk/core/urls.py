"""Checking what people paste before anything is stored: http(s) URLs only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from .credentials import redact

MAX_URL_LENGTH = 2048  # what browsers and servers reliably accept; longer is not a real link

# Hosts that are one site to the scheduler: a per-site limit must hold across them.
SITE_ALIASES = {
    "youtu.be": "youtube.com",
    "youtube-nocookie.com": "youtube.com",
}
_SUBDOMAINS_OF_THE_SAME_SITE = ("www.", "m.", "music.", "mobile.")


@dataclass(frozen=True)
class Accepted:
    url: str  # the cleaned URL
    reason: None

    @property
    def ok(self) -> Literal[True]:
        return True


@dataclass(frozen=True)
class Rejected:
    url: None
    reason: str  # a sentence saying what is wrong

    @property
    def ok(self) -> Literal[False]:
        return False


# Two classes, so that after `if checked.ok:` a type checker knows `url` is a str.
UrlCheck = Accepted | Rejected


def _shown(text: str, limit: int = 60) -> str:
    text = redact(text)  # the sentence is printed and logged: never with a password in it
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_url(text: str) -> UrlCheck:
    """Accept an http(s) URL with a host; say plainly why anything else is refused."""
    candidate = (text or "").strip()
    if not candidate:
        return Rejected(None, "The address is empty.")
    if len(candidate) > MAX_URL_LENGTH:
        return Rejected(None, f"The address is {len(candidate):,} characters long; "
                              f"a real link is at most {MAX_URL_LENGTH:,}.")
    if any(ch.isspace() or ord(ch) < 32 for ch in candidate):
        return Rejected(None, f"'{_shown(candidate)}' is not a web address (it contains spaces "
                              "or control characters).")
    try:
        parts = urlsplit(candidate)
        host = parts.hostname
        parts.port  # noqa: B018 - read for its check: it raises on a malformed port
    except ValueError:
        return Rejected(None, f"'{_shown(candidate)}' is not a valid web address.")
    scheme = parts.scheme.lower()
    if not scheme or "://" not in candidate:
        return Rejected(None, f"'{_shown(candidate)}' is not a web address; "
                              "it should start with https://.")
    if scheme not in ("http", "https"):
        return Rejected(None, f"'{_shown(candidate)}' is a {scheme}: address; "
                              "only http and https links can be downloaded.")
    if not host:
        return Rejected(None, f"'{_shown(candidate)}' has no site name after {scheme}://.")
    return Accepted(candidate, None)


_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?)]}>'\""


def find_urls(text: str) -> list[str]:
    """Every valid http(s) URL in free text (a drop, a paste, a file), in order, once each."""
    seen: dict[str, None] = {}
    for match in _URL_IN_TEXT.finditer(text or ""):
        url = match.group(0).rstrip(_TRAILING_PUNCTUATION)
        # A closing bracket that belongs to the URL (Wikipedia style) stays.
        if match.group(0)[len(url):len(url) + 1] == ")" and url.count("(") > url.count(")"):
            url += ")"
        if check_url(url).ok:
            seen.setdefault(url, None)
    return list(seen)


def site_of(url: str) -> str:
    """The scheduling key of a URL: its host, without www./m. and with known aliases joined."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    for prefix in _SUBDOMAINS_OF_THE_SAME_SITE:
        if host.startswith(prefix):
            host = host[len(prefix):]
            break
    return SITE_ALIASES.get(host, host)
