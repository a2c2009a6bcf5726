"""The player, offscreen, on real files made with ffmpeg: it plays mp4 and webm, resumes
where a video was left, counts a video watched at 90%, shows a cover for sound-only files and
a sentence for a file it cannot play, and lets go of QtMultimedia safely however often it
switches and whenever it is closed."""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path

import pytest
import shiboken6
from player_media import SECONDS, make_player_media
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QApplication

from ytdesk.core import playback
from ytdesk.core.models import Video
from ytdesk.core.play_queue import QueueItem, RepeatMode
from ytdesk.jobs.reader import Reader
from ytdesk.ui.player import PlayerWidget
from ytdesk.ui.player.widget import COVER, PICTURE, PROBLEM

Status = QMediaPlayer.MediaStatus
State = QMediaPlayer.PlaybackState
WAIT_MS = 20_000


@pytest.fixture(scope="session")
def files(tmp_path_factory):
    return make_player_media(tmp_path_factory.mktemp("player-media"))


@pytest.fixture
def reader(qtbot):
    made = Reader()
    yield made
    made.wait()
    made.deleteLater()


@pytest.fixture
def make_player(manager, reader, home, qtbot):
    made: list[PlayerWidget] = []

    def make() -> PlayerWidget:
        player = PlayerWidget(manager, reader, home.paths, home.settings)
        qtbot.addWidget(player, before_close_func=_shut)
        player.resize(800, 500)
        player.show()
        qtbot.waitExposed(player)
        made.append(player)
        return player

    yield make
    for player in made:
        _shut(player)


def _shut(player: PlayerWidget) -> None:
    with contextlib.suppress(RuntimeError):  # already deleted by its test
        player.shutdown()


def add_video(path, title="Boats at sea", channel="Sea TV", duration=float(SECONDS),
              **columns) -> int:
    return Video.create(extractor="fakesite", video_id=f"v{Video.select().count() + 1}",
                        title=title, channel=channel, duration=duration, filepath=str(path),
                        **columns).id


def row(video_id: int) -> Video:
    return Video.get_by_id(video_id)


def wait_playing(qtbot, player: PlayerWidget, past_ms: int = 300) -> None:
    media = player.engine.player
    qtbot.waitUntil(lambda: media.mediaStatus() in (Status.BufferedMedia, Status.EndOfMedia)
                    and media.playbackState() == State.PlayingState, timeout=WAIT_MS)
    start = media.position()
    qtbot.waitUntil(lambda: media.position() >= start + past_ms, timeout=WAIT_MS)


def committed(qtbot, manager, check) -> None:
    """The writer thread commits in the background: wait until the DB says so."""
    qtbot.waitUntil(check, timeout=WAIT_MS)


# -- playing -------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["mp4", "webm"])
def test_plays_a_file_its_time_moving_and_its_duration_right(files, make_player, qtbot, kind):
    player = make_player()
    player.play_file(str(files[kind]))
    wait_playing(qtbot, player, past_ms=500)
    media = player.engine.player
    assert abs(media.duration() - SECONDS * 1000) < 200
    assert player.pages.currentIndex() == PICTURE
    assert player.controls.seek_bar.maximum() == media.duration()
    assert player.controls.time_label.text().endswith(f"/ 0:{SECONDS:02d}")
    assert player.title.text() == files[kind].stem  # a file the library does not know
    assert player.controls.play_button.accessibleName() == "Pause"


def test_a_library_video_resumes_where_it_was_left(files, make_player, manager, qtbot):
    video_id = add_video(files["mp4"])
    player = make_player()
    player.play_video(video_id)
    wait_playing(qtbot, player)
    player.seek_to(3_000)
    qtbot.waitUntil(lambda: player.engine.player.position() >= 3_100, timeout=WAIT_MS)
    player.shutdown()  # closing saves where it was
    committed(qtbot, manager, lambda: row(video_id).play_position >= 3.0)
    saved = row(video_id).play_position
    assert saved < 6.0

    again = make_player()
    opened = []
    again.engine.player.positionChanged.connect(opened.append)
    again.play_video(video_id)
    wait_playing(qtbot, again, past_ms=100)
    assert opened[0] > 0 and abs(opened[0] - saved * 1000) < 600, opened[:5]
    assert row(video_id).play_count == 2
    assert row(video_id).last_played_at is not None


