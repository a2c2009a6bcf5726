"""Enqueue speed, download overhead and the CLI's memory with a big queue.

Run on purpose: `make bench` (or pytest -s tests/benchmarks). Each figure is set against a
baseline measured in the same run on the same machine.
"""

from __future__ import annotations

import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fakesite import make_big_file
from report import report
from support import job, subprocess_env

from ytdesk.core.jobstore import NewJob
from ytdesk.core.models import Job

N = 10_000


def raw_sqlite_baseline(path: Path) -> tuple[float, float]:
    """The same rows with bare sqlite3 (WAL, NORMAL): bulk rows/s and single-commit median."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=wal")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE job (id INTEGER PRIMARY KEY, kind TEXT, url TEXT, payload TEXT, "
                "status TEXT, priority INT, site TEXT, created_at REAL)")
    rows = [("download", f"https://example.com/v{i}", "{}", "queued", 0, "example.com",
             time.time()) for i in range(N)]
    start = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    con.executemany("INSERT INTO job (kind, url, payload, status, priority, site, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute("COMMIT")
    bulk_rate = N / (time.perf_counter() - start)
    singles = []
    for row in rows[:1000]:
        start = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO job (kind, url, payload, status, priority, site, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", row)
        con.execute("COMMIT")
        singles.append(time.perf_counter() - start)
    con.close()
    return bulk_rate, statistics.median(singles)


def test_enqueue_10000_jobs(home, manager, tmp_path):
    manager.shutdown()  # measure the writes alone, with no scheduler claiming
    base_rate, base_single = raw_sqlite_baseline(tmp_path / "raw.db")

    jobs = [NewJob("download", f"https://example.com/watch?v={i}") for i in range(N)]
    start = time.perf_counter()
    manager.enqueue_many(jobs)
    bulk_rate = N / (time.perf_counter() - start)
    singles = []
    for i in range(1000):
        start = time.perf_counter()
        manager.enqueue("download", f"https://example.com/single/{i}")
        singles.append(time.perf_counter() - start)
    single = statistics.median(singles)

    assert Job.select().count() == N + 1000
    report("enqueue", jobs_per_s=bulk_rate, raw_sqlite_rows_per_s=base_rate,
           ratio_to_raw=bulk_rate / base_rate, single_median_ms=single * 1000,
           raw_single_median_ms=base_single * 1000, single_ratio_to_raw=single / base_single)


def test_download_50mb_through_the_manager_vs_bare_yt_dlp(site, home, manager, qtbot, tmp_path):
    from yt_dlp import YoutubeDL

    big = make_big_file(tmp_path / "big.bin", 50 * 1024 * 1024)
    site.add_big_file("big.bin", big)
    site.add_video("big", "Big file", media="big", big_file="big.bin")

    def bare(n: int) -> float:
        start = time.perf_counter()
        with YoutubeDL({"quiet": True, "noprogress": True,
                        "paths": {"home": str(tmp_path / f"b{n}")},
                        "outtmpl": "%(title)s.%(ext)s"}) as ydl:
            ydl.download([site.video_url("big")])
        return time.perf_counter() - start

    def ours(n: int) -> float:
        with qtbot.waitSignal(manager.jobFinished, timeout=60_000) as finished:
            start = time.perf_counter()
            job_id = manager.enqueue("download", site.video_url("big"),
                                     {"download_dir": str(tmp_path / f"m{n}")})
        elapsed = time.perf_counter() - start  # the signal's arrival ends the wait
        assert finished.args == [job_id, "succeeded"], job(job_id).error
        return elapsed

    bare(0)  # warm the page cache and yt-dlp's imports for both
    bare_times, our_times = [], []
    for n in range(1, 10):  # alternate so drift on a shared machine hits both alike
        bare_times.append(bare(n))
        our_times.append(ours(n))
        Job.delete().execute()
        from ytdesk.core.models import Video
        Video.delete().execute()
    ratio = statistics.median(our_times) / statistics.median(bare_times)
    report("download_50mb", bare_median_s=statistics.median(bare_times),
           manager_median_s=statistics.median(our_times), ratio=ratio)


@pytest.mark.timeout(3600)
def test_peak_rss_of_cli_run_with_10000_queued_jobs(site, home, tmp_path):
    tiny = site.media["audio"]  # ~90 KB: the queue, not the media, is what is measured
    site.add_file("tiny.m4a", tiny)
    for i in range(N):
        site.add_video(f"q{i}", f"Queued video {i}", media="big", big_file="tiny.m4a")
    from ytdesk.core import jobstore
    jobstore.add_jobs([NewJob("download", site.video_url(f"q{i}")) for i in range(N)])
    env = subprocess_env()

    baseline = subprocess.run(
        [sys.executable, "-c", "import resource, PySide6.QtCore, yt_dlp, peewee; "
         "yt_dlp.YoutubeDL({'quiet': True}); "
         "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
        env=env, capture_output=True, text=True, check=True)
    baseline_mb = int(baseline.stdout.strip()) / 1024

    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", "import resource, sys; from ytdesk.cli import main; "
         "code = main(sys.argv[1:]); "
         "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss); sys.exit(code)",
         *home.cli_args(), "run", "--until-idle", "--concurrency", "3"],
        env=env, capture_output=True, text=True, timeout=3600)
    elapsed = time.perf_counter() - start
    assert run.returncode == 0, run.stderr[-2000:]
    peak_mb = int(run.stdout.rsplit("PEAK", 1)[1].split()[0]) / 1024
    assert Job.select().where(Job.status == "succeeded").count() == N
    report("cli_peak_rss_10000_jobs", peak_mb=peak_mb, baseline_imports_mb=baseline_mb,
           ratio_to_baseline=peak_mb / baseline_mb, jobs_per_s=N / elapsed)
