"""Downloading through the job manager against the local fake site, end to end."""

from __future__ import annotations

import json
from pathlib import Path

from support import events, job, wait_until_idle

from ytdesk.core.models import Job, Video


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_a_video_downloads_into_the_library(site, home, manager, qtbot):
    # v2 offers separate video and audio streams: they must be merged into one file.
    job_id = manager.enqueue("download", site.video_url("v2"))
    wait_until_idle(qtbot, manager)

    done = job(job_id)
    assert done.status == "succeeded", done.error
    assert done.progress == 1.0
    [saved] = files_in(home.download_dir)
    assert saved.name == "Test Video 2 [v2].mp4"
    assert saved.parent.name == "Test Channel"
    video = Video.get(Video.video_id == "v2")
    assert Path(video.filepath) == saved
    assert video.filesize == saved.stat().st_size > 0
    assert video.channel == "Test Channel" and video.upload_date == "20260102"
    info = json.loads(video.info_json)
    assert info["tags"] == ["test", "tag2"] and info["like_count"] == 20
    assert "formats" not in info  # signed, expiring URLs are not kept
    assert [e.to_status for e in events(job_id, "status")] == ["queued", "running", "succeeded"]
    log_text = home.paths.job_log(job_id).read_text()
    assert "[fakesite] v2" in log_text and "Saved" in log_text


def test_adding_a_downloaded_video_again_downloads_nothing(site, home, manager, qtbot):
    first = manager.enqueue("download", site.video_url("v1"))
    wait_until_idle(qtbot, manager)
    assert job(first).status == "succeeded"
    site.reset_counters()

    again = manager.enqueue("download", site.video_url("v1"))
    wait_until_idle(qtbot, manager)

    assert job(again).status == "succeeded"
    saved = Video.get().filepath
    # The row tells it from a real download, and where the file is.
    assert job(again).result == f"Already in your library: {saved}"
    assert job(again).output_path == saved
    assert job(again).total_bytes == Path(saved).stat().st_size  # its row shows the size
    assert site.bytes_served("/media/") == 0
    assert len(files_in(home.download_dir)) == 1
    assert Video.select().count() == 1


def test_a_deleted_file_is_downloaded_again(site, home, manager, qtbot):
    first = manager.enqueue("download", site.video_url("v1"))
    wait_until_idle(qtbot, manager)
    Path(job(first) and Video.get(Video.video_id == "v1").filepath).unlink()

    again = manager.enqueue("download", site.video_url("v1"))
    wait_until_idle(qtbot, manager)

    assert job(again).status == "succeeded" and "Saved" in job(again).result
    assert len(files_in(home.download_dir)) == 1


def test_a_playlist_becomes_one_child_job_and_one_video_per_entry(site, home, manager, qtbot):
    parent = manager.enqueue("download", site.playlist_url("pl1"))
    wait_until_idle(qtbot, manager)

    assert job(parent).status == "succeeded"
    assert "3 videos; queued 3" in job(parent).result
    children = list(Job.select().where(Job.parent == parent).order_by(Job.id))
    assert [c.url for c in children] == [site.video_url(v) for v in ("v1", "v2", "v3")]
    assert all(c.status == "succeeded" for c in children)
    assert sorted(v.video_id for v in Video.select()) == ["v1", "v2", "v3"]
    assert all(Path(v.filepath).exists() for v in Video.select())
    assert len(files_in(home.download_dir)) == 3
    # Listing did not open each video's page: only the child jobs did, once each.
    assert len(site.requests("/api/video/v1")) == 1


def test_a_playlist_skips_videos_already_in_the_library(site, home, manager, qtbot):
    manager.enqueue("download", site.video_url("v2"))
    wait_until_idle(qtbot, manager)

    parent = manager.enqueue("download", site.playlist_url("pl1"))
    wait_until_idle(qtbot, manager)

    assert "queued 2, 1 already in your library" in job(parent).result
    assert Job.select().where(Job.parent == parent).count() == 2
    assert len(files_in(home.download_dir)) == 3


def test_a_channel_records_each_video_not_its_tabs(site, home, manager, qtbot):
    parent = manager.enqueue("download", site.channel_url("testchannel"))
    wait_until_idle(qtbot, manager)

    assert job(parent).status == "succeeded", job(parent).error
    ids = sorted(v.video_id for v in Video.select())
    assert ids == ["s1", "s2", "v1", "v2", "v3", "v4", "v5"]
    children = Job.select().where(Job.parent == parent)
    assert children.count() == 7
    assert all("/watch/" in c.url for c in children)
    assert len(files_in(home.download_dir)) == 7
    assert {v.channel for v in Video.select()} == {"Test Channel"}


def test_a_direct_media_link_downloads_with_the_generic_extractor(site, home, manager, qtbot):
    job_id = manager.enqueue("download", site.file_url("clip.mp4"))
    wait_until_idle(qtbot, manager)

    assert job(job_id).status == "succeeded", job(job_id).error
    [saved] = files_in(home.download_dir)
    assert saved.read_bytes() == Path(site.media["muxed"]).read_bytes()
    assert Video.get().extractor == "generic"


def test_an_rss_feed_becomes_one_job_per_enclosure(site, home, manager, qtbot):
    parent = manager.enqueue("download", site.feed_url)
    wait_until_idle(qtbot, manager)

    assert job(parent).status == "succeeded", job(parent).error
    assert Job.select().where(Job.parent == parent).count() == 2
    assert len(files_in(home.download_dir)) == 2


def test_audio_only_keeps_just_the_sound(site, home, manager, qtbot):
    job_id = manager.enqueue("download", site.video_url("v4"), {"quality": "audio"})
    wait_until_idle(qtbot, manager)

    assert job(job_id).status == "succeeded", job(job_id).error
    [saved] = files_in(home.download_dir)
    assert saved.suffix == ".m4a"


def test_a_title_cannot_put_a_file_outside_the_download_folder(site, home, manager, qtbot):
    site.add_video("evil", "../../../../escaped", channel="..", channel_id="evil")
    job_id = manager.enqueue("download", site.video_url("evil"))
    wait_until_idle(qtbot, manager)

    downloaded = files_in(home.download_dir.parent)
    assert all(p.is_relative_to(home.download_dir) or p.is_relative_to(home.paths.data_dir)
               for p in downloaded)
    assert job(job_id).status == "succeeded"
    [saved] = files_in(home.download_dir)
    assert "escaped" in saved.name
