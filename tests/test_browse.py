"""What the channel browser reads: keyset pages that add up to the whole list (none missed,
none twice), search hits by prefix, and which jobs sync which subscription."""

from __future__ import annotations

import json

from library_fill import follow_with_videos

from ytdesk.core import browse, channels, jobstore, subscription_videos
from ytdesk.core.models import Job, SubscriptionEntry, Video


def every_page(read, *args, limit: int):
    cards, after = [], None
    while True:
        page = read(*args, after=after, limit=limit)
        cards += page
        if len(page) < limit:
            return cards
        after = page[-1].key


def test_keyset_pages_add_up_to_the_channel_newest_first(home):
    followed = follow_with_videos("https://example.com/c/a", "A", 1_003)
    follow_with_videos("https://example.com/c/b", "B", 50)  # another channel, in between
    cards = every_page(browse.videos_of, followed.id, limit=100)
    assert [c.title for c in cards] == [f"A video {n}" for n in range(1_002, -1, -1)]
    assert len({c.id for c in cards}) == 1_003
    assert all(c.subscription_id == followed.id and not c.downloaded for c in cards)


def test_search_pages_find_words_by_their_beginning(home):
    follow_with_videos("https://example.com/c/g", "Gardening", 230)
    follow_with_videos("https://example.com/c/c", "Cooking", 30)
    hits = every_page(browse.search, "gard numb", limit=50)  # title and description words
    assert len(hits) == len({c.id for c in hits}) == 230
    assert [c.id for c in hits] == sorted((c.id for c in hits), reverse=True)
    assert browse.search("") == [] and browse.search('"') == []


def test_a_card_says_what_the_library_holds(home, tmp_path):
    followed = follow_with_videos("https://example.com/c/s", "S", 3)
    on_disk = tmp_path / "S video 0 [x].mp4"
    on_disk.write_bytes(b"v")
    [first, second, third] = [c.id for c in browse.videos_of(followed.id)][::-1]
    Video.update(filepath=str(on_disk), watched=True).where(Video.id == first).execute()
    Video.update(filepath=str(tmp_path / "gone.mp4")).where(Video.id == second).execute()
    Video.update(deleted_at=1.0).where(Video.id == third).execute()
    SubscriptionEntry.update(left_out="a filter").where(SubscriptionEntry.video == third).execute()
    found = browse.cards([first, second, third], followed.id)
    assert found[first].downloaded and found[first].watched
    assert not found[second].downloaded  # its row names a file that is not there
    assert found[third].deleted and found[third].left_out == "a filter"


def test_unsubscribing_deletes_only_what_no_other_subscription_lists(home, tmp_path):
    a = follow_with_videos("https://example.com/c/a", "A", 3)
    b = channels.subscribe("https://example.com/c/b", "B")
    ids = [c.id for c in browse.videos_of(a.id)]
    Video.update(filepath=str(tmp_path / "f.mp4")).where(Video.id.in_(ids[:2])).execute()
    SubscriptionEntry.insert(subscription=b.id, video=ids[0]).execute()
    assert subscription_videos.only_listed_by(a.id) == [ids[1]]


def test_which_jobs_sync_which_subscription(home):
    a = channels.subscribe("https://example.com/c/a", "A")
    [sync] = channels.queue_syncs([a.id])
    [download, odd] = jobstore.add_jobs([
        jobstore.NewJob("download", "https://example.com/v", {"subscription_id": a.id}),
        jobstore.NewJob("sync", "https://example.com/c/x", {})])
    Job.update(payload="not json").where(Job.id == odd).execute()
    assert browse.running_syncs() == {}
    Job.update(status="running").where(Job.id.in_([sync, odd])).execute()
    assert browse.running_syncs() == {sync: a.id}
    assert browse.sync_jobs([sync, download, odd]) == {sync: (a.id, "running")}
    assert json.loads(Job.get_by_id(sync).payload) == {"subscription_id": a.id}
