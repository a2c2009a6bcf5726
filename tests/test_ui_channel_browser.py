"""The Channels tab, driven as a user would: keys, menus and questions answered, with the
effect of each action checked on disk and in the library."""

from __future__ import annotations

import json
import time

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMenu
from test_ui_accessibility import describe, given_name, reachable, unnamed

from ytdesk.core import browse, channels
from ytdesk.core.db import transaction
from ytdesk.core.models import Job, Subscription, SubscriptionEntry, Video
from ytdesk.jobs.reader import Reader
from ytdesk.ui.actions import shortcut_text
from ytdesk.ui.channel_browser import ChannelBrowser
from ytdesk.ui.main_window import MainWindow
from ytdesk.ui.models.channel_list import SyncingRole
from ytdesk.ui.thumbnails import cache_file

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


class Library:
    """Two channels: "Cooking" (group Food, its own folder, the audio preset) with three
    downloaded videos (one watched) and two not downloaded (one deleted on purpose, one
    left out by its sync), and "News" sharing one downloaded video with Cooking."""

    def __init__(self, home):
        self.folder = home.download_dir / "Cooking"
        self.folder.mkdir(parents=True)
        self.cooking = channels.subscribe("https://example.com/c/cooking", "Cooking",
                                          group="Food", preset="audio-m4a",
                                          folder=str(self.folder))
        self.news = channels.subscribe("https://example.com/c/news", "News")
        self.files: dict[str, list] = {}
        self.ids: dict[str, int] = {}
        with transaction():
            for n, (title, state) in enumerate([
                    ("Bread basics", "downloaded"), ("Soup stock", "watched"),
                    ("Shared clip", "downloaded"), ("Old pie", "deleted"),
                    ("Back catalogue cake", "left out")]):
                path = self.folder / f"{title} [c{n}].mp4"
                on_disk = state in ("downloaded", "watched")
                if on_disk:
                    sidecar = self.folder / f"{title} [c{n}].info.json"
                    path.write_bytes(b"video")
                    sidecar.write_text("{}")
                    self.files[title] = [path, sidecar]
                video = Video.insert(
                    extractor="fakesite", video_id=f"c{n}", title=title, duration=125.0,
                    upload_date=f"2024030{n + 1}", webpage_url=f"https://example.com/watch/c{n}",
                    filepath=str(path) if on_disk else None, watched=state == "watched",
                    deleted_at=time.time() if state == "deleted" else None).execute()
                self.ids[title] = video
                SubscriptionEntry.insert(
                    subscription=self.cooking.id, video=video,
                    left_out="only the newest 10 of the back catalogue"
                    if state == "left out" else None).execute()
            SubscriptionEntry.insert(subscription=self.news.id,
                                     video=self.ids["Shared clip"]).execute()


@pytest.fixture
def library(home):
    return Library(home)


@pytest.fixture
def window(home, manager, library, qtbot, file_manager):
    manager.pause_queue("tests: what is queued stays queued")
    shown = MainWindow(manager, home.settings, home.paths)
    qtbot.addWidget(shown)
    shown.resize(1100, 720)
    shown.show()
    qtbot.waitExposed(shown)
    with qtbot.waitSignal(shown.browser.channelsLoaded, timeout=10_000):
        shown.tabs.setCurrentWidget(shown.channels_page)
    browser = shown.browser
    browser.select_channel(library.cooking.id)
    qtbot.waitUntil(lambda: browser.videos.rowCount() == 5, timeout=10_000)
    yield shown
    shown.browser.close_down()
    shown.reader.wait()


def titles(browser) -> list[str]:
    return [browser.videos.index(r, 0).data() for r in range(browser.videos.rowCount())]


def select(browser, title: str):
    row = titles(browser).index(title)
    view = browser.video_view
    view.setFocus()
    view.setCurrentIndex(browser.videos.index(row, 0))
    return browser.videos.card(row)


def refocus(window, widget, qtbot) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    widget.setFocus()


def card_of(browser, title: str):
    return browser.videos.card(titles(browser).index(title))


def answer(actions, button_text: str) -> None:
    """Click a button of the question the browser asks next (it waits in exec())."""
    def click():
        box = actions.question
        if box is None:
            QTimer.singleShot(10, click)
            return
        for button in box.buttons():
            if button.text().replace("&", "") == button_text:
                button.click()
                return
        raise AssertionError(f"no button {button_text!r} in {[b.text() for b in box.buttons()]}")
    QTimer.singleShot(0, click)


