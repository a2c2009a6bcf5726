"""Progress tells the truth for every download shape: separate video and audio streams over
plain HTTP, DASH and HLS (each cut into fragments), then ffmpeg merging them. The bar only
moves forward, ends full, and names the post-processing phase."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from fakesite.media import ffmpeg_exe
from support import job, wait_until_idle

from ytdesk.core.preset_options import PresetOptions
from ytdesk.ytdl.engine import Engine
from ytdesk.ytdl.progress import Progress

SHAPES = {
    "dash": lambda site: site.stream_url("dash"),
    "hls": lambda site: site.stream_url("hls"),
    "split-http": lambda site: site.video_url("v2"),
}


def streams_of(path: Path) -> list[str]:
    """The stream kinds ffmpeg reads in a file (there is no ffprobe: `ffmpeg -i` says)."""
    run = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                         capture_output=True, text=True, check=False)
    return re.findall(r"Stream #\d+:\d+\S*: (Video|Audio):", run.stderr)


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def never_decreases(values: list[float]) -> bool:
    return all(a <= b for a, b in zip(values, values[1:], strict=False))


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_ends_as_one_file_with_a_bar_that_only_grows(shape, site, home):
    reports: list[Progress] = []
    with Engine(download_dir=home.download_dir, preset=PresetOptions(),
                log=lambda level, text: None, progress=reports.append) as engine:
        done = engine.download(engine.probe(SHAPES[shape](site)))

    [saved] = files_in(home.download_dir)
    assert Path(done.filepath) == saved
    assert sorted(streams_of(saved)) == ["Audio", "Video"]
    fractions = [r.fraction for r in reports if r.fraction is not None]
    assert never_decreases(fractions), fractions
    assert fractions[-1] == 1.0 and reports[-1].phase == "finished"
    assert reports[-1].downloaded == saved.stat().st_size
    # Both streams count: the bar passes through the middle, not from 0 to 100 at the end.
    assert any(0.2 <= f <= 0.9 for f in fractions), fractions
    assert fractions.count(1.0) <= 3  # full only once downloading is over
    phases = [r.phase for r in reports]
    assert phases.index("merging") > phases.index("downloading")
    assert phases[phases.index("merging"):] == ["merging"] * phases.count("merging") + ["finished"]


@pytest.mark.parametrize("shape", ["dash", "hls"])
def test_a_streamed_download_job_reads_100_percent(shape, site, home, manager, qtbot):
    reported: list[float] = []
    manager.jobProgress.connect(lambda job_id, fraction, *rest: reported.append(fraction))

    job_id = manager.enqueue("download", SHAPES[shape](site))
    wait_until_idle(qtbot, manager)

    assert job(job_id).status == "succeeded", job(job_id).error
    assert job(job_id).progress == 1.0
    [saved] = files_in(home.download_dir)
    assert sorted(streams_of(saved)) == ["Audio", "Video"]
    assert job(job_id).output_path == str(saved)
    assert reported and reported[-1] == 1.0 and never_decreases(reported)
