"""`ytdesk --play PATH_OR_URL` and the desktop's "Open with": a file, a file: URL or the web
address of a downloaded video plays in the running ytdesk (or in a new one); a web address
not downloaded is offered as a download; anything else is a sentence that changes nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from PySide6.QtCore import QObject, QThreadPool, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QMessageBox
from support import subprocess_env

from ytdesk.app import EXIT_FAILED, parse_args
from ytdesk.core.models import Job, Video
from ytdesk.core.paths import resolve_data_dir
from ytdesk.core.play_request import (LocalFile, NotDownloaded, Refused, WebPage, check_play_target,
                                      resolve)
from ytdesk.ui.main_window import MainWindow
from ytdesk.ui.play_opener import PlayOpener
from ytdesk.ui.single_instance import (PROTOCOL_VERSION, HandOver, InstanceServer, encode_message,
                                       hand_over, server_name)

OFFSCREEN = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")
PROBE = Path(__file__).with_name("window_probe.py")
PAGE = "https://example.com/watch?v=sunset"


@pytest.fixture(scope="module")
def clip(tmp_path_factory, media):
    """A real, short video file with a name a person gives one."""
    folder = tmp_path_factory.mktemp("my videos")
    made = folder / "Sunset walk.mp4"
    shutil.copyfile(media["muxed"], made)
    return made


# -- what was given --------------------------------------------------------------------------
def test_a_file_is_played_by_its_full_path(clip):
    assert check_play_target(str(clip)) == LocalFile(str(clip))
    assert check_play_target(clip.name, cwd=str(clip.parent)) == LocalFile(str(clip))
    assert check_play_target("file://" + quote(str(clip))) == LocalFile(str(clip))
    assert check_play_target("file://localhost" + quote(str(clip))) == LocalFile(str(clip))


def test_a_web_address_is_looked_up_later():
    assert check_play_target(PAGE) == WebPage(PAGE)


@pytest.mark.parametrize("given, sentence", [
    ("{missing}", "There is no file at {missing}: check the name and try again."),
    ("{folder}", "{folder} is a folder, not a video: choose a file in it."),
    ("ftp://example.com/v.mp4", "ytdesk cannot open ftp: addresses: give a file on this "
                                "computer, or the web address of a video you downloaded."),
    ("file://otherhost/v.mp4", "'file://otherhost/v.mp4' is on another computer: copy it "
                               "here, then play it."),
    ("https://", "'https://' has no site name after https://."),
    ("", "Nothing to play was given: name a video file or the web address of a downloaded "
         "video."),
], ids=["missing", "folder", "ftp", "other-computer", "no-host", "empty"])
def test_anything_else_is_refused_with_a_sentence(tmp_path, given, sentence):
    names = {"missing": str(tmp_path / "gone.mp4"), "folder": str(tmp_path)}
    assert check_play_target(given.format(**names)) == Refused(sentence.format(**names))


def test_a_relative_path_from_another_program_is_refused(clip):
    assert check_play_target(clip.name) == Refused(
        "'Sunset walk.mp4' is not a full path: give the file's whole path.")


def test_a_control_character_in_a_path_is_shown_not_sent_to_the_terminal(tmp_path):
    target = check_play_target(str(tmp_path / "a\x1b[2Jb.mp4"))
    assert isinstance(target, Refused) and "\x1b" not in target.sentence
    assert "a\\x1b[2Jb.mp4" in target.sentence


def test_a_downloaded_video_plays_its_file_and_one_not_downloaded_is_offered(home, clip,
                                                                             tmp_path):
    Video.create(extractor="fakesite", video_id="sunset", title="Sunset", webpage_url=PAGE,
                 filepath=str(clip), downloaded_at=1.0)
    gone = "https://example.com/watch?v=gone"
    Video.create(extractor="fakesite", video_id="gone", webpage_url=gone,
                 filepath=str(tmp_path / "deleted.mp4"))
    assert resolve(PAGE) == LocalFile(str(clip))
    assert resolve(gone) == NotDownloaded(gone)
    assert resolve("https://example.com/watch?v=never") == NotDownloaded(
        "https://example.com/watch?v=never")
    assert resolve(str(clip)) == LocalFile(str(clip))


# -- the command line and the desktop file ----------------------------------------------------
def test_play_takes_a_path_or_nothing_at_all():
    assert parse_args(["--play", "/videos/a.mp4"]).play == "/videos/a.mp4"
    assert parse_args(["--play", "/v/a.mp4", "https://example.com/x"]).urls == [
        "https://example.com/x"]
    started_plainly = parse_args(["--play"])
    assert started_plainly.play is None and started_plainly.urls == []


# -- the hand-over, version 2 -----------------------------------------------------------------
def hand_over_from_a_thread(qtbot, name: str, **kwargs) -> HandOver:
    outcome: list[HandOver] = []
    QThreadPool.globalInstance().start(lambda: outcome.append(hand_over(name, [], 5_000,
                                                                        **kwargs)))
    qtbot.waitUntil(lambda: bool(outcome), timeout=10_000)
    return outcome[0]


def test_the_running_ytdesk_is_asked_to_play(qtbot, tmp_path, clip):
    server = InstanceServer(server_name(tmp_path / "data"))
    assert server.listen()
    try:
        with qtbot.waitSignal(server.playRequested) as asked, \
                qtbot.waitSignal(server.raiseRequested):
            assert hand_over_from_a_thread(qtbot, server.name,
                                           play=str(clip)) is HandOver.TAKEN
        assert asked.args == [str(clip)]
    finally:
        server.close()


def test_a_message_without_play_is_the_first_version_word_for_word():
    """What a plain `ytdesk URL` sends is unchanged, so any older ytdesk running takes it."""
    assert encode_message(["https://example.com/a"]) == (
        b'{"urls": ["https://example.com/a"], "raise": true}\n')
    assert json.loads(encode_message([], play="/v.mp4"))["version"] == PROTOCOL_VERSION


class OlderYtdesk(QObject):
    """A ytdesk from before --play, as far as the hand-over goes: it reads one line, takes
    the URLs, ignores keys it does not know, and answers "ok"."""

    def __init__(self, name: str):
        super().__init__()
        self.server = QLocalServer(self)
        self.server.newConnection.connect(self.accept)
        self.lines: list[bytes] = []
        assert self.server.listen(name)

    @Slot()
    def accept(self) -> None:
        socket = self.server.nextPendingConnection()
        socket.readyRead.connect(self.read)

    @Slot()
    def read(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket) and socket.canReadLine():
            self.lines.append(bytes(socket.readLine().data()))
            socket.write(b"ok\n")
            socket.flush()


def test_an_older_ytdesk_that_cannot_play_is_told_apart(qtbot, tmp_path):
    """The start must not think the file is playing when an older ytdesk said "ok"."""
    name = server_name(tmp_path / "older")
    Path(name).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    older = OlderYtdesk(name)
    try:
        assert hand_over_from_a_thread(qtbot, name, play="/v.mp4") is HandOver.OUTDATED
        assert b'"play": "/v.mp4"' in older.lines[0]
        # ...while a plain hand-over of URLs is taken by it as before.
        assert hand_over_from_a_thread(qtbot, name) is HandOver.TAKEN
    finally:
        older.server.close()


def test_a_newer_message_or_a_bad_play_is_not_taken(qtbot, tmp_path):
    from test_ui_single_instance import send_raw

    server = InstanceServer(server_name(tmp_path / "data"))
    assert server.listen()
    asked = []
    server.playRequested.connect(asked.append)
    try:
        for data in (b'{"version": 99, "urls": [], "play": "/v.mp4"}\n',
                     b'{"version": 2, "urls": [], "play": 7}\n',
                     b'{"version": 2, "urls": [], "play": ""}\n',
                     b'{"version": "2", "urls": [], "play": "/v.mp4"}\n'):
            assert send_raw(qtbot, server.name, data) == b""  # hung up, no "ok"
        # A version 1 message with a "play" key (no such thing) is read as version 1.
        assert send_raw(qtbot, server.name, b'{"urls": [], "play": "/v.mp4"}\n') == b"ok\n"
        assert asked == []
    finally:
        server.close()


# -- the window's side ------------------------------------------------------------------------
@pytest.fixture
def window(home, manager, qtbot):
    shown = MainWindow(manager, home.settings, home.paths)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.reader.wait()


@OFFSCREEN
def test_a_file_goes_to_the_player(qtbot, window, clip):
    played: list[str] = []
    opener = PlayOpener(window, played.append)
    opener.open(str(clip))
    qtbot.waitUntil(lambda: played == [str(clip)], timeout=5_000)


@OFFSCREEN
def test_a_file_gone_before_it_played_is_a_sentence_in_the_status_bar(qtbot, window, tmp_path):
    played: list[str] = []
    PlayOpener(window, played.append).open(str(tmp_path / "gone.mp4"))
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == (
        f"There is no file at {tmp_path / 'gone.mp4'}: check the name and try again."),
        timeout=5_000)
    assert played == []


@OFFSCREEN
def test_a_web_address_not_downloaded_is_offered_and_queued_only_when_accepted(
        qtbot, window, site):
    url = site.video_url("v1")
    played: list[str] = []
    opener = PlayOpener(window, played.append)
    opener.open(url)
    qtbot.waitUntil(lambda: opener.offer is not None and opener.offer.isVisible(),
                    timeout=5_000)
    offer = opener.offer
    assert offer.text() == f"Only downloaded videos play in ytdesk, and {url} is not downloaded."
    assert offer.informativeText() == "Download it now? It plays here once it is downloaded."
    offer.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: opener.offer is None, timeout=5_000)
    window.reader.wait()
    assert list(Job.select()) == [] and played == []

    opener.open(url)
    qtbot.waitUntil(lambda: opener.offer is not None and opener.offer.isVisible(),
                    timeout=5_000)
    [download] = [b for b in opener.offer.buttons() if b.text() == "&Download"]
    download.click()
    qtbot.waitUntil(lambda: [j.url for j in Job.select()] == [url], timeout=10_000)
    assert played == []


# -- two real ytdesk processes ----------------------------------------------------------------
def ytdesk(home, *args: str) -> list[str]:
    return [sys.executable, "-m", "ytdesk.app", *home.cli_args(), *args]


def probed_ytdesk(home, state: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(PROBE), str(state), *home.cli_args(), *args],
                            env=subprocess_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def shown(state: Path) -> dict:
    try:
        return json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def wait_until_shown(state: Path, condition, what: str, process, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        now = shown(state)
        if now and condition(now):
            return now
        if process.poll() is not None:
            raise AssertionError(f"ytdesk exited ({process.returncode}) before {what}: "
                                 f"{process.stderr.read()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; the window shows {now}")
        time.sleep(0.05)


def playing(path: Path, title: str):
    """What the window shows while `path` plays: the Player tab, the video's title."""
    def check(now: dict) -> bool:
        if "played" in now and now["played"]:  # the stand-in player (window_probe)
            return now["played"][-1] == str(path)
        return now.get("tab") == "Player" and title in now.get("shown", [])
    return check


