"""The library: what videos exist, which are downloaded, and finding them again.

A video counts as downloaded because its row has a file path and that file exists, not
because a line is in a text file; this is also yt-dlp's download archive (see ytdl/archive).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import peewee as pw

from .clock import now
from .db import transaction
from .models import Channel, Video

# Parts of yt-dlp's info dict that are signed, expiring URLs or per-request noise: they
# would make every refresh look like a change and are most of the dict's size. Everything
# else (45+ fields: tags, chapters, categories, counts...) is kept as JSON.
VOLATILE_KEYS = frozenset({
    "formats", "requested_formats", "requested_downloads", "requested_subtitles",
    "automatic_captions", "http_headers", "url", "manifest_url", "fragments", "fragment_base_url",
    "epoch", "_version", "_filename", "filepath", "__files_to_move", "__postprocessors",
    "__real_download", "__finaldir", "_type", "_has_drm", "__x_forwarded_for_ip",
})


# Extractors whose video ids are unique only within a part of the web, so the library's
# identity of their videos also carries that part (the "id scope"): the host, plus this many
# leading path segments. yt-dlp's own id (and so the file name's "[id]") is unchanged.
# - generic: the id is the URL's file stem ("vid0008" for any site's vid0008.mp4) or the
#   feed item's guid; html5 (HTML5MediaEmbed), CamtasiaEmbed, WordpressPlaylistEmbed,
#   WordpressMiniAudioPlayerEmbed and Rtmp also take it from a file or page name
#   (InfoExtractor._generic_id).
# - telegram:embed: the id is the message number, counted per channel (t.me/<channel>/613).
SCOPED_EXTRACTORS: dict[str, int] = {
    "generic": 0,
    "html5mediaembed": 0,
    "camtasiaembed": 0,
    "wordpressplaylistembed": 0,
    "wordpressminiaudioplayerembed": 0,
    "rtmp": 0,
    "telegramembed": 1,
}
_DEFAULT_PORTS = {"http": 80, "https": 443}
SMUGGLED = "#__youtubedl_smuggle"  # yt-dlp's way of passing data to an extractor in a URL

Identity = tuple[str, str, str]  # (extractor, video_id, id_scope): one library row


@dataclass
class UpsertCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: UpsertCounts) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged

    def __str__(self) -> str:
        return f"{self.inserted} new, {self.updated} updated, {self.unchanged} unchanged"


def extractor_of(info: dict[str, Any]) -> str:
    key = info.get("extractor_key") or info.get("ie_key") or info.get("extractor") or "generic"
    return str(key).lower()


def url_of(info: dict[str, Any]) -> str | None:
    """The address a video was found at, as yt-dlp records it."""
    return info.get("webpage_url") or info.get("original_url") or info.get("url")


def id_scope(extractor: str, url: str | None) -> str:
    """Where an extractor's ids are unique: "" when they are the site's own (a YouTube id
    names one video anywhere), else the host[:port] (without "www.") and, for some, the
    leading path segments of the video's URL (see SCOPED_EXTRACTORS)."""
    depth = SCOPED_EXTRACTORS.get(extractor.lower())
    if depth is None or not url:
        return ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host:
        return ""
    if port and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    segments = [segment for segment in parts.path.split("/") if segment][:depth]
    return "/".join([host, *segments])


def identity(info: dict[str, Any]) -> Identity | None:
    """The library's key for a video's info dict (or a listing's entry), when it has an id."""
    if not info.get("id"):
        return None
    extractor = extractor_of(info)
    return extractor, str(info["id"]), id_scope(extractor, url_of(info))


def clean_url(url: str | None) -> str | None:
    """A URL as a person may see it: without the data yt-dlp smuggles in its fragment."""
    return url.split(SMUGGLED, 1)[0] if url else url


def keep_info(info: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in info.items() if k not in VOLATILE_KEYS and not k.startswith("__")}


def _columns(info: dict[str, Any]) -> dict[str, Any]:
    """The key columns of a Video row, from a (sanitised) yt-dlp info dict."""
    kept = keep_info(info)
    return dict(
        title=info.get("title"),
        description=info.get("description"),
        uploader=info.get("uploader"),
        # The same names, in the same order, as the folder in core/preset_options.DEFAULT_TEMPLATE.
        channel=(info.get("channel") or info.get("uploader") or info.get("playlist_uploader")
                 or info.get("playlist_title") or info.get("webpage_url_domain")),
        upload_date=info.get("upload_date"),
        duration=info.get("duration"),
        view_count=info.get("view_count"),
        thumbnail=info.get("thumbnail"),
        tags=_tags_text(info.get("tags")),
        webpage_url=clean_url(url_of(info)),
        info_json=json.dumps(kept, sort_keys=True, default=str),
    )


def _tags_text(tags: Any) -> str | None:
    if not isinstance(tags, list):
        return None
    words = [str(tag).strip() for tag in tags if str(tag).strip()]
    return "\n".join(words) or None


def _channel_ref(info: dict[str, Any]) -> int | None:
    channel_id = info.get("channel_id") or info.get("uploader_id")
    if not channel_id:
        return None
    extractor = extractor_of(info)
    row = Channel.get_or_none((Channel.extractor == extractor)
                              & (Channel.channel_id == channel_id))
    name = info.get("channel") or info.get("uploader")
    url = info.get("channel_url") or info.get("uploader_url")
    if row is None:
        return Channel.insert(extractor=extractor, channel_id=channel_id, name=name,
                              url=url).execute()
    if name and (row.name != name or (url and row.url != url)):
        Channel.update(name=name, url=url or row.url).where(Channel.id == row.id).execute()
    return row.id


