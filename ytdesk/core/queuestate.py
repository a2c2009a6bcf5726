"""Whether the queue is paused, and why, kept in the library: every process that runs the
queue (the window, `ytdesk-cli run`) sees a pause, and `ytdesk-cli resume` from another
terminal ends it. It is a row of the setting table but not a setting: ytdesk writes it
when a download meets a local failure (a full disk, a folder it may not write to), and
Resume (the window's banner, `ytdesk-cli resume`) clears it."""

from __future__ import annotations

import json

from .db import transaction
from .models import Setting

_ROW = "queue_paused"


def paused_reason() -> str | None:
    """Why the queue is paused, or None when it runs."""
    row = Setting.select(Setting.value).where(Setting.name == _ROW).tuples().first()
    if row is None:
        return None
    try:
        reason = json.loads(row[0])
    except (TypeError, json.JSONDecodeError):
        return None  # written by another version: a queue that runs is the safe reading
    return str(reason) if reason else None


def pause(reason: str) -> str:
    with transaction():
        Setting.replace(name=_ROW, value=json.dumps(reason)).execute()
    return reason


def resume() -> str | None:
    """Let the queue run again; returns why it was paused (None: it was not)."""
    with transaction():
        reason = paused_reason()
        Setting.delete().where(Setting.name == _ROW).execute()
    return reason
