"""Subscriptions: what a user follows (a channel or one of its tabs, a playlist, a feed) and
how: folder, preset, sync interval, filters, how much of the back catalogue the first sync
takes, and retention. Adding one, or a thousand from another app's list, is one
transaction and no network: the sync job reads the sites later."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import peewee as pw

from . import jobstates as st
from .clock import now
from .db import bound, transaction
from .jobstore import PRIORITIES, NewJob, add_jobs
from .models import Job
from .models import Subscription as SubscriptionRow
from .subscription_files import Subscription as Listed
from .subscription_files import write_opml
from .urls import check_url

DEFAULT_INTERVAL_S = 6 * 3600
SHORTEST_INTERVAL_S = 15 * 60  # more often than this is hammering a site
DEFAULT_BACKFILL = "10"
FILTER_NAMES = ("include_shorts", "include_live", "min_duration_s", "max_duration_s",
                "title_matches", "title_excludes", "published_after")


class ChannelError(ValueError):
    """A subscription or one of its settings that cannot be used; the message says why."""


@dataclass(frozen=True)
class Followed:
    """A subscription as the rest of ytdesk reads it (never the peewee row)."""

    id: int
    url: str
    title: str
    group: str
    folder: str | None
    preset: str | None
    interval_s: float
    enabled: bool
    backfill: str
    filters: dict[str, Any]
    keep_newest: int | None
    delete_watched_after_days: int | None
    last_synced_at: float | None
    last_error: str | None
    avatar: str | None = None  # the address of the channel's image
    newest_feed: str | None = None  # the site's feed of its newest uploads, once learnt
    last_counts: dict[str, int] = field(default_factory=dict)  # its last sync, counted


# -- checks -----------------------------------------------------------------------------------
def check_backfill(value: Any) -> str:
    """ "none", "all" or a number of the newest videos, as text."""
    text = str(value).strip().lower()
    if text in ("none", "all") or (text.isdigit() and int(text) <= 100_000):
        return str(int(text)) if text.isdigit() else text
    raise ChannelError(f"'{value}' is not a back-catalogue choice: none, all, or how many of "
                       "the newest videos (such as 10).")


def check_interval(seconds: Any) -> float:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise ChannelError("A sync interval is a number of seconds.")
    if seconds < SHORTEST_INTERVAL_S:
        raise ChannelError("A subscription is synced at most every 15 minutes, so sites are "
                           "not asked too often.")
    return float(seconds)


def check_retention(name: str, value: Any) -> int | None:
    """keep_newest or delete_watched_after_days: a whole number from 1, or None (keep all)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        if name == "keep_newest":
            raise ChannelError("Keeping only the newest downloads needs a number of them from "
                               "1 up; leave it empty to keep them all.")
        raise ChannelError("Deleting watched videos needs a number of days from 1 up; leave "
                           "it empty to never delete them.")
    return value


def parse_interval(text: str) -> float:
    """ "6h", "30m", "2d" or seconds, as people write an interval."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text or "")
    if not found:
        raise ChannelError(f"'{text}' is not an interval; write it as 30m, 6h or 2d.")
    number = float(found.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[
        found.group(2)]
    return check_interval(number)


def check_filters(filters: Any) -> dict[str, Any]:
    """A subscription's filters, each checked; an invalid pattern is refused when saved."""
    if not isinstance(filters, dict):
        raise ChannelError("Filters are a set of names and values.")
    unknown = set(filters) - set(FILTER_NAMES)
    if unknown:
        raise ChannelError(f"There is no filter called {sorted(unknown)[0]!r}; the filters are "
                           f"{', '.join(FILTER_NAMES)}.")
    checked: dict[str, Any] = {}
    for name in ("include_shorts", "include_live"):
        if name in filters:
            if not isinstance(filters[name], bool):
                raise ChannelError(f"{name} is true or false.")
            checked[name] = filters[name]
    for name in ("min_duration_s", "max_duration_s"):
        if filters.get(name) is not None:
            value = filters[name]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ChannelError(f"{name} is a number of seconds.")
            checked[name] = float(value)
    if checked.get("min_duration_s", 0) > checked.get("max_duration_s", float("inf")):
        raise ChannelError("The shortest length is longer than the longest; nothing would "
                           "ever be downloaded.")
    for name in ("title_matches", "title_excludes"):
        if filters.get(name):
            pattern = filters[name]
            try:
                re.compile(pattern)
            except (re.error, TypeError) as error:
                raise ChannelError(f"The title pattern {pattern!r} is not a valid regular "
                                   f"expression: {error}.") from None
            checked[name] = pattern
    if filters.get("published_after"):
        try:
            checked["published_after"] = date.fromisoformat(
                str(filters["published_after"])).isoformat()
        except ValueError:
            raise ChannelError(f"'{filters['published_after']}' is not a date; write it as "
                               "2026-01-31.") from None
    return checked