def test_a_position_near_the_end_starts_over():
    assert playback.resume_position(3.0, 10.0) == 3.0
    assert playback.resume_position(6.0, 10.0) == 0.0  # within the last 5 s
    assert playback.resume_position(3.0, None) == 3.0  # length unknown: where it was
    assert playback.resume_position(0.0, 10.0) == 0.0


def test_played_to_90_percent_the_video_is_watched(files, make_player, manager, qtbot):
    video_id = add_video(files["webm"])
    player = make_player()
    with qtbot.waitSignal(player.watched, timeout=WAIT_MS) as said:
        player.play_video(video_id)
        wait_playing(qtbot, player)
        assert not row(video_id).watched
        player.seek_to(int(SECONDS * 1000 * 0.9) - 200)
    assert said.args == [video_id]
    watched = row(video_id)
    assert watched.watched and watched.watched_at is not None  # retention counts from it
    assert watched.play_count == 1


def test_played_to_the_end_it_is_watched_and_starts_over_next_time(files, make_player,
                                                                   manager, qtbot):
    video_id = add_video(files["mp4"], play_position=8.0, duration=None)
    player = make_player()
    player.play_video(video_id)  # resumes at 8 s: the length was unknown
    qtbot.waitUntil(lambda: player.engine.player.mediaStatus() == Status.EndOfMedia,
                    timeout=WAIT_MS)
    committed(qtbot, manager, lambda: row(video_id).watched)
    committed(qtbot, manager, lambda: row(video_id).play_position == 0.0)


# -- sound only, and files that cannot play ----------------------------------------------------
def test_a_sound_only_file_shows_its_cover_title_and_channel(files, make_player, qtbot):
    video_id = add_video(files["m4a"], title="Sea shanty", channel="Harbour Choir")
    player = make_player()
    player.play_video(video_id)
    wait_playing(qtbot, player)
    qtbot.waitUntil(lambda: player.pages.currentIndex() == COVER, timeout=WAIT_MS)
    assert player.cover.title.text() == "Sea shanty"
    assert player.cover.channel.text() == "Harbour Choir"
    # The picture yt-dlp wrote beside the file, not the placeholder: the test card is
    # yellow in its middle, the placeholder grey.
    qtbot.waitUntil(lambda: _middle(player).hsvSaturation() > 150, timeout=WAIT_MS)


