"""The videos a subscription lists: linking those a full metadata refresh found (as the
`SubscriptionEntry` rows a sync writes, so the channel lists and counts them), and finding
the downloaded ones no other subscription lists (what unsubscribing may delete), and
unsubscribing with or without them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import peewee as pw

from . import channels, video_actions
from .clock import now
from .db import transaction
from .library import Identity, find_video
from .models import Subscription, SubscriptionEntry, Video
from .video_actions import Deleted

CHUNK = 500


def link(subscription_id: int, newest_first: Sequence[Identity]) -> int:
    """Add an entry for each of these library videos the subscription does not list yet;
    how many were added. They are inserted oldest first, as a sync does, so that the
    channel's newest-first order (entry id, descending) holds for them. A subscription
    deleted meanwhile links nothing."""
    stamp = now()
    with transaction():
        if not Subscription.select().where(Subscription.id == subscription_id).exists():
            return 0
        rows = []
        for key in reversed(newest_first):
            video = find_video(*key)
            if video is not None:
                rows.append({"subscription": subscription_id, "video": video.id,
                             "seen_at": stamp})
        added = 0
        for start in range(0, len(rows), CHUNK):
            # (subscription, video) is unique: a video listed already keeps its entry
            added += (SubscriptionEntry.insert_many(rows[start:start + CHUNK])
                      .on_conflict_ignore().as_rowcount().execute())
    return added


def only_listed_by(subscription_id: int) -> list[int]:
    """The downloaded videos this subscription lists and no other subscription does."""
    other = SubscriptionEntry.alias()
    elsewhere = (other.select(other.id)
                 .where((other.video == SubscriptionEntry.video)
                        & (other.subscription != subscription_id)))
    rows: Any = (SubscriptionEntry.select(SubscriptionEntry.video)
            .join(Video, on=(SubscriptionEntry.video == Video.id))
            .where((SubscriptionEntry.subscription == subscription_id)
                   & Video.filepath.is_null(False) & ~pw.fn.EXISTS(elsewhere))
            .order_by(SubscriptionEntry.id).tuples())
    return [row[0] for row in rows]


def unsubscribe(subscription_id: int, delete_files: bool) -> Deleted | None:
    """Stop following; with `delete_files`, first delete the files of its videos no other
    subscription lists (another one still wants the rest). When one cannot be deleted the
    subscription stays, so doing it again finishes the job: the report's problems say so."""
    report = None
    if delete_files:
        report = video_actions.delete_files(only_listed_by(subscription_id))
        if report.problems:
            return report
    channels.unsubscribe(subscription_id)
    return report
