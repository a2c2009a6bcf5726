"""Logins written into addresses (`https://alice:secret@host/...`), kept out of the library.

The login is taken out of an address where it comes in, before anything is stored, and
kept like a cookie: in `credentials.json` in the data dir, readable by its user only
(0600), one login per site (scheme, host and port). Downloads from that site send it
(HTTP basic authentication, as yt-dlp does for a login in an address). Anything shown or
logged goes through `redact`, so a login that slipped into a message reads `alice:***@`.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from . import private

log = logging.getLogger(__name__)

_DEFAULT_PORTS = {"http": 80, "https": 443}
# scheme://user:password@ in any text: the password is hidden (up to the last @ before the
# path, where urlsplit ends the login too); a login without a password (a token) is hidden.
_PASSWORD_IN_TEXT = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@?#]*):[^/\s?#]*@")
_TOKEN_IN_TEXT = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://)[^/\s:@?#*]+@")
_write_lock = threading.Lock()


@dataclass(frozen=True)
class Login:
    username: str
    password: str

    def authorization(self) -> str:
        """The value of an `Authorization` header for HTTP basic authentication."""
        pair = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")


def redact(text: str) -> str:
    """`text` with every password in an address replaced by `***`."""
    if "@" not in text:
        return text
    return _TOKEN_IN_TEXT.sub(r"\1***@", _PASSWORD_IN_TEXT.sub(r"\1:***@", text))


def site_key(url: str) -> str | None:
    """What a login belongs to: scheme, host and port (`https://example.com:443`)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if not scheme or not host:
        return None
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    return f"{scheme}://{host}:{port or _DEFAULT_PORTS.get(scheme, 0)}"


def split_login(url: str) -> tuple[str, Login | None]:
    """The address without its login, and the login (None if it had none)."""
    if "@" not in url:
        return url, None
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    username, _, password = userinfo.partition(":")
    clean = urlunsplit(parts._replace(netloc=hostport))
    if not username and not password:
        return clean, None
    return clean, Login(unquote(username), unquote(password))


class Logins:
    """The logins file of one data dir. Read afresh on each `load` (another ytdesk process
    may have added one); written whole, to a new file renamed over the old one."""

    def __init__(self, path: Path):
        self.path = path

    def load(self) -> dict[str, Login]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("cannot read the saved logins in %s: %s", self.path, exc)
            return {}
        if not isinstance(raw, dict):
            return {}
        return {key: Login(str(value.get("username", "")), str(value.get("password", "")))
                for key, value in raw.items() if isinstance(value, dict)}

    def headers(self) -> dict[str, str]:
        """Each site's `Authorization` header value, by `site_key`."""
        return {key: login.authorization() for key, login in self.load().items()}

    def keep(self, logins: Mapping[str, Login]) -> None:
        """Add or replace the logins of these sites."""
        if not logins:
            return
        with _write_lock:
            merged = {**self.load(), **logins}
            text = json.dumps({key: {"username": login.username, "password": login.password}
                               for key, login in sorted(merged.items())}, indent=2)
            spare = self.path.with_name(f".{self.path.name}.{os.getpid()}.new")
            spare.unlink(missing_ok=True)
            private.create_file(spare)  # 0600 before the first byte of a password is in it
            try:
                with open(spare, "w", encoding="utf-8") as out:
                    out.write(text)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(spare, self.path)
            finally:
                spare.unlink(missing_ok=True)

    def take_out(self, urls: Iterable[str]) -> list[str]:
        """`urls` without their logins, which are kept here for their sites."""
        clean: list[str] = []
        found: dict[str, Login] = {}
        for url in urls:
            without, login = split_login(url)
            key = site_key(without) if login else None
            if login and key:
                found[key] = login
            clean.append(without)
        self.keep(found)
        return clean


class RedactingFilter(logging.Filter):
    """A log handler's filter: passwords in addresses never reach its output."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        hidden = redact(text)
        if hidden != text:
            record.msg, record.args = hidden, None
        return True
