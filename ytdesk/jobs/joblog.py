"""Each job's own log file, logs/jobs/<id>.log, with a timestamp on every line."""

from __future__ import annotations

import contextlib
import logging
import threading
from datetime import datetime
from pathlib import Path
from typing import TextIO

from ytdesk.core import private
from ytdesk.core.credentials import redact

log = logging.getLogger(__name__)


class JobLogFile:
    """Best effort: a log that cannot be written (a full disk, a folder gone read-only)
    never stops the download it describes; the lines lost are counted, and said in the
    log once it can be written again."""

    def __init__(self, path: Path):
        self._path = path
        self._file: TextIO | None = None
        self._lost = 0
        self._lock = threading.Lock()  # yt-dlp may log from its own helper threads
        self._closed = False

    def write(self, level: int, message: str) -> str:
        stamp = datetime.now().astimezone().isoformat(timespec="milliseconds")
        # A login in an address never reaches the file, whoever wrote the message.
        line = f"{stamp} {logging.getLevelName(level):<7} {redact(message.rstrip())}"
        with self._lock:
            if not self._closed:
                self._append(stamp, line)
        return line

    def _append(self, stamp: str, line: str) -> None:
        text = line + "\n"
        if self._lost:
            text = (f"{stamp} WARNING {self._lost} line(s) of this log could not be written "
                    f"(the disk was full or could not be written to)\n") + text
        try:
            if self._file is None:
                self._path.parent.mkdir(parents=True, exist_ok=True)
                # Open for the job's whole run (close() ends it), so not a `with` block;
                # user-only: it names what was downloaded.
                self._file = open(self._path, "a", encoding="utf-8",  # noqa: SIM115
                                  errors="replace", opener=private.opener)
            self._file.write(text)
            self._file.flush()
        except OSError as exc:
            if not self._lost:
                log.warning("could not write the job log %s: %s", self._path, exc)
            self._lost += 1
            self._drop_file()
        else:
            self._lost = 0

    def _drop_file(self) -> None:
        """A failed flush leaves the text in the buffer: start afresh next time."""
        file, self._file = self._file, None
        if file is not None:
            with contextlib.suppress(OSError):  # the same full disk: that text is lost, counted
                file.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._drop_file()
