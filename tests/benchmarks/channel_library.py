"""A library of subscribed channels and their videos, filled fast (insert_many in chunks,
one transaction), for the benchmarks of the window and the channel browser at scale.

Each channel lists its own videos through `SubscriptionEntry`, inserted oldest first as a
sync does (so `ORDER BY subscription_entry.id DESC` is each channel's newest first); one in
three videos is downloaded, one in nine of those watched, as in a library in use."""

from __future__ import annotations

import random
from dataclasses import dataclass

from ytdesk.core.db import transaction
from ytdesk.core.models import Subscription, SubscriptionEntry, Video

CHUNK = 500  # rows an insert: well under SQLite's bound-variable limit
WORDS = ["bread", "garden", "cooking", "travel", "music", "guitar", "piano", "review",
         "tutorial", "python", "painting", "running", "chess", "history", "science", "space",
         "ocean", "mountain", "city", "night", "coffee", "camera", "repair", "vintage"]
GROUPS = ["", "Music", "Cooking", "Science", "News"]


@dataclass(frozen=True)
class Filled:
    channels: int
    videos: int


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        model.insert_many(rows[start:start + CHUNK]).execute()


def fill(channels: int = 1_000, videos: int = 100_000, seed: int = 9) -> Filled:
    """`channels` subscriptions listing `videos` videos between them (evenly), written in
    one transaction into the library the models are bound to."""
    rng = random.Random(seed)
    per_channel = videos // channels
    stamp = 1_780_000_000.0
    with transaction():
        first = Subscription.select().count() + 1
        _insert(Subscription, [
            dict(url=f"https://www.youtube.com/channel/UC{n:022d}", title=f"Channel {n:04d}",
                 group_name=GROUPS[n % len(GROUPS)], interval_s=6 * 3600.0, backfill="10",
                 filters="{}", last_synced_at=stamp - n, created_at=stamp, updated_at=stamp)
            for n in range(channels)])
        first_video = Video.select().count() + 1
        rows = []
        for n in range(channels * per_channel):
            channel, age = divmod(n, per_channel)
            words = rng.sample(WORDS, 5)
            downloaded = n % 3 == 0
            rows.append(dict(
                extractor="youtube", video_id=f"v{n:010d}", id_scope="",
                title=" ".join(words[:3]).title() + f" {age}",
                description=f"A video about {words[3]} and {words[4]}.",
                channel=f"Channel {channel:04d}", upload_date=f"2026{1 + age % 12:02d}01",
                duration=60.0 + n % 3600, view_count=n * 7,
                thumbnail=f"https://i.ytimg.com/vi/v{n:010d}/hqdefault.jpg",
                webpage_url=f"https://www.youtube.com/watch?v=v{n:010d}",
                filepath=f"/videos/Channel {channel:04d}/{n} [v{n:010d}].mp4" if downloaded
                else None,
                downloaded_at=stamp + n if downloaded else None,
                watched=downloaded and n % 9 == 0, created_at=stamp, updated_at=stamp))
        _insert(Video, rows)
        # Oldest first within each channel: the last of a channel's videos is its newest.
        _insert(SubscriptionEntry, [
            dict(subscription=first + n // per_channel, video=first_video + n, seen_at=stamp)
            for n in range(channels * per_channel)])
    return Filled(channels, channels * per_channel)
