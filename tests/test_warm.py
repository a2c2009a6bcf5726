"""Warmed YoutubeDL instances: one is lent to the next job with that job's own options, so
an audio job followed by a video job on the same instance makes exactly what each asked
for; and yt-dlp's --print tables are still rendered when something prints."""

from __future__ import annotations

import subprocess
from pathlib import Path

from support import job, wait_until_idle

from ytdesk.core.preset_options import PresetOptions
from ytdesk.ytdl import warm
from ytdesk.ytdl.options import build_options, ffmpeg_path


class Quiet:
    def debug(self, message):
        pass

    info = warning = error = debug


def streams(path: Path) -> str:
    probe = subprocess.run([ffmpeg_path(), "-hide_banner", "-i", str(path)],
                           capture_output=True, text=True)
    return probe.stderr


def test_one_instance_serves_jobs_with_different_options(site, home, one_at_a_time, qtbot):
    warm.forget_all()
    manager = one_at_a_time
    audio = manager.enqueue("download", site.video_url("v2"), {"quality": "audio"})
    wait_until_idle(qtbot, manager)
    video = manager.enqueue("download", site.video_url("v4"), {"quality": "best"})
    wait_until_idle(qtbot, manager)

    assert job(audio).status == job(video).status == "succeeded"
    audio_file, video_file = Path(job(audio).output_path), Path(job(video).output_path)
    assert audio_file.suffix == ".m4a" and "Video:" not in streams(audio_file)
    assert video_file.suffix == ".mp4"
    assert "Video:" in streams(video_file) and "Audio:" in streams(video_file)
    assert sum(len(spare) for spare in warm._idle.values()) == 1  # the same one, lent twice


def test_print_tables_are_rendered_only_when_something_prints(tmp_path):
    options = build_options(download_dir=tmp_path, preset=PresetOptions(), logger=Quiet())
    info = {"id": "x", "title": "A title", "ext": "mp4", "formats": [], "url": "http://a/b"}
    silent = warm.borrow(options)
    try:
        assert "formats_table" not in silent._forceprint("video", dict(info))
    finally:
        warm.give_back(silent)
    printing = warm.borrow({**options, "forceprint": {"video": ["%(title)s"]}})
    try:
        assert "formats_table" in printing._forceprint("video", dict(info))
    finally:
        warm.give_back(printing)
