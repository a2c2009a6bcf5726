"""Each job's own log file, logs/jobs/<id>.log, with a timestamp on every line."""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from pathlib import Path

from ytdesk.core import private
from ytdesk.core.credentials import redact


class JobLogFile:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        # Open for the job's whole run (close() ends it), so not a `with` block.
        self._file = open(path, "a", encoding="utf-8", errors="replace",  # noqa: SIM115
                          opener=private.opener)  # user-only: it names what was downloaded
        self._lock = threading.Lock()  # yt-dlp may log from its own helper threads

    def write(self, level: int, message: str) -> str:
        stamp = datetime.now().astimezone().isoformat(timespec="milliseconds")
        # A login in an address never reaches the file, whoever wrote the message.
        line = f"{stamp} {logging.getLevelName(level):<7} {redact(message.rstrip())}"
        with self._lock:
            if not self._file.closed:
                self._file.write(line + "\n")
                self._file.flush()
        return line

    def close(self) -> None:
        with self._lock:
            self._file.close()
