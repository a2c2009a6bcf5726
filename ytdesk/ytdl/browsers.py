"""Which browsers yt-dlp could read cookies from here, and their profiles: the preset
editor offers only these. Found where yt-dlp itself looks (its own lists of folders per
browser and OS), and only folders are looked at: no cookie is read until a download asks."""

from __future__ import annotations

import glob
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from yt_dlp import cookies as ytdlp_cookies

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Browser:
    name: str  # as yt-dlp's --cookies-from-browser names it: "firefox", "chrome"...
    profiles: tuple[str, ...]  # the profiles that hold cookies ("" when it has none)


def installed() -> list[Browser]:
    """The browsers with a cookie store in this user's folders, in yt-dlp's order."""
    found = []
    for name in sorted(ytdlp_cookies.SUPPORTED_BROWSERS):
        try:
            profiles = _profiles(name)
        except Exception as exc:  # yt-dlp's internals moved: offer nothing rather than fail
            log.debug("cannot look for %s: %s", name, exc)
            continue
        if profiles is not None:
            found.append(Browser(name, tuple(profiles)))
    return found


def _profiles(name: str) -> list[str] | None:
    """The profile names of a browser that is there (possibly none), or None."""
    if name == "firefox":
        databases = list(ytdlp_cookies._firefox_cookie_dbs(ytdlp_cookies._firefox_browser_dirs()))
        if not databases:
            return None
        return sorted({Path(db).parent.name for db in databases})
    if name == "safari":
        store = Path("~/Library/Cookies/Cookies.binarycookies").expanduser()
        return [] if sys.platform == "darwin" and store.exists() else None
    settings = ytdlp_cookies._get_chromium_based_browser_settings(name)
    root = Path(settings["browser_dir"])
    if not root.is_dir():
        return None
    if not settings.get("supports_profiles"):
        return []
    stores = glob.glob(os.path.join(glob.escape(str(root)), "*", "Cookies")) + glob.glob(
        os.path.join(glob.escape(str(root)), "*", "Network", "Cookies"))
    names = {Path(store).parent.name if Path(store).parent.name != "Network"
             else Path(store).parent.parent.name for store in stores}
    return sorted(names)
