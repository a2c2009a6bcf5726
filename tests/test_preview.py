"""Previews: what is at a URL, fetched off the GUI thread, where only the newest request
is ever answered."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from ytdesk.jobs.preview_task import PreviewService
from ytdesk.ytdl import preview as preview_module
from ytdesk.ytdl.errors import JobStopped
from ytdesk.ytdl.preview import preview


@pytest.fixture
def service(home, qtbot):
    made = PreviewService(settings=home.settings)
    yield made
    assert made.shutdown(timeout_s=30)


def ask(qtbot, service, url, timeout=15_000):
    with qtbot.waitSignal(service.ready, timeout=timeout) as blocker:
        service.request(url)
    return blocker.args[0]


def test_a_video_shows_its_title_duration_and_thumbnail(qtbot, service, site):
    found = ask(qtbot, service, site.video_url("v2"))
    assert found.title == "Test Video 2"
    assert found.duration == 3
    assert found.uploader == "Test Channel"
    assert urlsplit(found.thumbnail_url).hostname == "127.0.0.1"
    assert not found.is_playlist
    assert not site.requests("/media/")  # looked at, not downloaded


def test_a_playlist_counts_its_videos(qtbot, service, site):
    found = ask(qtbot, service, site.playlist_url("pl1"))
    assert (found.title, found.is_playlist) == ("Test Playlist", True)
    assert (found.entry_count, found.count_is_exact) == (3, True)


def test_a_channel_counts_videos_and_shorts(qtbot, service, site):
    found = ask(qtbot, service, site.channel_url("testchannel"))
    assert (found.title, found.is_playlist) == ("Test Channel", True)
    assert (found.entry_count, found.count_is_exact) == (7, True)  # 5 videos + 2 shorts


def test_a_missing_video_fails_with_a_sentence(qtbot, service, site):
    url = site.video_url("gone")
    with qtbot.waitSignal(service.failed, timeout=15_000) as blocker:
        service.request(url)
    assert blocker.args[0] == url
    assert "HTTP 404" in blocker.args[1]


def test_only_web_addresses_are_looked_at(qtbot, service, tmp_path):
    local = tmp_path / "secret.txt"
    local.write_text("not for yt-dlp")
    with qtbot.waitSignal(service.failed, timeout=15_000) as blocker:
        service.request(local.as_uri())
    assert "only http and https" in blocker.args[1]


def test_counting_stops_at_the_cap_and_says_so(home, site, monkeypatch):
    monkeypatch.setattr(preview_module, "MAX_COUNTED", 4)
    found = preview(site.channel_url("testchannel"), should_stop=lambda: False,
                    socket_timeout=5)
    assert (found.entry_count, found.count_is_exact) == (4, False)


def test_a_stale_preview_stops_before_walking_the_channel(home, site):
    calls = []

    def stop_after_the_first_look():
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(JobStopped):
        preview(site.channel_url("testchannel"), should_stop=stop_after_the_first_look,
                socket_timeout=5)
    assert not site.requests("/api/channel/testchannel/")  # no tab was opened


def test_a_newer_request_cancels_the_stale_one(qtbot, service, site):
    site.set_fault("/api/video/v1", "slow", bytes_per_second=200)
    answered = []
    service.ready.connect(lambda found: answered.append(found.title))
    service.failed.connect(lambda url, sentence: answered.append(url))
    service.request(site.video_url("v1"))
    qtbot.waitUntil(lambda: bool(site.requests("/api/video/v1")), timeout=10_000)  # v1 is in flight
    with qtbot.waitSignal(service.ready, timeout=15_000):
        service.request(site.video_url("v3"))
    # Let the stale fetch finish its slow read, then give its answer time to arrive.
    assert service.shutdown(timeout_s=30)
    qtbot.wait(300)
    assert answered == ["Test Video 3"]


def test_closing_the_service_does_not_wait_for_a_long_count(qtbot, home, site):
    import time

    import shiboken6

    ids = [f"long{i}" for i in range(60)]
    for video_id in ids:
        site.add_video(video_id)
    site.add_channel("long", "Long Channel", videos=ids)
    site.page_size = 1
    # Each page takes ~0.1 s: the whole count would take about 6 s.
    site.set_fault("/api/channel/long/videos", "slow", bytes_per_second=2_000)
    service = PreviewService(settings=home.settings)
    service.request(site.channel_url("long"))
    qtbot.waitUntil(lambda: len(site.requests("/api/channel/long/videos")) >= 3,
                    timeout=15_000)
    started = time.monotonic()
    shiboken6.delete(service)  # as when its window closes: the pool waits for its work
    assert time.monotonic() - started < 2
    assert len(site.requests("/api/channel/long/videos")) < len(ids)
