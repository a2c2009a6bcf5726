"""A preset's options reach the file: what ytdesk makes with a preset is what `yt-dlp` makes
with the same options (the builder hands yt-dlp's own parser the equivalent command line),
and the file on disk shows it (probed with ffmpeg)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import job, subprocess_env, wait_until_idle

from ytdesk.core import presets
from ytdesk.core.models import Video
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
    assert Video.get(Video.filepath == str(made)).preset == "audio-mp3"  # the row says how
    assert made.suffix == ".mp3" and made.is_file()
    probe = streams(made)
    assert "Audio: mp3" in probe
    assert "title           : Test Video 2" in probe  # tags from the video's metadata
    assert "artist          : Test Channel" in probe
    assert "date            : 2026" in probe
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
                                                               qtbot, tmp_path, monkeypatch):
    """An ffmpeg without its ffprobe beside it (a damaged install): a preset whose steps
    need ffprobe fails at once, saying so, instead of being retried five times."""
    from ytdesk.ytdl import options

    alone = tmp_path / "ffmpeg-alone"
    alone.symlink_to(ffmpeg_path())
    monkeypatch.setattr(options, "ffmpeg_path", lambda: str(alone))
    job_id = one_at_a_time.enqueue("download", site.video_url("v1"), {"preset": "archive"})
    wait_until_idle(qtbot, one_at_a_time)
    assert job(job_id).status == "failed" and job(job_id).attempts == 1
    assert job(job_id).error.startswith("This download needs ffprobe for a step after")


def test_the_archive_preset_keeps_everything_beside_the_video(site, home, one_at_a_time,
                                                              qtbot):
    made = download(one_at_a_time, qtbot, site.video_url("v2"), "archive")
    assert made.suffix == ".mkv"
    probe = streams(made)
    assert "title           : Test Video 2" in probe  # metadata embedded
    assert "Attachment: mjpeg" in probe or "(attached pic)" in probe  # the cover
    stem = made.with_suffix("")
    info = json.loads(stem.with_suffix(".info.json").read_text(encoding="utf-8"))
    assert info["id"] == "v2" and info["title"] == "Test Video 2"
    assert stem.with_suffix(".description").read_text(encoding="utf-8") == \
        "Description of v2."
    assert stem.with_suffix(".jpg").is_file()


def test_a_format_chosen_from_the_list_is_the_one_downloaded(site, home, one_at_a_time,
                                                              qtbot):
    job_id = one_at_a_time.enqueue("download", site.video_url("v4"),
                                   {"overrides": {"format_spec": "muxed-180p"}})
    wait_until_idle(qtbot, one_at_a_time)
    assert job(job_id).status == "succeeded", job(job_id).error
    assert "320x180" in streams(Path(job(job_id).output_path))


def vtt(*lines: str) -> str:
    cues = "".join(f"\n{n}\n00:00:0{n}.000 --> 00:00:0{n}.900\n{text}\n"
                   for n, text in enumerate(lines))
    return "WEBVTT\n" + cues


def probe_json(path: Path, *what: str) -> dict:
    from ytdesk.ytdl.ffmpeg import ffprobe_path

    done = subprocess.run([ffprobe_path(), "-v", "error", "-print_format", "json", *what,
                           str(path)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_subtitles_in_the_chosen_languages_embedded_or_beside_as_srt(site, home,
                                                                      one_at_a_time, qtbot):
    site.add_video("subs", "With subtitles", subtitles={
        "en": vtt("Hello", "World"), "de": vtt("Hallo", "Welt"), "fr": vtt("Bonjour", "Monde")})
    embedded = Path(_run(one_at_a_time, qtbot, site.video_url("subs"),
                         {"subtitles": ["en", "de"], "subtitles_mode": "embed"}))
    tracks = probe_json(embedded, "-show_streams")["streams"]
    languages = sorted(s["tags"].get("language") for s in tracks if s["codec_type"] == "subtitle")
    assert languages == ["deu", "eng"] or languages == ["de", "en"]
    assert not list(embedded.parent.glob("*.vtt"))  # embedded, not left beside

    site.add_video("subs2", "More subtitles", subtitles={"en": vtt("One"), "fr": vtt("Un")})
    beside = Path(_run(one_at_a_time, qtbot, site.video_url("subs2"),
                       {"subtitles": ["fr"], "subtitles_mode": "beside",
                        "subtitles_srt": True}))
    [srt] = beside.parent.glob("More subtitles*.srt")
    assert srt.name.endswith(".fr.srt") and "Un" in srt.read_text(encoding="utf-8")


def test_chapters_are_embedded_and_split_when_asked(site, home, one_at_a_time, qtbot):
    site.add_video("chap", "With chapters", chapters=[(0, 1, "Opening"), (1, 3, "Main part")])
    made = Path(_run(one_at_a_time, qtbot, site.video_url("chap"),
                     {"embed_chapters": True, "split_chapters": True}))
    chapters = probe_json(made, "-show_chapters")["chapters"]
    assert [c["tags"]["title"] for c in chapters] == ["Opening", "Main part"]
    pieces = sorted(p.name for p in made.parent.iterdir() if " - 00" in p.name)
    assert len(pieces) == 2 and "Opening" in pieces[0] and "Main part" in pieces[1]


@pytest.fixture(scope="module")
def talk(tmp_path_factory) -> Path:
    """A 10-second video: SponsorBlock ignores segments within a second of either end, so
    the site's 3-second clips are too short to cut anything from."""
    made = tmp_path_factory.mktemp("talk") / "talk.mp4"
    subprocess.run([ffmpeg_path(), "-v", "error", "-f", "lavfi", "-i",
                    "testsrc=size=320x180:rate=25:duration=10", "-f", "lavfi", "-i",
                    "sine=frequency=440:sample_rate=44100:duration=10", "-c:v", "libx264",
                    "-g", "25", "-c:a", "aac", "-shortest", str(made)], check=True)
    return made


