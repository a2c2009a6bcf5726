"""How the queue meets a misbehaving site: drops, 404, 429 and 500."""

from __future__ import annotations

import socket
from itertools import pairwise

from support import events, job, wait_until_idle

from ytdesk.core.models import SiteHold, Video


def test_a_dropped_connection_still_completes(site, home, manager, qtbot):
    site.set_fault("/media/v1/", "drop", times=2, after_bytes=20_000)
    job_id = manager.enqueue("download", site.video_url("v1"))
    wait_until_idle(qtbot, manager)

    assert job(job_id).status == "succeeded", job(job_id).error
    video = Video.get(Video.video_id == "v1")
    assert video.filesize == site.media["muxed"].stat().st_size


def test_a_404_fails_after_exactly_one_attempt_with_a_readable_error(site, home, manager, qtbot):
    job_id = manager.enqueue("download", site.video_url("gone"))  # not in the catalogue
    wait_until_idle(qtbot, manager)

    failed = job(job_id)
    assert failed.status == "failed"
    assert failed.attempts == 1
    assert failed.error.startswith("The site says there is nothing at this address (HTTP 404)")
    assert len(site.requests("/api/video/gone")) == 1
    assert events(job_id, "retry") == []


def test_a_429_holds_the_site_then_succeeds(site, home, manager, qtbot):
    site.set_fault("/api/video/v3", "429", times=1)
    job_id = manager.enqueue("download", site.video_url("v3"))
    # The hold is visible while it lasts: no job of that site may start meanwhile.
    qtbot.waitUntil(lambda: SiteHold.select().count() == 1, timeout=20_000)
    hold = SiteHold.get()
    assert hold.site == "127.0.0.1" and "too many requests" in hold.reason
    other = manager.enqueue("download", site.video_url("v1"))
    wait_until_idle(qtbot, manager)

    assert job(job_id).status == "succeeded"
    assert job(job_id).attempts == 2
    [retry] = events(job_id, "retry")
    assert "too many requests" in retry.message
    # v1 was queued during the hold, so it started only after the hold ended.
    started = [e.at for e in events(other, "status") if e.to_status == "running"][0]
    assert started >= hold.until
    assert SiteHold.select().count() == 0  # a success forgives the site


def test_a_500_is_retried_with_backoff(site, home, manager, qtbot):
    site.set_fault("/api/video/v5", "500", times=2)
    job_id = manager.enqueue("download", site.video_url("v5"))
    wait_until_idle(qtbot, manager)

    done = job(job_id)
    assert done.status == "succeeded", done.error
    assert done.attempts == 3
    retries = events(job_id, "retry")
    assert len(retries) == 2 and all("HTTP 500" in r.message for r in retries)
    # Each retry waited: the next start came after the scheduled time.
    starts = [e.at for e in events(job_id, "status") if e.to_status == "running"]
    assert all(later > earlier for earlier, later in pairwise(starts))


def test_retries_give_up_after_the_set_number_of_attempts(site, home, manager, qtbot):
    home.settings.set("retry_attempts", 3)
    site.set_fault("/api/video/v5", "500")
    job_id = manager.enqueue("download", site.video_url("v5"))
    wait_until_idle(qtbot, manager)

    failed = job(job_id)
    assert failed.status == "failed"
    assert failed.error.startswith("gave up after 3 attempts: The site had a server error")
    assert len(site.requests("/api/video/v5")) == 3


def test_a_site_that_is_down_fails_with_one_plain_sentence(home, manager, qtbot):
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    home.settings.set("retry_attempts", 2)
    job_id = manager.enqueue("download", f"http://127.0.0.1:{port}/files/clip.mp4")
    wait_until_idle(qtbot, manager)

    failed = job(job_id)
    assert failed.status == "failed" and failed.error_kind == "transient"
    assert failed.error == ("gave up after 2 attempts: "
                            "Could not connect to 127.0.0.1 — is the site up?")
    [retry] = events(job_id, "retry")
    assert "Errno" not in retry.message and "HTTPConnection" not in retry.message
