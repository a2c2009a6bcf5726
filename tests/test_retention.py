"""A subscription's retention rules delete what they say, on disk and in the library:
the newest N downloads stay, watched videos go D days after they were watched, favourites
always stay, and a deleted video is remembered (so a sync does not fetch it again)."""

from __future__ import annotations

from pathlib import Path

from support import wait_until_idle

from ytdesk.core import channels, retention
from ytdesk.core.clock import now
from ytdesk.core.models import Job, Subscription, SubscriptionEntry, Video

DAY = 86_400


def downloaded(folder: Path, video_id: str, **columns) -> int:
    """A downloaded video: its file and its info JSON on disk, its row in the library."""
    folder.mkdir(parents=True, exist_ok=True)
    media = folder / f"Video {video_id} [{video_id}].mp4"
    media.write_bytes(b"v" * 1000)
    (folder / f"Video {video_id} [{video_id}].info.json").write_text("{}")
    return Video.insert(extractor="fakesite", video_id=video_id, title=f"Video {video_id}",
                        filepath=str(media), filesize=1000, **columns).execute()


def following(url: str, video_ids: list[int], **rules) -> int:
    """A subscription whose listing showed these videos, oldest first (as a sync adds them)."""
    subscription_id = channels.subscribe(url).id
    if rules:
        Subscription.update(**rules).where(Subscription.id == subscription_id).execute()
    for video_id in video_ids:
        SubscriptionEntry.insert(subscription=subscription_id, video=video_id).execute()
    return subscription_id


def test_keep_newest_three_deletes_only_the_older_files_and_keeps_favourites(home, tmp_path):
    folder = tmp_path / "videos" / "Channel"
    ids = [downloaded(folder, f"c{n}", favourite=(n == 1)) for n in range(1, 7)]  # c1 oldest
    other = following("https://example.com/other", [downloaded(tmp_path / "o", "o1"),
                                                    downloaded(tmp_path / "o", "o2")],
                      keep_newest=1)
    sub = following("https://example.com/channel", ids, keep_newest=3)

    dry = retention.apply(sub, dry_run=True)
    # c4-c6 are the newest three; of c1-c3, c1 is a favourite.
    assert [d.video_id for d in dry.which] == [ids[2], ids[1]]  # newest first: c3, c2
    assert (dry.videos, dry.files, dry.bytes) == (2, 4, 2 * (1000 + 2))
    assert sorted(Path(p).name for p in dry.paths) == [
        "Video c2 [c2].info.json", "Video c2 [c2].mp4",
        "Video c3 [c3].info.json", "Video c3 [c3].mp4"]
    assert all(Path(p).exists() for p in dry.paths)  # a dry run only counts

    done = retention.apply(sub, dry_run=False)
    assert done.videos == 2 and done.problems == []
    left = sorted(p.name for p in folder.iterdir() if p.suffix == ".mp4")
    assert left == ["Video c1 [c1].mp4", "Video c4 [c4].mp4", "Video c5 [c5].mp4",
                    "Video c6 [c6].mp4"]
    rows = {v.video_id: v for v in Video.select()}
    for gone in ("c2", "c3"):
        assert rows[gone].filepath is None and rows[gone].deleted_at is not None
    for kept in ("c1", "c4", "c5", "c6"):
        assert rows[kept].filepath and rows[kept].deleted_at is None
    # The other subscription's rule was not applied: only this one's was asked for.
    assert rows["o1"].filepath and rows["o2"].filepath
    assert retention.apply(sub, dry_run=False).videos == 0  # nothing more to do

    everywhere = retention.apply(None, dry_run=False)
    assert [d.video_id for d in everywhere.which] == [rows["o1"].id]
    assert rows["o2"].id not in {d.video_id for d in everywhere.which}
    assert other


def test_watched_videos_go_after_d_days_by_when_they_were_watched(home, tmp_path):
    folder = tmp_path / "videos" / "Talks"
    long_ago = downloaded(folder, "w1", watched=True, watched_at=now() - 10 * DAY)
    lately = downloaded(folder, "w2", watched=True, watched_at=now() - 2 * DAY)
    unwatched = downloaded(folder, "w3")
    loved = downloaded(folder, "w4", watched=True, watched_at=now() - 30 * DAY, favourite=True)
    sub = following("https://example.com/talks", [long_ago, lately, unwatched, loved],
                    delete_watched_after_days=7)

    done = retention.apply(sub, dry_run=False)
    assert [(d.video_id, d.reason) for d in done.which] == [(long_ago, retention.WATCHED)]
    assert sorted(p.name for p in folder.glob("*.mp4")) == [
        "Video w2 [w2].mp4", "Video w3 [w3].mp4", "Video w4 [w4].mp4"]
    assert Video.get_by_id(long_ago).deleted_at is not None
    assert Video.get_by_id(loved).filepath  # a favourite is never deleted


