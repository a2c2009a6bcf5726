"""A killed `ytdesk-cli run` loses nothing: the next run takes its job back and finishes."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from support import events, job, subprocess_env

from ytdesk.core import jobstore
from ytdesk.core.models import Job, Video


def cli(home, *args: str) -> list[str]:
    return [sys.executable, "-m", "ytdesk", *home.cli_args(), *args]


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_sigkill_mid_download_then_restart_finishes_everything(site, home):
    size = site.media["muxed"].stat().st_size
    site.set_fault("/media/v1/", "slow", bytes_per_second=size // 8)
    ids = jobstore.add_jobs([jobstore.NewJob("download", site.video_url(v)) for v in ("v1", "v3")])
    parts = lambda: list(home.download_dir.rglob("*.part"))  # noqa: E731

    runner = subprocess.Popen(cli(home, "run", "--concurrency", "1"), env=subprocess_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: parts() and parts()[0].stat().st_size > size // 4, 60, "a .part file")
        # v3 is done or waiting; v1 is mid-file. Kill without any chance to clean up.
        runner.send_signal(signal.SIGKILL)
        runner.wait(10)
    finally:
        if runner.poll() is None:
            runner.kill()
    assert job(ids[0]).status == "running"  # as the dead process left it
    partial_size = parts()[0].stat().st_size

    site.clear_faults()
    again = subprocess.run(cli(home, "run", "--until-idle"), env=subprocess_env(),
                           capture_output=True, text=True, timeout=120)

    assert again.returncode == 0, again.stderr
    assert f"job {ids[0]} interrupted earlier; queued again" in again.stdout
    assert [job(i).status for i in ids] == ["succeeded", "succeeded"]
    [interrupted] = events(ids[0], "interrupted")
    assert "stopped while running it" in interrupted.message
    videos = list(Video.select())
    assert sorted(v.video_id for v in videos) == ["v1", "v3"]
    files = sorted(p for p in home.download_dir.rglob("*") if p.is_file())
    assert [Path(v.filepath) for v in sorted(videos, key=lambda v: v.filepath)] == files
    assert Job.select().count() == 2
    assert home.db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The second run resumed the .part: it fetched only what was missing (plus slack).
    assert site.bytes_served("/media/v1/") < partial_size + 1.2 * (size - partial_size) + size * 0.5


def test_two_processes_on_one_data_dir_never_run_one_job_twice(site, home):
    site.set_fault("/media/", "slow", bytes_per_second=2_000_000)
    videos = ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "s1", "s2"]
    ids = jobstore.add_jobs([jobstore.NewJob("download", site.video_url(v)) for v in videos])
    home.settings.set("per_site_concurrency", 4)
    runs = [subprocess.Popen(cli(home, "run", "--until-idle", "--concurrency", "2"),
                             env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    outputs = [r.communicate(timeout=180) for r in runs]

    assert [r.returncode for r in runs] == [0, 0], outputs
    for job_id in ids:
        starts = [e for e in events(job_id, "status") if e.to_status == "running"]
        assert len(starts) == 1, f"job {job_id} was started {len(starts)} times"
        assert job(job_id).status == "succeeded"
    owners = {e.message for i in ids for e in events(i, "status") if e.to_status == "running"}
    assert {owner.split(":")[1] for owner in owners} == {str(r.pid) for r in runs}
    assert len(owners) == 2, "both processes should have taken work"
    assert Video.select().count() == len(videos)
