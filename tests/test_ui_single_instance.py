"""One ytdesk per user and library: a second start hands its URLs over and exits."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QDir, QThreadPool
from PySide6.QtNetwork import QLocalSocket
from support import subprocess_env

from ytdesk.core import jobstates as st
from ytdesk.core.models import Job
from ytdesk.core.paths import resolve_data_dir
from ytdesk.ui import single_instance
from ytdesk.ui.single_instance import HandOver, InstanceServer, hand_over, server_name

URLS = ["https://example.com/watch?v=1", "https://example.com/playlist?list=2"]


@pytest.fixture
def name(tmp_path):
    return server_name(tmp_path / "data")


@pytest.fixture
def server(name):
    made = InstanceServer(name)
    assert made.listen()
    yield made
    made.close()


def hand_over_from_a_thread(qtbot, name: str, urls: list[str]) -> HandOver:
    """What a second ytdesk does, but on a pool thread, so this test's loop can answer."""
    outcome: list[HandOver] = []
    QThreadPool.globalInstance().start(lambda: outcome.append(hand_over(name, urls, 5_000)))
    qtbot.waitUntil(lambda: bool(outcome), timeout=10_000)
    return outcome[0]


def test_names_belong_to_one_user_and_one_library(tmp_path):
    mine = server_name(tmp_path / "a", user="ann")
    assert mine == server_name(tmp_path / "a", user="ann")
    assert mine != server_name(tmp_path / "b", user="ann")
    assert mine != server_name(tmp_path / "a", user="bob")
    assert os.path.basename(mine).startswith("ytdesk-")


def test_the_running_ytdesk_receives_the_urls_and_is_asked_to_come_forward(qtbot, server,
                                                                           name):
    with qtbot.waitSignal(server.urlsReceived) as received, \
            qtbot.waitSignal(server.raiseRequested):
        outcome = hand_over_from_a_thread(qtbot, name, URLS)
    assert outcome is HandOver.TAKEN
    assert received.args == [URLS]


def test_a_start_without_urls_only_brings_the_window_forward(qtbot, server, name):
    got = []
    server.urlsReceived.connect(got.append)
    with qtbot.waitSignal(server.raiseRequested):
        assert hand_over_from_a_thread(qtbot, name, []) is HandOver.TAKEN
    assert got == []


def test_nobody_listening_is_known_at_once(name):
    started = time.monotonic()
    assert hand_over(name, URLS, 5_000) is HandOver.NOT_RUNNING
    assert time.monotonic() - started < 1


