"""The player and the channel browser together: a video opened in a channel plays with the
rest of that list queued after it, and a video watched to 90% in the player is counted
watched in the channel's unwatched count."""

from __future__ import annotations

import shutil

import pytest
from player_media import make_player_media
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QApplication
from test_ui_channel_browser import Library, select

from ytdesk.core.models import Video
from ytdesk.ui.main_window import MainWindow

WAIT_MS = 20_000


@pytest.fixture(scope="session")
def files(tmp_path_factory):
    return make_player_media(tmp_path_factory.mktemp("player-browser-media"))


@pytest.fixture
def library(home, files):
    made = Library(home)
    for title, (path, _sidecar) in made.files.items():  # real videos in place of the stand-ins
        shutil.copy(files["mp4"], path)
        Video.update(duration=None).where(Video.id == made.ids[title]).execute()
    return made


@pytest.fixture
def window(home, manager, library, qtbot):
    shown = MainWindow(manager, home.settings, home.paths)
    qtbot.addWidget(shown)
    shown.resize(1100, 720)
    shown.show()
    qtbot.waitExposed(shown)
    with qtbot.waitSignal(shown.browser.channelsLoaded, timeout=10_000):
        shown.tabs.setCurrentWidget(shown.channels_page)
    shown.browser.select_channel(library.cooking.id)
    qtbot.waitUntil(lambda: shown.browser.videos.rowCount() == 5, timeout=10_000)
    yield shown
    shown.browser.close_down()
    shown.reader.wait()


def now_playing(window) -> str | None:
    item = window.player.item
    return item.title if item is not None else None


def test_a_channel_video_plays_with_the_rest_of_the_list_after_it(window, qtbot):
    browser = window.browser
    # Newest first: Back catalogue cake, Old pie (neither downloaded), Shared clip, Soup
    # stock, Bread basics.
    select(browser, "Shared clip")
    qtbot.keyClick(browser.video_view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: now_playing(window) == "Shared clip", timeout=WAIT_MS)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
    stage = window.player.stage
    qtbot.keyClick(stage, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: now_playing(window) == "Soup stock", timeout=WAIT_MS)
    qtbot.keyClick(stage, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: now_playing(window) == "Bread basics", timeout=WAIT_MS)
    qtbot.keyClick(stage, Qt.Key.Key_N)  # the end of the list: it stays
    qtbot.keyClick(stage, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: now_playing(window) == "Soup stock", timeout=WAIT_MS)


def test_watched_in_the_player_counts_in_the_channels_unwatched_count(window, library, qtbot):
    browser = window.browser
    qtbot.waitUntil(lambda: "2 unwatched" in browser.details.text(), timeout=WAIT_MS)
    select(browser, "Bread basics")
    qtbot.keyClick(browser.video_view, Qt.Key.Key_Return)
    media = window.player.engine.player
    qtbot.waitUntil(lambda: media.playbackState() == QMediaPlayer.PlaybackState.PlayingState
                    and media.duration() > 0, timeout=WAIT_MS)
    window.player.seek_to(int(media.duration() * 0.9) + 100)
    video_id = library.ids["Bread basics"]
    qtbot.waitUntil(lambda: Video.get_by_id(video_id).watched, timeout=WAIT_MS)
    assert Video.get_by_id(video_id).watched_at is not None  # "delete watched after D days"
    window.tabs.setCurrentWidget(window.channels_page)
    qtbot.waitUntil(lambda: "1 unwatched" in browser.details.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: browser.videos.card(browser.videos.row_of(video_id)).watched,
                    timeout=WAIT_MS)


def test_play_next_and_add_to_queue_from_the_channel(window, qtbot):
    browser = window.browser
    select(browser, "Bread basics")
    qtbot.keyClick(browser.video_view, Qt.Key.Key_Return)  # Bread basics plays, alone
    qtbot.waitUntil(lambda: now_playing(window) == "Bread basics", timeout=WAIT_MS)
    window.tabs.setCurrentWidget(window.channels_page)
    actions = browser.browser_actions
    select(browser, "Soup stock")
    qtbot.keyClick(browser.video_view, Qt.Key.Key_A,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    select(browser, "Old pie")  # not downloaded: nothing to queue
    assert not actions.add_to_queue.isEnabled() and not actions.play_next.isEnabled()
    select(browser, "Shared clip")
    qtbot.keyClick(browser.video_view, Qt.Key.Key_N,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    queue = window.player.queue
    assert [queue.item(row).title for row in range(queue.rowCount())] == [
        "Bread basics", "Shared clip", "Soup stock"]
    assert "queued to play next" in window.statusBar().currentMessage()
    menu = actions.video_context_menu()
    assert [a.text() for a in menu.actions()][:4] == ["Play", "Play next", "Add to queue",
                                                     "Open folder"]
    menu.deleteLater()
