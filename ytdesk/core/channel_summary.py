"""Each subscription with its counts (videos its listings showed, downloaded, not yet
watched), read in one query whatever the number of channels: for the channel list and
`ytdesk-cli channels`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import peewee as pw

from .channels import Followed, all_followed
from .models import SubscriptionEntry, Video


@dataclass(frozen=True)
class ChannelSummary:
    followed: Followed
    video_count: int  # videos its listings showed (downloaded or not)
    downloaded_count: int  # of which the library holds the file
    unwatched_count: int  # downloaded and not yet watched


def summaries() -> list[ChannelSummary]:
    """Every subscription, by group then title, with its counts."""
    downloaded = Video.filepath.is_null(False)
    rows: Any = (
        SubscriptionEntry.select(
            SubscriptionEntry.subscription,
            pw.fn.COUNT(SubscriptionEntry.id),
            pw.fn.SUM(downloaded.cast("INTEGER")),
            pw.fn.SUM((downloaded & (Video.watched == False)).cast("INTEGER")))  # noqa: E712
        .join(Video, on=SubscriptionEntry.video == Video.id)
        .group_by(SubscriptionEntry.subscription)
        .tuples())
    counts = {row[0]: row[1:] for row in rows}
    return [ChannelSummary(f, *(int(n or 0) for n in counts.get(f.id, (0, 0, 0))))
            for f in all_followed()]
