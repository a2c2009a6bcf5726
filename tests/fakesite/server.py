"""An offline fake video site on 127.0.0.1 for exercising yt-dlp end to end.

The site serves HTML pages, a JSON API (consumed by the yt-dlp plugin in
tests/plugins/yt_dlp_plugins/extractor/fakesite.py), media files with HTTP
Range support, an RSS feed and thumbnails. Tests can inject faults (dropped
connections, error statuses, throttling) per path prefix and inspect what
was requested and how many body bytes went out.

See README.md next to this file for the URL map and the default catalogue.
"""

from __future__ import annotations

import base64
import calendar
import contextlib
import dataclasses
import hashlib
import html
import json
import mimetypes
import re
import select
import socket
import sys
import threading
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

DEFAULT_PAGE_SIZE = 2
_CHUNK = 64 * 1024
_STATUS_FAULTS = {'404': 404, '403': 403, '429': 429, '500': 500, 'redirect_loop': 302}
FAULT_MODES = frozenset({'drop', 'slow', 'latency', 'trickle', 'stall', 'bot_check',
                         *_STATUS_FAULTS})
BOT_CHECK = ('Sign in to confirm you\u2019re not a bot',
             'This helps protect our community. Learn more')
TABS = ('videos', 'shorts', 'streams')
NEWEST_IN_FEED = 15  # a YouTube channel's RSS feed lists its 15 newest uploads

_CONTENT_TYPES = {
    '.mp4': 'video/mp4',
    '.m4a': 'audio/mp4',
    '.jpg': 'image/jpeg',
    '.bin': 'application/octet-stream',
    '.mpd': 'application/dash+xml',
    '.m3u8': 'application/vnd.apple.mpegurl',
    '.m4s': 'video/iso.segment',
    '.ts': 'video/mp2t',
}

# Why a video cannot be played, as YouTube's player response says it (reason, subreason);
# the plugin raises them the way yt-dlp's YouTube extractor does.
UNAVAILABLE = {
    'private': ('Private video', "Sign in if you've been granted access to this video"),
    'deleted': ('Video unavailable', 'This video has been removed by the uploader'),
    'members': ('Join this channel to get access to members-only content like this video, '
                'and other exclusive perks.', None),
    'geo': ('Video unavailable', 'The uploader has not made this video available in your country'),
    'age': ('Sign in to confirm your age', 'This video may be inappropriate for some users.'),
}
# A playlist lists private and deleted videos under a placeholder title, as YouTube does.
_LISTED_AS = {'private': '[Private video]', 'deleted': '[Deleted video]'}


def content_type_for(path) -> str:
    suffix = Path(str(path)).suffix.lower()
    return (_CONTENT_TYPES.get(suffix)
            or mimetypes.guess_type(f'x{suffix}')[0]
            or 'application/octet-stream')


# --------------------------------------------------------------------------
# Catalogue records


@dataclasses.dataclass
class Video:
    id: str
    title: str
    channel: str
    channel_id: str
    description: str
    duration: int
    upload_date: str
    view_count: int
    like_count: int
    tags: list
    categories: list
    media: str            # 'muxed' | 'split' | 'big'
    big_file: str | None  # name in FakeSite files, for media == 'big'
    availability: str | None = None  # a key of UNAVAILABLE: the video cannot be played
    subtitles: dict = dataclasses.field(default_factory=dict)  # language -> WebVTT text
    chapters: list = dataclasses.field(default_factory=list)  # (start, end, title)
    sponsor_segments: list = dataclasses.field(default_factory=list)  # (start, end, category)

    @property
    def timestamp(self) -> int:
        # Noon UTC on the upload date: stable, and the date survives any TZ.
        return calendar.timegm(time.strptime(self.upload_date + '12', '%Y%m%d%H'))


@dataclasses.dataclass
class Playlist:
    id: str
    title: str
    video_ids: list


@dataclasses.dataclass
class FeedItem:
    guid: str
    title: str
    file: str  # a name served at /files/<file>; an unknown name is a 404 (a removed episode)
    description: str
    pub_date: str  # RFC 822


@dataclasses.dataclass
class Channel:
    id: str
    name: str
    videos: list  # newest first
    shorts: list  # newest first
    streams: list = dataclasses.field(default_factory=list)  # the Live tab, newest first


@dataclasses.dataclass
class _Fault:
    prefix: str
    mode: str
    remaining: int | None  # None = forever
    kw: dict


@dataclasses.dataclass
class _Record:
    method: str
    path: str
    range: str | None
    status: int
    bytes: int = 0


@dataclasses.dataclass
class _Response:
    status: int
    content_type: str
    body: bytes = b''
    file: Path | None = None  # when set, body is ignored and Range applies
    headers: dict = dataclasses.field(default_factory=dict)


class _Quit(Exception):
    """Client went away or the site is stopping: end the response quietly."""


# --------------------------------------------------------------------------
# The site


