"""The player inside the main window: a finished download plays on a double-click, the
library's video by its id, closing the window mid-playback keeps its place, and every
control of the player has a name, its keys in its tooltip, and works from the keyboard."""

from __future__ import annotations

import pytest
from player_media import make_player_media
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QAbstractButton, QAbstractSlider, QComboBox
from support import wait_until_idle
from test_ui_accessibility import given_name, reachable, spoken_name, unnamed
from test_ui_tray import WITH_TRAY, close_like_a_person, started

from ytdesk.app import Options, build_app
from ytdesk.core.models import Job, Video
from ytdesk.ui.crash_dialog import CrashReporter
from ytdesk.ui.player.widget import PICTURE
from ytdesk.ui.single_instance import InstanceServer

WAIT_MS = 20_000
State = QMediaPlayer.PlaybackState


@pytest.fixture(scope="session")
def files(tmp_path_factory):
    return make_player_media(tmp_path_factory.mktemp("player-window-media"))


def playing(qtbot, window) -> None:
    media = window.player.engine.player
    qtbot.waitUntil(lambda: media.playbackState() == State.PlayingState
                    and media.position() > 300, timeout=WAIT_MS)


def test_double_clicking_a_finished_download_plays_its_file(site, window, qtbot):
    window.add_urls([site.video_url("v1")])
    qtbot.waitUntil(lambda: Job.select().count() == 1, timeout=5_000)
    wait_until_idle(qtbot, window.manager)
    job = Job.get()
    assert job.status == "succeeded" and job.output_path
    model, table = window.jobs.model, window.jobs.table
    qtbot.waitUntil(lambda: model.job(job.id) is not None
                    and model.job(job.id).status == "succeeded", timeout=WAIT_MS)
    index = model.index(model.row_of(job.id), 0)
    rect = table.visualRect(index)
    # A person's double-click: a click, then the second press that Qt sees as a double one.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.tabs.currentWidget() is window.player_page
    playing(qtbot, window)
    video = Video.get(Video.filepath == job.output_path)
    # Played as the library's video: its title, and its play counted.
    assert window.player.item is not None and window.player.item.video_id == video.id
    assert window.player.title.text().startswith(video.title)
    qtbot.waitUntil(lambda: Video.get_by_id(video.id).play_count == 1, timeout=WAIT_MS)


def test_closing_the_window_mid_playback_keeps_the_place(files, window, manager, qtbot):
    video_id = Video.create(extractor="fakesite", video_id="w1", title="Boats at sea",
                            channel="Sea TV", duration=10.0, filepath=str(files["mp4"])).id
    window.play_video(video_id)
    assert window.tabs.currentWidget() is window.player_page
    playing(qtbot, window)
    window.player.seek_to(4_000)
    qtbot.waitUntil(lambda: window.player.engine.player.position() >= 4_100, timeout=WAIT_MS)
    window.close()
    qtbot.waitUntil(lambda: Video.get_by_id(video_id).play_position >= 4.0, timeout=WAIT_MS)


def test_every_control_of_the_player_is_named_and_shows_its_keys(files, window, qtbot):
    window.play_file(str(files["mp4"]))
    playing(qtbot, window)
    player = window.player
    assert player.pages.currentIndex() == PICTURE
    assert unnamed(player) == []
    controls = reachable(player.controls)
    names = [given_name(w) for w in controls]
    assert sorted(names) == sorted(["Previous", "Pause", "Next", "Position", "Mute", "Volume",
                                    "Playback speed", "Audio track", "Subtitles",
                                    "Fullscreen"])
    side = {given_name(w) for w in reachable(player.side)}
    assert side == {"Shuffle", "Repeat", "Autoplay", "Play queue"}
    for widget in controls:
        assert spoken_name(widget), widget
        if isinstance(widget, QAbstractButton):  # its key, as the platform writes it
            assert widget.toolTip().endswith(")"), widget.toolTip()
    tips = {given_name(w): w.toolTip() for w in controls}
    assert tips["Pause"].endswith("(Space)") and tips["Next"].endswith("(N)")
    assert tips["Previous"].endswith("(P)") and tips["Mute"].endswith("(M)")
    assert tips["Fullscreen"].endswith("(F)") and "Esc" in tips["Fullscreen"]
    assert "Left/Right" in tips["Position"] and "J/L" in tips["Position"]
    assert "Up/Down" in tips["Volume"]
    assert tips["Audio track"].endswith("(A)") and tips["Subtitles"].endswith("(C)")
    side_tips = {given_name(w): w.toolTip() for w in reachable(player.side)}
    assert side_tips["Shuffle"].endswith("(S)") and side_tips["Repeat"].endswith("(R)")


