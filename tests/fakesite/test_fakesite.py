"""Self-tests of the offline fake site and its yt-dlp plugin (real yt-dlp, in-process)."""

import http.client
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest
import yt_dlp
from yt_dlp.utils import DownloadError

from ytdesk.ytdl.ffmpeg import ffmpeg_path


def ydl_opts(tmp_path, **kw):
    return {
        'quiet': True, 'noprogress': True,
        'outtmpl': str(tmp_path / '%(id)s.%(ext)s'),
        'ffmpeg_location': ffmpeg_path(),
        'proxy': '',  # never route 127.0.0.1 through an environment proxy
        **kw,
    }


def fetch(url, range_header=None, method='GET'):
    headers = {'Range': range_header} if range_header else {}
    req = urllib.request.Request(url, headers=headers, method=method)
    return urllib.request.urlopen(req, timeout=10)


# ---- plugin registration ------------------------------------------------


def test_plugin_is_loaded(tmp_path):
    with yt_dlp.YoutubeDL(ydl_opts(tmp_path)) as ydl:
        names = set(ydl._ies)
    assert {'FakeSite', 'FakeSitePlaylist', 'FakeSiteChannel', 'FakeSiteChannelTab'} <= names
    classes = {c.__name__ for c in yt_dlp.extractor.gen_extractor_classes()}
    assert 'FakeSiteIE' in classes


def test_plugin_url_matching(site):
    from yt_dlp_plugins.extractor.fakesite import (FakeSiteChannelIE, FakeSiteChannelTabIE,
                                                   FakeSiteIE, FakeSitePlaylistIE)
    b = site.base_url
    assert FakeSiteIE.suitable(f'{b}/watch/v1')
    assert FakeSitePlaylistIE.suitable(f'{b}/playlist/pl1')
    assert FakeSiteChannelIE.suitable(f'{b}/channel/testchannel')
    assert FakeSiteChannelIE.suitable(f'{b}/channel/testchannel/')
    assert not FakeSiteChannelIE.suitable(f'{b}/channel/testchannel/videos')
    assert FakeSiteChannelTabIE.suitable(f'{b}/channel/testchannel/shorts')
    for url in (f'{b}/files/clip.mp4', f'{b}/feed.xml', f'{b}/media/v1/muxed-180p'):
        assert not any(ie.suitable(url) for ie in (
            FakeSiteIE, FakeSitePlaylistIE, FakeSiteChannelIE, FakeSiteChannelTabIE))


# ---- videos -------------------------------------------------------------


def test_split_video_downloads_and_merges(site, tmp_path):
    with yt_dlp.YoutubeDL(ydl_opts(tmp_path, format='bv*+ba/b')) as ydl:
        info = ydl.extract_info(site.video_url('v2'))
    assert info['format_id'] == 'video-360p+audio-m4a'
    out = tmp_path / 'v2.mp4'
    assert out.is_file() and out.stat().st_size > 0
    assert [p.name for p in tmp_path.iterdir()] == ['v2.mp4']  # parts merged and removed
    assert info['title'] == 'Test Video 2'
    assert info['channel'] == 'Test Channel' and info['channel_id'] == 'testchannel'
    assert info['upload_date'] == '20260102' and info['duration'] == 3
    assert info['thumbnail'] == f'{site.base_url}/thumb/v2.jpg'


def test_muxed_video_metadata(site, tmp_path):
    with yt_dlp.YoutubeDL(ydl_opts(tmp_path)) as ydl:
        info = ydl.extract_info(site.video_url('v1'), download=False)
    assert [f['format_id'] for f in info['formats']] == ['muxed-180p']
    assert info['format_id'] == 'muxed-180p'
    for key in ('description', 'channel_url', 'uploader', 'uploader_id', 'timestamp',
                'view_count', 'like_count', 'tags', 'categories', 'webpage_url'):
        assert info.get(key) is not None, key


def test_bytes_served_matches_file_size(site, media, tmp_path):
    with yt_dlp.YoutubeDL(ydl_opts(tmp_path)) as ydl:
        ydl.extract_info(site.video_url('v1'))
    size = media['muxed'].stat().st_size
    assert (tmp_path / 'v1.mp4').stat().st_size == size
    assert site.bytes_served('/media/v1/') == size
    assert site.requests('/media/') == [('GET', '/media/v1/muxed-180p', None, 200)]
    site.reset_counters()
    assert site.bytes_served() == 0 and site.requests() == []


