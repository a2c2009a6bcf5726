"""One ytdesk per user and data dir: a second start hands its URLs to the first and exits.

The first ytdesk listens on a local socket (a Unix socket, a named pipe on Windows) whose
name is derived from the user and the data dir, so two users, or one user with two
libraries, each get their own. A later `ytdesk URL...` connects, writes one JSON line
`{"urls": [...], "raise": true}`, waits for the one-line answer `ok`, and exits.
"""

from __future__ import annotations

import enum
import getpass
import hashlib
import json
import logging
import os
import stat
from pathlib import Path

from PySide6.QtCore import QDeadlineTimer, QObject, QTimer, Signal, Slot
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 16 * 1024 * 1024  # far more than any list of URLs a person pastes
CLIENT_SILENCE_MS = 10_000  # a connection that says nothing for this long is dropped
LIVENESS_PROBE_MS = 1_000
WAIT_SLICE_MS = 20
ACK = b"ok\n"


def server_name(data_dir: Path, user: str | None = None) -> str:
    """The socket name for this user's ytdesk on `data_dir`.

    On Unix it goes in $XDG_RUNTIME_DIR when that is a private folder of ours: there,
    no other user can plant a socket of the same name first, and logging out clears a
    stale one. Otherwise Qt puts the name in the temp folder (per user on macOS)."""
    who = user if user is not None else getpass.getuser()
    digest = hashlib.sha256(f"{who}\0{data_dir}".encode()).hexdigest()[:16]
    name = f"ytdesk-{digest}"
    runtime_dir = os.environ.get("XDG_RUNTIME_DIR") if os.name == "posix" else None
    if runtime_dir and _is_private_folder(Path(runtime_dir)):
        return str(Path(runtime_dir) / name)
    return name


def _is_private_folder(folder: Path) -> bool:
    try:
        info = folder.stat()
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def encode_message(urls: list[str], bring_to_front: bool = True) -> bytes:
    return json.dumps({"urls": list(urls), "raise": bring_to_front}).encode("utf-8") + b"\n"


def decode_message(line: bytes) -> tuple[list[str], bool] | None:
    """The URLs and the raise flag of one message, or None if it is not one of ours."""
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(message, dict):
        return None
    urls, bring_to_front = message.get("urls", []), message.get("raise", True)
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        return None
    if not isinstance(bring_to_front, bool):
        return None
    return urls, bring_to_front


class HandOver(enum.Enum):
    TAKEN = "taken"  # the running ytdesk has the URLs
    NOT_RUNNING = "not running"  # nobody listens on the name
    NO_ANSWER = "no answer"  # somebody listens but did not confirm: the URLs may or may not
    # have arrived, so sending them again could queue them twice


def hand_over(name: str, urls: list[str], timeout_ms: int = 5_000) -> HandOver:
    """Give `urls` to the ytdesk listening on `name` and ask it to come to the front.

    Blocks for at most `timeout_ms` (not at all when nobody listens): it is how a second
    start hands over, before its event loop runs. It also works on a QThread beside a
    running app."""
    deadline = QDeadlineTimer(timeout_ms)
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(_left(deadline)):
        return HandOver.NOT_RUNNING
    try:
        socket.write(encode_message(urls))
        while socket.bytesToWrite() > 0:
            if not _wait(socket, socket.waitForBytesWritten, deadline):
                return HandOver.NO_ANSWER
        answer = b""
        while b"\n" not in answer and len(answer) < len(ACK):
            if not socket.bytesAvailable() and not _wait(socket, socket.waitForReadyRead,
                                                         deadline):
                return HandOver.NO_ANSWER
            answer += bytes(socket.readAll().data())
        return HandOver.TAKEN if answer == ACK else HandOver.NO_ANSWER
    finally:
        socket.abort()


