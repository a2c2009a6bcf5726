"""What the channel browser reads, a page at a time: a channel's videos newest first and
the whole library's search hits, as plain cards. Pages are keyset pages (each starts
after the last card of the one before), never OFFSET: the 500th page of a 100,000-video
channel costs what the first does. Run these off the GUI thread."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import peewee as pw

from . import jobstates as st
from .channel_summary import ChannelSummary, summaries
from .channels import all_followed
from .jobstore import chunks
from .library import fts_query
from .models import Job, Subscription, SubscriptionEntry, Video

PAGE = 200


@dataclass(frozen=True)
class VideoCard:
    """A video as the browser shows it."""

    id: int  # the library's video id
    key: int  # where the next page starts after: the entry id (a channel), the video id (search)
    title: str
    duration: float | None
    upload_date: str | None  # YYYYMMDD as the site gave it
    thumbnail: str | None  # its image's address
    filepath: str | None
    downloaded: bool  # the library holds its file and the file is there
    watched: bool
    favourite: bool
    deleted: bool  # its file was deleted on purpose: a sync never fetches it again
    missing: bool  # its file was gone when cleanup looked
    left_out: str | None  # why its channel's sync did not download it
    webpage_url: str | None
    channel: str | None  # the channel's name as the site gives it
    subscription_id: int | None  # a subscription that lists it (for re-downloading)


@dataclass(frozen=True)
class ChannelRow:
    """A subscription in the channel list: its summary and its image's address."""

    summary: ChannelSummary
    avatar: str | None
    counted: bool = True  # False: the counts are not read yet (they read as 0)

    @property
    def id(self) -> int:
        return self.summary.followed.id


def channels(counted: bool = True) -> list[ChannelRow]:
    """Every subscription, by group then title, with its image and, when `counted`, its
    counts (two queries whatever the number of channels; counting reads every entry of
    the library, so the first list on screen is read without them)."""
    query: Any = Subscription.select(Subscription.id, Subscription.avatar).tuples()
    avatars: dict[int, str | None] = dict(query)
    found = summaries() if counted else [ChannelSummary(f, 0, 0, 0) for f in all_followed()]
    return [ChannelRow(summary, avatars.get(summary.followed.id), counted)
            for summary in found]


_VIDEO_COLUMNS = (Video.id, Video.title, Video.duration, Video.upload_date, Video.thumbnail,
                  Video.filepath, Video.watched, Video.favourite, Video.deleted_at,
                  Video.missing_since, Video.webpage_url, Video.channel)


def _card(key: int, left_out: str | None, subscription_id: int | None,
          row: tuple[Any, ...]) -> VideoCard:
    (video_id, title, duration, upload_date, thumbnail, filepath, watched, favourite,
     deleted_at, missing_since, webpage_url, channel) = row
    return VideoCard(
        id=video_id, key=key, title=title or webpage_url or f"Video {video_id}",
        duration=duration, upload_date=upload_date, thumbnail=thumbnail, filepath=filepath,
        downloaded=bool(filepath) and os.path.exists(filepath), watched=bool(watched),
        favourite=bool(favourite), deleted=deleted_at is not None,
        missing=missing_since is not None, left_out=left_out, webpage_url=webpage_url,
        channel=channel, subscription_id=subscription_id)


def videos_of(subscription_id: int, after: int | None = None,
              limit: int = PAGE) -> list[VideoCard]:
    """A page of a subscription's videos, newest first (the order its syncs found them:
    entries are written oldest first), starting after the card whose key is `after`."""
    query = (SubscriptionEntry
             .select(SubscriptionEntry.id, SubscriptionEntry.left_out, *_VIDEO_COLUMNS)
             .join(Video, on=SubscriptionEntry.video == Video.id)
             .where(SubscriptionEntry.subscription == subscription_id))
    if after is not None:
        query = query.where(SubscriptionEntry.id < after)
    rows: Any = query.order_by(SubscriptionEntry.id.desc()).limit(limit).tuples()
    return [_card(row[0], row[1], subscription_id, row[2:]) for row in rows]


# The newest matches come straight from the index, by rowid, a page at a time: a word
# found in 100,000 videos costs one page, not all of them.
_HITS = "id IN (SELECT rowid FROM video_fts WHERE video_fts MATCH ? ORDER BY rowid DESC LIMIT ?)"
_HITS_AFTER = ("id IN (SELECT rowid FROM video_fts WHERE video_fts MATCH ? AND rowid < ? "
               "ORDER BY rowid DESC LIMIT ?)")


def search(text: str, after: int | None = None, limit: int = PAGE) -> list[VideoCard]:
    """A page of the library's videos matching every word of `text` (as prefixes), newest
    in the library first, starting after the card whose key is `after`."""
    match = fts_query(text)
    if match is None:
        return []
    hits = (pw.SQL(_HITS, (match, limit)) if after is None
            else pw.SQL(_HITS_AFTER, (match, after, limit)))
    listed_in = (SubscriptionEntry.select(pw.fn.MIN(SubscriptionEntry.subscription))
                 .where(SubscriptionEntry.video == Video.id))
    rows: Any = (Video.select(listed_in, *_VIDEO_COLUMNS).where(hits)
            .order_by(Video.id.desc()).tuples())
    return [_card(row[1], None, row[0], row[1:]) for row in rows]


def cards(video_ids: Iterable[int], subscription_id: int | None = None) -> dict[int, VideoCard]:
    """These videos' cards as they are now (after a change made to them), by video id;
    the key is left 0: a card read again keeps the place it had."""
    found: dict[int, VideoCard] = {}
    for chunk in chunks(list(video_ids)):
        left_out: dict[int, str | None] = {}
        if subscription_id is not None:
            entries: Any = (SubscriptionEntry
                            .select(SubscriptionEntry.video, SubscriptionEntry.left_out)
                            .where((SubscriptionEntry.subscription == subscription_id)
                                   & SubscriptionEntry.video.in_(chunk)).tuples())
            left_out = dict(entries)
        rows: Any = Video.select(*_VIDEO_COLUMNS).where(Video.id.in_(chunk)).tuples()
        for row in rows:
            found[row[0]] = _card(0, left_out.get(row[0]), subscription_id, row)
    return found


def _subscription_of(payload: str) -> int | None:
    try:
        value = json.loads(payload or "{}").get("subscription_id")
    except (json.JSONDecodeError, AttributeError):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def running_syncs() -> dict[int, int]:
    """Sync jobs running now: job id -> the subscription each one syncs."""
    rows: Any = Job.select(Job.id, Job.payload).where((Job.kind == "sync")
                                                 & (Job.status == st.RUNNING)).tuples()
    found = {job_id: _subscription_of(payload) for job_id, payload in rows}
    return {job_id: sid for job_id, sid in found.items() if sid is not None}


def sync_jobs(job_ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    """Of these jobs, the sync jobs: job id -> (the subscription it syncs, its status)."""
    found: dict[int, tuple[int, str]] = {}
    for chunk in chunks(list(job_ids)):
        rows: Any = (Job.select(Job.id, Job.payload, Job.status)
                     .where(Job.id.in_(chunk) & (Job.kind == "sync")).tuples())
        for job_id, payload, status in rows:
            sid = _subscription_of(payload)
            if sid is not None:
                found[job_id] = (sid, status)
    return found
