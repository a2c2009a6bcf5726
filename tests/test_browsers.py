"""Cookies from a browser: only the browsers (and profiles) with a cookie store in this
user's folders are offered, found where yt-dlp itself looks."""

from __future__ import annotations

import sys

import pytest

from ytdesk.ytdl import browsers

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the folders are Linux's here")


def test_only_browsers_with_a_cookie_store_are_offered(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    assert browsers.installed() == []

    firefox = tmp_path / ".mozilla" / "firefox" / "abcd.default-release"
    firefox.mkdir(parents=True)
    (firefox / "cookies.sqlite").write_bytes(b"")
    for profile in ("Default", "Profile 2"):
        store = tmp_path / ".config" / "google-chrome" / profile / "Network"
        store.mkdir(parents=True)
        (store / "Cookies").write_bytes(b"")
    (tmp_path / ".config" / "chromium").mkdir()  # installed, never used: no profiles yet

    found = {b.name: b.profiles for b in browsers.installed()}
    assert found == {"firefox": ("abcd.default-release",), "chrome": ("Default", "Profile 2"),
                     "chromium": ()}