def test_api_404_surfaces_as_download_error(site, tmp_path):
    site.set_fault('/api/video/v3', '404')
    with (yt_dlp.YoutubeDL(ydl_opts(tmp_path)) as ydl,
          pytest.raises(DownloadError, match='HTTP Error 404')):
        ydl.extract_info(site.video_url('v3'), download=False)


def test_status_fault_times_then_normal(site):
    site.set_fault('/api/video/v4', '429', times=1)
    with pytest.raises(urllib.error.HTTPError) as exc:
        fetch(f'{site.base_url}/api/video/v4')
    exc.value.close()  # an HTTPError holds the open response
    assert exc.value.code == 429 and exc.value.headers['Retry-After'] == '1'
    assert fetch(f'{site.base_url}/api/video/v4').status == 200
    assert [r[3] for r in site.requests('/api/video/v4')] == [429, 200]


# ---- playlists and channels ---------------------------------------------


def test_playlist_entries_are_lazy(site, tmp_path):
    with yt_dlp.YoutubeDL(ydl_opts(tmp_path)) as ydl:
        pl = ydl.extract_info(site.playlist_url('pl1'), download=False, process=False)
    assert pl['_type'] == 'playlist' and pl['title'] == 'Test Playlist'
    assert len(site.requests('/api/playlist/')) == 1  # only page 1 so far
    entries = list(pl['entries'])
    assert [(e['_type'], e['id'], e['ie_key']) for e in entries] == [
        ('url', 'v1', 'FakeSite'), ('url', 'v2', 'FakeSite'), ('url', 'v3', 'FakeSite')]
    assert entries[0]['url'] == site.video_url('v1')
    assert [r[1] for r in site.requests('/api/playlist/')] == [
        '/api/playlist/pl1?page=1', '/api/playlist/pl1?page=2']


def test_channel_root_lists_tabs(site, tmp_path):
    with yt_dlp.YoutubeDL(ydl_opts(tmp_path)) as ydl:
        ch = ydl.extract_info(site.channel_url('testchannel'), download=False, process=False)
        other = ydl.extract_info(site.channel_url('otherchannel'), download=False, process=False)
    assert ch['channel'] == 'Test Channel' and ch['channel_id'] == 'testchannel'
    assert [e['url'] for e in ch['entries']] == [
        site.channel_url('testchannel', 'videos'), site.channel_url('testchannel', 'shorts')]
    assert [e['url'] for e in other['entries']] == [site.channel_url('otherchannel', 'videos')]


def test_channel_tab_newest_first(site, tmp_path):
    with yt_dlp.YoutubeDL(ydl_opts(tmp_path)) as ydl:
        tab = ydl.extract_info(site.channel_url('testchannel', 'videos'), download=False)
    assert [e['id'] for e in tab['entries']] == ['v5', 'v4', 'v3', 'v2', 'v1']
    assert tab['channel'] == 'Test Channel' and tab['uploader_id'] == 'testchannel'
    assert len(site.requests('/api/channel/testchannel/videos')) == 3  # page size 2


# ---- raw HTTP: ranges, drops, throttling -----------------------------------


def test_range_requests(site, media):
    data = media['muxed'].read_bytes()
    url = site.file_url('clip.mp4')
    with fetch(url, 'bytes=100-199') as r:
        assert r.status == 206
        assert r.headers['Content-Range'] == f'bytes 100-199/{len(data)}'
        assert r.headers['Content-Length'] == '100'
        assert r.read() == data[100:200]
    with fetch(url, 'bytes=-10') as r:
        assert r.status == 206 and r.read() == data[-10:]
    with fetch(url) as r:
        assert r.status == 200 and r.headers['Accept-Ranges'] == 'bytes'
        assert r.headers['Content-Type'] == 'video/mp4'
        assert r.read() == data
    with pytest.raises(urllib.error.HTTPError) as exc:
        fetch(url, f'bytes={len(data)}-')
    exc.value.close()
    assert exc.value.code == 416
    assert exc.value.headers['Content-Range'] == f'bytes */{len(data)}'
    with fetch(url, method='HEAD') as r:
        assert r.headers['Content-Length'] == str(len(data)) and r.read() == b''


def test_drop_fault_truncates_once(site, media):
    size = media['audio'].stat().st_size
    site.set_fault('/media/v2/', 'drop', times=1, after_bytes=5000)
    with fetch(f'{site.base_url}/media/v2/audio-m4a') as r:
        assert r.headers['Content-Length'] == str(size)
        with pytest.raises(http.client.IncompleteRead) as exc:
            r.read()
    assert len(exc.value.partial) == 5000
    with fetch(f'{site.base_url}/media/v2/audio-m4a') as r:
        assert len(r.read()) == size