def test_a_channel_shows_its_videos_newest_first_with_what_the_library_holds(window, qtbot):
    browser = window.browser
    assert titles(browser) == ["Back catalogue cake", "Old pie", "Shared clip", "Soup stock",
                               "Bread basics"]
    details = [browser.videos.index(r, 0).data(Qt.ItemDataRole.AccessibleTextRole)
               for r in range(5)]
    assert "Not downloaded: only the newest 10 of the back catalogue" in details[0]
    assert "File deleted" in details[1]
    assert "2:05" in details[2] and "2024-03-03" in details[2] and "Downloaded" in details[2]
    assert "Downloaded, watched" in details[3]
    assert browser.title.text() == "Cooking"
    qtbot.waitUntil(lambda: "5 videos · 3 downloaded · 2 unwatched" in browser.details.text(),
                    timeout=5_000)  # counted after the first page is on screen


def test_the_sync_icon_shows_while_a_sync_of_the_channel_runs(window, library, qtbot):
    browser, manager = window.browser, window.manager
    index = browser.channels.index_of(library.cooking.id)
    [job_id] = channels.queue_syncs([library.cooking.id])
    Job.update(status="running").where(Job.id == job_id).execute()
    manager.jobChanged.emit(job_id, "running")
    qtbot.waitUntil(lambda: index.data(SyncingRole) is True, timeout=5_000)
    assert "syncing now" in browser.details.text()
    assert "syncing now" in index.data(Qt.ItemDataRole.AccessibleTextRole)
    Job.update(status="succeeded").where(Job.id == job_id).execute()
    Subscription.update(last_synced_at=time.time()).where(
        Subscription.id == library.cooking.id).execute()
    manager.jobFinished.emit(job_id, "succeeded")
    assert index.data(SyncingRole) is False  # known as a sync now: no read needed
    qtbot.waitUntil(lambda: "last synced" in browser.details.text(), timeout=5_000)


def test_a_failed_sync_shows_its_sentence_on_hover(window, library, qtbot):
    browser = window.browser
    Subscription.update(last_error="The site says there is nothing at this address.").where(
        Subscription.id == library.news.id).execute()
    window.manager.subscriptionsChanged.emit()
    index = browser.channels.index_of(library.news.id)
    qtbot.waitUntil(lambda: "Last sync failed: The site says there is nothing" in (
        browser.channels.index_of(library.news.id).data(Qt.ItemDataRole.ToolTipRole) or ""),
        timeout=5_000)
    assert "last sync failed" in index.data(Qt.ItemDataRole.AccessibleTextRole)


def test_mark_watched_and_unwatched_from_the_keyboard(window, library, qtbot):
    browser = window.browser
    select(browser, "Bread basics")
    qtbot.keyClick(browser.video_view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: Video.get_by_id(library.ids["Bread basics"]).watched, timeout=5_000)
    qtbot.waitUntil(lambda: card_of(browser, "Bread basics").watched, timeout=5_000)
    assert Video.get_by_id(library.ids["Bread basics"]).watched_at is not None
    qtbot.waitUntil(lambda: "1 unwatched" in browser.details.text(), timeout=5_000)
    qtbot.keyClick(browser.video_view, Qt.Key.Key_M,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: not Video.get_by_id(library.ids["Bread basics"]).watched,
                    timeout=5_000)
    qtbot.waitUntil(lambda: not card_of(browser, "Bread basics").watched, timeout=5_000)


def test_delete_file_asks_first_then_deletes_it_and_remembers(window, library, qtbot):
    browser, actions = window.browser, window.browser.browser_actions
    select(browser, "Bread basics")
    answer(actions, "Cancel")
    qtbot.keyClick(browser.video_view, Qt.Key.Key_Delete)
    qtbot.wait(100)
    assert all(p.exists() for p in library.files["Bread basics"])

    refocus(window, browser.video_view, qtbot)  # the question took the focus with it
    answer(actions, "Delete files")
    qtbot.keyClick(browser.video_view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: Video.get_by_id(library.ids["Bread basics"]).deleted_at is not None,
                    timeout=5_000)
    assert not any(p.exists() for p in library.files["Bread basics"])  # with its info file
    assert Video.get_by_id(library.ids["Bread basics"]).filepath is None
    qtbot.waitUntil(lambda: card_of(browser, "Bread basics").deleted, timeout=5_000)
    assert "Deleted 1 video (2 files" in window.statusBar().currentMessage()
    assert all(p.exists() for p in library.files["Soup stock"])  # only what was chosen


