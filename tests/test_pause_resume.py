"""Cancel, pause and resume are cooperative, and a resumed download continues its .part."""

from __future__ import annotations

from pathlib import Path

from support import events, job, wait_until_idle

from ytdesk.core import jobstore
from ytdesk.core.models import Video


def part_files(folder: Path) -> list[Path]:
    return list(folder.rglob("*.part"))


def wait_for_bytes(qtbot, manager, job_id: int, at_least: int) -> None:
    seen = {"bytes": 0}

    def on_progress(jid, fraction, done, total, speed, eta):
        if jid == job_id:
            seen["bytes"] = done

    manager.jobProgress.connect(on_progress)
    try:
        qtbot.waitUntil(lambda: seen["bytes"] >= at_least, timeout=30_000)
    finally:
        manager.jobProgress.disconnect(on_progress)


def test_cancel_mid_file_then_resume_fetches_little_more_than_the_file(site, home, manager,
                                                                       qtbot):
    size = site.media["muxed"].stat().st_size
    site.set_fault("/media/v1/", "slow", bytes_per_second=size // 4)
    job_id = manager.enqueue("download", site.video_url("v1"))
    wait_for_bytes(qtbot, manager, job_id, size // 3)

    manager.cancel(job_id)
    wait_until_idle(qtbot, manager)
    assert job(job_id).status == "cancelled"
    [partial] = part_files(home.download_dir)
    assert 0 < partial.stat().st_size < size

    site.clear_faults()
    manager.retry(job_id)
    wait_until_idle(qtbot, manager)

    assert job(job_id).status == "succeeded", job(job_id).error
    assert part_files(home.download_dir) == []
    served = site.bytes_served("/media/v1/")
    assert served < 1.2 * size, f"served {served} bytes for a {size}-byte file"
    ranges = [r[2] for r in site.requests("/media/v1/")]
    assert any(r and not r.startswith("bytes=0-") for r in ranges), ranges
    assert Path(Video.get(Video.video_id == "v1").filepath).stat().st_size == size


def test_pause_keeps_the_part_file_and_resume_finishes(site, home, manager, qtbot):
    size = site.media["muxed"].stat().st_size
    site.set_fault("/media/v3/", "slow", bytes_per_second=size // 4)
    job_id = manager.enqueue("download", site.video_url("v3"))
    wait_for_bytes(qtbot, manager, job_id, size // 4)

    manager.pause(job_id)
    qtbot.waitUntil(lambda: job(job_id).status == "paused", timeout=10_000)
    assert len(part_files(home.download_dir)) == 1
    assert not jobstore.has_active_jobs()

    # Resumed at once: the worker wrote "paused" before the manager heard of it, so the
    # old run's end may arrive after the new run started; only the old one may end.
    site.clear_faults()
    manager.resume(job_id)
    wait_until_idle(qtbot, manager)
    assert job(job_id).status == "succeeded"
    assert manager.running_ids == []
    assert site.bytes_served("/media/v3/") < 1.2 * size
    assert [e.to_status for e in events(job_id, "status")] == [
        "queued", "running", "paused", "queued", "running", "succeeded"]


def test_a_queued_job_can_be_cancelled_before_it_starts(site, home, one_at_a_time, qtbot):
    manager = one_at_a_time
    size = site.media["muxed"].stat().st_size
    site.set_fault("/media/v1/", "slow", bytes_per_second=size // 2)
    first = manager.enqueue("download", site.video_url("v1"))
    second = manager.enqueue("download", site.video_url("v3"))
    assert manager.cancel(second) == "cancelled"
    wait_until_idle(qtbot, manager)
    assert job(first).status == "succeeded"
    assert job(second).status == "cancelled"
    assert site.requests("/api/video/v3") == []


def test_shutdown_stops_running_jobs_quickly_and_they_resume_next_start(site, home, qtbot):
    from ytdesk.jobs.manager import JobManager

    size = site.media["muxed"].stat().st_size
    site.set_fault("/media/", "slow", bytes_per_second=size // 10)
    first = JobManager(home.paths, home.settings)
    first.start()
    ids = [first.enqueue("download", site.video_url(v)) for v in ("v1", "v3")]
    qtbot.waitUntil(lambda: len(part_files(home.download_dir)) == 2, timeout=20_000)

    assert first.shutdown(timeout_s=10)
    assert [job(i).status for i in ids] == ["queued", "queued"]
    assert all(events(i, "interrupted") for i in ids)
    assert len(part_files(home.download_dir)) == 2

    site.clear_faults()
    second = JobManager(home.paths, home.settings)
    second.start()
    try:
        wait_until_idle(qtbot, second)
    finally:
        second.shutdown()
    assert [job(i).status for i in ids] == ["succeeded", "succeeded"]
    assert site.bytes_served("/media/") < 2 * 1.2 * size

