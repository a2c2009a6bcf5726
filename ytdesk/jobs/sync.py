"""The `sync` job: what a subscription has that is new, downloaded at background priority.

A sync lists its source newest first and lazily (yt-dlp's `process=False` listing, read
entry by entry, so a page is fetched only when reached) and stops at the first run of
videos its subscription knows already: a 5,000-video channel with five new videos costs
about one listing page. Where the site has a cheap feed of its newest uploads, later syncs
read that first and list the channel only when the feed shows something new (or cannot be
read). The first sync takes the newest N of each tab the subscription follows (its "back
catalogue" choice) and remembers the rest of what it saw as left out.

Every video the listing shows becomes an entry of the subscription, with why it was left
out (a filter, the back catalogue, it could not be opened); each new one becomes a child
`download` job. Videos the library holds already, and files deleted on purpose, are never
fetched again. The counts of each sync are kept on the subscription and in the job's result.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from ytdesk.core import channels, retention, sync_filters, sync_record
from ytdesk.core.channels import ChannelError, Followed
from ytdesk.core.jobstore import PRIORITIES, NewJob
from ytdesk.core.library import Identity, identity
from ytdesk.core.sync_record import Counts, Seen
from ytdesk.ytdl import newest_feed
from ytdesk.ytdl.engine import Engine
from ytdesk.ytdl.errors import CannotDownload, JobStopped, classify
from ytdesk.ytdl.listing import Listed, walk

from .context import JobContext
from .download import FILTERS, PRESET, SUBSCRIPTION, child_payload, engine_for

RUN_OF_KNOWN = 3  # this many known videos in a row: the rest of the list is known too
FIRST_LOOK = 3  # a first sync remembers at least this many of each tab, so the next one
# finds its run of known videos even when the back catalogue taken was none or one
BACKGROUND = PRIORITIES["low"]  # a user's own downloads come first


def run(ctx: JobContext) -> str:
    try:
        followed = channels.get(int(ctx.payload.get(SUBSCRIPTION) or 0))
    except (ChannelError, TypeError, ValueError):
        raise CannotDownload("This subscription is gone (unsubscribed); there is nothing "
                             "to sync.") from None
    ctx.set_title(f"Sync {followed.title}")
    if followed.preset:
        ctx.payload[PRESET] = followed.preset  # its cookies and options list it too
    if followed.folder:
        ctx.payload["download_dir"] = followed.folder
    # The sync decides what the library has itself (and remembers deletions, which yt-dlp's
    # archive does not know): yt-dlp's archive check on every entry would be a query more.
    with engine_for(ctx, use_archive=False) as engine:
        sync = _Sync(ctx, engine, followed)
        try:
            return sync.run()
        except JobStopped:
            raise
        except Exception as exc:
            failure = classify(exc)
            ctx.write_until_done(lambda: sync_record.failed(followed.id, failure.sentence),
                                 "the subscription's error")
            raise


@dataclass
class _Tab:
    """One list a sync reads (a channel's tab, or the whole source) and what it found."""

    kind: str
    seen: list[Seen] = field(default_factory=list)
    taken: int = 0  # new videos the back catalogue allows (queued or already here)
    run: int = 0  # known videos in a row just now


class _Sync:
    def __init__(self, ctx: JobContext, engine: Engine, followed: Followed):
        self.ctx, self.engine, self.followed = ctx, engine, followed
        self.filters = followed.filters
        self.counts = Counts()
        self.known = sync_record.known_of(followed.id)
        self.first = not self.known
        self.requests = _RequestCount(engine)
        self.feed: str | None = None
        self.avatar: str | None = None

    def run(self) -> str:
        feed_items = None
        if not self.first and self.followed.newest_feed:
            feed_items = self._read_feed(self.followed.newest_feed)
            if feed_items is not None and not self._fresh(feed_items):
                self.counts.seen = len(feed_items)
                return self._finish("nothing new in its feed of newest uploads")
        root = self.engine.probe(self.followed.url)
        if root is None or not self.engine.is_container(root):
            raise CannotDownload("This address is one video, not a channel, playlist or "
                                 "feed; download it instead of subscribing to it.")
        self.feed = newest_feed.feed_of(root)
        self.avatar = avatar_of(root)
        if self.followed.title == self.followed.url and root.get("title"):
            self.ctx.set_title(f"Sync {root['title']}")
        self._read(root, sync_filters.VIDEOS)
        if self.feed and self.first:
            feed_items = self._read_feed(self.feed)
        self._remember_the_rest_of(feed_items or [])
        return self._finish()

    def _read_feed(self, address: str) -> list[dict[str, Any]] | None:
        try:
            return newest_feed.read(self.engine, address)
        except JobStopped:
            raise
        except Exception as exc:  # an unreadable feed costs a listing, never the sync
            self.ctx.log(logging.INFO, f"Its feed of newest uploads could not be read "
                                       f"({classify(exc).sentence}); listing it instead.")
            return None

    def _fresh(self, feed_items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        fresh = [item for item in feed_items if identity(item) not in self.known]
        if fresh:
            self.ctx.log(logging.INFO, f"Its feed of newest uploads shows {len(fresh)} "
                                       "new; listing it.")
        return fresh

    def _remember_the_rest_of(self, feed_items: list[dict[str, Any]]) -> None:
        """Feed items the listing did not reach (older than the back catalogue taken) or
        does not read (a tab the subscription leaves out) are remembered as left out, so
        the next sync's look at the feed finds nothing new in them."""
        why = ("older than the back catalogue you asked for" if self.first
               else "in a tab this subscription does not follow")
        rest = _Tab(sync_filters.VIDEOS)
        for item in feed_items:
            key = identity(item)
            if key is not None and key not in self.known:
                self.known.add(key)
                rest.seen.append(Seen(item, left_out=why))
        self._record(rest)

    def _read(self, listing: dict[str, Any], kind: str) -> None:
        """Read one list to its first run of known videos; its tabs, each on its own."""
        tab = _Tab(kind)
        for item in walk(self.engine, listing, whole_lists=False, descend=False,
                         enter=self._wanted):
            if self.engine.is_container(item.info):
                self._record(tab)
                self._read(item.info, sync_filters.tab_of(
                    item.info.get("webpage_url") or item.entry.get("url")))
                continue
            if self._take(tab, item):
                break
        self._record(tab)

    def _wanted(self, entry: dict[str, Any]) -> bool:
        return sync_filters.wants_tab(self.filters, sync_filters.tab_of(entry.get("url")))

    def _take(self, tab: _Tab, item: Listed) -> bool:
        """Decide on one listed video; True when the rest of this list is not wanted."""
        info = {**item.info, "url": item.entry.get("url") or item.info.get("url")}
        key = identity(info)
        if key is None:
            return False
        self.counts.seen += 1
        if key in self.known:
            tab.run += 1
            return tab.run >= RUN_OF_KNOWN
        tab.run = 0
        self.known.add(key)
        seen = Seen(info)
        tab.seen.append(seen)
        if item.failure is not None:
            self.counts.failed += 1
            seen.left_out = f"could not be opened: {item.failure.sentence}"
            self.ctx.log(logging.WARNING, f"{item.url}: {item.failure.sentence}")
        elif reason := sync_filters.left_out(info, self.filters, tab=tab.kind):
            self.counts.filtered += 1
            seen.left_out = reason
        elif self.first and not self._back_catalogue_allows(tab):
            seen.left_out = "older than the back catalogue you asked for"
        else:
            tab.taken += 1
            seen.download = self._download_of(item, info, key)
        return self.first and len(tab.seen) >= FIRST_LOOK and not self._back_catalogue_allows(
            tab) and self.followed.backfill != "all"

    def _back_catalogue_allows(self, tab: _Tab) -> bool:
        backfill = self.followed.backfill
        return backfill == "all" or (backfill != "none" and tab.taken < int(backfill))

    def _download_of(self, item: Listed, info: dict[str, Any], key: Identity) -> NewJob | None:
        """The download of a new video, or None when the library has it already (or its
        file was deleted on purpose: deleted videos are not fetched again)."""
        kept, deleted = sync_record.states_of([key])
        if key in kept or key in deleted:
            self.counts.in_library += 1
            return None
        self.counts.new += 1
        payload: dict[str, Any] = {**child_payload(item), SUBSCRIPTION: self.followed.id}
        if self.followed.preset:
            payload[PRESET] = self.followed.preset
        if self.followed.folder:
            payload["download_dir"] = self.followed.folder
        if sync_filters.undecided(info, self.filters):
            payload[FILTERS] = self.filters
        return NewJob("download", item.url or "", payload, BACKGROUND,
                      parent_id=self.ctx.job_id, title=item.title)

    def _record(self, tab: _Tab) -> None:
        if not tab.seen:
            return
        seen = list(reversed(tab.seen))  # oldest first: a newer entry gets a higher id
        tab.seen.clear()
        ids = self.ctx.write_until_done(lambda: sync_record.record(self.followed.id, seen),
                                        "what the sync found")
        self.ctx.announce_added(ids)

    def _finish(self, why: str | None = None) -> str:
        self.counts.requests = self.requests.count
        self.requests.stop()
        self.ctx.write_until_done(
            lambda: sync_record.finished(self.followed.id, self.counts, self.feed,
                                         self.avatar),
            "the sync's counts")
        sentence = self.counts.sentence()
        sentence = f"{sentence[:-1]}: {why}." if why else sentence
        return sentence + self._apply_retention()

    def _apply_retention(self) -> str:
        """The subscription's retention rules, applied as each sync ends (the deleted videos
        are remembered: this sync and the next leave them alone)."""
        if self.followed.keep_newest is None and self.followed.delete_watched_after_days is None:
            return ""
        report = retention.apply(self.followed.id, dry_run=False)
        for item in report.which:
            self.ctx.log(logging.INFO, f"Deleted by the retention rules ({item.reason}): "
                                       f"{item.filepath}")
        return f" {report.sentence()}" if report.videos or report.problems else ""


def avatar_of(listing: dict[str, Any]) -> str | None:
    """The channel's own image among a listing's thumbnails (YouTube names it
    "avatar_uncropped"; a banner is wide), else its one thumbnail; http(s) only."""
    pictures = [t for t in listing.get("thumbnails") or [] if isinstance(t, dict)]
    chosen = next((t for t in pictures if "avatar" in str(t.get("id") or "")), None)
    if chosen is None:
        square = [t for t in pictures if t.get("width") and t.get("width") == t.get("height")]
        chosen = square[-1] if square else None
    url = chosen.get("url") if chosen else listing.get("thumbnail")
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


class _RequestCount:
    """Every request yt-dlp makes for the listing, counted (the job's own measure of how
    hard it asked the site)."""

    def __init__(self, engine: Engine):
        self.count = 0
        self._ydl = engine.ydl
        self._before = engine.ydl.__dict__.get("urlopen")
        inner = engine.ydl.urlopen

        def counted(request: Any) -> Any:
            self.count += 1
            return inner(request)

        engine.ydl.__dict__["urlopen"] = counted

    def stop(self) -> None:
        if self._before is None:
            self._ydl.__dict__.pop("urlopen", None)
        else:
            self._ydl.__dict__["urlopen"] = self._before
