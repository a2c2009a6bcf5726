"""A playlist, channel or feed read the way yt-dlp reads one, one entry at a time.

Each entry comes with the playlist context yt-dlp's __process_playlist hands to
process_ie_result for it (playlist title, id, index, count, uploader...), so a download
made later from (entry, context) is the download `yt-dlp URL` makes for that entry. An
entry that cannot be opened while the list is read comes out with its failure; the rest of
the list goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from yt_dlp import YoutubeDL
from yt_dlp.utils import DownloadCancelled, EntryNotInPlaylist, PlaylistEntries

from ytdesk.core.library import clean_url

from .engine import MAX_NESTING, URL_TYPES, Engine
from .errors import Failure, JobStopped, classify


@dataclass
class Listed:
    entry: dict[str, Any]  # as the list gave it (a url, url_transparent or video result)
    context: dict[str, Any]  # what yt-dlp adds to it as this list's entry (its extra_info)
    opened: dict[str, Any] | None = None  # what opening it gave, when the listing had to
    failure: Failure | None = None  # why it could not be opened while the list was read

    @property
    def info(self) -> dict[str, Any]:
        """The entry as its download will first see it, as far as the listing knows."""
        if self.opened is not None:
            return self.opened
        if self.entry.get("_type", "video") == "video":
            return {**self.context, **self.entry}  # yt-dlp's add_extra_info: entry wins
        return self.entry

    @property
    def title(self) -> str | None:
        return self.info.get("title") or self.entry.get("title")

    @property
    def url(self) -> str | None:
        """The entry's address as a person may see it (never with yt-dlp's smuggled data).
        A video given whole inside a page has none of its own: the page's, plus its id."""
        if self.entry.get("_type") in URL_TYPES:
            return clean_url(self.entry.get("url"))
        own = (self.entry.get("webpage_url") or self.entry.get("original_url")
               or self.entry.get("url"))
        if own:
            return clean_url(own)
        page = clean_url(self.context.get("webpage_url"))
        if not page:
            return None
        return f"{page}#{quote(str(self.entry.get('id') or self.context.get('playlist_index')))}"

    def as_payload(self) -> dict[str, Any]:
        """What a child job keeps of its entry: JSON, yt-dlp's own smuggled data included."""
        return {"entry": json_safe(self.entry), "context": json_safe(self.context)}


def json_safe(info: dict[str, Any]) -> dict[str, Any]:
    """yt-dlp's own JSON cleaning (lazy lists, sets, odd objects), without the bookkeeping
    keys it adds to the dict it is given."""
    return {k: v for k, v in YoutubeDL.sanitize_info(dict(info)).items()
            if k in info}


def walk(engine: Engine, container: dict[str, Any], *, whole_lists: bool = True,
         descend: bool = True, enter: Callable[[dict[str, Any]], bool] | None = None,
         depth: int = 0) -> Iterator[Listed]:
    """Every video entry of a playlist or channel, with its context; tabs and nested
    playlists are opened, never returned as if they were videos.

    whole_lists: read each list to its end before its first entry comes out, as yt-dlp
    does unless told --lazy-playlist, so n_entries and playlist_count are known; without
    it entries stream (a preview counting a huge channel) and those stay None, as yt-dlp's
    lazy lists leave them.

    descend: open nested lists (a channel's tabs) and walk them; without it each comes out
    as one item whose `info` is the list, for the caller to walk as it likes (a sync reads
    each tab only to its first run of known videos). enter: asked with a nested list's
    entry before it is opened (a request saved); False leaves it out."""
    numbered, base = _read(engine, container, whole_lists)
    for autonumber, (index, entry) in enumerate(numbered, 1):
        _check_stop(engine)
        if not entry:
            continue
        context = {**base, "playlist_index": index, "playlist_autonumber": autonumber}
        if engine.is_container(entry):
            if depth < MAX_NESTING and (enter is None or enter(entry)):
                inner = {"extractor": container.get("extractor"),
                         "extractor_key": container.get("extractor_key"), **entry}
                if descend:
                    yield from walk(engine, inner, whole_lists=whole_lists, depth=depth + 1)
                else:
                    yield Listed(entry, context, opened=inner)
            continue
        # Asking the extractor costs nothing; asking the library is a query.
        if (entry.get("_type") not in URL_TYPES or engine.is_single_video(entry)
                or engine.in_library(entry)):
            yield Listed(entry, context)
            continue
        if depth >= MAX_NESTING or (enter is not None and not enter(entry)):
            continue
        try:
            opened = engine.open(entry, context)
        except DownloadCancelled:
            raise
        except Exception as exc:  # one entry that cannot be opened never sinks the list
            yield Listed(entry, context, failure=classify(exc))
            continue
        if opened is None:
            continue  # yt-dlp's archive: already here
        if engine.is_container(opened) and descend:
            yield from walk(engine, opened, whole_lists=whole_lists, depth=depth + 1)
        else:
            yield Listed(entry, context, opened=opened)


def _read(engine: Engine, container: dict[str, Any], whole_lists: bool):
    """The list's (index, entry) pairs and the context all its entries share, both made
    by yt-dlp's own PlaylistEntries and _playlist_infodict."""
    try:
        entries = PlaylistEntries(engine.ydl, container)
    except EntryNotInPlaylist:  # a list without entries
        return [], {}
    numbered: Any = entries.get_requested_items()
    about = dict(container)
    n_entries = None
    if whole_lists:
        read = []
        for item in numbered:
            _check_stop(engine)
            read.append(item)
        numbered, n_entries = read, len(read)
        about["requested_entries"] = [index for index, _ in read]
        if not about.get("playlist_count"):
            about["playlist_count"] = entries.get_full_count()
    return numbered, YoutubeDL._playlist_infodict(about, n_entries=n_entries)


def _check_stop(engine: Engine) -> None:
    reason = engine.should_stop()
    if reason:
        raise JobStopped(reason)
