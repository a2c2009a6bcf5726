"""JobManager behaviour seen from its signals and the DB: logs, progress throttling, the
local-failure pause, metadata refresh, and two managers sharing one data dir."""

from __future__ import annotations

import errno
import time

import pytest
from support import events, job, wait_until_idle

from ytdesk.core import jobstore
from ytdesk.core.models import Video
from ytdesk.jobs import kinds
from ytdesk.jobs.manager import JobManager


def test_log_lines_reach_the_file_and_the_signal(site, home, manager, qtbot):
    lines = []
    manager.jobLog.connect(lambda job_id, level, line: lines.append((job_id, line)))
    job_id = manager.enqueue("download", site.video_url("v1"))
    wait_until_idle(qtbot, manager)
    qtbot.waitUntil(lambda: any("Saved" in line for _, line in lines), timeout=5_000)

    file_lines = home.paths.job_log(job_id).read_text().splitlines()
    signalled = [line for jid, line in lines if jid == job_id]
    assert signalled and all(line in file_lines for line in signalled)
    assert all(line[:4].isdigit() and "T" in line[:11] for line in file_lines)


def test_progress_is_throttled_to_ten_a_second(site, home, manager, qtbot):
    size = site.media["muxed"].stat().st_size
    site.set_fault("/media/v1/", "slow", bytes_per_second=size // 2)
    stamps = []
    manager.jobProgress.connect(lambda *args: stamps.append(time.monotonic()))
    job_id = manager.enqueue("download", site.video_url("v1"))
    wait_until_idle(qtbot, manager)

    assert job(job_id).status == "succeeded"
    assert len(stamps) >= 5
    span = stamps[-1] - stamps[0]
    assert len(stamps) <= span * 10 + 2  # at most one per 100 ms, plus the final 100%


@pytest.fixture
def disk_full_kind():
    calls = {"n": 0}

    def fill_the_disk(ctx):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError(errno.ENOSPC, "No space left on device", "/videos/x.mp4.part")
        return "written"

    kinds.KINDS["disk-test"] = fill_the_disk
    yield calls
    del kinds.KINDS["disk-test"]


def test_a_full_disk_pauses_the_queue_and_says_why(home, one_at_a_time, qtbot,
                                                   disk_full_kind):
    manager = one_at_a_time
    with qtbot.waitSignal(manager.queuePaused, timeout=10_000) as paused:
        first = manager.enqueue("disk-test", "https://a.example/1")
        second = manager.enqueue("disk-test", "https://a.example/2")
    assert paused.args[0].startswith("The disk is full (/videos/x.mp4.part)")
    qtbot.wait(700)  # a few scheduler ticks: nothing may start while paused
    assert job(first).status == "queued" and job(first).attempts == 0
    assert job(second).status == "queued" and disk_full_kind["n"] == 1
    assert manager.paused_reason

    manager.resume_queue()
    wait_until_idle(qtbot, manager)
    assert job(first).status == job(second).status == "succeeded"


def test_metadata_refresh_counts_new_changed_and_unchanged(site, home, manager, qtbot):
    first = manager.enqueue("metadata", site.channel_url("testchannel"))
    wait_until_idle(qtbot, manager)
    assert job(first).result == "Metadata: 7 new, 0 updated, 0 unchanged."
    assert Video.select().where(Video.filepath.is_null(False)).count() == 0  # nothing fetched
    assert site.bytes_served("/media/") == 0

    site.videos["v3"].title = "Test Video 3 (remastered)"
    second = manager.enqueue("metadata", site.channel_url("testchannel"))
    wait_until_idle(qtbot, manager)
    assert job(second).result == "Metadata: 0 new, 1 updated, 6 unchanged."
    assert Video.get(Video.video_id == "v3").title == "Test Video 3 (remastered)"


def test_two_managers_on_one_data_dir_never_run_one_job_twice(site, home, qtbot):
    home.settings.set("per_site_concurrency", 6)
    site.set_fault("/media/", "slow", bytes_per_second=3_000_000)
    first, second = JobManager(home.paths, home.settings), JobManager(home.paths, home.settings)
    started: list[tuple[str, int]] = []
    first.jobChanged.connect(lambda i, s: s == "running" and started.append(("a", i)))
    second.jobChanged.connect(lambda i, s: s == "running" and started.append(("b", i)))
    ids = jobstore.add_jobs([jobstore.NewJob("download", site.video_url(v))
                             for v in ("v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8")])
    first.start()
    second.start()
    try:
        qtbot.waitUntil(lambda: all(job(i).status == "succeeded" for i in ids), timeout=60_000)
    finally:
        first.shutdown()
        second.shutdown()
    for job_id in ids:
        assert len([e for e in events(job_id, "status") if e.to_status == "running"]) == 1
    assert {who for who, _ in started} == {"a", "b"}
    assert Video.select().count() == 8


@pytest.fixture
def cycle_kind():
    """A kind that, like yt-dlp, leaves a reference cycle holding its context behind, and
    collects garbage on the pool thread: earlier jobs' Qt objects must not die there."""
    import gc

    class Holder:
        pass

    def leave_a_cycle(ctx):
        gc.collect()
        holder = Holder()
        holder.me, holder.log = holder, ctx.log
        ctx.log(20, "working")
        return "done"

    kinds.KINDS["cycle-test"] = leave_a_cycle
    yield
    del kinds.KINDS["cycle-test"]


def test_many_jobs_leaving_garbage_on_pool_threads_do_not_crash(home, manager, qtbot,
                                                                 cycle_kind):
    ids = manager.enqueue_many([jobstore.NewJob("cycle-test", f"https://a.example/{i}")
                                for i in range(300)])
    home.settings.set("per_site_concurrency", 3)
    wait_until_idle(qtbot, manager)
    assert {job(i).status for i in ids} == {"succeeded"}


def test_after_warming_up_what_start_up_made_is_kept_out_of_full_collections(manager, qtbot):
    import gc

    qtbot.waitUntil(lambda: manager.warmed_up, timeout=30_000)
    assert "yt_dlp" in __import__("sys").modules  # imported off the GUI thread
    assert gc.get_freeze_count() > 0
