"""Syncing a 5,000-video channel that has 5 new videos: how many listing requests the sync
job makes (goal: at most 2) and its time against a bare yt-dlp lazy loop that reads the
same entries from the same source (goal: at most 1.5x), in the same run.

The bare loop is what a script using yt-dlp as a library would do: `extract_info(...,
process=False)` on the channel, then on its Videos tab, then the first entries, with its
YoutubeDL made beforehand (ytdesk's sync borrows a warm one too). The sync is timed from
its job's start to its end as stored (it claims, reads the library, lists, writes entries
and queues the downloads); the downloads it queues are not part of it.

Run on purpose: pytest -s tests/benchmarks/test_bench_sync.py.
"""

from __future__ import annotations

import itertools
import statistics
import time
from datetime import date, timedelta

from report import report
from support import job, wait_until_idle
from yt_dlp import YoutubeDL

from ytdesk.core import channels

CHANNEL_SIZE = 5000
NEW_EACH_ROUND = 5
ROUNDS = int(__import__("os").environ.get("SYNC_ROUNDS", "5"))


def _upload(site, number: int) -> None:
    video_id = f"big{number:05d}"
    day = date(2000, 1, 1) + timedelta(days=number)
    site.add_video(video_id, f"Video {number}", channel="Big Channel", channel_id="big",
                   upload_date=f"{day:%Y%m%d}")
    site.channels["big"].videos.insert(0, video_id)


def _bare_lazy_loop(ydl: YoutubeDL, url: str, entries: int) -> float:
    start = time.perf_counter()
    root = ydl.extract_info(url, download=False, process=False)
    for tab in root["entries"]:
        listing = ydl.extract_info(tab["url"], download=False, process=False)
        read = list(itertools.islice(listing["entries"], entries))
        assert len(read) == entries
    return time.perf_counter() - start


def _compare(name: str, site, home, manager, qtbot) -> None:
    site.page_size = 30  # YouTube's listing pages hold 30 videos
    site.add_channel("big", "Big Channel")
    for number in range(1, CHANNEL_SIZE + 1):
        _upload(site, number)
    followed = channels.subscribe(site.channel_url("big"), "Big Channel", backfill="none")
    manager.enqueue("sync", followed.url, {"subscription_id": followed.id})
    wait_until_idle(qtbot, manager)  # the first sync: the channel's newest are known now

    ydl = YoutubeDL({"quiet": True, "no_warnings": True})
    bare, synced, requests, pages = [], [], [], []
    latest = CHANNEL_SIZE
    for _ in range(ROUNDS):
        for _ in range(NEW_EACH_ROUND):
            latest += 1
            _upload(site, latest)
        site.reset_counters()
        job_id = manager.enqueue("sync", followed.url, {"subscription_id": followed.id})
        wait_until_idle(qtbot, manager)
        done = job(job_id)
        assert done.status == "succeeded", done.error
        counts = channels.get(followed.id).last_counts
        assert counts["new"] == NEW_EACH_ROUND, counts
        synced.append(done.finished_at - done.started_at)
        requests.append(counts["requests"])
        pages.append(len(site.requests("/api/channel/big/videos")))
        bare.append(_bare_lazy_loop(ydl, site.channel_url("big"), counts["seen"]))
    base = statistics.median(bare)
    report(name, bare_lazy_loop_s=base, sync_s=statistics.median(synced),
           ratio=statistics.median(synced) / base, listing_requests=max(requests),
           listing_pages=max(pages))


def test_sync_of_a_5000_video_channel_with_5_new(site, home, manager, qtbot):
    _compare("sync_5000_channel_5_new", site, home, manager, qtbot)


def test_sync_of_a_5000_video_channel_with_5_new_20_ms_away(site, home, manager, qtbot):
    site.set_fault("/api/", "latency", seconds=0.02)
    _compare("sync_5000_channel_5_new_20ms_away", site, home, manager, qtbot)
