"""A preset's options reach the file: what ytdesk makes with a preset is what `yt-dlp` makes
with the same options (the builder hands yt-dlp's own parser the equivalent command line),
and the file on disk shows it (probed with ffmpeg)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support import job, subprocess_env, wait_until_idle

from ytdesk.core import presets
from ytdesk.ytdl.options import ffmpeg_path, preset_argv, preset_params


def streams(path: Path) -> str:
    return subprocess.run([ffmpeg_path(), "-hide_banner", "-i", str(path)],
                          capture_output=True, text=True).stderr


def download(manager, qtbot, url: str, preset: str) -> Path:
    job_id = manager.enqueue("download", url, {"preset": preset})
    wait_until_idle(qtbot, manager)
    assert job(job_id).status == "succeeded", job(job_id).error
    return Path(job(job_id).output_path)


def test_audio_mp3_is_an_mp3_with_tags_and_cover(site, home, one_at_a_time, qtbot):
    made = download(one_at_a_time, qtbot, site.video_url("v2"), "audio-mp3")
    assert made.suffix == ".mp3" and made.is_file()
    probe = streams(made)
    assert "Audio: mp3" in probe
    assert "title           : Test Video 2" in probe  # tags from the video's metadata
    assert "artist          : Test Channel" in probe
    assert "(attached pic)" in probe  # the thumbnail as cover art
    assert not made.with_suffix(".jpg").exists() and not made.with_suffix(".webp").exists()


def test_plays_everywhere_is_h264_and_aac_in_mp4(site, home, one_at_a_time, qtbot):
    made = download(one_at_a_time, qtbot, site.video_url("v4"), "compatible-1080")
    probe = streams(made)
    assert made.suffix == ".mp4"
    assert "Video: h264" in probe and "Audio: aac" in probe


def test_a_preset_downloads_what_yt_dlp_makes_with_the_same_options(site, home, one_at_a_time,
                                                                      qtbot, tmp_path):
    made = download(one_at_a_time, qtbot, site.video_url("v2"), "audio-mp3")
    argv = preset_argv(presets.get("audio-mp3").options)
    plain = tmp_path / "plain"
    subprocess.run([sys.executable, "-m", "yt_dlp", "-q", "--no-progress", "-P", str(plain),
                    "--ffmpeg-location", ffmpeg_path(), *argv, site.video_url("v2")],
                   env=subprocess_env(), check=True, capture_output=True)
    [theirs] = [p for p in plain.rglob("*") if p.is_file()]
    assert theirs.relative_to(plain) == made.relative_to(home.download_dir)
    assert streams(theirs).split("Input #0")[1].replace(str(theirs), "") == \
        streams(made).split("Input #0")[1].replace(str(made), "")


def test_the_builder_takes_only_what_a_preset_decides():
    params = preset_params(presets.get("podcast").options, "http://127.0.0.1:9/")
    keys = [pp["key"] for pp in params["postprocessors"]]
    assert keys.index("SponsorBlock") < keys.index("ModifyChapters") < keys.index("FFmpegMetadata")
    [sponsorblock] = [pp for pp in params["postprocessors"] if pp["key"] == "SponsorBlock"]
    assert sponsorblock["api"] == "http://127.0.0.1:9/"
    assert "retries" not in params and "paths" not in params  # ytdesk's own, not a preset's
    params["postprocessors"].clear()  # a copy: the next build is whole again
    assert preset_params(presets.get("podcast").options, "http://127.0.0.1:9/")["postprocessors"]


def test_a_speed_limit_holds_the_download_back(site, home, one_at_a_time, qtbot):
    """A lower bound from the file's size and the limit: throttled, it cannot be faster
    (a bound that a slow machine only makes easier, never flaky)."""
    import time

    def timed(url: str, overrides: dict) -> tuple[float, int]:
        start = time.perf_counter()
        job_id = one_at_a_time.enqueue("download", url, {"overrides": overrides})
        wait_until_idle(qtbot, one_at_a_time)
        assert job(job_id).status == "succeeded", job(job_id).error
        return time.perf_counter() - start, Path(job(job_id).output_path).stat().st_size

    limit = 256 * 1024
    held, size = timed(site.video_url("v3"), {"limit_rate": limit})
    assert held >= 0.8 * size / limit


def test_a_step_that_needs_ffprobe_fails_once_with_a_sentence(site, home, one_at_a_time,
                                                               qtbot):
    """This ytdesk ships ffmpeg without ffprobe (imageio-ffmpeg): a preset whose steps need
    it fails at once, saying so, instead of being retried five times."""
    job_id = one_at_a_time.enqueue("download", site.video_url("v1"), {"preset": "archive"})
    wait_until_idle(qtbot, one_at_a_time)
    assert job(job_id).status == "failed" and job(job_id).attempts == 1
    assert job(job_id).error.startswith("This download needs ffprobe for a step after")


def test_a_format_chosen_from_the_list_is_the_one_downloaded(site, home, one_at_a_time,
                                                              qtbot):
    job_id = one_at_a_time.enqueue("download", site.video_url("v4"),
                                   {"overrides": {"format_spec": "muxed-180p"}})
    wait_until_idle(qtbot, one_at_a_time)
    assert job(job_id).status == "succeeded", job(job_id).error
    assert "320x180" in streams(Path(job(job_id).output_path))