def check_folder(folder: Any) -> str | None:
    """A subscription's own download folder: a full path (a relative one would mean one
    thing to the download and another to clean-up), or nothing for the usual folder."""
    if folder is not None and not isinstance(folder, str):
        raise ChannelError("A subscription's folder is a path, or nothing for the usual "
                           "folder.")
    text = (folder or "").strip()
    if not text:
        return None
    if not os.path.isabs(os.path.expanduser(text)):
        raise ChannelError(f"The download folder '{text}' is not a full path; choose one "
                           "with Browse…, or leave it empty for the usual folder.")
    return os.path.expanduser(text)


# -- changing ---------------------------------------------------------------------------------
def subscribe(url: str, title: str | None = None, *, group: str = "",
              interval_s: float = DEFAULT_INTERVAL_S, backfill: Any = DEFAULT_BACKFILL,
              preset: str | None = None, folder: str | None = None,
              filters: dict[str, Any] | None = None, keep_newest: int | None = None,
              delete_watched_after_days: int | None = None, enabled: bool = True) -> Followed:
    """Follow `url`; everything is checked first, and a refusal changes nothing."""
    checked = check_url(url)
    if not checked.ok:
        raise ChannelError(checked.reason)
    if not isinstance(enabled, bool):
        raise ChannelError("enabled is true or false.")
    values = dict(url=checked.url, title=(title or "").strip() or checked.url,
                  group_name=group.strip(), interval_s=check_interval(interval_s),
                  backfill=check_backfill(backfill), preset=preset,
                  folder=check_folder(folder),
                  filters=json.dumps(check_filters(filters or {}), sort_keys=True),
                  keep_newest=check_retention("keep_newest", keep_newest),
                  delete_watched_after_days=check_retention("delete_watched_after_days",
                                                            delete_watched_after_days),
                  enabled=enabled, created_at=now(), updated_at=now())
    with transaction():
        if SubscriptionRow.select().where(SubscriptionRow.url == checked.url).exists():
            raise ChannelError(f"You already follow {checked.url}.")
        row_id = SubscriptionRow.insert(**values).execute()
    return get(row_id)


def import_listed(items: list[Listed], **defaults: Any) -> tuple[list[Followed], int]:
    """Follow every listed item not followed already, in one transaction and without going
    to the sites: (the new subscriptions, how many were there already)."""
    interval = check_interval(defaults.get("interval_s", DEFAULT_INTERVAL_S))
    backfill = check_backfill(defaults.get("backfill", DEFAULT_BACKFILL))
    stamp = now()
    with transaction():
        known = {row[0] for row in bound().execute(SubscriptionRow.select(SubscriptionRow.url))}
        fresh = []
        for item in items:
            checked = check_url(item.url)
            if checked.ok and checked.url not in known:
                known.add(checked.url)
                fresh.append(dict(url=checked.url, title=item.title or checked.url,
                                  group_name=item.group, interval_s=interval,
                                  backfill=backfill, filters="{}", created_at=stamp,
                                  updated_at=stamp))
        for start in range(0, len(fresh), 500):
            SubscriptionRow.insert_many(fresh[start:start + 500]).execute()
        added = [row["url"] for row in fresh]
    rows = SubscriptionRow.select().where(SubscriptionRow.url.in_(added)) if added else []
    by_url = {row.url: _followed(row) for row in rows}
    return [by_url[url] for url in added], len(items) - len(added)


def unsubscribe(subscription_id: int) -> None:
    with transaction():
        if not SubscriptionRow.delete().where(SubscriptionRow.id == subscription_id).execute():
            raise ChannelError(f"There is no subscription {subscription_id}.")


