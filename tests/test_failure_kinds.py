"""Failures that retrying cannot help, told apart from those it can: a site that redirects in
a loop fails at once; a path too long for the system is this machine's problem (the queue
pauses), never retried as if the site had hiccuped."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from support import events, job, wait_until_idle
from test_hostile_names import files_in
from yt_dlp.utils import DownloadError

from ytdesk.ytdl.errors import LOCAL, PERMANENT, classify

LOOP = "The site keeps redirecting this address in a loop; it cannot be downloaded."


@pytest.mark.parametrize("where", ["/api/video/v1", "/media/v1/"],
                         ids=["while-looking", "while-downloading"])
def test_a_redirect_loop_fails_once_with_a_sentence(where, site, home, manager, qtbot):
    site.set_fault(where, "redirect_loop")
    job_id = manager.enqueue("download", site.video_url("v1"))
    wait_until_idle(qtbot, manager)

    failed = job(job_id)
    assert failed.status == "failed" and failed.error_kind == PERMANENT
    assert failed.error == LOOP
    assert failed.attempts == 1 and events(job_id, "retry") == []
    # One attempt: yt-dlp's own limit of redirects, not five times that (156 requests seen).
    assert len(site.requests(where)) <= 31


def test_the_words_of_a_redirect_loop_and_of_a_too_long_path_are_understood():
    # urllib's words (yt-dlp without requests) and the OS's, when no exception is chained.
    urllib_loop = DownloadError("ERROR: [generic] x: Unable to download webpage: HTTP Error "
                                "302: The HTTP server returned a redirect error that would "
                                "lead to an infinite loop.")
    assert (classify(urllib_loop).kind, classify(urllib_loop).sentence) == (PERMANENT, LOOP)
    too_long = classify(DownloadError("ERROR: unable to open for writing: [Errno 36] File name "
                                      "too long: '/v/x.part'"))
    assert too_long.kind == LOCAL and "Choose a shorter download folder" in too_long.sentence
    raised = classify(OSError(errno.ENAMETOOLONG, "File name too long", "/v/x"))
    assert raised.kind == LOCAL and raised.sentence == too_long.sentence


@pytest.mark.skipif(os.name != "posix", reason="PATH_MAX is a POSIX limit")
def test_a_download_folder_path_too_long_for_the_system_pauses_the_queue(site, home, manager,
                                                                          qtbot):
    # Each folder name is fine, the whole path is over PATH_MAX (4096 bytes on Linux).
    too_deep = Path(home.download_dir, *["d" * 250] * 17)
    job_id = manager.enqueue("download", site.video_url("v1"), {"download_dir": str(too_deep)})
    qtbot.waitUntil(lambda: manager.paused_reason is not None, timeout=30_000)

    stopped = job(job_id)  # back in line, its attempt given back, until the folder is fixed
    assert stopped.status == "queued" and stopped.attempts == 0
    assert stopped.error_kind == "local"
    assert stopped.error == manager.paused_reason
    assert stopped.error == ("The download folder's path is too long for this system to add "
                             "the video's name to it. Choose a shorter download folder, then "
                             "resume the queue.")
    assert files_in(home.download_dir) == []


def test_claims_stop_before_a_local_failure_puts_its_job_back(site, home, manager, qtbot,
                                                              monkeypatch):
    """Otherwise another slot could take the job again, and fail the same way, between its
    going back in line and the queue's pause (seen once in a full run under load)."""
    from ytdesk.jobs.scheduler import Gate

    status_when_shut: list[str] = []
    shut = Gate.shut

    def watched_shut(gate) -> None:
        status_when_shut.append(job(job_id).status)
        shut(gate)

    monkeypatch.setattr(Gate, "shut", watched_shut)
    too_deep = Path(home.download_dir, *["d" * 250] * 17)
    job_id = manager.enqueue("download", site.video_url("v1"), {"download_dir": str(too_deep)})
    qtbot.waitUntil(lambda: manager.paused_reason is not None, timeout=30_000)
    assert status_when_shut[0] == "running"
    assert job(job_id).status == "queued"
