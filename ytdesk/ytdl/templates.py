"""File-name templates as yt-dlp reads them: checked (a shape yt-dlp cannot format, or a
field no site gives, is refused with a sentence) and shown as the name a video would get,
made by the same YoutubeDL subclass that names real downloads."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

from yt_dlp import YoutubeDL

from ytdesk.core.preset_options import PresetError, check_template

from .warm import DesktopYoutubeDL

# The fields yt-dlp's README documents for output templates (OUTPUT TEMPLATE), plus the
# ones it adds while downloading. A template may use any of them; a name outside this list
# is almost always a typo ("%(titel)s"), which yt-dlp would silently turn into "NA".
KNOWN_FIELDS = frozenset((
    "id", "title", "fulltitle", "ext", "alt_title", "description", "display_id", "uploader",
    "uploader_id", "uploader_url", "license", "creators", "creator", "timestamp", "upload_date",
    "release_timestamp", "release_date", "release_year", "modified_timestamp", "modified_date",
    "channel", "channel_id", "channel_url", "channel_follower_count", "channel_is_verified",
    "location", "duration", "duration_string", "view_count", "concurrent_view_count",
    "like_count", "dislike_count", "repost_count", "average_rating", "comment_count",
    "age_limit", "live_status", "is_live", "was_live", "playable_in_embed", "availability",
    "media_type", "start_time", "end_time", "extractor", "extractor_key", "epoch", "autonumber",
    "video_autonumber", "n_entries", "playlist_id", "playlist_title", "playlist",
    "playlist_count", "playlist_index", "playlist_autonumber", "playlist_uploader",
    "playlist_uploader_id", "playlist_channel", "playlist_channel_id", "playlist_webpage_url",
    "webpage_url", "webpage_url_basename", "webpage_url_domain", "original_url", "categories",
    "tags", "cast", "chapter", "chapter_number", "chapter_id", "series", "series_id", "season",
    "season_number", "season_id", "episode", "episode_number", "episode_id", "track",
    "track_number", "track_id", "artists", "artist", "genres", "genre", "composers", "composer",
    "album", "album_type", "album_artists", "album_artist", "disc_number", "section_title",
    "section_number", "section_start", "section_end", "format", "format_id", "format_note",
    "width", "height", "aspect_ratio", "resolution", "fps", "dynamic_range", "vcodec", "acodec",
    "abr", "vbr", "tbr", "asr", "audio_channels", "filesize", "filesize_approx", "protocol",
    "container", "language", "thumbnail", "thumbnails", "subtitles", "automatic_captions",
    "chapters", "heatmap", "formats", "requested_formats", "requested_subtitles", "filename",
    "filepath", "urls", "manifest_url",
))
_FIELD = re.compile(r"%\((?P<key>[^)]*)\)")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# What the live example names: a made-up video with the fields sites usually give.
SAMPLE: dict[str, Any] = {
    "id": "a1B2c3D4e5F", "title": "How to bake bread", "ext": "mp4", "channel": "Kitchen Notes",
    "uploader": "Kitchen Notes", "channel_id": "UCkitchen", "upload_date": "20260314",
    "timestamp": 1773489600, "duration": 754, "webpage_url_domain": "example.com",
    "extractor": "example", "extractor_key": "Example", "height": 1080, "width": 1920,
    "resolution": "1920x1080", "fps": 30, "format_id": "137+140", "vcodec": "avc1",
    "acodec": "mp4a", "view_count": 1234, "epoch": 1773489600,
}
_lock = threading.Lock()
_namer: YoutubeDL | None = None  # one instance names every example (made once: 0.1 s)


def check(template: str) -> str:
    """The template, or PresetError with a sentence: its shape (core), what yt-dlp can
    format, and every field it names."""
    check_template(template)
    error = YoutubeDL.validate_outtmpl(template)
    if error is not None:
        raise PresetError(f"yt-dlp cannot read this file-name template: {error}.")
    for match in _FIELD.finditer(template):
        for name in _names_in(match.group("key")):
            if name not in KNOWN_FIELDS:
                raise PresetError(f"The file-name template names a field no site gives, "
                                  f"“{name}”; the fields are yt-dlp's, such as title, id, "
                                  "channel, upload_date, playlist_title.")
    return template


def example(template: str, info: dict[str, Any] | None = None) -> str:
    """The path (inside the download folder) a video would be saved at with `template`."""
    check(template)
    global _namer
    with _lock:
        if _namer is None:
            _namer = DesktopYoutubeDL({"quiet": True, "no_warnings": True})
        _namer.params["outtmpl"] = {"default": template}
        _namer._parse_outtmpl()
        name = _namer.prepare_filename(dict(info or SAMPLE))
    return Path(name).as_posix()


def _names_in(key: str) -> list[str]:
    """The fields a template key reads: `title`, `channel,uploader|x`, `upload_date>%Y`,
    `title.:10`, `playlist_index&{} - |`..."""
    key = key.split("|", 1)[0]  # what follows | is the default text
    key = re.split(r"[>&]", key, maxsplit=1)[0]  # a date format, a replacement
    names = []
    for alternative in key.split(","):
        alternative = alternative.strip().lstrip("-+*/")
        found = _NAME.match(alternative)
        if found:
            names.append(found.group(0))
    return names
