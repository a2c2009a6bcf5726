"""Every setting, declared once (name, type, default, description), read through one accessor.

Values are stored as JSON in the `setting` table; a setting never stored reads as its default.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .day_periods import PeriodError, check_period, check_schedule
from .db import transaction
from .models import Setting
from .paths import default_download_dir

FRESH_FOR_S = 1.0  # how long stored values are trusted without reading them again



@dataclass(frozen=True)
class SettingSpec:
    name: str
    type: type
    default: Any
    description: str
    choices: tuple | None = None
    minimum: float | None = None
    maximum: float | None = None  # for an editor's range; values are not refused above it
    check: Callable[[Any], Any] | None = None  # reads a text value (raises with a sentence)


SPECS: dict[str, SettingSpec] = {spec.name: spec for spec in (
    SettingSpec("download_dir", str, "", "Folder videos are saved in (empty: Videos/ytdesk)."),
    SettingSpec("default_preset", str, "best", "The preset new downloads use."),
    SettingSpec("speed_limit_kbps", int, 0, "Most kilobytes a second for any one download "
                "(0: no limit); a preset's own lower limit still applies.", minimum=0,
                maximum=10_000_000),
    SettingSpec("sponsorblock_api", str, "", "SponsorBlock's address (empty: "
                "https://sponsor.ajay.app, yt-dlp's default)."),
    SettingSpec("concurrency", int, 3, "Downloads running at once.", minimum=1),
    SettingSpec("per_site_concurrency", int, 2, "Downloads running at once from one site.",
                minimum=1),
    SettingSpec("retry_attempts", int, 5, "Attempts before a job is given up.", minimum=1),
    SettingSpec("retry_base_seconds", float, 5.0, "First retry waits this long.", minimum=0),
    SettingSpec("retry_factor", float, 2.0, "Each retry waits this many times longer.",
                minimum=1),
    SettingSpec("retry_cap_seconds", float, 300.0, "No retry waits longer than this.",
                minimum=0),
    SettingSpec("rate_limit_hold_seconds", float, 120.0,
                "How long a site that said 'too many requests' is left alone.", minimum=0),
    SettingSpec("rate_limit_hold_cap_seconds", float, 3600.0,
                "Longest hold of a site that keeps saying 'too many requests'.", minimum=0),
    SettingSpec("socket_timeout", float, 20.0, "Seconds without data before a connection "
                "counts as dropped.", minimum=1),
    SettingSpec("stall_seconds", float, 60.0, "Seconds a download may wait without "
                "receiving a byte before it is stopped and tried again.", minimum=1),
    SettingSpec("sync_check_seconds", float, 60.0, "Longest the subscription scheduler "
                "sleeps before looking at the clock again (so it notices a computer that "
                "slept).", minimum=0.05),
    SettingSpec("background_sync", bool, True, "Sync each subscription when it is due."),
    SettingSpec("sync_spread_seconds", float, 600.0, "Due syncs are spread over up to this "
                "long (never more than a tenth of their interval), not started all at once.",
                minimum=0),
    SettingSpec("quiet_hours", str, "", "No background syncs or downloads between these "
                "times, e.g. 23:00-07:00 (empty: off).", check=check_period),
    SettingSpec("speed_schedule", str, "", "Speed limits by time of day in KB/s, e.g. "
                "09:00-18:00 500; running downloads follow it (empty: off).",
                check=check_schedule),
    SettingSpec("site_hold_pause_seconds", float, 5.0, "The polite pause between two "
                "downloads of a sync from one site, doubled for each time the site held "
                "ytdesk back.", minimum=0),
    SettingSpec("syncs_at_once", int, 2, "Most subscription syncs queued at a time, so a "
                "thousand new subscriptions are not listed all at once.", minimum=1),
    SettingSpec("ask_before_adding", bool, False, "Show the add dialog for a dropped URL."),
    SettingSpec("ask_before_quitting", bool, True, "Ask before closing the window while "
                "downloads run (they stop, and continue at the next start)."),
    SettingSpec("autoplay_next", bool, True, "When a video ends, the player plays the next "
                "one of its queue."),
    SettingSpec("skip_sponsor_segments", bool, False, "The player skips the sponsor, intro "
                "and other SponsorBlock segments a download marked, saying so."),
    SettingSpec("start_minimised", bool, False, "Start in the tray, without the window."),
    SettingSpec("close_to_tray", bool, True, "Closing the window keeps ytdesk running in the "
                "system tray (where there is one); Quit in the tray's menu ends it."),
    SettingSpec("tray_notice_shown", bool, False, "The one-time notice that closing the "
                "window keeps ytdesk in the tray was shown."),
    SettingSpec("notify_new_videos", bool, True, "Tell me when a channel's sync downloaded "
                "new videos."),
    SettingSpec("notify_failed", bool, True, "Tell me when a download failed for good."),
    SettingSpec("notify_paused", bool, True, "Tell me when the queue paused (disk full, a "
                "folder that cannot be written)."),
    SettingSpec("notify_site_held", bool, True, "Tell me when a site is left alone for a "
                "while (it said 'too many requests' or asked for a sign-in)."),
    SettingSpec("notify_every_seconds", float, 5.0, "Fewest seconds between two "
                "notifications; what happens meanwhile is told together.", minimum=0),
    SettingSpec("watch_clipboard", bool, False, "Offer to download a video link when one "
                "is copied (never added without asking)."),
    SettingSpec("tools_check_daily", bool, True, "Once a day, at start, look for a newer "
                "yt-dlp (and the yt-dlp-ejs it needs) and switch to it once it passed its "
                "self-check (never while the window waits)."),
    SettingSpec("tools_channel", str, "stable", "Which yt-dlp releases to follow: stable, "
                "or pre-release (nightly builds, fixed sooner).",
                choices=("stable", "pre-release")),
    SettingSpec("tools_index_url", str, "", "The package index yt-dlp updates come from "
                "(its JSON API; empty: $YTDESK_TOOLS_INDEX_URL, else https://pypi.org/pypi)."),
    SettingSpec("window_geometry", str, "", "The main window's size and place (Qt, base64)."),
    SettingSpec("window_state", str, "", "The main window's toolbars and docks (Qt, base64)."),
    SettingSpec("job_columns", str, "", "The job list's column widths and order (Qt, base64)."),
)}


class SettingError(ValueError):
    """A setting name or value that cannot be used; the message says why."""


def _coerce(spec: SettingSpec, value: Any) -> Any:
    try:
        if spec.type is bool and isinstance(value, str):
            lowered = value.strip().lower()
            if lowered not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
                raise ValueError(value)
            coerced = lowered in ("true", "1", "yes", "on")
        else:
            coerced = spec.type(value)
    except (TypeError, ValueError):
        raise SettingError(f"{spec.name} must be a {spec.type.__name__}, not {value!r}.") from None
    if spec.check is not None:
        try:
            coerced = spec.check(coerced)
        except PeriodError as exc:
            raise SettingError(f"{spec.name}: {exc}") from None
    if spec.choices and coerced not in spec.choices:
        raise SettingError(f"{spec.name} must be one of {', '.join(spec.choices)}.")
    if spec.minimum is not None and coerced < spec.minimum:
        raise SettingError(f"{spec.name} must be at least {spec.minimum:g}.")
    return coerced


class Settings:
    """The one way to read and write settings. `overrides` (from --download-dir or
    environment variables) win over stored values for this process only."""

    def __init__(self, overrides: dict[str, Any] | None = None):
        self._overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
        # Every stored value, read in one query and kept for a second: a job reads several
        # settings, a batch of small downloads reads them a hundred times a second, and a
        # change made by another process still arrives within a second.
        self._stored: dict[str, str] = {}
        self._read_at = -FRESH_FOR_S
        # Changes made here and not written yet (waiting for a busy library): they count
        # as set for this process from the moment they are made.
        self._pending: dict[str, str] = {}

    def get(self, name: str) -> Any:
        spec = self._spec(name)
        if name in self._overrides:
            return _coerce(spec, self._overrides[name])
        if time.monotonic() - self._read_at >= FRESH_FOR_S:
            self._stored = dict(Setting.select(Setting.name, Setting.value).tuples())  # type: ignore[arg-type]  # .tuples() rows
            self._read_at = time.monotonic()
        stored = self._pending.get(name, self._stored.get(name))
        if stored is None:
            return spec.default
        try:
            return _coerce(spec, json.loads(stored))
        except (SettingError, json.JSONDecodeError):
            return spec.default  # a value stored by another version: fall back, never crash

    def set(self, name: str, value: Any) -> None:
        self.set_many({name: value})

    def set_many(self, values: dict[str, Any]) -> None:
        """Write several settings together: one refused value leaves every one as it was."""
        self.store(self.stage(values))

    def stage(self, values: dict[str, Any]) -> dict[str, str]:
        """Check several values (a refused one raises SettingError and changes nothing)
        and make them this process's settings now; `store` writes what this returns (the
        window stages on its own thread and stores on a thread that may wait)."""
        coerced = {name: json.dumps(_coerce(self._spec(name), value))
                   for name, value in values.items()}
        self._pending.update(coerced)
        return coerced

    def store(self, staged: dict[str, str]) -> None:
        """Write staged values together, in one transaction."""
        with transaction():
            for name, value in staged.items():
                Setting.replace(name=name, value=value).execute()
        for name, value in staged.items():
            if self._pending.get(name) == value:  # not changed again meanwhile
                self._pending.pop(name, None)
        self._read_at = -FRESH_FOR_S  # read again, with this change

    def download_dir(self) -> Path:
        chosen = self.get("download_dir")
        return Path(chosen).expanduser() if chosen else default_download_dir()

    @staticmethod
    def _spec(name: str) -> SettingSpec:
        try:
            return SPECS[name]
        except KeyError:
            raise SettingError(f"There is no setting called {name!r}.") from None
