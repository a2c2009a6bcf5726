"""Time as stored in the DB: float seconds since the epoch (UTC), comparable in SQL."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def now() -> float:
    return time.time()


def iso(timestamp: float | None) -> str | None:
    """An ISO-8601 UTC string for JSON output, or None."""
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat(timespec="seconds")
