"""yt-dlp extractors for the offline test site in tests/fakesite.

Loaded by yt-dlp's plugin system: `tests/plugins` must be on sys.path before
the first `YoutubeDL()` of the process (that is when yt-dlp imports every
`yt_dlp_plugins.extractor.*` module and registers classes ending in `IE`).

Only http://127.0.0.1:<port>/ URLs for /watch, /playlist and /channel are
claimed; /files/... and /feed.xml are left to yt-dlp's generic extractor.
HTTP errors from the API are deliberately not caught, so they surface like
on any real site ("HTTP Error 404: Not Found" inside an ExtractorError).
"""

import itertools

from yt_dlp.extractor.common import InfoExtractor
from yt_dlp.utils import int_or_none, remove_end, url_or_none
from yt_dlp.utils.traversal import traverse_obj

_BASE = r'(?P<base>https?://127\.0\.0\.1:\d+)'
# Anchor the end of the path so e.g. the channel root never eats tab URLs.
_END = r'/?(?:[?#]|$)'


class _FakeSiteBaseIE(InfoExtractor):
    # Leading underscore: yt-dlp's plugin loader skips this helper class.
    _TESTS = []

    def _api(self, base, path, item_id, page=None, note=None):
        query = {'page': page} if page is not None else None
        return self._download_json(
            f'{base}/api/{path}', item_id, query=query,
            note=note or f'Downloading API JSON {path}' + (f' page {page}' if page else ''))

    def _paged_entries(self, base, path, item_id, first_page):
        """Lazily yield url_results, fetching the next page only when the
        consumer gets there (yt-dlp's playlist_items/--playlist-end benefit)."""
        data = first_page
        for page in itertools.count(1):
            if page > 1:
                data = self._api(base, path, item_id, page)
            for entry in data.get('entries') or []:
                if not entry.get('id'):
                    continue
                yield self.url_result(
                    entry.get('url') or f'{base}/watch/{entry["id"]}', FakeSiteIE,
                    entry['id'], entry.get('title'), duration=int_or_none(entry.get('duration')))
            if not data.get('has_more'):
                return


class FakeSiteIE(_FakeSiteBaseIE):
    IE_NAME = 'fakesite'
    # Declared like yt-dlp's own extractors, so a listing's entries are known to be videos
    # without opening each one (ytdesk asks `is_single_video`).
    _RETURN_TYPE = 'video'
    IE_DESC = 'Offline test site (tests/fakesite)'
    _VALID_URL = _BASE + r'/watch/(?P<id>[\w-]+)' + _END

    def _real_extract(self, url):
        base, video_id = self._match_valid_url(url).group('base', 'id')
        data = self._api(base, f'video/{video_id}', video_id, note='Downloading video JSON')
        if data.get('playability'):
            self._raise_unplayable(video_id, data['playability'])

        formats = []
        for f in data.get('formats') or []:
            if not url_or_none(f.get('url')):
                continue
            formats.append({
                'format_id': f.get('format_id'),
                'url': f['url'],
                'ext': f.get('ext'),
                # 'none' (not None) tells the format selector the stream is
                # absent, which is what makes bv*+ba pick the split pair.
                'vcodec': f.get('vcodec') or 'none',
                'acodec': f.get('acodec') or 'none',
                'width': int_or_none(f.get('width')),
                'height': int_or_none(f.get('height')),
                'fps': int_or_none(f.get('fps')),
                'tbr': f.get('tbr'),
                'filesize': int_or_none(f.get('filesize')),
                'format_note': f.get('format_note'),
            })

        return {
            'id': video_id,
            'formats': formats,
            'webpage_url': data.get('webpage_url') or url,
            'subtitles': {lang: [{'url': t['url'], 'ext': t.get('ext')} for t in tracks]
                          for lang, tracks in (data.get('subtitles') or {}).items()},
            'chapters': data.get('chapters') or None,
            # yt-dlp asks SponsorBlock only about videos of its YouTube extractor.
            **({'extractor_key': 'Youtube', 'extractor': 'youtube'}
               if data.get('as_youtube') else {}),
            **traverse_obj(data, {
                'title': 'title',
                'description': 'description',
                'channel': 'channel',
                'channel_id': 'channel_id',
                'channel_url': ('channel_url', {url_or_none}),
                'uploader': 'uploader',
                'uploader_id': 'uploader_id',
                'uploader_url': ('uploader_url', {url_or_none}),
                'upload_date': 'upload_date',
                'timestamp': ('timestamp', {int_or_none}),
                'duration': ('duration', {int_or_none}),
                'view_count': ('view_count', {int_or_none}),
                'like_count': ('like_count', {int_or_none}),
                'tags': ('tags', {list}),
                'categories': ('categories', {list}),
                'thumbnail': ('thumbnail', {url_or_none}),
            }),
        }


    def _raise_unplayable(self, video_id, playability):
        # The same composition as yt-dlp's YouTube extractor (youtube/_video.py), so an
        # unplayable video fails with the words a real one does.
        reason = playability.get('reason') or ''
        subreason = playability.get('subreason')
        if subreason:
            if subreason.startswith('The uploader has not made this video available'):
                self.raise_geo_restricted(
                    subreason, playability.get('countries'), metadata_available=True)
            if subreason != reason:
                reason += f'. {subreason}'
        if 'sign in' in reason.lower():
            reason = (f'{remove_end(reason.strip(), ".")}. Use --cookies-from-browser or '
                      '--cookies for the authentication.')
        self.raise_no_formats(reason, expected=True, video_id=video_id)


