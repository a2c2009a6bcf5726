"""Thumbnails and channel images for the browser: fetched once from the site (in the
background, http and https only), kept on disk under the thumbnails folder (a file named by
the SHA-256 of its address), decoded and scaled off the GUI thread, and kept in memory for
the rows on screen. A view asks with `pixmap(url, size)`; until the picture is ready it gets
None and `arrived(url)` says when to paint again."""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict, deque
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply, QNetworkRequest

from ytdesk.jobs.worker import Workers

IN_FLIGHT = 6  # requests at once (what browsers allow per host)
WAITING = 200  # requests queued; the oldest are dropped (rows scrolled past long ago)
KEPT = 800  # scaled pictures kept in memory
LARGEST = 8 * 1024 * 1024  # a thumbnail, not a video someone pointed at
TIMEOUT_MS = 20_000

Key = tuple[str, int, int]  # address, width, height


def cache_file(folder: Path, url: str) -> Path:
    return folder / hashlib.sha256(url.encode("utf-8")).hexdigest()


def _fitted(image: QImage, width: int, height: int) -> QImage:
    """Scaled to fill width x height, the middle kept (a 4:3 picture in a 16:9 frame)."""
    scaled = image.scaled(width, height, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                          Qt.TransformationMode.SmoothTransformation)
    return scaled.copy((scaled.width() - width) // 2, (scaled.height() - height) // 2,
                       width, height)


def load_scaled(path: Path, key: Key) -> tuple[Key, QImage | None, bool]:
    """On a worker thread: (key, the picture scaled, whether the file was there)."""
    if not path.is_file():
        return key, None, False
    image = QImage(str(path))
    return key, (None if image.isNull() else _fitted(image, key[1], key[2])), True


def store_scaled(path: Path, data: bytes, key: Key) -> tuple[Key, QImage | None, bool]:
    """On a worker thread: keep what the site sent, if it is a picture, whole or not at all."""
    image = QImage.fromData(data)
    if image.isNull():
        return key, None, True
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_bytes(data)
    os.replace(part, path)
    return key, _fitted(image, key[1], key[2]), True


class Thumbnails(QObject):
    arrived = Signal(str)  # the address whose picture is ready to paint

    def __init__(self, folder: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.folder = folder
        self._ready: OrderedDict[Key, QPixmap] = OrderedDict()
        self._asked: set[Key] = set()  # being read or fetched
        self._failed: set[str] = set()  # no picture there: not asked again this session
        self._waiting: deque[Key] = deque()
        self._fetching: dict[QNetworkReply, Key] = {}
        self._decoder = Workers(self, threads=1, name="thumbnails")
        self._network = QNetworkAccessManager(self)
        self._network.setTransferTimeout(TIMEOUT_MS)
        self._network.finished.connect(self._fetched)

    def pixmap(self, url: str | None, size: QSize) -> QPixmap | None:
        """The picture at `url` scaled to `size`, or None until it has arrived (asked now)."""
        if not url or url in self._failed:
            return None
        key = (url, size.width(), size.height())
        found = self._ready.get(key)
        if found is not None:
            self._ready.move_to_end(key)
            return found
        if key not in self._asked:
            self._asked.add(key)
            self._decoder.submit(load_scaled, cache_file(self.folder, url), key,
                                 done=self._decoded, failed=self._not_decoded)
        return None

    def _decoded(self, result: tuple[Key, QImage | None, bool]) -> None:
        key, image, on_disk = result
        if image is not None:
            self._asked.discard(key)
            self._ready[key] = QPixmap.fromImage(image)
            while len(self._ready) > KEPT:
                self._ready.popitem(last=False)
            self.arrived.emit(key[0])
        elif on_disk:  # a file that is no picture
            self._give_up(key)
        else:
            self._fetch_later(key)

    def _not_decoded(self, _: BaseException) -> None:
        # Disk trouble (full, unwritable cache): the row goes without its picture.
        pass

    # -- the network ---------------------------------------------------------------------------
    def _fetch_later(self, key: Key) -> None:
        url = QUrl(key[0])
        if url.scheme() not in ("http", "https") or not url.host():
            self._give_up(key)
            return
        self._waiting.append(key)
        while len(self._waiting) > WAITING:
            self._asked.discard(self._waiting.popleft())  # asked again if scrolled back to
        self._start_fetches()

    def _start_fetches(self) -> None:
        while self._waiting and len(self._fetching) < IN_FLIGHT:
            key = self._waiting.pop()  # the newest first: the rows on screen now
            request = QNetworkRequest(QUrl(key[0]))
            request.setAttribute(QNetworkRequest.Attribute.RedirectPolicyAttribute,
                                 QNetworkRequest.RedirectPolicy.NoLessSafeRedirectPolicy)
            reply = self._network.get(request)
            reply.downloadProgress.connect(self._check_size)
            self._fetching[reply] = key

    def _check_size(self, received: int, _total: int) -> None:
        reply = self.sender()
        if received > LARGEST and isinstance(reply, QNetworkReply):
            reply.abort()

    def _fetched(self, reply: QNetworkReply) -> None:
        key = self._fetching.pop(reply, None)
        reply.deleteLater()
        if key is None:
            return
        status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        if reply.error() != QNetworkReply.NetworkError.NoError or status != 200:
            self._give_up(key)
        else:
            data: QByteArray = reply.readAll()
            self._decoder.submit(store_scaled, cache_file(self.folder, key[0]),
                                 data.data(), key, done=self._decoded,
                                 failed=self._not_decoded)
        self._start_fetches()

    def _give_up(self, key: Key) -> None:
        self._asked.discard(key)
        self._failed.add(key[0])

    def close(self) -> None:
        """Stop fetching and wait for the decoder (when the window goes)."""
        for reply in list(self._fetching):
            reply.abort()
        self._decoder.close()
