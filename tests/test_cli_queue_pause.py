"""When the queue pauses for a local failure (a full disk, a download folder that cannot be
written), `ytdesk-cli run --until-idle` stops with exit code 3 and says why and how to go
on, `run` waits for `ytdesk-cli resume`, and the pause is kept in the library, where every
process sees it."""

from __future__ import annotations

import errno
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import job, subprocess_env

from ytdesk.cli import main
from ytdesk.core import queuestate


def _folder_under_a_file(root: Path) -> Path:
    """A download folder that cannot be made, even by root (chmod does not stop root): its
    parent is a regular file."""
    blocker = root / "not-a-folder"
    blocker.write_text("a file where the download folder's parent should be")
    return blocker / "videos"


def test_run_until_idle_stops_with_exit_3_when_the_folder_cannot_be_written(
        site, home, tmp_path, capsys):
    data_dir = str(home.paths.data_dir)
    folder = _folder_under_a_file(tmp_path)
    blocked = ["--data-dir", data_dir, "--download-dir", str(folder)]
    main([*blocked, "add", site.video_url("v1"), site.video_url("v2")])
    capsys.readouterr()

    code = main([*blocked, "run", "--until-idle", "--concurrency", "1"])  # hung before
    err = capsys.readouterr().err
    assert code == 3
    assert "the queue is paused: ytdesk cannot make the folder" in err
    assert f"resume it with: ytdesk-cli --data-dir {data_dir} resume" in err
    assert "stopped because the queue is paused" in err
    assert job(1).status == job(2).status == "queued" and job(1).attempts == 0
    assert queuestate.paused_reason().startswith("ytdesk cannot make the folder")

    assert main([*blocked, "jobs"]) == 0  # the listing says why nothing starts
    captured = capsys.readouterr()
    assert "the queue is paused: ytdesk cannot make the folder" in captured.err
    assert f"ytdesk-cli --data-dir {data_dir} resume" in captured.err
    assert len(captured.out.splitlines()) == 2

    # The next run sees the pause kept in the library: it starts nothing and says so.
    site.reset_counters()
    assert main([*home.cli_args(), "run", "--until-idle"]) == 3
    assert "the queue is paused: ytdesk cannot make the folder" in capsys.readouterr().err
    assert site.bytes_served("/media/") == 0 and job(1).status == "queued"

    assert main([*home.cli_args(), "resume"]) == 0
    assert capsys.readouterr().out.startswith(
        "The queue is resumed (it was paused: ytdesk cannot make the folder")
    assert queuestate.paused_reason() is None
    assert main([*home.cli_args(), "resume"]) == 0
    assert capsys.readouterr().out == "The queue is not paused; there is nothing to resume.\n"

    folder.parent.unlink()  # the user moves the file away: the jobs' folder can be made
    assert main([*home.cli_args(), "run", "--until-idle"]) == 0
    assert job(1).status == job(2).status == "succeeded"
    assert len(list(folder.rglob("*.mp4"))) == 2


@pytest.fixture
def full_disk(monkeypatch):
    """yt-dlp's .part file cannot be opened: the disk is full (ENOSPC, as a 5 MB tmpfs gave
    for a 9.7 MB video; mounting one is not allowed here)."""
    from yt_dlp.downloader import common

    state = {"full": True}
    real_open = common.sanitize_open

    def sanitize_open(filename, open_mode):
        if state["full"]:
            raise OSError(errno.ENOSPC, "No space left on device", filename)
        return real_open(filename, open_mode)

    monkeypatch.setattr(common, "sanitize_open", sanitize_open)
    return state


def test_run_until_idle_stops_with_exit_3_on_a_full_disk(site, home, capsys, full_disk):
    main([*home.cli_args(), "add", site.video_url("v1")])
    capsys.readouterr()

    assert main([*home.cli_args(), "run", "--until-idle"]) == 3
    err = capsys.readouterr().err
    assert "the queue is paused: The disk is full" in err and "ytdesk-cli --data-dir" in err
    assert job(1).status == "queued"
    assert not list(home.download_dir.rglob("*.mp4"))

    full_disk["full"] = False
    main([*home.cli_args(), "resume"])
    assert main([*home.cli_args(), "run", "--until-idle"]) == 0
    assert job(1).status == "succeeded" and list(home.download_dir.rglob("*.mp4"))


def test_resume_of_a_queued_job_says_it_is_already_queued(home, capsys):
    main([*home.cli_args(), "add", "https://example.com/v1", "https://example.com/v2"])
    main([*home.cli_args(), "pause", "2"])
    capsys.readouterr()

    assert main([*home.cli_args(), "resume", "1"]) == 0
    assert capsys.readouterr().out == "Job 1 is already queued.\n"
    assert main([*home.cli_args(), "pause", "2"]) == 0
    assert capsys.readouterr().out == "Job 2 is already paused.\n"
    assert main([*home.cli_args(), "resume", "2"]) == 0
    assert capsys.readouterr().out == "job 2 queued\n"
    assert main([*home.cli_args(), "resume", "9"]) == 1
    assert "There is no job 9." in capsys.readouterr().err


def _wait_for(condition, what: str, limit_s: float = 60.0) -> None:
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM cannot be caught on Windows")
def test_run_waits_through_a_pause_until_resumed_from_another_terminal(site, home, tmp_path):
    folder = _folder_under_a_file(tmp_path)
    where = ["--data-dir", str(home.paths.data_dir), "--download-dir", str(folder)]
    main([*where, "add", site.video_url("v1")])
    stderr = tmp_path / "run.err"
    with stderr.open("w") as err:
        runner = subprocess.Popen([sys.executable, "-m", "ytdesk.cli", *where, "run"],
                                  stdout=subprocess.DEVNULL, stderr=err, env=subprocess_env())
    try:
        _wait_for(lambda: "the queue is paused" in stderr.read_text(), "the pause")
        assert runner.poll() is None  # still running: it waits to be resumed
        folder.parent.unlink()  # the user fixes it...
        assert main([*where, "resume"]) == 0  # ...and resumes from another terminal
        _wait_for(lambda: job(1).status == "succeeded", "the download")
    finally:
        runner.send_signal(signal.SIGTERM)
        code = runner.wait(timeout=30)
    assert "the queue is resumed" in stderr.read_text()
    assert code == 0
    assert list(folder.rglob("*.mp4"))