def queue_syncs(subscription_ids: list[int], priority: int = PRIORITIES["normal"]) -> list[int]:
    """A `sync` job for each of these subscriptions that has none queued or running (asking
    twice never lists a channel twice); the ids of the jobs that sync them, old or new.
    The videos a sync finds are queued at background priority whatever this one's."""
    wanted = list(dict.fromkeys(subscription_ids))
    with transaction():
        rows = {row.id: row for row in SubscriptionRow.select().where(
            SubscriptionRow.id.in_(wanted))} if wanted else {}
        missing = [i for i in wanted if i not in rows]
        if missing:
            raise ChannelError(f"There is no subscription {missing[0]}.")
        active = {}
        for job in Job.select(Job.id, Job.payload).where(
                (Job.kind == "sync") & Job.status.in_(st.ACTIVE)):
            try:
                active[json.loads(job.payload).get("subscription_id")] = job.id
            except (json.JSONDecodeError, AttributeError):
                continue
        fresh = [i for i in wanted if i not in active]
        new_ids = add_jobs(NewJob("sync", rows[i].url, {"subscription_id": i}, priority,
                                  title=rows[i].title) for i in fresh)
    made = dict(zip(fresh, new_ids, strict=True))
    return [active.get(i) or made[i] for i in wanted]


def queue_all_syncs() -> list[int]:
    """Sync all now: every enabled subscription (a sync already queued or running counts)."""
    with transaction():
        ids = [row.id for row in SubscriptionRow.select(SubscriptionRow.id)
               .where(SubscriptionRow.enabled).order_by(SubscriptionRow.id)]
        newest = Job.select(pw.fn.MAX(Job.id)).scalar() or 0
        return [i for i in (queue_syncs(ids) if ids else []) if i > newest]  # only new ones


# What a user edits of a subscription, and the column each is kept in.
EDITABLE = {"title": "title", "group": "group_name", "folder": "folder", "preset": "preset",
            "interval_s": "interval_s", "enabled": "enabled", "backfill": "backfill",
            "filters": "filters", "keep_newest": "keep_newest",
            "delete_watched_after_days": "delete_watched_after_days"}


def update(subscription_id: int, **changes: Any) -> Followed:
    """Change a subscription's settings; every change is checked first, and a refusal
    (a sentence) changes nothing."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ChannelError(f"A subscription has no setting called {unknown[0]!r}; the "
                           f"settings are {', '.join(EDITABLE)}.")
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name in ("title", "group"):
            if not isinstance(value, str):
                raise ChannelError(f"A subscription's {name} is text.")
            value = value.strip()
        elif name == "folder":
            value = check_folder(value)
        elif name == "preset":
            if value is not None and not isinstance(value, str):
                raise ChannelError(f"A subscription's {name} is a name, or nothing for the "
                                   "default.")
            value = (value or "").strip() or None
        elif name == "enabled":
            if not isinstance(value, bool):
                raise ChannelError("enabled is true or false.")
        elif name == "filters":
            value = json.dumps(check_filters(value), sort_keys=True)
        elif name in ("keep_newest", "delete_watched_after_days"):
            value = check_retention(name, value)
        elif name == "interval_s":
            value = check_interval(value)
        elif name == "backfill":
            value = check_backfill(value)
        values[EDITABLE[name]] = value
    with transaction():
        row = SubscriptionRow.get_or_none(SubscriptionRow.id == subscription_id)
        if row is None:
            raise ChannelError(f"There is no subscription {subscription_id}.")
        if values.get("title") == "":
            values["title"] = row.url  # as when subscribing without a name
        if values:
            values["updated_at"] = now()
            SubscriptionRow.update(**values).where(
                SubscriptionRow.id == subscription_id).execute()
    return get(subscription_id)


# -- reading ----------------------------------------------------------------------------------
def get(subscription_id: int) -> Followed:
    row = SubscriptionRow.get_or_none(SubscriptionRow.id == subscription_id)
    if row is None:
        raise ChannelError(f"There is no subscription {subscription_id}.")
    return _followed(row)


def all_followed() -> list[Followed]:
    """By group, then title (case-insensitive)."""
    rows = SubscriptionRow.select().order_by(SubscriptionRow.group_name,
                                             pw.fn.lower(SubscriptionRow.title))
    return [_followed(row) for row in rows]


def export_opml() -> bytes:
    return write_opml([Listed(f.url, f.title, f.group) for f in all_followed()])


def _followed(row: SubscriptionRow) -> Followed:
    # Damaged outside ytdesk: no filters rather than no subscription.
    return Followed(row.id, row.url, row.title, row.group_name, row.folder, row.preset,
                    row.interval_s, bool(row.enabled), row.backfill,
                    _json_dict(row.filters), row.keep_newest,
                    row.delete_watched_after_days, row.last_synced_at, row.last_error,
                    avatar=row.avatar, newest_feed=row.newest_feed,
                    last_counts=_json_dict(row.last_counts))


def _json_dict(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}
