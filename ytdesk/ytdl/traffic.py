"""What one job receives from the network: how long it has waited without a new byte, and a
way to cut its connections.

A server that stopped mid-body, or that sends a byte a second, keeps yt-dlp in one socket
read that may never end: its progress hook is not called (a read asks for a whole block), and
the socket timeout never fires on a trickle. So the job's waits are measured here, where the
bytes arrive, and a stop (the stall watchdog, pause, cancel, shutdown) shuts the job's
sockets, which ends a blocked read at once on every OS.

Plain Python, no yt-dlp: the window's thread reads `starved_for` and calls `cut`; the engine
(ytdl/engine.py) feeds it from yt-dlp's requests and reads.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

STALLED = "stalled"  # why a job was stopped: it waited too long without a byte


class Traffic:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._waits = 0  # requests and reads in progress
        self._since = 0.0  # when the current wait (or the last new byte) began
        self._starved = 0.0  # seconds waited without a byte, in waits already over
        self.cut_off = False

    @contextmanager
    def waiting(self) -> Iterator[list[bool]]:
        """Around one request or read; the caller sets `got[0]` when bytes came. Waits
        without bytes add up (a dead server met again by each retry), time spent
        elsewhere (ffmpeg merging, the DB) does not count."""
        got = [False]
        with self._lock:
            if self._waits == 0:
                self._since = time.monotonic()
            self._waits += 1
        try:
            yield got
        finally:
            stamp = time.monotonic()
            with self._lock:
                self._waits -= 1
                if got[0]:
                    self._starved, self._since = 0.0, stamp
                elif self._waits == 0:
                    self._starved += stamp - self._since

    def starved_for(self) -> float:
        """Seconds this job has waited on the network without receiving a byte."""
        with self._lock:
            current = time.monotonic() - self._since if self._waits else 0.0
            return self._starved + current

    def opened(self, response: Any) -> None:
        """Remember the socket under a response, so `cut` can end a read blocked on it."""
        sock = socket_of(response)
        if sock is not None:
            with self._lock:
                self._sockets.add(sock)
            if self.cut_off:  # cut while this one was being opened
                _shut(sock)

    def cut(self) -> None:
        """End every read in progress (they fail at once) and refuse new requests."""
        with self._lock:
            self.cut_off = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # closed already, or never connected: nothing to end
        sock.shutdown(socket.SHUT_RDWR)


def socket_of(response: Any) -> socket.socket | None:
    """The socket a yt-dlp response reads from: urllib3's connection (the requests
    handler) or http.client's socket file (the urllib handler)."""
    fp = getattr(response, "fp", None)
    sock = getattr(getattr(fp, "connection", None), "sock", None)
    if isinstance(sock, socket.socket):
        return sock
    raw = getattr(getattr(getattr(fp, "fp", None), "raw", None), "_sock", None)
    return raw if isinstance(raw, socket.socket) else None
