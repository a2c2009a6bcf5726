"""A playlist or feed downloads what yt-dlp itself would, item by item: one bad entry is one
failed child, every other entry is downloaded under the name the list gave it."""

from __future__ import annotations

import json
from pathlib import Path

from support import events, job, wait_until_idle

from ytdesk.core.models import Job, Video

GONE = "The site says there is nothing at this address (HTTP 404): the video may have been removed."


def files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def children_of(parent: int) -> list[Job]:
    return list(Job.select().where(Job.parent == parent).order_by(Job.id))


def feed_with_a_removed_episode(site) -> None:
    site.add_feed_item("ep3", "Episode 3", "episode3.mp4")  # no such file: a 404
    site.feed_items.insert(1, site.feed_items.pop())


def test_a_feed_with_a_removed_episode_downloads_every_other_one(site, home, manager, qtbot):
    feed_with_a_removed_episode(site)

    parent = manager.enqueue("download", site.feed_url)
    wait_until_idle(qtbot, manager)

    assert job(parent).status == "succeeded", job(parent).error
    assert job(parent).title == "Test Feed"
    assert job(parent).result == ("3 videos; queued 3, 0 already in your library. "
                                  "1 could not be opened; their rows say why.")
    kids = children_of(parent)
    assert [(c.title, c.status) for c in kids] == [
        ("Episode 1", "succeeded"), ("Episode 3", "failed"), ("Episode 2", "succeeded")]
    removed = kids[1]
    assert removed.error == GONE and removed.error_kind == "permanent"
    assert removed.attempts == 1  # a permanent failure burns no retries
    # Named by the feed's titles, in the feed's folder, as `yt-dlp URL` names them.
    assert files_in(home.download_dir) == {"Test Feed/Episode 1 [ep1].mp4",
                                           "Test Feed/Episode 2 [ep2].mp4"}
    rows = {v.video_id: v for v in Video.select()}
    assert {k: (v.title, v.channel) for k, v in rows.items()} == {
        "ep1": ("Episode 1", "Test Feed"), "ep2": ("Episode 2", "Test Feed")}
    assert rows["ep1"].upload_date == "20260101"  # the feed's pubDate, not the file's
    # What a person sees never carries yt-dlp's smuggled data; the child's payload does.
    assert [c.url for c in kids] == [site.file_url(n) for n in
                                     ("clip.mp4", "episode3.mp4", "clip2.mp4")]
    assert all("smuggle" not in (v.webpage_url or "") for v in rows.values())
    assert "__youtubedl_smuggle" in json.loads(kids[0].payload)["from_list"]["entry"]["url"]


def test_a_retried_feed_lists_again_and_a_returned_episode_downloads(
        site, home, manager, qtbot, media):
    feed_with_a_removed_episode(site)
    home.settings.set("retry_attempts", 1)
    site.set_fault("/feed.xml", "500")  # the site is down: the listing itself fails
    parent = manager.enqueue("download", site.feed_url)
    wait_until_idle(qtbot, manager)
    assert job(parent).status == "failed" and not children_of(parent)

    site.clear_faults()
    manager.retry(parent)  # the site is back; episode 3 is still gone
    wait_until_idle(qtbot, manager)
    assert job(parent).status == "succeeded", job(parent).error
    assert [c.status for c in children_of(parent)] == ["succeeded", "failed", "succeeded"]

    site.add_file("episode3.mp4", media["muxed"])  # now the episode is back
    removed = children_of(parent)[1]
    manager.retry(removed.id)
    wait_until_idle(qtbot, manager)
    assert job(removed.id).status == "succeeded", job(removed.id).error
    assert "Test Feed/Episode 3 [ep3].mp4" in files_in(home.download_dir)
    log_text = home.paths.job_log(removed.id).read_text()
    assert "could not be opened when its list was read" in log_text


def test_unplayable_entries_of_a_playlist_fail_alone_with_their_sentence(
        site, home, manager, qtbot):
    for video_id, why in (("p1", "private"), ("d1", "deleted"), ("m1", "members"),
                          ("g1", "geo")):
        site.add_video(video_id, f"Unplayable {why}", availability=why)
    site.add_playlist("mixed", "Mixed Playlist", ["v1", "p1", "d1", "m1", "g1", "v3"])

    parent = manager.enqueue("download", site.playlist_url("mixed"))
    wait_until_idle(qtbot, manager)

    assert job(parent).status == "succeeded", job(parent).error
    kids = children_of(parent)
    assert [(c.status, c.error) for c in kids] == [
        ("succeeded", None),
        ("failed", "This video is private."),
        ("failed", "This video is no longer available on the site."),
        ("failed", "This video is for the channel's paying members only."),
        ("failed", "The site does not show this video in your country."),
        ("succeeded", None),
    ]
    assert all(c.attempts == 1 for c in kids)
    assert [c.title for c in kids][1:3] == ["[Private video]", "[Deleted video]"]
    assert files_in(home.download_dir) == {"Test Channel/Test Video 1 [v1].mp4",
                                           "Test Channel/Test Video 3 [v3].mp4"}
    # Each child knows where it sat in the list, as yt-dlp tells it to the download.
    first = json.loads(Video.get(Video.video_id == "v3").info_json)
    assert (first["playlist"], first["playlist_id"], first["playlist_index"],
            first["playlist_count"], first["n_entries"]) == ("Mixed Playlist", "mixed", 6, 6, 6)


def test_a_child_job_carries_its_list_not_the_parent_s_own_entry(site, home, manager, qtbot):
    parent = manager.enqueue("download", site.playlist_url("pl1"), {"quality": "480"})
    wait_until_idle(qtbot, manager)

    [first, *_] = children_of(parent)
    payload = json.loads(first.payload)
    assert payload["quality"] == "480"  # the parent's choices are inherited
    assert payload["from_list"]["entry"]["url"] == site.video_url("v1")
    assert payload["from_list"]["context"]["playlist_title"] == "Test Playlist"
    assert "listing_error" not in payload
    assert [e.to_status for e in events(first.id, "status")] == ["queued", "running",
                                                                  "succeeded"]


def test_two_feed_items_that_share_a_file_are_two_episodes(site, home, manager, qtbot):
    site.add_feed_item("ep3", "Episode 3 (the same file again)", "clip.mp4")
    parent = manager.enqueue("download", site.feed_url)
    wait_until_idle(qtbot, manager)
    assert [c.title for c in children_of(parent)] == [
        "Episode 1", "Episode 2", "Episode 3 (the same file again)"]
    assert files_in(home.download_dir) == {"Test Feed/Episode 1 [ep1].mp4",
                                           "Test Feed/Episode 2 [ep2].mp4",
                                           "Test Feed/Episode 3 (the same file again) [ep3].mp4"}
