"""Nobody else gets in: the single-instance socket is in a folder only its user can enter,
and neither end talks to a program of another user (issue 7)."""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import QDir, QThreadPool
from stranger import get_stranger, shared_folder

from ytdesk.ui import single_instance
from ytdesk.ui.single_instance import HandOver, InstanceServer, hand_over, server_name

URLS = ["https://example.com/watch?v=1"]

# Listens on a Unix socket, keeps what it is sent, and prints it when its stdin closes.
SQUATTER = r"""
import os, select, socket, sys
server = socket.socket(socket.AF_UNIX)
server.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
server.listen(5)
print("ready", flush=True)
got, conns = [], []
while True:
    ready, _, _ = select.select([server, sys.stdin, *conns], [], [], 120)
    if not ready or sys.stdin in ready:
        break
    for one in ready:
        if one is server:
            conns.append(server.accept()[0])
        else:
            data = one.recv(65536)
            if data:
                got.append(data)
            else:
                conns.remove(one)
print(repr(b"".join(got)), flush=True)
"""

# Connects as a second ytdesk would, and prints what it was answered.
KNOCKER = r"""
import socket, sys
client = socket.socket(socket.AF_UNIX)
client.settimeout(20)
client.connect(sys.argv[1])
got = b""
try:  # refused, it may find the door shut before it has said anything
    client.sendall(b'{"urls": ["https://example.com/from-a-stranger"], "raise": true}\n')
    while chunk := client.recv(100):
        got += chunk
except OSError:
    pass
print(repr(got), flush=True)
"""


def squat(path: Path, stranger=None):
    """A program (of `stranger`, else ours) listening on `path` before ytdesk does."""
    import subprocess
    import sys
    if stranger is not None:
        process = stranger.run(SQUATTER, str(path), stdin=subprocess.PIPE, text=True)
    else:
        process = subprocess.Popen([sys.executable, "-c", SQUATTER, str(path)],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready", process.stderr.read()
    return process


def what_it_got(process) -> str:
    process.stdin.close()
    process.wait(30)
    return process.stdout.read().strip()


def mode_and_owner(path: Path) -> tuple[int, int]:
    info = path.stat()
    return stat.S_IMODE(info.st_mode), info.st_uid


def old_place(name: str) -> Path:
    """Where ytdesk used to listen with no $XDG_RUNTIME_DIR: the same name in /tmp."""
    return Path(QDir.tempPath()) / Path(name).name


def without_runtime_dir(monkeypatch) -> None:
    """As on a system with no $XDG_RUNTIME_DIR, where the old name went to /tmp."""
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)


@pytest.fixture
def short_temp(monkeypatch):
    """A temp folder of its own, short enough for a socket path, for the fallback."""
    folder = Path(tempfile.mkdtemp(prefix="yt"))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    import shutil
    shutil.rmtree(folder, ignore_errors=True)


def hand_over_from_a_thread(qtbot, name: str, urls: list[str]) -> HandOver:
    outcome: list[HandOver] = []
    QThreadPool.globalInstance().start(lambda: outcome.append(hand_over(name, urls, 5_000)))
    qtbot.waitUntil(lambda: bool(outcome), timeout=10_000)
    return outcome[0]


# -- where the socket is ---------------------------------------------------------------------
@pytest.mark.skipif(os.name != "posix", reason="Unix sockets")
def test_a_socket_bound_first_where_the_old_name_was_is_not_used(qtbot, tmp_path,
                                                                monkeypatch):
    without_runtime_dir(monkeypatch)
    name = server_name(tmp_path / "data")
    squatter = squat(old_place(name))
    try:
        assert Path(name) != old_place(name)
        assert hand_over(name, URLS, 2_000) is HandOver.NOT_RUNNING
        server = InstanceServer(name)
        assert server.listen()
        with qtbot.waitSignal(server.urlsReceived) as received:
            assert hand_over_from_a_thread(qtbot, name, URLS) is HandOver.TAKEN
        assert received.args == [URLS]
        server.close()
    finally:
        got = what_it_got(squatter)
        old_place(name).unlink(missing_ok=True)
    assert got == "b''"  # the URLs never went to the program that took the old name


@pytest.mark.skipif(os.name != "posix", reason="Unix sockets")
def test_the_socket_is_in_a_folder_only_its_user_can_enter(tmp_path, monkeypatch):
    without_runtime_dir(monkeypatch)
    data_dir = tmp_path / "data"
    (data_dir / "run").mkdir(parents=True, mode=0o755)  # as if made open by someone
    (data_dir / "run").chmod(0o755)
    name = server_name(data_dir)
    server = InstanceServer(name)
    assert server.listen()
    assert Path(name).parent == data_dir / "run"
    assert mode_and_owner(Path(name).parent) == (0o700, os.getuid())
    server.close()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0,
                    reason="only root can give a folder to another user")
def test_a_socket_folder_owned_by_someone_else_is_not_listened_in(tmp_path, monkeypatch,
                                                                  caplog):
    without_runtime_dir(monkeypatch)
    data_dir = tmp_path / "data"
    (data_dir / "run").mkdir(parents=True, mode=0o700)
    os.chown(data_dir / "run", os.getuid() + 4242, -1)
    server = InstanceServer(server_name(data_dir))
    with caplog.at_level(logging.WARNING):
        assert not server.listen()
    assert "its folder is not private to this user" in caplog.text
    server.close()