def test_drop_is_resumed_by_ytdlp_retries(site, media, tmp_path):
    site.set_fault('/media/v1/', 'drop', times=2, after_bytes=50_000)
    with yt_dlp.YoutubeDL(ydl_opts(tmp_path, retries=3)) as ydl:
        ydl.extract_info(site.video_url('v1'))
    assert (tmp_path / 'v1.mp4').read_bytes() == media['muxed'].read_bytes()
    ranges = [r[2] for r in site.requests('/media/v1/')]
    assert ranges[0] is None and all(r and r.startswith('bytes=') for r in ranges[1:])
    assert len(ranges) == 3


def test_slow_fault_throttles_and_survives_disconnect(site):
    site.set_fault('/files/', 'slow', bytes_per_second=100_000)
    t0 = time.monotonic()
    with fetch(site.file_url('clip.mp4')) as r:
        assert len(r.read(30_000)) == 30_000
    assert time.monotonic() - t0 >= 0.2
    # The client hung up: the server must stop sending soon, quietly.
    time.sleep(0.5)
    served = site.bytes_served('/files/')
    time.sleep(0.3)
    assert site.bytes_served('/files/') == served < 200_000
    assert site.errors == []


def test_stop_interrupts_slow_transfer(media):
    from . import FakeSite
    site = FakeSite(media, defaults=False).start()
    site.set_fault('/files/', 'slow', bytes_per_second=20_000)
    sock = socket.create_connection(('127.0.0.1', site.port))
    sock.sendall(b'GET /files/clip.mp4 HTTP/1.1\r\nHost: x\r\n\r\n')
    sock.recv(1024)
    stopper = threading.Thread(target=site.stop)
    t0 = time.monotonic()
    stopper.start()
    stopper.join(5)
    sock.close()
    assert time.monotonic() - t0 < 2
    assert site.errors == []


# ---- generic extractor -----------------------------------------------------


def test_generic_direct_file(site, media, tmp_path):
    with yt_dlp.YoutubeDL(ydl_opts(tmp_path)) as ydl:
        info = ydl.extract_info(site.file_url('clip.mp4'))
    assert info['extractor'] == 'generic'
    assert (tmp_path / 'clip.mp4').stat().st_size == media['muxed'].stat().st_size


def test_generic_rss_feed(site, tmp_path):
    with yt_dlp.YoutubeDL(ydl_opts(tmp_path, no_warnings=True)) as ydl:
        feed = ydl.extract_info(site.feed_url, download=False)
    assert feed['_type'] == 'playlist'
    assert [(e['id'], e['title']) for e in feed['entries']] == [('ep1', 'Episode 1'),
                                                                ('ep2', 'Episode 2')]


def test_feed_items_can_be_added_and_a_missing_file_is_a_404(site, tmp_path):
    site.add_feed_item('ep3', 'Episode 3', 'nowhere.mp4')
    with yt_dlp.YoutubeDL(ydl_opts(tmp_path, no_warnings=True)) as ydl:
        feed = ydl.extract_info(site.feed_url, download=False, process=False)
        entries = list(feed['entries'])
        assert [e['title'] for e in entries] == ['Episode 1', 'Episode 2', 'Episode 3']
        with pytest.raises(DownloadError, match='HTTP Error 404'):
            ydl.process_ie_result(entries[2], download=False)


def test_a_second_host_name_reaches_the_same_files(site, media):
    with fetch(site.file_url('clip.mp4', host='localhost')) as r:
        assert r.read() == media['muxed'].read_bytes()


# ---- unplayable videos and streamed shapes -----------------------------------


@pytest.mark.parametrize('why, words', [
    ('private', "Private video. Sign in if you've been granted access to this video"),
    ('deleted', 'Video unavailable. This video has been removed by the uploader'),
    ('members', 'Join this channel to get access to members-only content'),
    ('geo', 'The uploader has not made this video available in your country'),
    ('age', 'Sign in to confirm your age'),
])
def test_unplayable_videos_fail_in_youtube_s_words(why, words, site, tmp_path):
    site.add_video('x1', 'Hidden', availability=why)
    with yt_dlp.YoutubeDL(ydl_opts(tmp_path)) as ydl, pytest.raises(DownloadError) as exc:
        ydl.extract_info(site.video_url('x1'), download=False)
    assert words in str(exc.value)
    is_geo = isinstance(exc.value.exc_info[1], yt_dlp.utils.GeoRestrictedError)
    assert is_geo == (why == 'geo')


