"""The channel browser's models on their own: a real library of 100,000 videos, real reads
off the GUI thread, and Qt's model tester watching every change as it happens."""

from __future__ import annotations

import shutil
import threading

import pytest
from library_fill import follow_with_videos
from PySide6.QtCore import Qt
from support import make_home

from ytdesk.core import browse, channels
from ytdesk.core.db import transaction
from ytdesk.core.models import Subscription, SubscriptionEntry, Video
from ytdesk.core.paths import Paths
from ytdesk.jobs.reader import Reader
from ytdesk.ui.models.channel_list import ChannelListModel, ChannelRole, SyncingRole
from ytdesk.ui.models.video_list import PAGE, CardRole, VideoListModel

BIG = 100_000


@pytest.fixture(scope="session")
def big_library(tmp_path_factory):
    """A library file with a 100,000-video channel and a 300-video one, made once."""
    home = make_home(tmp_path_factory.mktemp("big-library"))
    follow_with_videos("https://example.com/c/big", "Big", BIG)
    follow_with_videos("https://example.com/c/small", "Small", 300)
    home.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    home.db.close()
    return home.paths.database


@pytest.fixture
def big_home(tmp_path, big_library):
    paths = Paths(tmp_path / "data").ensure()
    shutil.copyfile(big_library, paths.database)
    made = make_home(tmp_path)
    yield made
    made.db.close()


@pytest.fixture
def reader(qtbot):
    made = Reader()
    yield made
    made.wait()


def titles(model) -> list[str]:
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def ids_of(name: str) -> int:
    return Subscription.get(Subscription.title == name).id


# Qt's model tester asks for more rows itself (fetchMore is part of what it checks): the
# tests that count reads run without it, and one test below runs it through everything.
def test_a_channel_of_100000_videos_shows_its_first_page_and_reads_no_more(
        big_home, reader, qtbot):
    model = VideoListModel(reader)
    with qtbot.waitSignal(model.pageArrived, timeout=10_000):
        model.show_channel(ids_of("Big"))
    assert model.rowCount() == PAGE
    assert model.page_reads == 1
    assert titles(model)[:2] == ["Big video 99999", "Big video 99998"]  # newest first
    assert model.canFetchMore()


def test_scrolling_reads_the_next_page_after_the_last_one(big_home, reader, qtbot):
    model = VideoListModel(reader)
    with qtbot.waitSignal(model.pageArrived, timeout=10_000):
        model.show_channel(ids_of("Big"))
    model.fetchMore()
    model.fetchMore()  # asked twice while the page is on its way: one read
    assert model.page_reads == 2 and not model.canFetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE, timeout=10_000)
    assert titles(model)[PAGE - 1:PAGE + 1] == ["Big video 99800", "Big video 99799"]
    assert model.page_reads == 2


def test_the_last_page_ends_the_list(big_home, reader, qtbot):
    model = VideoListModel(reader, page=120)
    with qtbot.waitSignal(model.pageArrived, timeout=10_000):
        model.show_channel(ids_of("Small"))
    while model.canFetchMore():
        with qtbot.waitSignal(model.pageArrived, timeout=10_000):
            model.fetchMore()
    assert model.rowCount() == 300 and model.at_end
    assert model.page_reads == 3
    assert titles(model)[-1] == "Small video 0"


class Held:
    """Keeps the reader's one thread busy until released: a page asked now waits."""

    def __init__(self, reader: Reader):
        self.gate = threading.Event()
        reader.submit(self.gate.wait, 10, done=_ignore)

    def release(self) -> None:
        self.gate.set()


def _ignore(_):
    pass


class ForgetfulReader(Reader):
    """A reader that cannot call back a read once asked: the stale answer still arrives."""

    def forget(self, task) -> None:
        pass


@pytest.mark.parametrize("reader_kind", [Reader, ForgetfulReader])
def test_switching_channels_mid_load_drops_the_stale_page(big_home, qtbot, reader_kind):
    reader = reader_kind()
    model = VideoListModel(reader)
    held = Held(reader)
    model.show_channel(ids_of("Big"))  # its page waits behind the held read
    assert model.loading and model.rowCount() == 0
    model.show_channel(ids_of("Small"))
    arrived = []
    model.pageArrived.connect(lambda: arrived.append(model.rowCount()))
    held.release()
    qtbot.waitUntil(lambda: model.rowCount() == PAGE, timeout=10_000)
    reader.wait()
    qtbot.wait(50)  # any late answer has been delivered by now
    assert model.rowCount() == PAGE
    assert all(t.startswith("Small video") for t in titles(model))
    assert arrived == [PAGE]  # one page applied: the new channel's
    assert model.page_reads == 2