@pytest.mark.skipif(os.name != "posix", reason="Unix sockets")
def test_a_data_dir_too_long_for_a_socket_falls_back_to_a_private_temp_folder(
        qtbot, tmp_path, monkeypatch, short_temp):
    without_runtime_dir(monkeypatch)
    data_dir = tmp_path / ("a-long-folder-name-" * 8) / "data"
    assert len(os.fsencode(data_dir / "run")) > single_instance.SOCKET_PATH_LIMIT
    name = server_name(data_dir)
    assert Path(name).parent == short_temp / f"ytdesk-{os.getuid()}"
    assert len(os.fsencode(name)) < single_instance.SOCKET_PATH_LIMIT
    server = InstanceServer(name)
    assert server.listen()
    assert mode_and_owner(Path(name).parent) == (0o700, os.getuid())
    with qtbot.waitSignal(server.urlsReceived) as received:
        assert hand_over_from_a_thread(qtbot, name, URLS) is HandOver.TAKEN
    assert received.args == [URLS]
    server.close()


@pytest.mark.skipif(os.name != "posix", reason="Unix sockets")
def test_a_link_planted_where_the_temp_folder_goes_is_not_followed(tmp_path, monkeypatch,
                                                                   short_temp, caplog):
    without_runtime_dir(monkeypatch)
    data_dir = tmp_path / ("a-long-folder-name-" * 8) / "data"
    elsewhere = tmp_path / "planted"
    elsewhere.mkdir(mode=0o700)
    (short_temp / f"ytdesk-{os.getuid()}").symlink_to(elsewhere)
    server = InstanceServer(server_name(data_dir))
    with caplog.at_level(logging.WARNING):
        assert not server.listen()
    assert list(elsewhere.iterdir()) == []
    server.close()


# -- who is at the other end ---------------------------------------------------------------------
def someone_else(_socket) -> int:
    return os.getuid() + 4242


@pytest.mark.skipif(os.name != "posix", reason="peer credentials of Unix sockets")
def test_the_peer_check_asks_the_kernel(qtbot, tmp_path):
    seen: list[int | None] = []

    def who(socket):
        seen.append(single_instance.peer_uid(socket))
        return seen[-1]

    name = server_name(tmp_path / "data")
    server = InstanceServer(name, who=who)
    assert server.listen()
    with qtbot.waitSignal(server.urlsReceived):
        assert hand_over_from_a_thread(qtbot, name, URLS) is HandOver.TAKEN
    assert seen == [os.getuid()]
    server.close()


@pytest.mark.skipif(os.name != "posix", reason="peer credentials of Unix sockets")
def test_a_connection_from_another_user_is_refused_unread(qtbot, tmp_path, caplog):
    name = server_name(tmp_path / "data")
    server = InstanceServer(name, who=someone_else)
    assert server.listen()
    got: list[list[str]] = []
    server.urlsReceived.connect(got.append)
    with caplog.at_level(logging.WARNING, logger="ytdesk.ui.single_instance"):
        assert hand_over_from_a_thread(qtbot, name, URLS) is HandOver.NO_ANSWER
    assert "refused a connection" in caplog.text and "another user" in caplog.text
    assert got == []
    server.close()


@pytest.mark.skipif(os.name != "posix", reason="peer credentials of Unix sockets")
def test_nothing_is_sent_to_a_program_of_another_user(qtbot, tmp_path, caplog):
    name = server_name(tmp_path / "data")
    server = InstanceServer(name)
    assert server.listen()
    got: list[list[str]] = []
    server.urlsReceived.connect(got.append)
    with caplog.at_level(logging.WARNING, logger="ytdesk.ui.single_instance"):
        assert hand_over(name, ["https://example.com/secret"], 2_000,
                         who=someone_else) is HandOver.STRANGER
    assert "nothing was sent" in caplog.text
    # The server handles connections in order: the next hand-over is the first it reads.
    with qtbot.waitSignal(server.urlsReceived):
        assert hand_over_from_a_thread(qtbot, name, URLS) is HandOver.TAKEN
    assert got == [URLS]
    server.close()


# -- a real second user ----------------------------------------------------------------------
@pytest.mark.skipif(os.name != "posix", reason="Unix users and sockets")
def test_another_user_squatting_the_old_name_gets_nothing(tmp_path, monkeypatch):
    without_runtime_dir(monkeypatch)
    stranger = get_stranger()
    name = server_name(tmp_path / "data")
    squatter = squat(old_place(name), stranger)
    try:
        assert os.stat(old_place(name)).st_uid == stranger.uid
        assert hand_over(name, URLS, 2_000) is HandOver.NOT_RUNNING
        # Even handed its path, ytdesk sends it nothing: the kernel says whose it is.
        assert hand_over(str(old_place(name)), URLS, 2_000) is HandOver.STRANGER
    finally:
        got = what_it_got(squatter)
        old_place(name).unlink(missing_ok=True)
    assert got == "b''"


@pytest.mark.skipif(os.name != "posix", reason="Unix users and sockets")
def test_another_user_who_reaches_the_socket_is_refused(qtbot, caplog, monkeypatch):
    without_runtime_dir(monkeypatch)
    stranger = get_stranger()
    with shared_folder() as shared:
        data_dir = shared / "data"
        name = server_name(data_dir)
        server = InstanceServer(name)
        assert server.listen()
        # Opened on purpose, so the other user can get as far as the socket itself.
        for folder in (data_dir, Path(name).parent):
            folder.chmod(0o711)
        Path(name).chmod(0o777)
        got: list[list[str]] = []
        server.urlsReceived.connect(got.append)
        with caplog.at_level(logging.WARNING, logger="ytdesk.ui.single_instance"):
            knocker = stranger.run(KNOCKER, name, text=True)
            qtbot.waitUntil(lambda: knocker.poll() is not None, timeout=30_000)
        answer, errors = knocker.communicate()
        server.close()
    assert knocker.returncode == 0, errors
    assert answer.strip() == "b''"  # no "ok": it was not listened to
    assert got == []
    assert "refused a connection" in caplog.text
