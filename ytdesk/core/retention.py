"""A subscription's retention rules: which of its downloaded videos they delete.

- "Keep only the newest N downloads": the subscription's videos that have a file (set and
  not marked missing) are ranked newest first by the subscription's own order (its
  listing's, `subscription_entry.id DESC`); those past the first N are deleted.
- "Delete watched videos after D days": a video marked watched more than D days ago
  (`video.watched_at`) is deleted.
- A favourite is never deleted by either rule. It still counts as one of the newest N:
  the rule keeps the newest N downloads, and keeps favourites besides.
- A video several subscriptions list (a channel and a playlist of it) is deleted only when
  the rules of every one of them delete it.

Deletions go through `video_actions.delete_files`, which remembers them, so a later sync
never downloads those videos again. Each rule is one query over the whole library (a
window function ranks every subscription's downloads at once): no query per video.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import peewee as pw

from . import video_actions
from .clock import now
from .db import bound
from .jobstore import chunks
from .models import Subscription, SubscriptionEntry, Video

DAY_S = 86_400
KEEP_NEWEST, WATCHED = "keep newest", "watched"  # why a video is deleted


@dataclass(frozen=True)
class Doomed:
    """A video retention deletes (or, on a dry run, would delete), and why."""

    video_id: int
    subscription_id: int
    title: str | None
    filepath: str
    reason: str  # KEEP_NEWEST or WATCHED


@dataclass
class RetentionReport:
    dry_run: bool
    videos: int = 0
    files: int = 0
    bytes: int = 0
    which: list[Doomed] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)  # every file, sidecars included
    problems: list[str] = field(default_factory=list)

    def sentence(self) -> str:
        verb = "Would delete" if self.dry_run else "Deleted"
        text = (f"{verb} {self.videos:,} video{'s' if self.videos != 1 else ''} by the "
                f"retention rules ({self.files:,} file{'s' if self.files != 1 else ''}, "
                f"{self.bytes / 1e6:.1f} MB)")
        if self.problems:
            text += f"; {len(self.problems):,} could not be deleted: {self.problems[0]}"
        return text + "."


def _downloaded() -> pw.Expression:
    return Video.filepath.is_null(False) & Video.missing_since.is_null()


def _past_newest(only: list[int] | None) -> list[Doomed]:
    rank = pw.fn.ROW_NUMBER().over(partition_by=[SubscriptionEntry.subscription],
                                   order_by=[SubscriptionEntry.id.desc()])
    ranked = (SubscriptionEntry
              .select(SubscriptionEntry.subscription.alias("subscription_id"),
                      Video.id.alias("video_id"), Video.title.alias("title"),
                      Video.filepath.alias("filepath"), Video.favourite.alias("favourite"),
                      Subscription.keep_newest.alias("keep"), rank.alias("rank"))
              .join(Video, on=SubscriptionEntry.video == Video.id)
              .switch(SubscriptionEntry)
              .join(Subscription, on=SubscriptionEntry.subscription == Subscription.id)
              .where(Subscription.keep_newest.is_null(False) & _downloaded()))
    if only is not None:
        ranked = ranked.where(Subscription.id.in_(only))
    ranked = ranked.alias("ranked")
    query = (pw.Select(from_list=[ranked],
                       columns=[ranked.c.video_id, ranked.c.subscription_id, ranked.c.title,
                                ranked.c.filepath])
             .where((ranked.c.rank > ranked.c.keep) & (ranked.c.favourite == False))  # noqa: E712
             .order_by(ranked.c.subscription_id, ranked.c.rank)
             .bind(bound()))
    return [Doomed(video, sub, title, path, KEEP_NEWEST)
            for video, sub, title, path in query.tuples()]


def _watched_long_ago(only: list[int] | None) -> list[Doomed]:
    query = (Video
             .select(Video.id, SubscriptionEntry.subscription, Video.title, Video.filepath)
             .join(SubscriptionEntry, on=SubscriptionEntry.video == Video.id)
             .join(Subscription, on=SubscriptionEntry.subscription == Subscription.id)
             .where(Subscription.delete_watched_after_days.is_null(False) & _downloaded()
                    & (Video.favourite == False) & (Video.watched == True)  # noqa: E712
                    & Video.watched_at.is_null(False)
                    & (Video.watched_at <= now() - Subscription.delete_watched_after_days * DAY_S))
             .order_by(Video.watched_at))
    if only is not None:
        query = query.where(Subscription.id.in_(only))
    rows: list[tuple[int, int, str | None, str]] = list(query.tuples())  # type: ignore[arg-type]  # .tuples() rows
    return [Doomed(video, sub, title, path, WATCHED) for video, sub, title, path in rows]


def _condemned(only: list[int] | None) -> list[Doomed]:
    return _past_newest(only) + _watched_long_ago(only)


def _listed_by(video_ids: list[int]) -> dict[int, set[int]]:
    """Every subscription that lists each of these videos."""
    found: dict[int, set[int]] = {}
    for chunk in chunks(sorted(set(video_ids))):
        query = (SubscriptionEntry.select(SubscriptionEntry.video, SubscriptionEntry.subscription)
                 .where(SubscriptionEntry.video.in_(chunk)).tuples())
        rows: list[tuple[int, int]] = list(query)  # type: ignore[arg-type]  # .tuples() rows
        for video, sub in rows:
            found.setdefault(video, set()).add(sub)
    return found


def plan(subscription_id: int | None = None) -> list[Doomed]:
    """What the rules of one subscription (None: of every one) delete now, each video once.
    A video several subscriptions list goes only when the rules of every one of them delete
    it: a playlist followed without rules keeps its videos whatever the channel's rules say."""
    condemned = _condemned(None if subscription_id is None else [subscription_id])
    listed_by = _listed_by([item.video_id for item in condemned])
    verdicts = {(item.subscription_id, item.video_id) for item in condemned}
    if subscription_id is not None:  # the other subscriptions' rules, for these videos
        others = sorted({sub for video, subs in listed_by.items() for sub in subs
                         if sub != subscription_id})
        for chunk in chunks(others):
            verdicts.update((item.subscription_id, item.video_id)
                            for item in _condemned(chunk))
    doomed, seen = [], set()
    for item in condemned:
        if item.video_id in seen:
            continue
        if all((sub, item.video_id) in verdicts for sub in listed_by.get(item.video_id, ())):
            seen.add(item.video_id)
            doomed.append(item)
    return doomed


def apply(subscription_id: int | None, dry_run: bool) -> RetentionReport:
    """Delete (or, on a dry run, count) what the rules of one subscription, or of every one
    (None), delete now."""
    return delete(plan(subscription_id), dry_run=dry_run)


def delete(doomed: list[Doomed], *, dry_run: bool) -> RetentionReport:
    """Delete these videos' files (a plan made earlier: cleanup's real run deletes exactly
    what it planned); a file that cannot be deleted leaves its video as it was."""
    report = RetentionReport(dry_run=dry_run, which=list(doomed))
    listed = video_actions.FolderNames()
    for item in doomed:
        report.paths.extend(os.fspath(path)
                            for path in video_actions.files_of(item.filepath, listed))
    deleted = video_actions.delete_files([item.video_id for item in doomed], dry_run=dry_run)
    report.videos, report.files, report.bytes = deleted.videos, deleted.files, deleted.bytes
    report.problems = deleted.problems
    if report.problems:  # what could not be deleted is still there: not reported as gone
        report.paths = [path for path in report.paths if not os.path.lexists(path)]
        report.which = [item for item in doomed if not os.path.lexists(item.filepath)]
    return report