def test_a_refresh_puts_new_videos_on_top_and_keeps_the_rows_below(home, reader, qtbot,
                                                                    qtmodeltester):
    followed = follow_with_videos("https://example.com/c/a", "A", 250)
    model = VideoListModel(reader)
    qtmodeltester.check(model)
    with qtbot.waitSignal(model.pageArrived, timeout=10_000):
        model.show_channel(followed.id)
    with qtbot.waitSignal(model.pageArrived, timeout=10_000):
        model.fetchMore()
    assert model.rowCount() == 250
    with transaction():  # a sync found two new videos and one was watched
        for n in (250, 251):
            video = Video.insert(extractor="fakesite", video_id=f"new{n}",
                                 title=f"A video {n}").execute()
            SubscriptionEntry.insert(subscription=followed.id, video=video).execute()
        Video.update(watched=True).where(Video.title == "A video 100").execute()
    inserted = []
    model.rowsInserted.connect(lambda _, first, last: inserted.append((first, last)))
    with qtbot.waitSignal(model.pageArrived, timeout=10_000):
        model.refresh()
    assert model.rowCount() == 252
    assert titles(model)[:3] == ["A video 251", "A video 250", "A video 249"]
    assert titles(model)[-1] == "A video 0"
    assert model.index(151, 0).data(CardRole).watched  # "A video 100", two rows lower now
    assert inserted == [(0, 1)]  # one insertion above, not a new list


def test_search_pages_through_the_whole_library(big_home, reader, qtbot):
    model = VideoListModel(reader)
    with qtbot.waitSignal(model.pageArrived, timeout=10_000):
        model.show_search("smal vid")  # prefixes of "Small" and "video"
    assert model.rowCount() == PAGE and model.page_reads == 1
    with qtbot.waitSignal(model.pageArrived, timeout=10_000):
        model.fetchMore()
    assert model.rowCount() == 300 and model.at_end
    assert titles(model)[0] == "Small video 299"
    assert all(t.startswith("Small video") for t in titles(model))
    card = model.index(0, 0).data(CardRole)
    assert card.subscription_id == ids_of("Small")  # a search hit knows its channel
    with qtbot.waitSignal(model.pageArrived, timeout=10_000):
        model.show_search("nothingmatchesthis")
    assert model.rowCount() == 0 and model.at_end


def test_qt_model_tester_passes_on_the_video_list(big_home, reader, qtbot, qtmodeltester):
    model = VideoListModel(reader)
    qtmodeltester.check(model)  # attached first: it checks every change that follows
    with qtbot.waitSignal(model.pageArrived, timeout=10_000):
        model.show_channel(ids_of("Small"))
    while not model.at_end:
        model.fetchMore()
        qtbot.waitUntil(lambda: not model.loading, timeout=10_000)
    assert model.rowCount() == 300
    with qtbot.waitSignal(model.pageArrived, timeout=10_000):
        model.refresh()
    with qtbot.waitSignal(model.pageArrived, timeout=10_000):
        model.show_search("small video 1")
    model.show_channel(ids_of("Big"))
    qtbot.waitUntil(lambda: model.rowCount() >= PAGE and not model.loading, timeout=10_000)
    model.show_channel(None)
    assert model.rowCount() == 0


def test_the_channel_list_groups_channels_and_follows_syncs(home, qtmodeltester):
    channels.subscribe("https://example.com/c/z", "Zed")
    channels.subscribe("https://example.com/c/m1", "Music one", group="Music")
    channels.subscribe("https://example.com/c/m2", "Music two", group="Music")
    broken = channels.subscribe("https://example.com/c/n", "News", group="Talk")
    Subscription.update(last_error="The site says there is nothing at this address.").where(
        Subscription.id == broken.id).execute()
    model = ChannelListModel()
    qtmodeltester.check(model)
    model.set_rows(browse.channels())
    top = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert top == ["Zed", "Music (2)", "Talk (1)"]
    music = model.index(1, 0)
    assert [model.index(r, 0, music).data() for r in range(model.rowCount(music))] == [
        "Music one", "Music two"]
    assert model.index(1, 0).data(ChannelRole) is None  # a group is a heading
    news = model.index_of(broken.id)
    assert "Last sync failed: The site says there is nothing" in news.data(
        Qt.ItemDataRole.ToolTipRole)
    model.set_syncing({broken.id})
    assert news.data(SyncingRole) is True
    assert "syncing now" in news.data(Qt.ItemDataRole.AccessibleTextRole)
    # The same channels again: repainted in place; another one: the list is made again.
    model.set_rows(browse.channels())
    channels.subscribe("https://example.com/c/m3", "Music three", group="Music")
    model.set_rows(browse.channels())
    assert model.rowCount(model.index(1, 0)) == 3
    assert model.channel_count() == 5