class FakeSite:
    """A threaded HTTP server plus an in-memory catalogue.

    `media` is the dict returned by `make_media()` (keys muxed, video, audio
    and optionally thumb). With `defaults=True` the default catalogue from
    `default_catalogue()` is installed.
    """

    def __init__(self, media: dict, *, defaults: bool = True, page_size: int = DEFAULT_PAGE_SIZE):
        self.media = {k: Path(v) for k, v in media.items()}
        self.page_size = page_size
        self.videos: dict[str, Video] = {}
        self.playlists: dict[str, Playlist] = {}
        self.channels: dict[str, Channel] = {}
        self.files: dict[str, Path] = {}
        self.big_files: list[str] = []
        self.streams: dict[str, Path] = {}  # name -> manifest path (segments beside it)
        self.feed_title = 'Test Feed'
        self.feed_items: list[FeedItem] = []
        self.errors: list[str] = []  # unexpected server-side tracebacks
        self._lock = threading.RLock()
        self._faults: list[_Fault] = []
        self._logins: dict[str, str] = {}  # path prefix -> the Authorization value it needs
        self._cookies: dict[str, str] = {}  # path prefix -> the "name=value" it needs
        self.sponsorblock_requests = 0
        self._thumbnails: dict[str, Path] = {}  # video id -> a file served as its thumbnail
        self._records: list[_Record] = []
        self._httpd: ThreadingHTTPServer | None = None
        self._last_port: int | None = None  # the port it was last served on
        self._thread: threading.Thread | None = None
        self._conns: set[socket.socket] = set()
        self._stopping = threading.Event()

        # Direct-download files for yt-dlp's generic extractor and the feed.
        self.add_file('clip.mp4', self.media['muxed'])
        self.add_file('clip2.mp4', self.media['muxed'])
        self.add_feed_item('ep1', 'Episode 1', 'clip.mp4',
                           pub_date='Thu, 01 Jan 2026 12:00:00 +0000')
        self.add_feed_item('ep2', 'Episode 2', 'clip2.mp4',
                           pub_date='Fri, 02 Jan 2026 12:00:00 +0000')
        for name in ('dash', 'hls'):
            if name in self.media:
                self.add_stream(name, self.media[name])
        if defaults:
            self.default_catalogue()

    # ---- lifecycle -------------------------------------------------------

    def start(self) -> FakeSite:
        if self._httpd is not None:
            return self
        self._stopping.clear()
        httpd = _Server(('127.0.0.1', 0), _Handler)
        httpd.site = self
        self._httpd = httpd
        self._last_port = httpd.server_address[1]
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={'poll_interval': 0.05},
            name=f'FakeSite:{httpd.server_address[1]}', daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        # Kick handler threads blocked on keep-alive reads or slow writes.
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        self._thread.join(timeout=5)
        self._thread = None

    def __enter__(self) -> FakeSite:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        # A request still being answered while the site stops (a preview thread the test did
        # not wait for) builds its URLs with the port it was served on, not an error.
        if self._httpd is not None:
            return self._httpd.server_address[1]
        if self._last_port is None:
            raise RuntimeError('FakeSite is not started')
        return self._last_port

    @property
    def base_url(self) -> str:
        return f'http://127.0.0.1:{self.port}'

    # ---- URL helpers -----------------------------------------------------

    def video_url(self, video_id: str) -> str:
        return f'{self.base_url}/watch/{video_id}'

    def playlist_url(self, playlist_id: str) -> str:
        return f'{self.base_url}/playlist/{playlist_id}'

    def channel_url(self, channel_id: str, tab: str | None = None) -> str:
        return f'{self.base_url}/channel/{channel_id}' + (f'/{tab}' if tab else '')

    def file_url(self, name: str, host: str = '127.0.0.1') -> str:
        """`host='localhost'` reaches the same site under a second host name."""
        return f'http://{host}:{self.port}/files/{name}'

    def stream_url(self, name: str) -> str:
        """The manifest of a streamed video: 'dash' (an MPD) or 'hls' (a master m3u8)."""
        return f'{self.base_url}/stream/{name}/{self.streams[name].name}'

    @property
    def feed_url(self) -> str:
        return f'{self.base_url}/feed.xml'

    # ---- catalogue -------------------------------------------------------

    def add_video(self, video_id: str, title: str | None = None, *,
                  channel: str = 'Test Channel', channel_id: str = 'testchannel',
                  description: str | None = None, duration: int = 3,
                  upload_date: str = '20260101', view_count: int = 1000,
                  like_count: int = 10, tags=('test',), categories=('Testing',),
                  media: str = 'muxed', big_file=None, availability: str | None = None,
                  subtitles: dict | None = None, chapters=()) -> Video:
        """Add or replace a video.

        media: 'muxed' (one muxed mp4), 'split' (video-only + audio-only +
        a lower-quality muxed fallback) or 'big' (one format = a big file;
        `big_file` is a name registered with add_big_file() or a path; when
        omitted the only registered big file is used).
        availability: None (playable) or 'private', 'deleted', 'members', 'geo',
        'age': the API answers with YouTube's reason and no formats.
        subtitles: language -> WebVTT text, served at /subs/<id>.<lang>.vtt.
        chapters: (start, end, title) triples, given in the video's metadata.
        """
        if media not in ('muxed', 'split', 'big'):
            raise ValueError(f'unknown media kind {media!r}')
        if availability is not None and availability not in UNAVAILABLE:
            raise ValueError(f'unknown availability {availability!r}')
        if media == 'big':
            big_file = self._resolve_big_file(video_id, big_file)
        video = Video(
            id=video_id, title=title or f'Video {video_id}', channel=channel,
            channel_id=channel_id,
            description=description if description is not None else f'Description of {video_id}.',
            duration=duration, upload_date=upload_date, view_count=view_count,
            like_count=like_count, tags=list(tags), categories=list(categories),
            media=media, big_file=big_file, availability=availability,
            subtitles=dict(subtitles or {}), chapters=list(chapters))
        with self._lock:
            self.videos[video_id] = video
        return video

    def add_playlist(self, playlist_id: str, title: str, video_ids) -> Playlist:
        playlist = Playlist(playlist_id, title, list(video_ids))
        with self._lock:
            self.playlists[playlist_id] = playlist
        return playlist

    def add_channel(self, channel_id: str, name: str, videos=(), shorts=(),
                    streams=()) -> Channel:
        """Videos, shorts and streams (the Live tab) are given newest first, as the site
        lists them; change a channel's lists freely (insert at 0: a new upload)."""
        channel = Channel(channel_id, name, list(videos), list(shorts), list(streams))
        with self._lock:
            self.channels[channel_id] = channel
        return channel

    def add_file(self, name: str, path) -> str:
        """Serve `path` at /files/<name>."""
        with self._lock:
            self.files[name] = Path(path)
        return name

    def add_feed_item(self, guid: str, title: str, file: str, *, description: str | None = None,
                      pub_date: str = 'Sat, 03 Jan 2026 12:00:00 +0000') -> FeedItem:
        """Append an item to /feed.xml whose enclosure is /files/<file> (need not exist)."""
        item = FeedItem(guid, title, file, description or f'{title}.', pub_date)
        with self._lock:
            self.feed_items.append(item)
        return item

    def add_stream(self, name: str, manifest) -> str:
        """Serve the folder of `manifest` at /stream/<name>/ (see stream_url)."""
        with self._lock:
            self.streams[name] = Path(manifest)
        return name

    def add_big_file(self, name: str, path) -> str:
        """Register a big file (see make_big_file) for media='big' videos."""
        self.add_file(name, path)
        with self._lock:
            if name not in self.big_files:
                self.big_files.append(name)
        return name

    def _resolve_big_file(self, video_id, big_file) -> str:
        with self._lock:
            if big_file is None:
                if len(self.big_files) != 1:
                    raise ValueError('media="big" needs big_file= (none or several registered)')
                return self.big_files[0]
            if isinstance(big_file, str) and big_file in self.files:
                return big_file
        path = Path(big_file)
        return self.add_big_file(f'{video_id}-big{path.suffix or ".bin"}', path)

    def default_catalogue(self) -> FakeSite:
        """Install the default catalogue (documented in README.md)."""
        for n in range(1, 9):
            own = n <= 5
            self.add_video(
                f'v{n}', f'Test Video {n}',
                channel='Test Channel' if own else 'Other Channel',
                channel_id='testchannel' if own else 'otherchannel',
                upload_date=f'202601{n:02d}', view_count=1000 * n, like_count=10 * n,
                tags=['test', f'tag{n}'], media='split' if n % 2 == 0 else 'muxed')
        for n in (1, 2):
            self.add_video(f's{n}', f'Test Short {n}', upload_date=f'202602{n:02d}',
                           view_count=500 * n, like_count=5 * n, tags=['test', 'short'])
        self.add_playlist('pl1', 'Test Playlist', ['v1', 'v2', 'v3'])
        self.add_channel('testchannel', 'Test Channel',
                         videos=['v5', 'v4', 'v3', 'v2', 'v1'], shorts=['s2', 's1'])
        self.add_channel('otherchannel', 'Other Channel', videos=['v8', 'v7', 'v6'])
        return self

    # ---- faults ----------------------------------------------------------

    def set_fault(self, path_prefix: str, mode: str, times: int | None = None, **kw) -> None:
        """Make requests whose path starts with `path_prefix` misbehave.

        mode: 'drop' (after_bytes=K: full headers, K body bytes, then close),
        '404' / '403' / '500' / '429' (429 adds Retry-After: 1), 'redirect_loop' (a 302
        back to the same address), 'bot_check' (on /api/video/<id>: YouTube's "Sign in to
        confirm you're not a bot" with no formats; unless_cookie='name=value': not to a
        request that sends that cookie), or
        'slow' (bytes_per_second=B), or 'latency' (seconds=S before the answer
        starts, like a server far away), 'trickle' (bytes_per_second=B, default 1:
        one byte at a time, forever), or 'stall' (after_bytes=K body bytes, then
        nothing at all, the connection kept open, until the client leaves or the
        site stops). `times` = number of requests affected
        (None = until cleared). A new fault on the same prefix replaces the
        old one; otherwise the most recently set matching fault wins.
        """
        if mode not in FAULT_MODES:
            raise ValueError(f'unknown fault mode {mode!r}')
        if mode in ('drop', 'stall'):
            kw.setdefault('after_bytes', 0)
        if mode == 'trickle':
            kw.setdefault('bytes_per_second', 1)
        if mode == 'slow' and not kw.get('bytes_per_second', 0) > 0:
            raise ValueError('slow fault needs bytes_per_second > 0')
        if mode == 'latency' and not kw.get('seconds', 0) > 0:
            raise ValueError('latency fault needs seconds > 0')
        with self._lock:
            self._faults = [f for f in self._faults if f.prefix != path_prefix]
            self._faults.append(_Fault(path_prefix, mode, times, kw))

    def require_login(self, path_prefix: str, username: str, password: str) -> None:
        """Requests under `path_prefix` need HTTP basic auth with this login: without it
        (or with another) they get 401 and `WWW-Authenticate: Basic`."""
        token = base64.b64encode(f'{username}:{password}'.encode()).decode('ascii')
        with self._lock:
            self._logins[path_prefix] = f'Basic {token}'

    def require_cookie(self, path_prefix: str, name: str, value: str) -> None:
        """Requests under `path_prefix` need the cookie `name=value` (as a site behind a
        sign-in does): without it they get 403."""
        with self._lock:
            self._cookies[path_prefix] = f'{name}={value}'

    @staticmethod
    def _cookie_sent(pair: str | None, cookie_header: str | None) -> bool:
        sent = {part.strip() for part in (cookie_header or '').split(';')}
        return pair is not None and pair in sent

    def _cookie_refused(self, path: str, cookie_header: str | None) -> bool:
        with self._lock:
            needed = [v for prefix, v in self._cookies.items() if path.startswith(prefix)]
        sent = {part.strip() for part in (cookie_header or '').split(';')}
        return any(pair not in sent for pair in needed)

    def _login_refused(self, path: str, authorization: str | None) -> bool:
        with self._lock:
            needed = [v for prefix, v in self._logins.items() if path.startswith(prefix)]
        return bool(needed) and authorization not in needed

    def clear_faults(self, path_prefix: str | None = None) -> None:
        with self._lock:
            self._faults = [f for f in self._faults
                            if path_prefix is not None and f.prefix != path_prefix]

    def _take_fault(self, path: str) -> _Fault | None:
        with self._lock:
            for fault in reversed(self._faults):
                if path.startswith(fault.prefix):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    # ---- accounting ------------------------------------------------------

    def bytes_served(self, path_prefix: str = '/') -> int:
        """Body bytes written for requests whose path starts with the prefix.

        Exact for completed responses; for responses aborted by the client it
        may be off by up to one write chunk (64 KiB).
        """
        with self._lock:
            return sum(r.bytes for r in self._records if r.path.startswith(path_prefix))

    def requests(self, path_prefix: str = '/') -> list[tuple]:
        """[(method, path_with_query, range_header_or_None, status), ...]"""
        with self._lock:
            return [(r.method, r.path, r.range, r.status)
                    for r in self._records if r.path.startswith(path_prefix)]

    def reset_counters(self) -> None:
        with self._lock:
            self._records.clear()

    def _record(self, method, path, range_header, status) -> _Record:
        rec = _Record(method, path, range_header, status)
        with self._lock:
            self._records.append(rec)
        return rec

    def _add_bytes(self, rec: _Record, n: int) -> None:
        with self._lock:
            rec.bytes += n

    # ---- content (called from handler threads) ---------------------------

    def _formats(self, video: Video) -> list[dict]:
        base = f'{self.base_url}/media/{video.id}'

        def fmt(format_id, path, ext, vcodec, acodec, width=None, height=None, note=None):
            size = path.stat().st_size
            return {
                'format_id': format_id, 'url': f'{base}/{format_id}', 'ext': ext,
                'vcodec': vcodec, 'acodec': acodec, 'width': width, 'height': height,
                'fps': 25 if vcodec != 'none' else None,
                # Nominal bitrate in kbit/s from the real size.
                'tbr': round(size * 8 / max(video.duration, 1) / 1000, 1),
                'filesize': size, 'format_note': note,
            }

        muxed = fmt('muxed-180p', self.media['muxed'], 'mp4', 'avc1.64000d', 'mp4a.40.2',
                    320, 180, '180p')
        if video.media == 'muxed':
            return [muxed]
        if video.media == 'split':
            return [
                muxed,
                fmt('audio-m4a', self.media['audio'], 'm4a', 'none', 'mp4a.40.2',
                    note='audio only'),
                fmt('video-360p', self.media['video'], 'mp4', 'avc1.64001e', 'none', 640, 360,
                    '360p video only'),
            ]
        path = self.files[video.big_file]
        ext = path.suffix.lstrip('.') or 'bin'
        return [fmt('big', path, ext, 'avc1.64001f', 'mp4a.40.2', 1280, 720, 'big file')]

    def _format_path(self, video: Video, format_id: str) -> Path | None:
        # Only the formats the video's API entry advertises are served.
        if video.media == 'big':
            return self.files.get(video.big_file) if format_id == 'big' else None
        paths = {'muxed-180p': self.media['muxed']}
        if video.media == 'split':
            paths.update({'audio-m4a': self.media['audio'], 'video-360p': self.media['video']})
        return paths.get(format_id)

    def video_json(self, video: Video) -> dict:
        base = self.base_url
        if video.availability:
            reason, subreason = UNAVAILABLE[video.availability]
            return {'id': video.id, 'playability': {
                'status': 'ERROR', 'reason': reason, 'subreason': subreason,
                'countries': ['FR'] if video.availability == 'geo' else None}}
        return {
            'id': video.id, 'title': video.title, 'description': video.description,
            'channel': video.channel, 'channel_id': video.channel_id,
            'channel_url': f'{base}/channel/{video.channel_id}',
            'uploader': video.channel, 'uploader_id': video.channel_id,
            'uploader_url': f'{base}/channel/{video.channel_id}',
            'upload_date': video.upload_date, 'timestamp': video.timestamp,
            'duration': video.duration, 'view_count': video.view_count,
            'like_count': video.like_count, 'tags': video.tags,
            'categories': video.categories,
            'thumbnail': f'{base}/thumb/{video.id}.jpg',
            'webpage_url': f'{base}/watch/{video.id}',
            'formats': self._formats(video),
            'subtitles': {lang: [{'url': f'{base}/subs/{video.id}.{lang}.vtt', 'ext': 'vtt'}]
                          for lang in video.subtitles},
            'chapters': [{'start_time': s, 'end_time': e, 'title': t}
                         for s, e, t in video.chapters],
            # SponsorBlock answers for YouTube videos only: one with segments poses as one.
            'as_youtube': bool(video.sponsor_segments),
        }

    def _entry(self, video_id: str) -> dict:
        video = self.videos.get(video_id)
        return {
            'id': video_id, 'url': f'{self.base_url}/watch/{video_id}',
            'title': (_LISTED_AS.get(video.availability) or video.title) if video else None,
            'duration': video.duration if video else None,
        }

    def _page(self, ids: list, page: int) -> dict:
        size = max(1, int(self.page_size))
        chunk = ids[(page - 1) * size: page * size]
        return {
            'page': page, 'page_size': size, 'total': len(ids),
            'entries': [self._entry(i) for i in chunk],
            'has_more': page * size < len(ids),
        }

    def _feed_xml(self) -> str:
        items = []
        for item in self.feed_items:
            path = self.files.get(item.file)
            size = path.stat().st_size if path else 0
            url = f'{self.base_url}/files/{item.file}'
            items.append(
                f'<item><title>{xml_escape(item.title)}</title>'
                f'<guid isPermaLink="false">{xml_escape(item.guid)}</guid>'
                f'<link>{xml_escape(url)}</link>'
                f'<description>{xml_escape(item.description)}</description>'
                f'<pubDate>{item.pub_date}</pubDate>'
                f'<enclosure url="{xml_escape(url)}" type="video/mp4" length="{size}"/>'
                '</item>')
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<rss version="2.0"><channel><title>{xml_escape(self.feed_title)}</title>'
            f'<link>{self.base_url}/</link><description>Fake site feed</description>'
            + ''.join(items) + '</channel></rss>\n')

    def channel_feed_url(self, channel_id: str) -> str:
        return f'{self.base_url}/channel/{channel_id}/feed.xml'

    def _channel_feed_xml(self, ch: Channel) -> str:
        """An Atom feed of the channel's newest uploads from every tab, as YouTube's
        /feeds/videos.xml?channel_id= gives them (with yt:videoId)."""
        uploads = [self.videos[v] for v in (*ch.videos, *ch.shorts, *ch.streams)
                   if v in self.videos]
        uploads.sort(key=lambda v: v.upload_date, reverse=True)  # stable: tab order kept
        entries = ''.join(
            f'<entry><id>yt:video:{xml_escape(v.id)}</id><yt:videoId>{xml_escape(v.id)}'
            f'</yt:videoId><title>{xml_escape(v.title)}</title>'
            f'<link rel="alternate" href="{self.base_url}/watch/{xml_escape(v.id)}"/>'
            f'<published>{v.upload_date[:4]}-{v.upload_date[4:6]}-{v.upload_date[6:]}'
            'T12:00:00+00:00</published></entry>'
            for v in uploads[:NEWEST_IN_FEED])
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" '
                'xmlns="http://www.w3.org/2005/Atom">'
                f'<title>{xml_escape(ch.name)}</title>{entries}</feed>\n')

    def _r_channel_feed(self, page, cid):
        ch = self.channels.get(cid)
        if not ch:
            return _text(404, 'no such channel')
        return _Response(200, 'application/atom+xml; charset=utf-8',
                         self._channel_feed_xml(ch).encode())

    def route(self, path: str) -> _Response:
        """Map a raw request path (with optional ?page=N) to a response."""
        parsed = urllib.parse.urlsplit(path)
        query = urllib.parse.parse_qs(parsed.query)
        try:
            page = int(query.get('page', ['1'])[0])
        except ValueError:
            return _text(400, 'bad page')
        if page < 1:
            return _text(400, 'bad page')
        with self._lock:
            for pattern, handler in _ROUTES:
                m = pattern.fullmatch(urllib.parse.unquote(parsed.path))
                if m:
                    return handler(self, page=page, **m.groupdict())
        return _text(404, 'not found')

    # Route handlers: each returns a _Response (404 when the id is unknown).

    def _r_index(self, page):
        links = [f'<li><a href="/watch/{v}">{html.escape(self.videos[v].title)}</a></li>'
                 for v in self.videos]
        return _html('Fake Site', '<ul>' + ''.join(links) + '</ul>')

    def _r_watch(self, page, vid):
        video = self.videos.get(vid)
        if not video:
            return _text(404, 'no such video')
        return _html(video.title, (
            f'<h1>{html.escape(video.title)}</h1><p>{html.escape(video.description)}</p>'
            f'<p>By <a href="/channel/{video.channel_id}">{html.escape(video.channel)}</a></p>'),
            og_title=video.title)

    def _r_subs(self, page, vid, lang):
        video = self.videos.get(vid)
        if not video or lang not in video.subtitles:
            return _text(404, 'no such subtitles')
        return _Response(200, 'text/vtt; charset=utf-8', video.subtitles[lang].encode())

    def _r_sponsorblock(self, page, prefix):
        """SponsorBlock's API (/api/skipSegments/<first 4 hex of sha256(id)>), for the
        videos given segments with add_sponsor_segment."""
        self.sponsorblock_requests += 1
        answer = []
        for video in self.videos.values():
            if video.sponsor_segments and \
                    hashlib.sha256(video.id.encode()).hexdigest().startswith(prefix):
                answer.append({'videoID': video.id, 'segments': [
                    {'segment': [s, e], 'category': c, 'actionType': 'skip',
                     'UUID': f'{video.id}-{n}', 'videoDuration': video.duration,
                     'description': ''}
                    for n, (s, e, c) in enumerate(video.sponsor_segments)]})
        return _json(answer) if answer else _json({'message': 'Not Found'}, 404)

    def add_sponsor_segment(self, video_id: str, start: float, end: float,
                            category: str = 'sponsor') -> None:
        """A SponsorBlock segment of a video (the video then poses as a YouTube one, the
        only kind yt-dlp asks SponsorBlock about); the API is at sponsorblock_api."""
        with self._lock:
            self.videos[video_id].sponsor_segments.append((start, end, category))

    @property
    def sponsorblock_api(self) -> str:
        return f'{self.base_url}/sponsorblock'

    def _r_api_video(self, page, vid):
        video = self.videos.get(vid)
        return _json(self.video_json(video)) if video else _json({'error': 'no such video'}, 404)

    def _r_playlist(self, page, pid):
        pl = self.playlists.get(pid)
        if not pl:
            return _text(404, 'no such playlist')
        items = ''.join(f'<li><a href="/watch/{v}">{v}</a></li>' for v in pl.video_ids)
        return _html(pl.title, f'<h1>{html.escape(pl.title)}</h1><ol>{items}</ol>')

    def _r_api_playlist(self, page, pid):
        pl = self.playlists.get(pid)
        if not pl:
            return _json({'error': 'no such playlist'}, 404)
        return _json({'id': pl.id, 'title': pl.title,
                      'url': f'{self.base_url}/playlist/{pl.id}', **self._page(pl.video_ids, page)})

    def _r_channel(self, page, cid, tab=None):
        ch = self.channels.get(cid)
        if not ch:
            return _text(404, 'no such channel')
        if tab:
            items = ''.join(f'<li><a href="/watch/{v}">{v}</a></li>' for v in getattr(ch, tab))
            return _html(f'{ch.name} - {tab.title()}',
                         f'<h1>{html.escape(ch.name)}</h1><ol>{items}</ol>')
        tabs = ''.join(f'<li><a href="/channel/{cid}/{t}">{t}</a></li>' for t in TABS)
        return _html(ch.name, f'<h1>{html.escape(ch.name)}</h1><ul>{tabs}</ul>')

    def _r_api_channel(self, page, cid, tab=None):
        ch = self.channels.get(cid)
        if not ch:
            return _json({'error': 'no such channel'}, 404)
        info = {'id': ch.id, 'name': ch.name, 'url': f'{self.base_url}/channel/{ch.id}'}
        if not tab:
            return _json({**info, 'tabs': {
                t: {'url': f'{self.base_url}/channel/{ch.id}/{t}', 'count': len(getattr(ch, t))}
                for t in TABS}})
        return _json({**info, 'tab': tab, 'title': f'{ch.name} - {tab.title()}',
                      **self._page(getattr(ch, tab), page)})

    def _r_media(self, page, vid, fid):
        video = self.videos.get(vid)
        path = video and self._format_path(video, fid)
        return _file(path) if path else _text(404, 'no such format')

    def _r_files(self, page, name):
        path = self.files.get(name)
        return _file(path) if path else _text(404, 'no such file')

    def set_thumbnail(self, video_id: str, path) -> None:
        """Serve this file as the video's thumbnail (e.g. a broken image)."""
        with self._lock:
            self._thumbnails[video_id] = Path(path)

    def _r_thumb(self, page, vid):
        path = self._thumbnails.get(vid) or self.media.get('thumb')
        return _file(path) if path and vid in self.videos else _text(404, 'no such thumbnail')

    def _r_stream(self, page, name, file):
        manifest = self.streams.get(name)
        path = manifest.parent / file if manifest else None
        return _file(path) if path and path.is_file() else _text(404, 'no such stream file')

    def _r_feed(self, page):
        return _Response(200, 'application/rss+xml; charset=utf-8', self._feed_xml().encode())