def _wait(socket: QLocalSocket, wait_for, deadline: QDeadlineTimer) -> bool:
    """Call a QLocalSocket waitFor* method in short slices until it succeeds or time is up.
    PySide6 holds the GIL while Qt blocks in them: in one long wait on a thread, the GUI
    thread could not run the Python slot that answers (the server in this very process)."""
    while True:
        if wait_for(min(WAIT_SLICE_MS, _left(deadline))):
            return True
        gone = socket.state() == QLocalSocket.LocalSocketState.UnconnectedState
        if gone or deadline.hasExpired():
            return False


def _left(deadline: QDeadlineTimer) -> int:
    # Qt's waitFor* treat -1 as "forever"; an expired deadline must mean "don't wait".
    return max(0, deadline.remainingTime())


class InstanceServer(QObject):
    """Listens for later starts of ytdesk on the same data dir and passes on what they send."""

    urlsReceived = Signal(list)  # the URLs a later `ytdesk URL...` was started with
    raiseRequested = Signal()  # it wants the window in front of the user

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        self._name = name
        self._server = QLocalServer(self)
        # Only this user may connect (on Unix: the socket file is 0700; on Windows: the
        # pipe's access list names only this user).
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_new_connection)
        self._buffers: dict[QLocalSocket, bytearray] = {}

    @property
    def name(self) -> str:
        return self._name

    def listen(self) -> bool:
        """Claim the name. False if another ytdesk holds it: it accepted a connection, so
        it is alive, and its name is never taken from it. A name left behind by a ytdesk
        that crashed (a socket file nobody answers on) is taken over."""
        # Asked first, because listening does not fail on a name in use: on Unix Qt
        # renames its new socket over the old file, on Windows it adds a pipe instance.
        if _someone_answers(self._name):
            return False
        if self._server.listen(self._name):
            return True
        if self._server.serverError() == QAbstractSocket.SocketError.AddressInUseError:
            log.info("a previous ytdesk left %s behind; taking it over", self._name)
            QLocalServer.removeServer(self._name)
            if self._server.listen(self._name):
                return True
        log.warning("cannot listen for other ytdesk starts on %s: %s",
                    self._name, self._server.errorString())
        return False

    def close(self) -> None:
        self._server.close()
        for socket in list(self._buffers):
            self._drop(socket)

    @Slot()
    def _on_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = bytearray()
            silence = QTimer(socket, singleShot=True, interval=CLIENT_SILENCE_MS)
            silence.timeout.connect(lambda s=socket: self._give_up(s, "said nothing in time"))
            silence.start()
            socket.readyRead.connect(lambda s=socket: self._on_ready_read(s))
            socket.disconnected.connect(lambda s=socket: self._drop(s))
            if socket.bytesAvailable():
                self._on_ready_read(socket)

    def _on_ready_read(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer += bytes(socket.readAll().data())
        end = buffer.find(b"\n")
        if end < 0:
            if len(buffer) > MAX_MESSAGE_BYTES:
                self._give_up(socket, f"sent more than {MAX_MESSAGE_BYTES} bytes without a "
                                      "line end")
            return
        message = decode_message(bytes(buffer[:end]))
        if message is None:
            self._give_up(socket, "sent something that is not a ytdesk hand-over")
            return
        urls, bring_to_front = message
        log.info("another ytdesk start handed over %d URL(s)", len(urls))
        del self._buffers[socket]
        socket.write(ACK)
        socket.flush()
        socket.disconnectFromServer()
        if urls:
            self.urlsReceived.emit(urls)
        if bring_to_front:
            self.raiseRequested.emit()

    def _give_up(self, socket: QLocalSocket, why: str) -> None:
        if socket in self._buffers:
            log.warning("ignored a connection on %s: it %s", self._name, why)
            self._drop(socket)

    def _drop(self, socket: QLocalSocket) -> None:
        if self._buffers.pop(socket, None) is not None:
            socket.abort()
        socket.deleteLater()


def _someone_answers(name: str) -> bool:
    probe = QLocalSocket()
    probe.connectToServer(name)
    alive = probe.waitForConnected(LIVENESS_PROBE_MS)
    probe.abort()
    return alive