def test_a_video_without_its_file_or_marked_missing_is_not_counted_as_a_download(home, tmp_path):
    folder = tmp_path / "videos" / "Gone"
    ids = [downloaded(folder, f"g{n}") for n in range(1, 4)]
    Video.update(missing_since=now()).where(Video.id == ids[2]).execute()  # the newest
    sub = following("https://example.com/gone", ids, keep_newest=1)
    # The newest one that has a file is g2: g1 alone goes.
    assert [d.video_id for d in retention.plan(sub)] == [ids[0]]


def test_a_videos_files_are_its_own_name_and_sidecars_only(tmp_path):
    from ytdesk.core.video_actions import FolderNames, files_of

    for name in ("A [1].mp4", "A [1].info.json", "A [1]-thumb.jpg", "A [1].en.vtt",
                 "A [1] b.mp4", "A [10].mp4", "A [1]x.jpg", "0.txt", "B [2].mp4"):
        (tmp_path / name).write_text(name)
    (tmp_path / "A [1].d").mkdir()
    listed = FolderNames()
    expected = ["A [1]-thumb.jpg", "A [1].en.vtt", "A [1].info.json", "A [1].mp4"]
    assert [p.name for p in files_of(tmp_path / "A [1].mp4", listed)] == expected
    assert [p.name for p in files_of(tmp_path / "A [1].mp4")] == expected
    assert [p.name for p in files_of(tmp_path / "B [2].mp4", listed)] == ["B [2].mp4"]


def test_a_video_another_subscription_keeps_is_not_deleted(home, tmp_path):
    folder = tmp_path / "videos" / "Shared"
    ids = [downloaded(folder, f"s{n}") for n in range(1, 5)]  # s1 oldest
    channel = following("https://example.com/c", ids, keep_newest=1)
    following("https://example.com/playlist", [ids[0]])  # followed without rules: keeps s1
    following("https://example.com/mix", [ids[1]], keep_newest=5)  # keeps s2: among its newest
    following("https://example.com/also", [ids[2], ids[3]], keep_newest=1)  # deletes s3 too

    assert [d.video_id for d in retention.plan(channel)] == [ids[2]]
    assert [d.video_id for d in retention.plan(None)] == [ids[2]]
    retention.apply(channel, dry_run=False)
    assert [Video.get_by_id(i).filepath is not None for i in ids] == [True, True, False, True]


def test_after_a_sync_keep_newest_three_deletes_the_older_files_and_they_never_come_back(
        site, home, manager, qtbot):
    site.add_channel("ret", "Keepers")
    ids = []
    for n in range(1, 7):  # ret001 is the oldest upload
        video_id = f"ret{n:03d}"
        site.add_video(video_id, f"Keeper {n}", channel="Keepers", channel_id="ret",
                       upload_date=f"202601{n:02d}")
        site.channels["ret"].videos.insert(0, video_id)
        ids.append(video_id)
    followed = channels.subscribe(site.channel_url("ret"), "Keepers", backfill="all")

    def sync() -> None:
        manager.enqueue("sync", followed.url, {"subscription_id": followed.id})
        wait_until_idle(qtbot, manager)

    def on_disk() -> set[str]:
        return {p.name.split("[")[1].split("]")[0] for p in home.download_dir.rglob("*.mp4")}

    sync()
    assert on_disk() == set(ids)
    Subscription.update(keep_newest=3).where(Subscription.id == followed.id).execute()
    sync()  # the next sync applies the rule
    assert on_disk() == set(ids[3:])
    deleted = Video.select().where(Video.deleted_at.is_null(False))
    assert sorted(v.video_id for v in deleted) == ids[:3]
    [last] = Job.select().where(Job.kind == "sync").order_by(Job.id.desc()).limit(1)
    assert "Deleted 3 videos by the retention rules" in last.result

    site.add_video("ret007", "Keeper 7", channel="Keepers", channel_id="ret",
                   upload_date="20260107")
    site.channels["ret"].videos.insert(0, "ret007")
    served = {video_id: site.bytes_served(f"/media/{video_id}") for video_id in ids[:3]}
    sync()
    assert on_disk() == set(ids[3:]) | {"ret007"}  # the deleted three were not fetched again
    assert {v: site.bytes_served(f"/media/{v}") for v in ids[:3]} == served
    sync()  # the newest is downloaded now: the next sync keeps the newest three
    assert on_disk() == {"ret005", "ret006", "ret007"}
