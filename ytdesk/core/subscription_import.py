"""Subscription files on disk: what importing one would add, and which of its channels are
followed already (read before anything is written, for the preview), and the export written
whole or not at all. Nothing here reaches a site; the window runs both off its thread."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import channels
from .subscription_files import MAX_BYTES, Subscription, SubscriptionFileError, read
from .urls import check_url


@dataclass(frozen=True)
class ImportPreview:
    source: str  # the file's name, as the sentences say it
    format: str  # "OPML", "NewPipe", "FreeTube", "Google Takeout"
    items: list[Subscription]  # everything the file lists, each address once
    fresh: list[Subscription]  # what importing adds
    followed: list[Subscription]  # followed already: skipped


def preview_file(path: Path) -> ImportPreview:
    """Read `path` by its content and compare it with the subscriptions there are (the same
    rule `channels.import_listed` uses); SubscriptionFileError with a sentence if it cannot
    be read or is not a subscription list."""
    source = path.name or str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise SubscriptionFileError(f"{source} is too large to be a list of subscriptions.")
        data = path.read_bytes()
    except IsADirectoryError:
        raise SubscriptionFileError(f"{source} is a folder; choose the file the other app "
                                    "exported.") from None
    except OSError as error:
        raise SubscriptionFileError(f"{source} cannot be read ({error.strerror or error}); "
                                    "check that it exists and that you may open it.") from None
    kind, items = read(data, source)
    known = {followed.url for followed in channels.all_followed()}
    fresh: list[Subscription] = []
    followed: list[Subscription] = []
    for item in items:
        checked = check_url(item.url)
        (followed if checked.url in known else fresh).append(item)
    return ImportPreview(source, kind, items, fresh, followed)


class ExportError(OSError):
    """The export could not be written; the message says why and what to do."""


def export_file(path: Path) -> int:
    """Write every subscription to `path` as OPML (a file that was there is replaced only
    once the new one is complete); how many were written."""
    followed = channels.all_followed()
    data = channels.export_opml()
    folder = path.parent
    try:
        handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise ExportError(f"{path} cannot be written ({error.strerror or error}); choose a "
                          "folder you may write to, with space left.") from None
    return len(followed)