def test_a_playlist_lists_private_and_deleted_videos_as_youtube_does(site, tmp_path):
    site.add_video('p1', 'Secret', availability='private')
    site.add_video('d1', 'Gone', availability='deleted')
    site.add_playlist('mixed', 'Mixed', ['v1', 'p1', 'd1'])
    with yt_dlp.YoutubeDL(ydl_opts(tmp_path)) as ydl:
        pl = ydl.extract_info(site.playlist_url('mixed'), download=False, process=False)
    titles = [e['title'] for e in pl['entries']]
    assert titles == ['Test Video 1', '[Private video]', '[Deleted video]']


@pytest.mark.parametrize('name, protocol', [('dash', 'http_dash_segments'), ('hls', 'm3u8_native')])
def test_streams_offer_separate_video_and_audio_in_fragments(name, protocol, site, tmp_path):
    with yt_dlp.YoutubeDL(ydl_opts(tmp_path, format='bv*+ba/b')) as ydl:
        info = ydl.extract_info(site.stream_url(name), download=False)
    video, audio = info['requested_formats']
    assert video['acodec'] == 'none' and video['vcodec'] != 'none' and video['height'] == 360
    assert audio['vcodec'] == 'none' and audio['acodec'] != 'none'
    assert {video['protocol'], audio['protocol']} == {protocol}
    if name == 'dash':
        assert len(video['fragments']) >= 3  # an init segment and 1-second media segments
    else:
        with fetch(video['url']) as r:  # the video's media playlist
            assert r.read().decode().count('.ts\n') >= 3


def test_latency_delays_the_answer_not_its_body(site):
    site.set_fault("/files/clip.mp4", "latency", times=1, seconds=0.3)
    started = time.monotonic()
    body = urllib.request.urlopen(site.file_url("clip.mp4"), timeout=10).read()
    waited = time.monotonic() - started
    assert body == site.media["muxed"].read_bytes()
    assert waited >= 0.3  # at least the delay: the answer started late, whole
    with pytest.raises(ValueError, match="seconds > 0"):
        site.set_fault("/files/", "latency")


def _raw_get(site, path):
    sock = socket.create_connection(('127.0.0.1', site.port), timeout=5)
    sock.sendall(f'GET {path} HTTP/1.1\r\nHost: x\r\n\r\n'.encode())
    return sock


def _read_head(sock):
    data = b''
    while b'\r\n\r\n' not in data:
        data += sock.recv(4096)
    head, _, body = data.partition(b'\r\n\r\n')
    return head, body


def test_stall_sends_part_of_the_body_then_nothing_and_keeps_the_connection(site, media):
    site.set_fault('/files/', 'stall', after_bytes=1000)
    size = media['muxed'].stat().st_size
    sock = _raw_get(site, '/files/clip.mp4')
    try:
        head, body = _read_head(sock)
        assert f'Content-Length: {size}'.encode() in head
        while len(body) < 1000:
            body += sock.recv(4096)
        assert body == media['muxed'].read_bytes()[:1000]
        sock.settimeout(0.5)
        with pytest.raises(TimeoutError):  # neither more bytes nor an end: a hung server
            sock.recv(1)
    finally:
        sock.close()
    # The client left: the server's handler ends quietly, having sent only its part.
    time.sleep(0.3)
    assert site.bytes_served('/files/') == 1000
    assert site.errors == []


def test_trickle_sends_one_byte_at_a_time_until_the_client_leaves(site, media):
    site.set_fault('/files/', 'trickle', bytes_per_second=20)
    sock = _raw_get(site, '/files/clip.mp4')
    try:
        _, body = _read_head(sock)
        while len(body) < 5:
            body += sock.recv(1)  # one at a time, at the set pace
        assert body[:5] == media['muxed'].read_bytes()[:5]
    finally:
        sock.close()
    time.sleep(0.3)
    served = site.bytes_served('/files/')
    time.sleep(0.3)
    assert site.bytes_served('/files/') == served < 30
    assert site.errors == []


def test_stop_ends_a_stalled_answer(media):
    from . import FakeSite
    site = FakeSite(media, defaults=False).start()
    site.set_fault('/files/', 'stall', after_bytes=10)
    sock = _raw_get(site, '/files/clip.mp4')
    _read_head(sock)
    stopper = threading.Thread(target=site.stop)
    stopper.start()
    stopper.join(5)
    sock.close()
    assert not stopper.is_alive()
    assert site.errors == []
