"""Audio and subtitle tracks: a real file's tracks as QMediaPlayer reports them, named for a
person, picked from a menu, and a remembered choice found again by language and title."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtMultimedia import QMediaPlayer

from ytdesk.core.tracks import OFF, Track, TrackChoice, index_of, track_names
from ytdesk.ui.player.tracks import TrackMenu, tracks_from
from ytdesk.ytdl.ffmpeg import ffmpeg_path

# QtMultimedia's FFmpeg backend looks for VA-API (hardware decoding) once and says it has none.
pytestmark = pytest.mark.qt_log_ignore(r"Couldn't (load|resolve) va")


@pytest.fixture(scope="module")
def dubbed(tmp_path_factory) -> Path:
    """Two seconds with three audio tracks and two subtitle tracks, named as a film's."""
    folder = tmp_path_factory.mktemp("dubbed")
    subs = []
    for lang, text in (("en", "Hello"), ("de", "Hallo")):
        sub = folder / f"{lang}.srt"
        sub.write_text(f"1\n00:00:00,000 --> 00:00:01,500\n{text}\n", encoding="utf-8")
        subs.append(sub)
    made = folder / "dubbed.mkv"
    tone = "sine=frequency={}:sample_rate=22050:duration=2"
    subprocess.run([
        ffmpeg_path(), "-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x90:rate=10:duration=2",
        "-f", "lavfi", "-i", tone.format(440), "-f", "lavfi", "-i", tone.format(550),
        "-f", "lavfi", "-i", tone.format(660), "-i", str(subs[0]), "-i", str(subs[1]),
        "-map", "0", "-map", "1", "-map", "2", "-map", "3", "-map", "4", "-map", "5",
        "-c:v", "libx264", "-c:a", "aac", "-c:s", "srt",
        "-metadata:s:a:0", "language=eng",
        "-metadata:s:a:1", "language=ger",
        "-metadata:s:a:2", "language=ger", "-metadata:s:a:2", "title=Director's commentary",
        "-metadata:s:s:0", "language=eng", "-metadata:s:s:1", "language=ger",
        str(made)], check=True)
    return made


def loaded_tracks(qtbot, path: Path) -> tuple[list[Track], list[Track]]:
    player = QMediaPlayer()
    try:
        with qtbot.waitSignal(player.tracksChanged, timeout=20_000):
            player.setSource(QUrl.fromLocalFile(str(path)))
        return tracks_from(player.audioTracks()), tracks_from(player.subtitleTracks())
    finally:
        player.setSource(QUrl())  # no audio output attached: nothing else to let go of
        player.deleteLater()


def test_a_files_tracks_get_readable_names(qtbot, dubbed):
    audio, subtitles = loaded_tracks(qtbot, dubbed)
    assert track_names(audio) == ["English", "Deutsch", "Deutsch — Director's commentary"]
    assert [t.language for t in audio] == ["en", "de", "de"]
    assert track_names(subtitles) == ["English", "Deutsch"]


def test_the_menu_checks_one_track_and_reports_the_chosen_index(qtbot, dubbed):
    audio, subtitles = loaded_tracks(qtbot, dubbed)
    menu = TrackMenu("Subtitles", with_off=True)
    qtbot.addWidget(menu)
    menu.set_tracks(subtitles, active=-1)
    assert menu.names() == ["Off", "English", "Deutsch"] and menu.active() == -1
    with qtbot.waitSignal(menu.trackChosen) as chosen:
        menu.actions()[2].trigger()
    assert chosen.args == [1] and menu.active() == 1
    assert [a.isChecked() for a in menu.actions()] == [False, False, True]
    assert menu.choice() == TrackChoice("de", "")

    sound = TrackMenu("Audio", with_off=False)
    qtbot.addWidget(sound)
    sound.set_tracks(audio, active=0)
    assert sound.names() == ["English", "Deutsch", "Deutsch — Director's commentary"]
    assert sound.isEnabled() and sound.active() == 0


def test_a_remembered_choice_is_found_by_language_and_title_not_index(qtbot, dubbed):
    audio, _ = loaded_tracks(qtbot, dubbed)
    menu = TrackMenu("Audio", with_off=False)
    qtbot.addWidget(menu)
    menu.set_tracks(audio, active=0)
    menu.actions()[2].trigger()
    remembered = TrackChoice.from_text(menu.choice().to_text())
    assert remembered == TrackChoice("de", "Director's commentary")
    # Another file has the commentary first: the choice follows it, not its old index.
    reordered = [audio[2], audio[0], audio[1]]
    menu.set_tracks(reordered, active=1)
    assert menu.restore(remembered) == 0 and menu.active() == 0
    # No commentary here: the same language is the next best; no German: nothing changes.
    assert index_of([audio[0], audio[1]], remembered) == 1
    assert menu.restore(TrackChoice("fr", "")) is None and menu.active() == 0


def test_subtitles_off_is_remembered_too(qtbot):
    menu = TrackMenu("Subtitles", with_off=True)
    qtbot.addWidget(menu)
    menu.set_tracks([Track("en", "English"), Track("de", "Deutsch")], active=0)
    assert menu.restore(TrackChoice.from_text(OFF.to_text())) == -1 and menu.active() == -1
    audio = TrackMenu("Audio", with_off=False)
    qtbot.addWidget(audio)
    audio.set_tracks([Track("en", "English")], active=0)
    assert audio.restore(OFF) is None  # audio has no "off"


def test_names_for_tracks_with_little_to_go_on():
    assert track_names([Track(), Track("", "", "Commentary"), Track("en", "English"),
                        Track("en", "English"), Track("fr", "français", "Français")]) == \
        ["Track 1", "Commentary", "English (1)", "English (2)", "Français"]
    assert TrackChoice.from_text("not json") is None and TrackChoice.from_text(None) is None
    assert TrackChoice.from_text("2") is None  # an index, as remembered before
    kept = {"audio": TrackChoice("de", "Director's commentary").to_dict(),
            "subtitle": OFF.to_dict()}
    assert TrackChoice.from_dict(kept["audio"]) == TrackChoice("de", "Director's commentary")
    assert TrackChoice.from_dict(kept["subtitle"]) == OFF