_ROUTES = [(re.compile(p), h) for p, h in [
    (r'/', FakeSite._r_index),
    (r'/watch/(?P<vid>[\w-]+)', FakeSite._r_watch),
    (r'/api/video/(?P<vid>[\w-]+)', FakeSite._r_api_video),
    (r'/playlist/(?P<pid>[\w-]+)', FakeSite._r_playlist),
    (r'/api/playlist/(?P<pid>[\w-]+)', FakeSite._r_api_playlist),
    (r'/channel/(?P<cid>[\w-]+)/?', FakeSite._r_channel),
    (r'/channel/(?P<cid>[\w-]+)/(?P<tab>videos|shorts|streams)/?', FakeSite._r_channel),
    (r'/channel/(?P<cid>[\w-]+)/feed\.xml', FakeSite._r_channel_feed),
    (r'/api/channel/(?P<cid>[\w-]+)', FakeSite._r_api_channel),
    (r'/api/channel/(?P<cid>[\w-]+)/(?P<tab>videos|shorts|streams)', FakeSite._r_api_channel),
    (r'/media/(?P<vid>[\w-]+)/(?P<fid>[\w-]+)', FakeSite._r_media),
    (r'/files/(?P<name>[\w.-]+)', FakeSite._r_files),
    (r'/thumb/(?P<vid>[\w-]+)\.jpg', FakeSite._r_thumb),
    (r'/stream/(?P<name>[\w-]+)/(?P<file>[\w.-]+)', FakeSite._r_stream),
    (r'/feed\.xml', FakeSite._r_feed),
    (r'/subs/(?P<vid>[\w-]+)\.(?P<lang>[\w-]+)\.vtt', FakeSite._r_subs),
    (r'/sponsorblock/api/skipSegments/(?P<prefix>[0-9a-f]{4})', FakeSite._r_sponsorblock),
]]


