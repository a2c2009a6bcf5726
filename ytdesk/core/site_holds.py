"""Sites that held ytdesk back (429, a bot check, 403 after working), and what the user
chose for each: cookies from a browser or a kept cookies file, used by every job of that
site from then on.

A hold is a `site_hold` row: none of the site's jobs start before its `until`. While the
row is there after that (the hold ran out, or the user chose a fix), the site runs one job
at a time (jobstore's claim): the first that gets through forgives the site (the row goes)
and the rest follow. What each site has cost us (how many holds) and its cookies are kept
in one settings-table row, by site, so no migration is needed and another process sees them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import jobstates as st
from .clock import now
from .cookies import keep
from .db import transaction
from .models import Job, Setting, SiteHold

_ROW = "site_policies"  # a row of the setting table, not a setting
WORKED_WITHIN_S = 24 * 3600  # a 403 from a site that served us this recently is a block
RELEASED = 0.0  # `until` of a hold the user released: one job of the site runs first


@dataclass(frozen=True)
class SiteCookies:
    browser: str = ""  # as yt-dlp's --cookies-from-browser names it: "firefox[:profile]"
    file: str = ""  # the name of a kept cookies file (core/cookies.py)


@dataclass(frozen=True)
class Held:
    until: float
    new: bool  # a new hold (say so); False: the site was held already (joined it)


@dataclass(frozen=True)
class Hold:
    site: str
    reason: str
    until: float


def _policies() -> dict[str, dict[str, Any]]:
    row = Setting.select(Setting.value).where(Setting.name == _ROW).tuples().first()
    try:
        found = json.loads(row[0]) if row else {}
    except (TypeError, json.JSONDecodeError):
        return {}
    return found if isinstance(found, dict) else {}


def _store(policies: dict[str, dict[str, Any]]) -> None:
    Setting.replace(name=_ROW, value=json.dumps(policies, sort_keys=True)).execute()


def hold(site: str, base_seconds: float, cap_seconds: float, reason: str) -> Held:
    """Leave a site alone; each new strike doubles the hold. A site held already is not
    struck again by its other running jobs failing the same way (one hold, one notice)."""
    stamp = now()
    with transaction():
        row = SiteHold.get_or_none(SiteHold.site == site)
        if row is not None and row.until > stamp:
            return Held(row.until, False)
        strikes = (row.strikes + 1) if row else 1
        until = stamp + min(cap_seconds, base_seconds * 2 ** (strikes - 1))
        SiteHold.replace(site=site, until=until, strikes=strikes, reason=reason).execute()
        policies = _policies()
        policy = policies.setdefault(site, {})
        policy["holds"] = int(policy.get("holds", 0)) + 1
        _store(policies)
    return Held(until, True)


def release(site: str, cookies: SiteCookies) -> str:
    """The user's fix: these cookies for the site's jobs, and its hold ended; one of its
    jobs runs first (the row stays until one gets through). Returns the site."""
    with transaction():
        policies = _policies()
        policies.setdefault(site, {})["cookies"] = asdict(cookies)
        _store(policies)
        SiteHold.update(until=RELEASED).where(SiteHold.site == site).execute()
    return site


def release_with_file(folder: Path, site: str, source: Path) -> str:
    """Keep a cookies file (user-only, in `folder`) and release the site with it; a file
    that is not a cookies file is refused with its sentence (CookiesError) and nothing
    changes."""
    return release(site, SiteCookies(file=keep(folder, source)))


def cookies_of(site: str) -> SiteCookies | None:
    found = _policies().get(site, {}).get("cookies")
    if not isinstance(found, dict):
        return None
    return SiteCookies(str(found.get("browser") or ""), str(found.get("file") or ""))


def holds_of(site: str) -> int:
    """How many times the site held us back, ever."""
    try:
        return int(_policies().get(site, {}).get("holds", 0))
    except (TypeError, ValueError):
        return 0


def worked_before(site: str) -> bool:
    """A job of this site got through lately (so its 403 is a block, not a bad address)."""
    return Job.select(Job.id).where(
        (Job.site == site) & (Job.status == st.SUCCEEDED)
        & (Job.finished_at > now() - WORKED_WITHIN_S)).exists()


def with_holds(sites: list[str]) -> set[str]:
    """Which of these sites still have a hold row (held, or not yet forgiven by a job that
    got through)."""
    return {row.site for row in SiteHold.select(SiteHold.site).where(SiteHold.site.in_(sites))}


def current() -> list[Hold]:
    """The sites held now (for a window opened during a hold)."""
    stamp = now()
    return [Hold(row.site, row.reason or "", row.until)
            for row in SiteHold.select().where(SiteHold.until > stamp).order_by(SiteHold.site)]