class FakeSitePlaylistIE(_FakeSiteBaseIE):
    IE_NAME = 'fakesite:playlist'
    _RETURN_TYPE = 'playlist'
    _VALID_URL = _BASE + r'/playlist/(?P<id>[\w-]+)' + _END

    def _real_extract(self, url):
        base, playlist_id = self._match_valid_url(url).group('base', 'id')
        # Page 1 is needed now for the title; later pages are fetched lazily.
        first = self._api(base, f'playlist/{playlist_id}', playlist_id, page=1)
        return self.playlist_result(
            self._paged_entries(base, f'playlist/{playlist_id}', playlist_id, first),
            playlist_id, first.get('title'))


class FakeSiteChannelIE(_FakeSiteBaseIE):
    IE_NAME = 'fakesite:channel'
    _RETURN_TYPE = 'playlist'
    _VALID_URL = _BASE + r'/channel/(?P<id>[\w-]+)(?!/(?:videos|shorts|streams)\b)' + _END

    def _real_extract(self, url):
        base, channel_id = self._match_valid_url(url).group('base', 'id')
        data = self._api(base, f'channel/{channel_id}', channel_id, note='Downloading channel JSON')
        name = data.get('name')
        entries = [
            self.url_result(tab['url'], FakeSiteChannelTabIE, channel_id,
                            f'{name} - {tab_name.title()}')
            for tab_name, tab in (data.get('tabs') or {}).items()
            if tab.get('count') and url_or_none(tab.get('url'))
        ]
        # As YouTube's channel pages give them: a wide banner and the square avatar.
        thumbnails = [{'id': 'banner_uncropped', 'url': f'{base}/channel/{channel_id}/banner.jpg',
                       'width': 1060, 'height': 175},
                      {'id': 'avatar_uncropped', 'url': f'{base}/channel/{channel_id}/avatar.jpg'}]
        return self.playlist_result(
            entries, channel_id, name, channel=name, channel_id=channel_id,
            channel_url=f'{base}/channel/{channel_id}', uploader=name, uploader_id=channel_id,
            thumbnails=thumbnails)


class FakeSiteChannelTabIE(_FakeSiteBaseIE):
    IE_NAME = 'fakesite:tab'
    _RETURN_TYPE = 'playlist'
    _VALID_URL = _BASE + r'/channel/(?P<id>[\w-]+)/(?P<tab>videos|shorts|streams)' + _END

    def _real_extract(self, url):
        base, channel_id, tab = self._match_valid_url(url).group('base', 'id', 'tab')
        path = f'channel/{channel_id}/{tab}'
        first = self._api(base, path, channel_id, page=1)
        name = first.get('name')
        return self.playlist_result(
            self._paged_entries(base, path, channel_id, first),
            channel_id, first.get('title'), channel=name, channel_id=channel_id,
            channel_url=f'{base}/channel/{channel_id}', uploader=name, uploader_id=channel_id,
            webpage_url=url)
