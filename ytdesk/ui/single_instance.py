"""One ytdesk per user and data dir: a second start hands its URLs to the first and exits.

The first ytdesk listens on a local socket (a Unix socket, a named pipe on Windows) whose
name is derived from the user and the data dir, so two users, or one user with two
libraries, each get their own. A later `ytdesk URL...` connects, writes one JSON line
`{"urls": [...], "raise": true}`, waits for the one-line answer `ok`, and exits.

Version 2 adds what to play: `ytdesk --play X` writes `{"version": 2, "urls": [...],
"raise": true, "play": "X"}` and is answered `ok play`. A ytdesk from before version 2
ignores the key it does not know and answers plain `ok`: the start then knows that nothing
was played and says so. A message without "play" is written as version 1 always, so a
plain `ytdesk URL...` still works with any ytdesk already running.
"""

from __future__ import annotations

import enum
import getpass
import hashlib
import json
import logging
import os
import socket as pysocket
import stat
import struct
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDeadlineTimer, QObject, QTimer, Signal, Slot
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from ytdesk.core import private
from ytdesk.core.paths import Paths

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 16 * 1024 * 1024  # far more than any list of URLs a person pastes
CLIENT_SILENCE_MS = 10_000  # a connection that says nothing for this long is dropped
LIVENESS_PROBE_MS = 1_000
WAIT_SLICE_MS = 20
ACK = b"ok\n"
PLAY_ACK = b"ok play\n"  # a version 2 ytdesk took the file to play
MAX_ANSWER_BYTES = 64
PROTOCOL_VERSION = 2


# The longest Unix socket path (sun_path, with its final NUL): 104 bytes on macOS and the
# BSDs, 108 on Linux. A longer data dir path falls back to a private folder in /tmp.
SOCKET_PATH_LIMIT = 108 if sys.platform.startswith("linux") else 104


def server_name(data_dir: Path, user: str | None = None) -> str:
    """The socket name for this user's ytdesk on `data_dir`.

    On Unix it is a path in a folder only this user can enter, so no other user can plant
    a socket of that name first: $XDG_RUNTIME_DIR when it is such a folder (logging out
    clears a stale socket), else the data dir's `run` folder (0700), else, when that path
    is too long for a socket, a 0700 folder of ours in the temp folder. On Windows it is a
    named pipe whose access list names only this user (see InstanceServer)."""
    who = user if user is not None else getpass.getuser()
    digest = hashlib.sha256(f"{who}\0{data_dir}".encode()).hexdigest()[:16]
    name = f"ytdesk-{digest}"
    if os.name != "posix":
        return name
    runtime_dir = os.environ.get("XDG_RUNTIME_DIR")
    if runtime_dir and _is_private_folder(Path(runtime_dir), follow=True):
        candidate = Path(runtime_dir) / name
        if _fits(candidate):
            return str(candidate)
    candidate = Paths(data_dir).sockets / name
    if _fits(candidate):
        return str(candidate)
    return str(Path(tempfile.gettempdir()) / f"ytdesk-{os.getuid()}" / name)


def _fits(path: Path) -> bool:
    return len(os.fsencode(path)) < SOCKET_PATH_LIMIT


def _is_private_folder(folder: Path, follow: bool = False) -> bool:
    """A folder of ours that no one else may enter. Ours to make: never a symbolic link
    (someone may have planted one where we make it, in /tmp)."""
    try:
        info = folder.stat() if follow else folder.lstat()
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def _claim_folder(folder: Path) -> bool:
    """Make `folder` (0700) if it is missing, close it if it is ours and open; False if it
    is not a folder only we can enter (someone else's, a link), so nothing listens there."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True, mode=private.PRIVATE_DIR)
        folder.mkdir(exist_ok=True, mode=private.PRIVATE_DIR)
    except OSError as exc:
        log.warning("cannot make the folder %s: %s", folder, exc.strerror or exc)
        return False
    private.tighten(folder)
    return _is_private_folder(folder, follow=folder == _runtime_dir())


def _runtime_dir() -> Path | None:
    runtime_dir = os.environ.get("XDG_RUNTIME_DIR")
    return Path(runtime_dir) if runtime_dir else None


def peer_uid(socket: QLocalSocket) -> int | None:
    """The user id of the process at the other end of a connected socket, asked of the
    kernel (SO_PEERCRED on Linux, LOCAL_PEERCRED on macOS and the BSDs); None where it
    cannot be known."""
    descriptor = int(socket.socketDescriptor())
    if os.name != "posix" or descriptor < 0:
        return None
    try:
        with pysocket.fromfd(descriptor, pysocket.AF_UNIX, pysocket.SOCK_STREAM) as twin:
            if hasattr(pysocket, "SO_PEERCRED"):
                pid_uid_gid = twin.getsockopt(pysocket.SOL_SOCKET, pysocket.SO_PEERCRED,
                                              struct.calcsize("3i"))
                return struct.unpack("3i", pid_uid_gid)[1]
            # struct xucred {u_int cr_version; uid_t cr_uid; short cr_ngroups; gid_t[16]}
            xucred = twin.getsockopt(_SOL_LOCAL, _LOCAL_PEERCRED, struct.calcsize("IIh16I"))
            return struct.unpack_from("II", xucred)[1]
    except OSError as exc:
        log.warning("cannot tell who is at the other end of %s: %s", socket.fullServerName(),
                    exc.strerror or exc)
        return None


_SOL_LOCAL, _LOCAL_PEERCRED = 0, 1  # <sys/un.h> on macOS and the BSDs


def is_same_user(socket: QLocalSocket, who: Callable[[QLocalSocket], int | None] = peer_uid
                 ) -> bool:
    """Is the other end this user's? On Unix asked of the kernel, and unknown means no. On
    Windows the pipe's access list lets only this user in."""
    if os.name != "posix":
        return True
    return who(socket) == os.getuid()


