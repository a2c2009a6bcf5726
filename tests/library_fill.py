"""A library with many videos in no time, for the channel browser's tests and benchmark:
rows written with insert_many in chunks, in one transaction (the search index's triggers
keep up), a subscription's entries written oldest first as a sync writes them."""

from __future__ import annotations

from ytdesk.core import channels
from ytdesk.core.channels import Followed
from ytdesk.core.db import transaction
from ytdesk.core.models import SubscriptionEntry, Video

CHUNK = 1_000


def follow_with_videos(url: str, title: str, count: int, *, group: str = "",
                       prefix: str | None = None) -> Followed:
    """Subscribe to `url` and give it `count` listed videos (not downloaded), numbered
    0..count-1 oldest first: "<title> video 7"."""
    followed = channels.subscribe(url, title, group=group)
    prefix = prefix or f"s{followed.id}-"
    with transaction():
        for start in range(0, count, CHUNK):
            Video.insert_many([
                dict(extractor="fakesite", video_id=f"{prefix}{n}", title=f"{title} video {n}",
                     duration=60.0 + n % 600, upload_date=f"2024{n % 12 + 1:02d}01",
                     webpage_url=f"https://example.com/watch/{prefix}{n}",
                     description=f"Number {n} of {title}.")
                for n in range(start, min(count, start + CHUNK))]).execute()
        # Entries oldest first (the order a sync writes them), from the rows just made.
        made = (Video.select(Video.id).where(Video.video_id.startswith(prefix))
                .order_by(Video.id))
        (SubscriptionEntry
         .insert_from(Video.select(followed.id, Video.id, 0.0).where(Video.id.in_(made))
                      .order_by(Video.id),
                      [SubscriptionEntry.subscription, SubscriptionEntry.video,
                       SubscriptionEntry.seen_at])
         .execute())
    return followed