def test_redownload_forgets_the_deletion_and_queues_it_as_the_channel_downloads(
        window, library, home, qtbot):
    browser = window.browser
    assert card_of(browser, "Old pie").deleted
    select(browser, "Old pie")
    with qtbot.waitSignal(window.manager.jobAdded, timeout=5_000):
        qtbot.keyClick(browser.video_view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    [job] = Job.select().where(Job.kind == "download")
    assert job.url == "https://example.com/watch/c3"
    assert json.loads(job.payload) == {"preset": "audio-m4a", "download_dir": str(library.folder),
                                       "subscription_id": library.cooking.id}
    assert Video.get_by_id(library.ids["Old pie"]).deleted_at is None
    qtbot.waitUntil(lambda: not card_of(browser, "Old pie").deleted, timeout=5_000)


def test_a_video_of_no_channel_downloads_with_the_default_preset(window, home, qtbot):
    browser = window.browser
    Video.insert(extractor="fakesite", video_id="solo", title="Solo tune",
                 webpage_url="https://example.com/watch/solo").execute()
    browser.search_now("solo")
    qtbot.waitUntil(lambda: titles(browser) == ["Solo tune"], timeout=5_000)
    select(browser, "Solo tune")
    with qtbot.waitSignal(window.manager.jobAdded, timeout=5_000):
        browser.browser_actions.redownload.trigger()
    [job] = Job.select().where(Job.kind == "download")
    assert json.loads(job.payload) == {"preset": home.settings.get("default_preset"),
                                       "download_dir": str(home.settings.download_dir())}


def test_open_folder_shows_the_videos_file_or_the_channels_folder(window, library, home,
                                                                  file_manager, qtbot):
    browser = window.browser
    select(browser, "Soup stock")
    qtbot.keyClick(browser.video_view, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert file_manager.opened == [str(library.folder)]
    browser.select_channel(library.news.id)
    browser.channel_view.setFocus()
    qtbot.keyClick(browser.channel_view, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert file_manager.opened[-1] == str(home.download_dir)  # News has no folder of its own
    assert len(file_manager.opened) == 2


@pytest.mark.qt_log_ignore("^Could not open media", extend=True)  # its file is not a video
def test_enter_opens_a_downloaded_video_and_says_why_not_for_others(window, library,
                                                                     file_manager, qtbot):
    browser = window.browser
    card = select(browser, "Soup stock")
    with qtbot.waitSignal(browser.videoActivated, timeout=2_000) as activated:
        qtbot.keyClick(browser.video_view, Qt.Key.Key_Return)
    assert activated.args == [card.id]
    assert window.tabs.currentWidget() is window.player_page  # ytdesk's own player
    qtbot.waitUntil(lambda: window.player.item is not None
                    and window.player.item.video_id == card.id, timeout=5_000)
    window.tabs.setCurrentWidget(window.channels_page)
    select(browser, "Old pie")
    qtbot.keyClick(browser.video_view, Qt.Key.Key_Return)
    assert "is not in your library: choose Re-download" in window.statusBar().currentMessage()
    assert window.tabs.currentWidget() is window.channels_page
    assert file_manager.opened == []


def test_sync_now_queues_one_sync_of_the_channel(window, library, qtbot):
    browser = window.browser
    browser.channel_view.setFocus()
    with qtbot.waitSignal(window.manager.jobAdded, timeout=5_000) as added:
        qtbot.keyClick(browser.channel_view, Qt.Key.Key_F5)
    [job] = Job.select().where(Job.kind == "sync")
    assert added.args == [[job.id]]
    assert json.loads(job.payload) == {"subscription_id": library.cooking.id}
    assert job.url == "https://example.com/c/cooking"


@pytest.mark.parametrize("choice", ["Keep files", "Delete files", "Cancel"])
def test_unsubscribe_asks_whether_to_keep_the_files(window, library, qtbot, choice):
    browser, actions = window.browser, window.browser.browser_actions
    browser.channel_view.setFocus()
    answer(actions, choice)
    qtbot.keyClick(browser.channel_view, Qt.Key.Key_Delete)
    if choice == "Cancel":
        qtbot.wait(200)
        assert Subscription.get_or_none(Subscription.id == library.cooking.id) is not None
        return
    qtbot.waitUntil(lambda: Subscription.get_or_none(
        Subscription.id == library.cooking.id) is None, timeout=5_000)
    qtbot.waitUntil(lambda: browser.channels.find(library.cooking.id) is None, timeout=5_000)
    assert browser.channels.channel_count() == 1
    kept = choice == "Keep files"
    for title in ("Bread basics", "Soup stock"):
        assert all(p.exists() == kept for p in library.files[title]), title
        assert (Video.get_by_id(library.ids[title]).deleted_at is None) == kept
    # News still lists the shared clip: its file stays whatever was chosen.
    assert all(p.exists() for p in library.files["Shared clip"])
    qtbot.waitUntil(lambda: browser.videos.rowCount() == 0, timeout=5_000)


def test_the_search_box_searches_the_whole_library(window, library, qtbot):
    browser = window.browser
    with transaction():
        video = Video.insert(extractor="fakesite", video_id="n1", title="Evening bulletin",
                             description="Bread prices rise").execute()
        SubscriptionEntry.insert(subscription=library.news.id, video=video).execute()
    browser.focus_search()
    qtbot.keyClicks(browser.search, "brea")  # a word's beginning finds the word
    qtbot.waitUntil(lambda: set(titles(browser)) == {"Bread basics", "Evening bulletin"},
                    timeout=5_000)
    assert browser.title.text() == "Search: brea"
    assert "2 videos found" in browser.details.text()
    qtbot.keyClick(browser.search, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: len(titles(browser)) == 5, timeout=5_000)
    assert browser.title.text() == "Cooking"


def test_thumbnails_are_fetched_once_and_kept_on_disk(window, library, site, home, qtbot):
    browser = window.browser
    url = f"{site.base_url}/thumb/v1.jpg"
    Video.update(thumbnail=url).where(Video.id == library.ids["Soup stock"]).execute()
    Video.update(thumbnail="file:///etc/passwd").where(
        Video.id == library.ids["Bread basics"]).execute()
    browser.videos.refresh()
    kept = cache_file(home.paths.thumbnails, url)
    qtbot.waitUntil(kept.exists, timeout=10_000)
    size = browser.video_view.itemDelegate().sizeHint(None, browser.videos.index(0, 0))
    assert size.height() > 72
    qtbot.waitUntil(lambda: any(key[0] == url for key in browser.thumbnails._ready),
                    timeout=5_000)
    assert len(site.requests("/thumb/")) == 1
    assert list(home.paths.thumbnails.iterdir()) == [kept]  # never a file: address

    again = type(browser.thumbnails)(home.paths.thumbnails)  # a later start: from disk
    arrived = []
    again.arrived.connect(arrived.append)
    assert again.pixmap(url, QSize(64, 36)) is None
    qtbot.waitUntil(lambda: arrived == [url], timeout=5_000)
    assert again.pixmap(url, QSize(64, 36)).width() == 64
    assert len(site.requests("/thumb/")) == 1
    again.close()


def test_edit_opens_the_subscription_dialog_for_the_channel(window, library, qtbot):
    browser = window.browser
    browser.channel_view.setFocus()
    qtbot.keyClick(browser.channel_view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = browser.browser_actions.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Edit “Cooking”"
    assert dialog.name.text() == "Cooking"
    dialog.reject()


def test_dropping_a_channel_address_offers_to_follow_it(window, qtbot):
    browser = window.browser
    mime = QMimeData()
    mime.setUrls([QUrl("https://example.com/c/gardening")])
    enter = QDragEnterEvent(QPoint(40, 40), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(browser, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(browser, QDropEvent(QPointF(40, 40), Qt.DropAction.CopyAction, mime,
                                               Qt.MouseButton.LeftButton,
                                               Qt.KeyboardModifier.NoModifier))
    dialog = browser.browser_actions.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.url.text() == "https://example.com/c/gardening"
    dialog.reject()
    assert Job.select().count() == 0  # a drop here follows; it never downloads


# -- accessibility -------------------------------------------------------------------------------
def test_every_control_of_the_channels_tab_has_a_name(window):
    browser = window.browser
    controls = reachable(browser)
    assert unnamed(browser) == []
    names = {given_name(w) for w in controls}
    assert {"Search the library", "Channels", "Videos", "Sync now", "Edit", "Open folder",
            "Unsubscribe"} <= names, names


def test_every_action_names_its_shortcut_in_its_tooltip(window):
    actions = window.browser.browser_actions
    for action in [*actions.video_actions, *actions.channel_actions()]:
        if not action.shortcut().isEmpty():
            assert shortcut_text(action.shortcut()) in action.toolTip(), action.text()
    assert shortcut_text("Ctrl+F") in window.browser.search.toolTip()


def test_the_keyboard_alone_walks_the_channels_tab(window, qtbot):
    browser = window.browser
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    browser.channel_view.setFocus()
    qtbot.keyClick(browser.channel_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is browser.search
    visited = [browser.search]
    for _ in range(12):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
        if visited[-1] is browser.video_view:
            break
    names = [given_name(w) for w in visited]
    assert names == ["Search the library", "Channels", "Sync now", "Edit", "Open folder",
                     "Unsubscribe", "Videos"], [describe(w) for w in visited]
    # Arrows move between channels (News, without a group, is above the Food group).
    browser.channel_view.setFocus()
    before = browser.current_channel().id
    qtbot.keyClick(browser.channel_view, Qt.Key.Key_Up)
    qtbot.keyClick(browser.channel_view, Qt.Key.Key_Up)
    assert browser.current_channel().id != before


# A popup menu asks the platform to raise it and grab the keyboard; offscreen cannot.
@pytest.mark.qt_log_ignore(r"This plugin does not support (raise|grabbing the keyboard)")
def test_the_context_menus_open_from_the_keyboard(window, qtbot):
    browser = window.browser
    seen: list[list[str]] = []

    def read_and_close():
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, read_and_close)
            return
        seen.append([a.text() for a in menu.actions() if not a.isSeparator()])
        menu.close()

    select(browser, "Soup stock")
    QTimer.singleShot(0, read_and_close)
    qtbot.keyClick(browser.video_view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    refocus(window, browser.channel_view, qtbot)  # the menu took the focus with it
    QTimer.singleShot(0, read_and_close)
    qtbot.keyClick(browser.channel_view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    assert seen == [["Play", "Play next", "Add to queue", "Open folder", "Mark watched",
                     "Mark unwatched", "Re-download", "Delete file…"],
                    ["Sync now", "Edit…", "Open folder", "Unsubscribe…"]]


def test_no_channels_says_how_to_follow_one(home, manager, qtbot):
    shown = MainWindow(manager, home.settings, home.paths)
    qtbot.addWidget(shown)
    shown.show()
    with qtbot.waitSignal(shown.browser.channelsLoaded, timeout=10_000):
        shown.tabs.setCurrentWidget(shown.channels_page)
    hint = shown.browser.empty_hint
    assert hint.isVisible() and "You follow no channels yet" in hint.text()
    shown.browser.close_down()
    shown.reader.wait()


class RecordingReader(Reader):
    """A real reader that notes what it was asked to read, in order."""

    def __init__(self):
        super().__init__()
        self.asked: list[str] = []

    def submit(self, function, *args, **kwargs):
        if function is browse.channels:
            self.asked.append("counted channels" if (args or (True,))[0] else "channels")
        elif args and args[1:2] == (browse.videos_of,):
            self.asked.append("page")
        return super().submit(function, *args, **kwargs)


def test_the_first_page_never_waits_for_the_channels_counts(home, manager, library, qtbot):
    # Counting reads every entry of the library (100,000 of them: 18 ms); a page, 1 ms.
    reader = RecordingReader()
    browser = ChannelBrowser(manager, reader, home.paths, home.settings)
    qtbot.addWidget(browser)
    browser.show()
    qtbot.waitUntil(lambda: browser.videos.rowCount() > 0, timeout=10_000)
    qtbot.waitUntil(lambda: "counted channels" in reader.asked, timeout=10_000)
    assert reader.asked[:3] == ["channels", "page", "counted channels"]
    qtbot.waitUntil(lambda: "unwatched" in browser.details.text(), timeout=5_000)
    browser.close_down()
    reader.wait()


def test_the_browser_is_made_when_its_tab_is_first_opened(home, manager, qtbot):
    # The first frame does not wait for the browser's modules (nor the network's).
    shown = MainWindow(manager, home.settings, home.paths)
    qtbot.addWidget(shown)
    shown.show()
    assert shown._browser is None
    shown.tabs.setCurrentWidget(shown.channels_page)
    assert shown._browser is not None and shown.browser.isVisible()
    shown.browser.close_down()
    shown.reader.wait()