@dataclass(frozen=True)
class Message:
    urls: list[str]
    bring_to_front: bool = True
    play: str | None = None  # a file or a web address to play (version 2)


def encode_message(urls: list[str], bring_to_front: bool = True, play: str | None = None
                   ) -> bytes:
    message: dict[str, object] = {"urls": list(urls), "raise": bring_to_front}
    if play is not None:
        message = {"version": PROTOCOL_VERSION, **message, "play": play}
    return json.dumps(message).encode("utf-8") + b"\n"


def decode_message(line: bytes) -> Message | None:
    """One message, or None if it is not one of ours (or from a newer ytdesk whose
    message this one cannot read)."""
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(message, dict):
        return None
    version = message.get("version", 1)
    if type(version) is not int or not 1 <= version <= PROTOCOL_VERSION:
        return None
    urls, bring_to_front = message.get("urls", []), message.get("raise", True)
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        return None
    if not isinstance(bring_to_front, bool):
        return None
    play = message.get("play") if version >= 2 else None
    if play is not None and (not isinstance(play, str) or not play):
        return None
    return Message(urls, bring_to_front, play)


class HandOver(enum.Enum):
    TAKEN = "taken"  # the running ytdesk has the URLs
    NOT_RUNNING = "not running"  # nobody listens on the name
    NO_ANSWER = "no answer"  # somebody listens but did not confirm: the URLs may or may not
    # have arrived, so sending them again could queue them twice
    STRANGER = "someone else"  # another user's program listens on the name: nothing was sent
    OUTDATED = "outdated"  # an older ytdesk took the URLs but cannot play: nothing played


def hand_over(name: str, urls: list[str], timeout_ms: int = 5_000,
              who: Callable[[QLocalSocket], int | None] = peer_uid,
              play: str | None = None) -> HandOver:
    """Give `urls` (and what to `play`) to the ytdesk listening on `name` and ask it to
    come to the front.

    Blocks for at most `timeout_ms` (not at all when nobody listens): it is how a second
    start hands over, before its event loop runs. It also works on a QThread beside a
    running app. Nothing is sent to a program of another user (`who` says whose it is)."""
    deadline = QDeadlineTimer(timeout_ms)
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(_left(deadline)):
        return HandOver.NOT_RUNNING
    try:
        if not is_same_user(socket, who):
            log.warning("a program of another user listens on %s; nothing was sent to it", name)
            return HandOver.STRANGER
        socket.write(encode_message(urls, play=play))
        while socket.bytesToWrite() > 0:
            if not _wait(socket, socket.waitForBytesWritten, deadline):
                return HandOver.NO_ANSWER
        answer = b""
        while b"\n" not in answer and len(answer) < MAX_ANSWER_BYTES:
            if not socket.bytesAvailable() and not _wait(socket, socket.waitForReadyRead,
                                                         deadline):
                return HandOver.NO_ANSWER
            answer += bytes(socket.readAll().data())
        if answer == (ACK if play is None else PLAY_ACK):
            return HandOver.TAKEN
        return HandOver.OUTDATED if play is not None and answer == ACK else HandOver.NO_ANSWER
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
    playRequested = Signal(str)  # what a later `ytdesk --play X` asked to play (unchecked)

    def __init__(self, name: str, parent: QObject | None = None,
                 who: Callable[[QLocalSocket], int | None] = peer_uid):
        super().__init__(parent)
        self._name = name
        self._who = who  # tells whose program connected (tests give another answer)
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
        # Only in a folder no one else can enter: another user could not plant a socket or
        # a link there, nor connect.
        if os.name == "posix" and not _claim_folder(Path(self._name).parent):
            log.warning("cannot listen for other ytdesk starts on %s: its folder is not "
                        "private to this user", self._name)
            return False
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
            if not is_same_user(socket, self._who):
                # Nothing read, nothing answered: a program of another user gets no say.
                log.warning("refused a connection on %s from a program of another user",
                            self._name)
                socket.abort()
                socket.deleteLater()
                continue
            self._buffers[socket] = bytearray()
            # Bound slots that ask who sent, never lambdas holding `self`: a lambda on a
            # socket's signal kept this server alive until the socket went, then freed it
            # from inside the socket's destructor, deleting the socket twice (a crash).
            silence = QTimer(socket, singleShot=True, interval=CLIENT_SILENCE_MS)
            silence.timeout.connect(self._on_silence)
            silence.start()
            socket.readyRead.connect(self._on_socket_ready)
            socket.disconnected.connect(self._on_socket_gone)
            if socket.bytesAvailable():
                self._on_ready_read(socket)

    @Slot()
    def _on_silence(self) -> None:
        socket = self.sender().parent()  # the silence timer's socket
        if isinstance(socket, QLocalSocket):
            self._give_up(socket, "said nothing in time")

    @Slot()
    def _on_socket_ready(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._on_ready_read(socket)

    @Slot()
    def _on_socket_gone(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._drop(socket)

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
        log.info("another ytdesk start handed over %d URL(s)%s", len(message.urls),
                 " and something to play" if message.play is not None else "")
        del self._buffers[socket]
        socket.write(ACK if message.play is None else PLAY_ACK)
        socket.flush()
        socket.disconnectFromServer()
        if message.urls:
            self.urlsReceived.emit(message.urls)
        if message.play is not None:
            self.playRequested.emit(message.play)
        if message.bring_to_front:
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