def send_raw(qtbot, name: str, data: bytes) -> bytes:
    """Connect, send `data`, and return whatever comes back before the server hangs up."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    assert socket.waitForConnected(2_000)
    socket.write(data)
    qtbot.waitUntil(
        lambda: socket.state() == QLocalSocket.LocalSocketState.UnconnectedState, timeout=5_000)
    return bytes(socket.readAll().data())


@pytest.mark.parametrize("data", [
    b"not json at all\n",
    b'{"urls": "https://example.com/a single string"}\n',
    b'{"urls": [1, 2, 3]}\n',
    b'["https://example.com/a list, not an object"]\n',
    b'{"urls": [], "raise": "yes"}\n',
    b"\xff\xfe\xfd invalid utf-8\n",
], ids=["prose", "string", "numbers", "list", "raise-text", "bytes"])
def test_malformed_messages_are_ignored_and_the_server_keeps_working(qtbot, server, name, data,
                                                                     caplog):
    got = []
    server.urlsReceived.connect(got.append)
    with caplog.at_level(logging.WARNING, logger="ytdesk.ui.single_instance"):
        assert send_raw(qtbot, name, data) == b""  # hung up, no "ok"
    assert "not a ytdesk hand-over" in caplog.text
    assert got == []
    with qtbot.waitSignal(server.urlsReceived) as received:
        assert hand_over_from_a_thread(qtbot, name, URLS) is HandOver.TAKEN
    assert received.args == [URLS]


def test_an_endless_message_is_cut_off(qtbot, server, name, caplog, monkeypatch):
    monkeypatch.setattr(single_instance, "MAX_MESSAGE_BYTES", 64 * 1024)
    with caplog.at_level(logging.WARNING, logger="ytdesk.ui.single_instance"):
        assert send_raw(qtbot, name, b'{"urls": ["' + b"a" * 200_000) == b""
    assert "without a line end" in caplog.text
    with qtbot.waitSignal(server.urlsReceived):
        assert hand_over_from_a_thread(qtbot, name, URLS) is HandOver.TAKEN


def test_a_live_ytdesk_keeps_its_name(qtbot, server, name):
    second = InstanceServer(name)
    assert not second.listen()
    with qtbot.waitSignal(server.urlsReceived) as received:
        assert hand_over_from_a_thread(qtbot, name, URLS) is HandOver.TAKEN
    assert received.args == [URLS]
    second.close()


@pytest.mark.skipif(os.name == "nt", reason="named pipes vanish with their process")
def test_the_name_a_crashed_ytdesk_left_behind_does_not_block_the_next(qtbot, tmp_path, name):
    crashed = subprocess.run([sys.executable, "-c", (
        "import os, signal, sys\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from ytdesk.ui.single_instance import InstanceServer\n"
        "app = QCoreApplication([])\n"
        "server = InstanceServer(sys.argv[1])\n"
        "assert server.listen()\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"), name], capture_output=True, timeout=60)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    assert _socket_file(name).exists()  # its socket is still there...
    assert hand_over(name, URLS, 2_000) is HandOver.NOT_RUNNING  # ...but nobody answers

    server = InstanceServer(name)
    assert server.listen()
    with qtbot.waitSignal(server.urlsReceived) as received:
        assert hand_over_from_a_thread(qtbot, name, URLS) is HandOver.TAKEN
    assert received.args == [URLS]
    server.close()


def test_a_name_that_cannot_be_claimed_is_refused_with_a_sentence_not_a_crash(tmp_path, caplog):
    (tmp_path / "a file").write_text("not a folder")  # a missing folder is made (0700)
    unreachable = str(tmp_path / "a file" / "ytdesk-socket")
    server = InstanceServer(unreachable)
    with caplog.at_level(logging.WARNING):
        assert not server.listen()  # app.py then starts without the hand-over
    assert f"cannot listen for other ytdesk starts on {unreachable}" in caplog.text
    server.close()


def _socket_file(name: str) -> Path:
    return Path(name) if os.path.isabs(name) else Path(QDir.tempPath()) / name


# -- two real ytdesk processes -----------------------------------------------------------------
def ytdesk(home, *args: str) -> list[str]:
    return [sys.executable, "-m", "ytdesk.app", *home.cli_args(), *args]


def wait_for(condition, timeout: float, what: str, process=None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"ytdesk exited ({process.returncode}) before {what}: "
                                 f"{process.stderr.read()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def jobs_for(url: str) -> list[Job]:
    return list(Job.select().where(Job.url == url))


def test_a_second_ytdesk_hands_its_url_to_the_first_which_downloads_it(site, home):
    pytest.importorskip("ytdesk.ui.main_window")
    size = site.media["muxed"].stat().st_size
    site.set_fault("/media/v1/", "slow", bytes_per_second=max(1, size // 60))
    first_url, second_url = site.video_url("v1"), site.video_url("v3")
    name = server_name(resolve_data_dir(str(home.paths.data_dir)))

    first = subprocess.Popen(ytdesk(home, first_url), env=subprocess_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        # Ready once it answers a hand-over (with no URLs: that only raises its window).
        wait_for(lambda: hand_over(name, [], 1_000) is HandOver.TAKEN, 120,
                 "the first ytdesk to listen", first)
        wait_for(lambda: jobs_for(first_url), 30, "the first ytdesk to queue its URL", first)

        started = time.monotonic()
        second = subprocess.run(ytdesk(home, second_url), env=subprocess_env(), capture_output=True,
                                text=True, timeout=120)
        assert second.returncode == 0, second.stderr
        assert time.monotonic() - started < 30  # it handed over and left; no second window
        assert len(list(home.paths.locks.glob("*.lock"))) == 1  # nor a second job manager

        wait_for(lambda: [j.status for j in jobs_for(second_url)] == [st.SUCCEEDED], 60,
                 "the handed-over URL to be downloaded", first)
        wait_for(lambda: [j.status for j in jobs_for(first_url)] == [st.RUNNING]
                 and list(home.download_dir.rglob("*.part")), 30,
                 "the slow download to be under way", first)

        first.send_signal(signal.SIGTERM)
        first.wait(60)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(10)
    assert first.returncode == 0, first.stderr.read()
    # Shut down, not killed: the slow download was put back in the queue, .part file kept.
    [slow] = jobs_for(first_url)
    assert slow.status == st.QUEUED
    assert list(home.download_dir.rglob("*.part"))
    assert "starting on" in home.paths.app_log.read_text(encoding="utf-8")


def test_a_server_let_go_after_a_hand_over_is_freed_once(qtbot, name):
    """A lambda on an accepted socket's signal used to hold the server: it lived on until
    the socket's deleteLater, then was freed inside the socket's destructor and deleted
    that socket a second time (a segfault, 1 full test run in 10)."""
    import gc
    import weakref

    server = InstanceServer(name)
    assert server.listen()
    with qtbot.waitSignal(server.urlsReceived):
        assert hand_over_from_a_thread(qtbot, name, URLS) is HandOver.TAKEN
    server.close()
    freed = weakref.ref(server)
    del server
    gc.collect()
    qtbot.wait(50)  # the accepted socket's deleteLater runs
    assert freed() is None