def test_sponsorblock_cuts_a_segment_out_or_marks_it(site, home, one_at_a_time, qtbot, talk):
    one_at_a_time.settings.set("sponsorblock_api", site.sponsorblock_api)
    site.add_video("sb1", "Sponsored talk", media="big", big_file=talk, duration=10)
    site.add_sponsor_segment("sb1", 3.0, 6.0, "sponsor")
    cut = Path(_run(one_at_a_time, qtbot, site.video_url("sb1"), {}, preset="podcast"))
    duration = float(probe_json(cut, "-show_format")["format"]["duration"])
    assert 6.5 <= duration <= 7.5  # 10 s less the 3 s sponsor segment
    assert site.sponsorblock_requests == 1

    site.add_video("sb2", "Marked talk", media="big", big_file=talk, duration=10)
    site.add_sponsor_segment("sb2", 3.0, 6.0, "sponsor")
    marked = Path(_run(one_at_a_time, qtbot, site.video_url("sb2"),
                       {"sponsorblock": {"sponsor": "mark"}}))
    titles = [c["tags"]["title"] for c in probe_json(marked, "-show_chapters")["chapters"]]
    assert any("Sponsor" in title for title in titles)
    assert float(probe_json(marked, "-show_format")["format"]["duration"]) > 9.5


def _run(manager, qtbot, url: str, overrides: dict, preset: str = "best") -> str:
    job_id = manager.enqueue("download", url, {"preset": preset, "overrides": overrides})
    wait_until_idle(qtbot, manager)
    assert job(job_id).status == "succeeded", job(job_id).error
    return job(job_id).output_path


def test_the_global_speed_limit_and_a_presets_own_the_lower_holds(home):
    from ytdesk.jobs.download import options_of

    settings = home.settings
    assert options_of({}, settings).limit_rate == 0
    settings.set("speed_limit_kbps", 500)
    assert options_of({}, settings).limit_rate == 500 * 1024
    assert options_of({"overrides": {"limit_rate": 100 * 1024}}, settings).limit_rate == \
        100 * 1024
    assert options_of({"overrides": {"limit_rate": 900 * 1024}}, settings).limit_rate == \
        500 * 1024


def test_a_failed_step_names_itself_keeps_the_file_and_retries_without_downloading(
        site, home, one_at_a_time, qtbot, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff" + b"\x00not a picture" * 100)
    site.set_thumbnail("v1", broken)
    job_id = one_at_a_time.enqueue("download", site.video_url("v1"), {"preset": "audio-mp3"})
    wait_until_idle(qtbot, one_at_a_time)
    assert job(job_id).status == "failed" and job(job_id).attempts == 1
    assert job(job_id).error.startswith(
        "The video was downloaded and kept, but embedding the cover failed:")
    assert job(job_id).error.endswith("Retry to run that step again without downloading.")
    kept = home.download_dir / "Test Channel" / "Test Video 1 [v1].mp3"
    assert kept.is_file()
    served = site.bytes_served("/media/v1")

    one_at_a_time.retry(job_id)  # the steps run again on the kept file
    wait_until_idle(qtbot, one_at_a_time)
    assert job(job_id).attempts == 2
    assert site.bytes_served("/media/v1") == served  # the video was not fetched again
    assert "Audio: mp3" in streams(kept)


def test_the_media_server_layout_makes_a_series_per_channel_with_nfo_files(site, home,
                                                                             one_at_a_time,
                                                                             qtbot):
    import xml.etree.ElementTree as ET

    made = Path(_run(one_at_a_time, qtbot, site.video_url("v1"), {"layout": "media-server"}))
    show = home.download_dir / "Test Channel"
    assert made == show / "Season 2026" / "Test Channel - s2026e0101 - Test Video 1 [v1].mp4"
    episode = ET.parse(made.with_suffix(".nfo")).getroot()
    assert episode.tag == "episodedetails"
    assert episode.findtext("title") == "Test Video 1"
    assert episode.findtext("aired") == "2026-01-01" and episode.findtext("season") == "2026"
    assert episode.findtext("plot") == "Description of v1."
    assert episode.findtext("studio") == "Test Channel"
    assert made.with_name(made.stem + "-thumb.jpg").is_file()
    assert ET.parse(show / "tvshow.nfo").getroot().findtext("title") == "Test Channel"
    assert (show / "poster.jpg").is_file()
