"""A site that stops sending, or sends a byte a second, never holds a job forever: the job is
stopped and tried again with a sentence, a stop (SIGTERM too) ends it at once, and the row
says how far it really got."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from support import events, job, subprocess_env, wait_until_idle

from ytdesk.core import jobstore
from ytdesk.core.models import Video

STALL_S = 2  # the setting, small (60 s in use), yet more than a busy machine's pauses


def parts(home) -> list[Path]:
    return list(home.download_dir.rglob("*.part"))


def test_a_trickling_site_is_stopped_and_tried_again(site, home, manager, qtbot):
    home.settings.set("stall_seconds", STALL_S)
    site.set_fault("/media/v1/", "trickle", times=1)  # one byte a second, then a good server
    job_id = manager.enqueue("download", site.video_url("v1"))
    wait_until_idle(qtbot, manager)

    done = job(job_id)
    assert done.status == "succeeded", done.error
    assert done.attempts == 2
    [retry] = events(job_id, "retry")
    assert "The site stopped sending data for 2 s." in retry.message
    assert Video.get(Video.video_id == "v1").filesize == site.media["muxed"].stat().st_size


def test_a_site_that_stops_mid_body_fails_in_words_and_the_row_matches_the_part_file(
        site, home, manager, qtbot):
    home.settings.set("stall_seconds", STALL_S)
    home.settings.set("retry_attempts", 2)
    site.set_fault("/media/v1/", "stall", after_bytes=150_000)  # every request, forever
    job_id = manager.enqueue("download", site.video_url("v1"))
    wait_until_idle(qtbot, manager)

    failed = job(job_id)
    assert failed.status == "failed"
    assert failed.error == ("gave up after 2 attempts: "
                            "The site stopped sending data for 2 s.")
    assert failed.error_kind == "transient"
    # The partial file is kept, and the row says what it holds (not a lagging figure).
    [part] = parts(home)
    assert part.stat().st_size > 100_000
    assert failed.downloaded_bytes == part.stat().st_size
    size = site.media["muxed"].stat().st_size
    assert failed.total_bytes == size
    assert abs(failed.progress - part.stat().st_size / size) < 0.01


def cli(home, *args: str) -> list[str]:
    return [sys.executable, "-m", "ytdesk", *home.cli_args(), *args]


def wait_for(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_sigterm_stops_a_job_stuck_on_a_trickling_site(site, home):
    site.set_fault("/media/v1/", "trickle")  # and the watchdog's 60 s are far away
    [job_id] = jobstore.add_jobs([jobstore.NewJob("download", site.video_url("v1"))])
    runner = subprocess.Popen(cli(home, "run"), env=subprocess_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: site.bytes_served("/media/v1/") > 0, "the trickle to start")
        runner.send_signal(signal.SIGTERM)
        out, err = runner.communicate(timeout=60)
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.communicate()

    stopped = job(job_id)
    assert stopped.status == "queued", (stopped.status, out, err)
    [interrupted] = events(job_id, "interrupted")
    assert interrupted.message == "stopped as ytdesk closed; it resumes next time"
    assert stopped.attempts == 0  # a stopped run is not an attempt
    assert "did not stop" not in err


def test_pausing_a_job_stuck_on_a_trickle_pauses_it_at_once(site, home, manager, qtbot):
    site.set_fault("/media/v1/", "trickle")  # no progress hook will ever run
    job_id = manager.enqueue("download", site.video_url("v1"))
    qtbot.waitUntil(lambda: site.bytes_served("/media/v1/") > 0, timeout=20_000)
    manager.pause(job_id)
    qtbot.waitUntil(lambda: job(job_id).status == "paused", timeout=10_000)

    assert not manager.running_ids
    assert job(job_id).attempts == 0


def test_a_paused_job_s_row_says_what_its_part_file_holds(site, home, manager, qtbot):
    size = site.media["muxed"].stat().st_size
    site.set_fault("/media/v1/", "slow", bytes_per_second=size // 4)
    job_id = manager.enqueue("download", site.video_url("v1"))
    # Well inside the first second, before the first once-a-second progress write.
    qtbot.waitUntil(lambda: bool(parts(home)) and parts(home)[0].stat().st_size > 0,
                    timeout=20_000)
    manager.pause(job_id)
    qtbot.waitUntil(lambda: job(job_id).status == "paused", timeout=10_000)

    paused = job(job_id)
    [part] = parts(home)
    assert paused.downloaded_bytes == part.stat().st_size
    assert paused.total_bytes == size
    assert abs(paused.progress - part.stat().st_size / size) < 0.01