def upsert_videos(infos: Iterable[dict[str, Any]], only_new: bool = False, *,
                  dry_run: bool = False) -> UpsertCounts:
    """Insert new videos, update changed ones (only when something changed), count each.
    A dry run compares the same way and writes nothing: the counts a real run would give."""
    counts = UpsertCounts()
    if dry_run:  # reads only: no transaction, so no write lock is taken either
        for info in infos:
            counts.add(_upsert_one(info, only_new=only_new, dry_run=True))
        return counts
    with transaction():
        for info in infos:
            counts.add(_upsert_one(info, only_new=only_new))
    return counts


class _NewChannel:
    """The channel row a real run would insert: unequal to any video's channel_ref."""


def _upsert_one(info: dict[str, Any], only_new: bool = False, dry_run: bool = False,
                **download_fields: Any) -> UpsertCounts:
    extractor, video_id, scope = _key_of(info)
    if only_new and Video.select(Video.id).where(_the_video(extractor, video_id, scope)).exists():
        return UpsertCounts(unchanged=1)  # a row's 30 columns cost more to ask for than this
    row = None if only_new else find_video(extractor, video_id, scope)
    columns = {k: v for k, v in _columns(info).items() if v is not None}
    ref = _known_channel_ref(info) if dry_run else _channel_ref(info)
    if ref is not None:
        columns["channel_ref"] = ref
    columns.update(download_fields)
    if row is None:
        if not dry_run:
            Video.insert(extractor=extractor, video_id=video_id, id_scope=scope,
                         created_at=now(), updated_at=now(), **columns).execute()
        return UpsertCounts(inserted=1)
    if row.filepath and not download_fields and "info_json" in columns:
        columns["info_json"] = _keeping_file_chapters(columns["info_json"], row.info_json)
    changed = {k: v for k, v in columns.items() if getattr(row, _field_name(k)) != v}
    if not changed:
        return UpsertCounts(unchanged=1)
    if not dry_run:
        Video.update(updated_at=now(), **changed).where(Video.id == row.id).execute()
    return UpsertCounts(updated=1)


def _keeping_file_chapters(fresh: str, stored: str | None) -> str:
    """New metadata for a downloaded video keeps the chapters of its file (recorded at the
    download, after SponsorBlock marked or cut segments): the site's are of the uncut video."""
    try:
        old = json.loads(stored) if stored else {}
    except ValueError:
        return fresh
    if not isinstance(old, dict):
        return fresh
    new = json.loads(fresh)
    new.pop("chapters", None)
    if old.get("chapters") is not None:
        new["chapters"] = old["chapters"]
    return json.dumps(new, sort_keys=True, default=str)


def _known_channel_ref(info: dict[str, Any]) -> int | _NewChannel | None:
    """What _channel_ref would give, without inserting the channel it does not know."""
    channel_id = info.get("channel_id") or info.get("uploader_id")
    if not channel_id:
        return None
    row = Channel.get_or_none((Channel.extractor == extractor_of(info))
                              & (Channel.channel_id == channel_id))
    return row.id if row is not None else _NewChannel()


def record_listed(entries: Iterable[dict[str, Any]]) -> UpsertCounts:
    """Note videos seen in a playlist or channel listing. A listing carries only an id, a
    title and a URL, so it adds rows it does not know and never overwrites richer ones."""
    return upsert_videos(entries, only_new=True)


def _field_name(column: str) -> str:
    return "channel_ref_id" if column == "channel_ref" else column


def record_download(info: dict[str, Any], filepath: str, format_id: str | None,
                    preset: str | None = None) -> None:
    """Mark a video downloaded, with its file and the preset it was made with, in the same
    transaction as its metadata."""
    size = os.path.getsize(filepath) if os.path.exists(filepath) else None
    with transaction():
        _upsert_one(info, filepath=filepath, filesize=size, format=format_id,
                    downloaded_at=now(), preset=preset)


def _key_of(info: dict[str, Any]) -> Identity:
    key = identity(info)
    if key is None:
        raise ValueError("A video without an id cannot be kept in the library.")
    return key


def _the_video(extractor: str, video_id: str, scope: str) -> Any:
    return ((Video.extractor == extractor) & (Video.video_id == video_id)
            & (Video.id_scope == scope))


def find_video(extractor: str, video_id: str, scope: str = "") -> Video | None:
    # first(), not get_or_none(): a miss would build the whole SELECT twice (its exception
    # quotes the SQL), half a millisecond each.
    return Video.select().where(_the_video(extractor, video_id, scope)).first()


def is_downloaded(extractor: str, video_id: str, scope: str = "") -> bool:
    """True when the library holds this video's file and the file is still on disk."""
    row = (Video.select(Video.filepath)
           .where(_the_video(extractor, video_id, scope) & Video.filepath.is_null(False))
           .first())
    return bool(row and os.path.exists(row.filepath))


def fts_query(text: str) -> str | None:
    """Turn what a person typed into an FTS5 query: every word must match, as a prefix.
    Each word is quoted, so FTS5 operators typed by the user are plain text. A NUL would end
    FTS5's string early (an error); the index reads it as a space, and so does the query."""
    words = [w for w in text.split() if w.strip('"')]
    if not words:
        return None
    return " ".join('"' + w.replace('"', '""').replace("\0", " ") + '"*' for w in words)


def search_videos(text: str | None = None, limit: int = 200, offset: int = 0) -> list[Video]:
    query = Video.select()
    match = fts_query(text or "")
    if match:
        hits = pw.SQL("id IN (SELECT rowid FROM video_fts WHERE video_fts MATCH ?)", (match,))
        query = query.where(hits)
    return list(query.order_by(Video.downloaded_at.desc(nulls="last"), Video.id.desc())
                .limit(limit).offset(offset))
