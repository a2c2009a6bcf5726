"""Retention and cleanup over 100,000 downloaded videos in 1,000 subscriptions (and 2,000
leftover files, half of them of videos the library knows): the time of
retention's plan for every subscription and for one (what each sync runs), and of
cleanup's whole look (dry run) against a bare `os.path.exists` loop over the same files.

Run on purpose: `make bench` (or pytest -s tests/benchmarks/test_bench_cleanup.py).
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import time

from report import report

from ytdesk.core import cleanup, retention
from ytdesk.core.clock import now

N, SUBSCRIPTIONS = 100_000, 1_000
KEEP = 90  # of each subscription's 100 downloads: 10 past the newest 90


def _fill(home) -> list[str]:
    stamp, paths = now(), []
    for folder in range(100):
        (home.download_dir / f"c{folder}").mkdir(parents=True)
    video_rows, entry_rows = [], []
    for n in range(N):
        path = str(home.download_dir / f"c{n % 100}" / f"Video {n} [v{n:06d}].mp4")
        paths.append(path)
        watched = n % 3 == 0
        video_rows.append(("fakesite", f"v{n:06d}", "", path, watched,
                           stamp - 40 * 86_400 if watched else None, n % 50 == 0, stamp, stamp))
        entry_rows.append((n % SUBSCRIPTIONS + 1, n + 1, stamp))
    for path in paths:
        with open(path, "wb"):
            pass
    long_ago = stamp - 86_400
    for n in range(1_000):  # leftovers: of videos the library knows, and of unknown ones
        for name in (f"Video {n} [v{n:06d}].mp4.part", f"Other {n} [x{n}].mp4.part"):
            leftover = home.download_dir / f"c{n % 100}" / name
            leftover.write_bytes(b"")
            os.utime(leftover, (long_ago, long_ago))
    con = sqlite3.connect(home.paths.database)
    with con:
        con.executemany(
            "INSERT INTO subscription (url, title, group_name, interval_s, enabled, backfill, "
            "filters, keep_newest, delete_watched_after_days, last_counts, created_at, "
            "updated_at) VALUES (?, ?, '', 21600, 1, '10', '{}', ?, ?, '{}', ?, ?)",
            [(f"https://example.com/c/{s}", f"Channel {s}", KEEP, 30 if s % 2 else None,
              stamp, stamp) for s in range(1, SUBSCRIPTIONS + 1)])
        con.executemany(
            "INSERT INTO video (extractor, video_id, id_scope, filepath, watched, watched_at, "
            "favourite, play_position, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)", video_rows)
        con.executemany("INSERT INTO subscription_entry (subscription_id, video_id, seen_at) "
                        "VALUES (?, ?, ?)", entry_rows)
    con.close()
    return paths


def _seconds(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def test_retention_and_cleanup_over_100000_videos(home):
    paths = _fill(home)
    doomed = retention.plan(None)
    assert len(doomed) > 10_000
    every = statistics.median(_seconds(lambda: retention.plan(None)) for _ in range(3))
    one = statistics.median(_seconds(lambda s=s: retention.plan(s)) for s in range(1, 41))
    found: list[cleanup.Plan] = []
    look = _seconds(lambda: found.append(cleanup.find(home.settings, home.paths.job_logs)))
    assert len(found[0].leftovers) == 1_000
    bare = _seconds(lambda: [os.path.exists(path) for path in paths])
    report("retention_cleanup_100000_videos", doomed=len(doomed),
           plan_all_ms=every * 1000, plan_one_subscription_ms=one * 1000,
           cleanup_look_s=look, bare_exists_loop_s=bare, ratio=look / bare)


def test_a_dry_run_report_over_100000_videos(home):
    _fill(home)
    dry = _seconds(lambda: cleanup.clean_up(home.settings, home.paths.job_logs, dry_run=True))
    report("cleanup_dry_run_100000_videos", dry_run_s=dry)
