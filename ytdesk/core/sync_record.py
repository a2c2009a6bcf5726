"""What a sync reads from and writes to the library: which videos its subscription knows
already, and, in one transaction, the videos its listing showed (each an entry of the
subscription, with why it was left out) together with the downloads it queued for them,
so a sync cut short leaves neither entries without downloads nor downloads twice.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import peewee as pw

from .clock import now
from .db import transaction
from .jobstore import CHUNK, NewJob, add_jobs
from .library import Identity, identity, record_listed
from .models import Subscription, SubscriptionEntry, Video


@dataclass
class Counts:
    """One sync, counted: what it saw, queued, left out, could not open, found downloaded
    already, and how many requests it made to list the source."""

    seen: int = 0
    new: int = 0
    filtered: int = 0
    failed: int = 0
    in_library: int = 0
    requests: int = 0

    def sentence(self) -> str:
        parts = [f"{self.new} new of {self.seen} seen"]
        if self.filtered:
            parts.append(f"{self.filtered} left out")
        if self.in_library:
            parts.append(f"{self.in_library} already in your library")
        if self.failed:
            parts.append(f"{self.failed} could not be opened")
        parts.append(f"{self.requests} listing request{'s' if self.requests != 1 else ''}")
        return "; ".join(parts) + "."


@dataclass
class Seen:
    """A video a listing showed; left_out says why the sync does not download it."""

    info: dict[str, Any]
    left_out: str | None = None
    download: NewJob | None = None


def known_of(subscription_id: int) -> set[Identity]:
    """The videos this subscription's listings showed before."""
    rows: Any = (Video.select(Video.extractor, Video.video_id, Video.id_scope)
                 .join(SubscriptionEntry, on=SubscriptionEntry.video == Video.id)
                 .where(SubscriptionEntry.subscription == subscription_id).tuples())
    return set(rows)


def states_of(identities: list[Identity]) -> tuple[set[Identity], set[Identity]]:
    """(which have a file, which were deleted on purpose), in a query per few hundred."""
    kept, deleted = set(), set()
    key = pw.Tuple(Video.extractor, Video.video_id, Video.id_scope)
    for start in range(0, len(identities), CHUNK // 3):
        chunk = identities[start:start + CHUNK // 3]
        rows: Any = (Video.select(Video.extractor, Video.video_id, Video.id_scope,
                                  Video.filepath, Video.deleted_at)
                     .where(key.in_(chunk)).tuples())
        for extractor, video_id, scope, filepath, deleted_at in rows:
            if filepath:
                kept.add((extractor, video_id, scope))
            if deleted_at is not None:
                deleted.add((extractor, video_id, scope))
    return kept, deleted


def record(subscription_id: int, seen: list[Seen]) -> list[int]:
    """The videos, their entries (in the order given: oldest first, so a channel's newest
    entry has the highest id) and their downloads, in one transaction; the downloads' ids."""
    with transaction():
        record_listed([s.info for s in seen if identity(s.info)])
        ids = _video_ids([key for s in seen if (key := identity(s.info))])
        rows = [dict(subscription=subscription_id, video=ids[key], seen_at=now(),
                     left_out=s.left_out)
                for s in seen if (key := identity(s.info)) in ids]
        for start in range(0, len(rows), CHUNK):
            (SubscriptionEntry.insert_many(rows[start:start + CHUNK])
             .on_conflict(conflict_target=[SubscriptionEntry.subscription,
                                           SubscriptionEntry.video],
                          update={SubscriptionEntry.left_out: pw.EXCLUDED.left_out})
             .execute())
        return add_jobs([s.download for s in seen if s.download is not None])


def _video_ids(identities: list[Identity]) -> dict[Identity, int]:
    found: dict[Identity, int] = {}
    key = pw.Tuple(Video.extractor, Video.video_id, Video.id_scope)
    for start in range(0, len(identities), CHUNK // 3):
        rows: Any = (Video.select(Video.id, Video.extractor, Video.video_id, Video.id_scope)
                     .where(key.in_(identities[start:start + CHUNK // 3])).tuples())
        for video_id, *ident in rows:
            found[tuple(ident)] = video_id
    return found


def leave_out(subscription_id: int, info: dict[str, Any], reason: str) -> None:
    """A download decided (once it read the video) that the filters leave it out."""
    key = identity(info)
    if key is None:
        return
    with transaction():
        ids = _video_ids([key])
        if key in ids:
            (SubscriptionEntry.update(left_out=reason)
             .where((SubscriptionEntry.subscription == subscription_id)
                    & (SubscriptionEntry.video == ids[key])).execute())


def finished(subscription_id: int, counts: Counts, newest_feed: str | None = None,
             avatar: str | None = None) -> None:
    changes: dict[Any, Any] = {Subscription.last_synced_at: now(),
                               Subscription.last_error: None,
                               Subscription.last_counts: json.dumps(asdict(counts)),
                               Subscription.updated_at: now()}
    if newest_feed:
        changes[Subscription.newest_feed] = newest_feed
    if avatar:
        changes[Subscription.avatar] = avatar
    with transaction():
        Subscription.update(changes).where(Subscription.id == subscription_id).execute()


def failed(subscription_id: int, sentence: str) -> None:
    """The sync could not list its source: said on the subscription, tried again later."""
    with transaction():
        (Subscription.update(last_error=sentence, last_synced_at=now(), updated_at=now())
         .where(Subscription.id == subscription_id).execute())