def _middle(player: PlayerWidget):
    image = player.cover.picture.pixmap().toImage()
    return image.pixelColor(image.width() // 2, image.height() // 2)


def test_a_sound_only_file_without_a_picture_gets_a_plain_placeholder(files, make_player,
                                                                      qtbot, tmp_path):
    alone = tmp_path / "Just a tone [x9].m4a"
    shutil.copy(files["m4a"], alone)
    player = make_player()
    player.play_file(str(alone))
    qtbot.waitUntil(lambda: player.pages.currentIndex() == COVER, timeout=WAIT_MS)
    picture = player.cover.picture.pixmap()
    assert not picture.isNull() and picture.toImage().pixelColor(5, 5).name() == "#2b2f36"
    assert player.cover.title.text() == "Just a tone [x9]"


def test_a_missing_file_says_so_and_the_library_marks_it_missing(files, make_player, manager,
                                                                 qtbot, tmp_path):
    gone = tmp_path / "Gone [g1].mp4"
    video_id = add_video(gone)
    player = make_player()
    player.play_video(video_id)
    qtbot.waitUntil(lambda: player.pages.currentIndex() == PROBLEM, timeout=WAIT_MS)
    assert player.problem.text().startswith("“Gone [g1].mp4” is not there any more")
    assert "download the video again" in player.problem.text()
    assert player.problem.isVisible()
    committed(qtbot, manager, lambda: row(video_id).missing_since is not None)
    assert row(video_id).filepath == str(gone)  # the row is kept


def test_a_file_the_library_does_not_know_and_is_gone_says_so(make_player, qtbot, tmp_path):
    player = make_player()
    player.play_file(str(tmp_path / "nowhere.webm"))
    qtbot.waitUntil(lambda: player.pages.currentIndex() == PROBLEM, timeout=WAIT_MS)
    assert player.problem.text().startswith("“nowhere.webm” is not there any more")


@pytest.mark.qt_log_ignore("^Could not open media. FFmpeg error description: Invalid data",
                           extend=True)  # what QtMultimedia says of it, before the player does
def test_a_corrupt_file_says_it_cannot_be_played(files, make_player, qtbot):
    player = make_player()
    player.play_file(str(files["corrupt"]))
    qtbot.waitUntil(lambda: player.pages.currentIndex() == PROBLEM, timeout=WAIT_MS)
    assert player.problem.text() == (
        "“Broken [pm4].mp4” cannot be played: it is damaged or not a video or sound file. "
        "Download it again, or open it in another player.")
    assert not player.controls.play_button.isEnabled()  # a button that would do nothing
    assert not player.controls.seek_bar.isEnabled()
    player.play_file(str(files["mp4"]))  # and the next file plays as ever
    wait_playing(qtbot, player)
    assert player.pages.currentIndex() == PICTURE
    assert player.controls.play_button.isEnabled() and player.controls.seek_bar.isEnabled()


def test_a_video_without_a_file_says_to_download_it_first(make_player, qtbot):
    video_id = Video.create(extractor="fakesite", video_id="listed", title="Only listed").id
    player = make_player()
    player.play_video(video_id)
    qtbot.waitUntil(lambda: player.pages.currentIndex() == PROBLEM, timeout=WAIT_MS)
    assert player.problem.text() == "This video has no file yet: download it first, then play it."


# -- tracks ----------------------------------------------------------------------------------------
def test_tracks_are_listed_and_the_choice_comes_back_next_time(files, make_player, manager,
                                                               qtbot):
    video_id = add_video(files["tracks"])
    player = make_player()
    player.play_video(video_id)
    wait_playing(qtbot, player)
    audio, subtitles = player.controls.audio_menu, player.controls.subtitle_menu
    qtbot.waitUntil(lambda: audio.names() == ["English", "Deutsch"], timeout=WAIT_MS)
    assert subtitles.names() == ["Off", "English", "Deutsch"]
    assert player.controls.audio_button.isEnabled()
    # Chosen from the menus, as a person does.
    [german] = [a for a in audio.actions() if a.text() == "Deutsch"]
    german.trigger()
    [english] = [a for a in subtitles.actions() if a.text() == "English"]
    english.trigger()
    media = player.engine.player
    qtbot.waitUntil(lambda: media.activeAudioTrack() == 1 and media.activeSubtitleTrack() == 0,
                    timeout=WAIT_MS)
    committed(qtbot, manager, lambda: "deu" in row(video_id).tracks
                                      or '"de"' in row(video_id).tracks)
    committed(qtbot, manager, lambda: "subtitle" in row(video_id).tracks)
    player.shutdown()

    again = make_player()
    again.play_video(video_id)
    wait_playing(qtbot, again)
    media = again.engine.player
    qtbot.waitUntil(lambda: media.activeAudioTrack() == 1 and media.activeSubtitleTrack() == 0,
                    timeout=WAIT_MS)
    assert again.controls.audio_menu.active() == 1
    assert again.controls.subtitle_menu.active() == 0


def test_a_file_with_one_sound_and_no_subtitles_has_nothing_to_choose(files, make_player,
                                                                      qtbot):
    player = make_player()
    player.play_file(str(files["mp4"]))
    wait_playing(qtbot, player)
    assert not player.controls.audio_button.isEnabled()
    assert not player.controls.subtitle_button.isEnabled()


# -- tear-down -----------------------------------------------------------------------------------
# An opening cut short by the next switch: besides "immediate exit" (ignored everywhere),
# what FFmpeg had read so far may not be enough to open the file ("invalid data").
@pytest.mark.qt_log_ignore("^Could not open media. FFmpeg error description: Invalid data",
                           extend=True)
@pytest.mark.parametrize("run", range(5))
def test_switching_100_times_then_closing_mid_playback_never_hangs(files, manager, reader,
                                                                   home, qtbot, run):
    player = PlayerWidget(manager, reader, home.paths, home.settings)
    player.show()
    qtbot.waitExposed(player)
    items = [playback.item_for_file(str(files[kind])) for kind in ("mp4", "webm", "m4a")]
    for turn in range(100):
        player.open_item(items[turn % len(items)])
        qtbot.wait(2 if turn % 10 else 30)  # mostly mid-opening, now and then playing
    wait_playing(qtbot, player)
    assert player.pages.currentIndex() == PICTURE  # no cut-short opening blamed on the file
    player.shutdown()  # mid-playback
    player.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.wait(50)  # QtMultimedia's threads wind down without a hang or a crash
    assert not shiboken6.isValid(player)


# -- the keyboard --------------------------------------------------------------------------------
def queued(*paths) -> list[QueueItem]:
    return [QueueItem(Path(path).stem, path=str(path)) for path in paths]


def test_the_keyboard_drives_the_player(files, make_player, qtbot):
    player = make_player()
    made_active(qtbot, player)
    player.play_list(queued(files["mp4"], files["webm"], files["m4a"]))
    wait_playing(qtbot, player)
    media, stage = player.engine.player, player.stage
    stage.setFocus()  # the picture and its controls take the player's keys

    qtbot.keyClick(stage, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: media.playbackState() == State.PausedState, timeout=WAIT_MS)
    at = media.position()
    qtbot.keyClick(stage, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: abs(media.position() - (at + 5_000)) < 300, timeout=WAIT_MS)
    qtbot.keyClick(stage, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: media.position() < at, timeout=WAIT_MS)
    qtbot.keyClick(stage, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: media.playbackState() == State.PlayingState, timeout=WAIT_MS)

    volume = player.controls.volume.value()
    qtbot.keyClick(stage, Qt.Key.Key_Down)
    assert player.controls.volume.value() == volume - 5
    assert round(player.engine.audio.volume() * 100) == volume - 5
    qtbot.keyClick(stage, Qt.Key.Key_M)
    assert player.engine.audio.isMuted() and player.controls.mute_button.isChecked()
    qtbot.keyClick(stage, Qt.Key.Key_M)
    assert not player.engine.audio.isMuted()

    qtbot.keyClick(stage, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: player.item is not None and player.item.path == str(files["webm"]),
                    timeout=WAIT_MS)
    qtbot.keyClick(stage, Qt.Key.Key_P)  # at the start of the webm: the one before it
    qtbot.waitUntil(lambda: player.item is not None and player.item.path == str(files["mp4"]),
                    timeout=WAIT_MS)
    qtbot.keyClick(stage, Qt.Key.Key_S)
    assert player.queue.shuffle and player.side.shuffle.isChecked()
    qtbot.keyClick(stage, Qt.Key.Key_R)
    assert player.queue.repeat == RepeatMode.ALL

    qtbot.keyClick(stage, Qt.Key.Key_F)
    assert player.fullscreen and stage.isFullScreen()
    made_active(qtbot, stage)
    stage.setFocus()
    qtbot.keyClick(stage, Qt.Key.Key_Escape)
    assert not player.fullscreen and stage.isVisible() and player.isAncestorOf(stage)
    made_active(qtbot, player)
    qtbot.mouseDClick(player.video, Qt.MouseButton.LeftButton)
    assert player.fullscreen
    player.leave_fullscreen()


def made_active(qtbot, window) -> None:
    """The player activates the window it shows (the fullscreen stage, then the player
    again); offscreen, activation asked before the window is exposed can be lost."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)


def test_autoplay_plays_the_queue_in_order(files, make_player, home, qtbot):
    assert home.settings.get("autoplay_next") is True  # on unless turned off
    first = add_video(files["mp4"], play_position=8.0, duration=None)  # 2 s from its end
    second = add_video(files["webm"], title="Boats at night")
    player = make_player()
    player.play_list([QueueItem("Boats at sea", first), QueueItem("Boats at night", second)])
    qtbot.waitUntil(lambda: player.item is not None and player.item.video_id == second,
                    timeout=WAIT_MS)
    wait_playing(qtbot, player)
    assert player.title.text() == "Boats at night — Sea TV"


def test_with_autoplay_off_the_player_stops_at_the_end(files, make_player, home, qtbot):
    home.settings.set("autoplay_next", False)
    first = add_video(files["mp4"], play_position=8.0, duration=None)
    second = add_video(files["webm"])
    player = make_player()
    assert not player.side.autoplay.isChecked()
    player.play_list([QueueItem("Boats at sea", first), QueueItem("Boats at night", second)])
    qtbot.waitUntil(lambda: player.engine.player.mediaStatus() == Status.EndOfMedia,
                    timeout=WAIT_MS)
    qtbot.wait(200)
    assert player.item is not None and player.item.video_id == first


# -- chapters and SponsorBlock segments ----------------------------------------------------------
CHAPTERED = json.dumps({"chapters": [
    {"start_time": 0.0, "end_time": 2.0, "title": "Harbour"},
    {"start_time": 2.0, "end_time": 4.0, "title": "[SponsorBlock]: Sponsor",
     "category": "sponsor", "categories": ["sponsor"]},
    {"start_time": 4.0, "end_time": 7.0, "title": "Open sea"},
    {"start_time": 7.0, "end_time": 10.0, "title": "Storm"}]})


def test_chapters_are_listed_ticked_on_the_seek_bar_and_clicked_to(files, make_player, qtbot):
    video_id = add_video(files["mp4"], info_json=CHAPTERED)
    player = make_player()
    player.play_video(video_id)
    wait_playing(qtbot, player)
    listed = player.side.chapters
    assert player.side.chapters_box.isVisible()
    assert [listed.item(n).text().split("   ")[1] for n in range(listed.count())] == [
        "Harbour", "Sponsor (SponsorBlock)", "Open sea", "Storm"]
    assert len(player.controls.seek_bar.chapter_ticks()) == 3  # none at the very start
    storm = listed.item(3)
    qtbot.mouseClick(listed.viewport(), Qt.MouseButton.LeftButton,
                     pos=listed.visualItemRect(storm).center())
    media = player.engine.player
    qtbot.waitUntil(lambda: 7_000 <= media.position() < 8_500, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: listed.item(3).font().bold(), timeout=WAIT_MS)  # playing now


def test_a_video_without_chapters_shows_no_chapter_list(files, make_player, qtbot):
    player = make_player()
    player.play_file(str(files["mp4"]))
    wait_playing(qtbot, player)
    assert not player.side.chapters_box.isVisible()


@pytest.mark.parametrize("skip", [True, False])
def test_a_sponsor_segment_is_skipped_only_when_asked(files, make_player, home, qtbot, skip):
    home.settings.set("skip_sponsor_segments", skip)
    video_id = add_video(files["mp4"], info_json=CHAPTERED)
    player = make_player()
    player.play_video(video_id)
    wait_playing(qtbot, player)
    player.seek_to(1_500)
    media = player.engine.player
    qtbot.waitUntil(lambda: media.position() >= 2_300, timeout=WAIT_MS)
    if skip:
        assert media.position() >= 4_000  # over the sponsor, at "Open sea"
        assert player.notice.isVisible() and player.notice.text() == "Skipped sponsor segment"
    else:
        assert media.position() < 4_000 and not player.notice.isVisible()