def play(home, target: str) -> subprocess.CompletedProcess:
    return subprocess.run(ytdesk(home, "--play", target), env=subprocess_env(),
                          capture_output=True, text=True, timeout=120)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def test_play_hands_files_and_addresses_to_the_running_ytdesk(home, clip, tmp_path):
    # In the library under its own title: it plays as that video, not as a file name.
    Video.create(extractor="fakesite", video_id="sunset", title="A walk at sunset",
                 channel="Evening Walks", webpage_url=PAGE,
                 filepath=str(clip), downloaded_at=1.0)
    state = tmp_path / "window.json"
    name = server_name(resolve_data_dir(str(home.paths.data_dir)))
    first = probed_ytdesk(home, state)
    try:
        wait_until_shown(state, lambda now: now.get("tab") == "Downloads", "the window", first,
                         timeout=120)
        assert hand_over(name, [], 5_000) is HandOver.TAKEN  # it listens
        before = shown(state)

        # Bad inputs: a sentence each, a non-zero exit, and nothing reaches the first.
        for target, sentence in [
                (str(tmp_path / "gone.mp4"), f"There is no file at {tmp_path / 'gone.mp4'}"),
                (str(tmp_path), f"{tmp_path} is a folder, not a video"),
                ("ftp://example.com/v.mp4", "ytdesk cannot open ftp: addresses")]:
            refused = play(home, target)
            assert refused.returncode == EXIT_FAILED
            assert refused.stderr.startswith(f"ytdesk: {sentence}")
            assert "Traceback" not in refused.stderr
        after = shown(state)  # the running ytdesk heard nothing of them:
        for what_a_play_changes in ("tab", "questions", "status", "played"):
            assert after.get(what_a_play_changes) == before.get(what_a_play_changes)

        # A file, by a path relative to where `ytdesk --play` ran.
        relative = subprocess.run(ytdesk(home, "--play", clip.name), cwd=clip.parent,
                                  env=subprocess_env(), capture_output=True, text=True,
                                  timeout=120)
        assert relative.returncode == 0, relative.stderr
        now = wait_until_shown(state, playing(clip, "A walk at sunset — Evening Walks"),
                               "the library's video to play", first)
        assert now["questions"] == [] and now["status"] == before["status"]
        assert now.get("played", [str(clip)]) == [str(clip)]  # only the good one arrived

        # The web address of a downloaded video plays its file.
        other = tmp_path / "Other clip.webm"
        shutil.copyfile(clip, other)
        assert play(home, str(other)).returncode == 0
        wait_until_shown(state, playing(other, "Other clip"), "the other file", first)
        assert play(home, PAGE).returncode == 0
        wait_until_shown(state, playing(clip, "A walk at sunset — Evening Walks"),
                         "the downloaded video", first)

        # One not downloaded is offered as a download, and not queued.
        never = "https://example.com/watch?v=never"
        assert play(home, never).returncode == 0
        now = wait_until_shown(state, lambda now: now["questions"], "the offer", first)
        assert now["questions"] == [
            f"Only downloaded videos play in ytdesk, and {never} is not downloaded."]
        assert list(Job.select()) == []
    finally:
        stop(first)
    assert first.returncode == 0, first.stderr.read()


def test_play_with_no_ytdesk_running_starts_one_that_plays(home, clip, tmp_path):
    state = tmp_path / "window.json"
    first = probed_ytdesk(home, state, "--play", str(clip))
    try:
        wait_until_shown(state, playing(clip, "Sunset walk"), "the file to play", first,
                         timeout=120)
    finally:
        stop(first)
    assert first.returncode == 0, first.stderr.read()


def test_a_bad_play_with_no_ytdesk_running_starts_nothing(home, tmp_path):
    refused = play(home, str(tmp_path / "gone.mp4"))
    assert refused.returncode == EXIT_FAILED
    assert refused.stderr == (f"ytdesk: There is no file at {tmp_path / 'gone.mp4'}: check "
                              "the name and try again.\n")
    assert not home.paths.app_log.exists()  # it never started
    assert not os.path.exists(server_name(resolve_data_dir(str(home.paths.data_dir))))