def test_the_seek_bar_volume_and_speed_work_from_the_keyboard(files, window, qtbot):
    window.play_file(str(files["webm"]))
    playing(qtbot, window)
    player = window.player
    media = player.engine.player
    media.pause()
    seek = player.controls.seek_bar
    seek.setFocus()
    at = media.position()
    qtbot.keyClick(seek, Qt.Key.Key_PageUp)  # 10 s on: the end of this 10 s file at most
    qtbot.waitUntil(lambda: media.position() > at + 1_000, timeout=WAIT_MS)
    qtbot.keyClick(seek, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: media.position() < 500, timeout=WAIT_MS)

    volume = player.controls.volume
    volume.setFocus()
    before = volume.value()
    qtbot.keyClick(volume, Qt.Key.Key_PageDown)
    assert volume.value() == before - 20
    assert round(player.engine.audio.volume() * 100) == before - 20

    speed = player.controls.speed
    speed.setFocus()
    qtbot.keyClick(speed, Qt.Key.Key_End)
    assert speed.currentText() == "2×" and media.playbackRate() == 2.0
    assert isinstance(seek, QAbstractSlider) and isinstance(speed, QComboBox)


@pytest.fixture
def with_tray(home, qtbot, tmp_path):
    """ytdesk as it starts, with a tray to close the window to (test_ui_tray's stand-in)."""
    options = Options(home.paths.data_dir, home.download_dir, [], False)
    made = build_app(options, InstanceServer(str(tmp_path / "not-listening")), CrashReporter(),
                     WITH_TRAY)
    yield made
    made.close()


def test_closing_to_the_tray_pauses_and_keeps_the_place(files, with_tray, qtbot):
    video_id = Video.create(extractor="fakesite", video_id="t1", title="Boats at sea",
                            duration=10.0, filepath=str(files["mp4"])).id
    ytdesk = started(qtbot, with_tray)
    window = ytdesk.window
    window.play_video(video_id)
    playing(qtbot, window)
    window.player.seek_to(3_000)
    media = window.player.engine.player
    qtbot.waitUntil(lambda: media.position() >= 3_100, timeout=WAIT_MS)
    assert not close_like_a_person(window)  # to the tray: ytdesk runs on
    assert media.playbackState() == State.PausedState  # nothing plays unseen
    qtbot.waitUntil(lambda: Video.get_by_id(video_id).play_position >= 3.0, timeout=WAIT_MS)


def test_ytdesk_taken_apart_mid_playback_saves_the_place_first(files, home, qtbot, tmp_path):
    """Ytdesk.close deletes the window (a quit by signal, the tests' own teardown): the
    player must let go of QtMultimedia before, and its last place reach the library."""
    video_id = Video.create(extractor="fakesite", video_id="q1", title="Boats at sea",
                            duration=10.0, filepath=str(files["webm"])).id
    options = Options(home.paths.data_dir, home.download_dir, [], False)
    ytdesk = started(qtbot, build_app(options, InstanceServer(str(tmp_path / "none")),
                                      CrashReporter(), WITH_TRAY))
    window = ytdesk.window
    window.play_video(video_id)
    playing(qtbot, window)
    window.player.seek_to(3_000)
    qtbot.waitUntil(lambda: window.player.engine.player.position() >= 3_100, timeout=WAIT_MS)
    ytdesk.close()
    assert Video.get_by_id(video_id).play_position >= 3.0
