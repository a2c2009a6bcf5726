"""ytdesk against plain yt-dlp on the same lists (an RSS feed with a removed episode, a plugin
playlist with unplayable entries, a channel with tabs): the same files (relative paths), titles
and metadata. Plain yt-dlp runs in this process with ytdesk's own options (the same output
template, formats and post-processing) and `ignoreerrors` (what `yt-dlp -i URL` does, so a
bad entry does not stop its list); ytdesk runs its jobs: a parent lists, children download.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import wait_until_idle
from yt_dlp import YoutubeDL

from ytdesk.core.library import keep_info
from ytdesk.core.models import Video
from ytdesk.core.preset_options import PresetOptions
from ytdesk.ytdl.options import build_options

# Where the two runs must differ: the moment each ran, and where each put its files.
NOT_COMPARED = {"epoch", "_version", "_filename", "filename", "filepath", "requested_downloads",
                "infojson_filename", "__finaldir"}


class _Quiet:
    def debug(self, msg: str) -> None:
        pass

    info = warning = error = debug


def plain_ytdlp(url: str, folder: Path) -> dict[str, dict]:
    """`yt-dlp -i URL` with ytdesk's options: the info of every video it downloaded, by id."""
    params = build_options(download_dir=folder, preset=PresetOptions(), logger=_Quiet())
    params["ignoreerrors"] = True
    with YoutubeDL(params) as ydl:
        result = ydl.extract_info(url, download=True)
    return {video["id"]: YoutubeDL.sanitize_info(video) for video in _videos_in(result)}


def _videos_in(result: dict):
    for entry in result.get("entries") or ():
        if entry and "entries" in entry:  # a channel's tab
            yield from _videos_in(entry)
        elif entry:
            yield entry


def files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def comparable(info: dict) -> dict:
    return {k: v for k, v in keep_info(info).items() if k not in NOT_COMPARED}


def mixed_playlist(site) -> str:
    site.add_video("p1", "Secret", availability="private")
    site.add_video("g1", "Elsewhere", availability="geo")
    site.add_playlist("mixed", "Mixed Playlist", ["v2", "p1", "v7", "g1", "v1"])
    return site.playlist_url("mixed")


def removed_episode_feed(site) -> str:
    site.add_feed_item("ep3", "Episode 3", "episode3.mp4")  # a 404
    site.feed_items.insert(1, site.feed_items.pop())
    return site.feed_url


def channel_with_tabs(site) -> str:
    return site.channel_url("testchannel")


@pytest.mark.parametrize("make_list", [removed_episode_feed, mixed_playlist, channel_with_tabs],
                         ids=["rss-feed", "plugin-playlist", "plugin-channel"])
def test_ytdesk_downloads_what_plain_ytdlp_downloads(make_list, site, home, manager, qtbot,
                                                      tmp_path):
    url = make_list(site)
    expected = plain_ytdlp(url, tmp_path / "plain")

    manager.enqueue("download", url)
    wait_until_idle(qtbot, manager)

    assert files_in(home.download_dir) == files_in(tmp_path / "plain")
    downloaded = Video.select().where(Video.filepath.is_null(False))
    rows = {video.video_id: video for video in downloaded}
    assert set(rows) == set(expected) and len(expected) >= 2
    for video_id, info in expected.items():
        row = rows[video_id]
        assert row.title == info["title"]
        assert Path(row.filepath).relative_to(home.download_dir) == \
            Path(info["requested_downloads"][-1]["filepath"]).relative_to(tmp_path / "plain")
        # The whole metadata record, playlist context included, is yt-dlp's.
        assert comparable(json.loads(row.info_json)) == comparable(info), video_id