def _text(status, text):
    return _Response(status, 'text/plain; charset=utf-8', text.encode() + b'\n')


def _json(obj, status=200):
    return _Response(status, 'application/json', json.dumps(obj).encode())


def _html(title, body, og_title=None):
    meta = f'<meta property="og:title" content="{html.escape(og_title)}">' if og_title else ''
    doc = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
           f'{meta}</head><body>{body}</body></html>\n')
    return _Response(200, 'text/html; charset=utf-8', doc.encode())


def _file(path):
    return _Response(200, content_type_for(path), file=Path(path))


def parse_range(header: str | None, size: int):
    """Return (start, end_inclusive) for a single byte range, None for "no
    usable Range" (serve 200), or 'unsatisfiable' (serve 416)."""
    if not header:
        return None
    m = re.fullmatch(r'\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*', header)
    if not m or not (m.group(1) or m.group(2)):
        return None  # malformed or multi-range: RFC 9110 allows ignoring it
    first, last = m.group(1), m.group(2)
    if not first:  # suffix range: the last N bytes
        n = int(last)
        return (max(0, size - n), size - 1) if n and size else 'unsatisfiable'
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        return 'unsatisfiable'
    return start, end


# --------------------------------------------------------------------------
# HTTP plumbing


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    site: FakeSite

    def handle_error(self, request, client_address):
        # Client disconnects are part of the tests (drops, cancels, yt-dlp's
        # generic extractor abandoning a body): stay silent. Anything else is
        # kept for inspection in site.errors instead of spamming stderr.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, socket.timeout, _Quit)):
            return
        if isinstance(exc, OSError) and self.site._stopping.is_set():
            return
        self.site.errors.append(traceback.format_exc())


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keep-alive with exact Content-Length everywhere: yt-dlp's
    # downloader relies on Content-Length to detect short reads and resume.
    protocol_version = 'HTTP/1.1'
    server_version = 'FakeSite/1.0'
    timeout = 10  # idle keep-alive sockets and stuck writes give up

    def log_message(self, format, *args):
        pass  # keep test output clean

    def setup(self):
        super().setup()
        with self.server.site._lock:
            self.server.site._conns.add(self.connection)

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass
        finally:
            with self.server.site._lock:
                self.server.site._conns.discard(self.connection)

    def do_GET(self):
        self._serve(head=False)

    def do_HEAD(self):
        self._serve(head=True)

    def _serve(self, head: bool):
        site: FakeSite = self.server.site
        range_header = self.headers.get('Range')
        fault = site._take_fault(self.path)
        if fault and fault.mode == 'latency':
            site._stopping.wait(fault.kw['seconds'])
        if site._login_refused(self.path, self.headers.get('Authorization')):
            resp = _text(401, 'login needed')
            resp.headers['WWW-Authenticate'] = 'Basic realm="fakesite"'
        elif site._cookie_refused(self.path, self.headers.get('Cookie')):
            resp = _text(403, 'sign in to watch this')
        elif fault and fault.mode == 'bot_check' and not site._cookie_sent(
                fault.kw.get('unless_cookie'), self.headers.get('Cookie')):
            # As YouTube's player answers a client it suspects: no formats, a sign-in ask.
            video_id = self.path.split('?')[0].rstrip('/').rsplit('/', 1)[-1]
            resp = _json({'id': video_id, 'playability': {
                'status': 'LOGIN_REQUIRED', 'reason': BOT_CHECK[0], 'subreason': BOT_CHECK[1]}})
        elif fault and fault.mode in _STATUS_FAULTS:
            resp = _text(_STATUS_FAULTS[fault.mode], f'injected {fault.mode}')
            if fault.mode == '429':
                resp.headers['Retry-After'] = '1'
            if fault.mode == 'redirect_loop':  # back to itself, for as long as the fault lasts
                resp.headers['Location'] = self.path
        else:
            resp = site.route(self.path)

        headers = {'Content-Type': resp.content_type, **resp.headers}
        start, length = 0, len(resp.body)
        if resp.file is not None:
            size = resp.file.stat().st_size
            headers['Accept-Ranges'] = 'bytes'
            rng = parse_range(range_header, size)
            if rng == 'unsatisfiable':
                resp = _text(416, 'range not satisfiable')
                headers = {'Content-Type': resp.content_type, 'Content-Range': f'bytes */{size}'}
                length = len(resp.body)
            elif rng is None:
                length = size
            else:
                resp.status = 206
                start, length = rng[0], rng[1] - rng[0] + 1
                headers['Content-Range'] = f'bytes {rng[0]}-{rng[1]}/{size}'
        headers['Content-Length'] = str(length)

        rec = site._record(self.command, self.path, range_header, resp.status)
        try:
            self.send_response(resp.status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            if head:
                return
            chunks = (_file_chunks(resp.file, start, length) if resp.file is not None
                      else [resp.body])
            self._write_body(site, rec, chunks, fault)
        except (ConnectionError, TimeoutError, _Quit):
            self.close_connection = True

    def _write_body(self, site, rec, chunks, fault):
        mode = fault.mode if fault else None
        limit = fault.kw['after_bytes'] if mode in ('drop', 'stall') else None
        rate = fault.kw['bytes_per_second'] if mode in ('slow', 'trickle') else None
        sent, t0 = 0, time.monotonic()
        for chunk in chunks:
            if limit is not None:
                chunk = chunk[:max(0, limit - sent)]
            # Throttled bodies go out in ~20 pieces per second; a trickle byte by byte.
            step = 1 if mode == 'trickle' else max(1, int(rate) // 20 if rate else len(chunk))
            for i in range(0, len(chunk), step):
                if site._stopping.is_set():
                    raise _Quit
                piece = chunk[i:i + step]
                if rate:
                    delay = t0 + sent / rate - time.monotonic()
                    if delay > 0 and site._stopping.wait(delay):
                        raise _Quit
                # Count first so a client that has read everything also sees
                # the final count; undo if the write fails.
                site._add_bytes(rec, len(piece))
                try:
                    self.wfile.write(piece)
                except OSError:
                    site._add_bytes(rec, -len(piece))
                    raise _Quit from None
                sent += len(piece)
            if limit is not None and sent >= limit:
                break
        if mode == 'stall':
            self._hang(site)
        if mode == 'drop':
            # Orderly FIN right after K bytes: the client sees a clean EOF
            # before Content-Length is reached (a "connection broken /
            # IncompleteRead"), deterministically, unlike an RST which can
            # discard bytes still in the client's receive buffer.
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_WR)


    def _hang(self, site):
        """Send nothing more and keep the connection open (a server that stopped
        mid-body), until the client leaves or the site stops."""
        self.wfile.flush()
        while not site._stopping.is_set():
            readable, _, _ = select.select([self.connection], [], [], 0.1)
            if readable:
                try:
                    if not self.connection.recv(1, socket.MSG_PEEK):
                        break  # the client closed its end
                except OSError:
                    break
                site._stopping.wait(0.1)  # it sent something (a next request): keep still
        raise _Quit


def _file_chunks(path: Path, start: int, length: int):
    with open(path, 'rb') as f:
        f.seek(start)
        remaining = length
        while remaining > 0:
            data = f.read(min(_CHUNK, remaining))
            if not data:
                return
            remaining -= len(data)
            yield data
