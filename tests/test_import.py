"""Videos downloaded before (by plain yt-dlp, with its info JSON files) are taken into the
library by an `import` job, and are then never downloaded again; a file without its info JSON
is left out and named."""

from __future__ import annotations

import json
import subprocess
import sys

from support import subprocess_env

from ytdesk.core.models import Video


def cli(home, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ytdesk.cli", *home.cli_args(), *args],
                          env=subprocess_env(), capture_output=True, text=True, timeout=120)


def test_a_folder_from_yt_dlp_is_imported_and_not_downloaded_again(site, home, tmp_path):
    folder = tmp_path / "old downloads"
    subprocess.run([sys.executable, "-m", "yt_dlp", "-q", "--no-progress", "--write-info-json",
                    "-P", str(folder), "-o", "%(title)s [%(id)s].%(ext)s",
                    site.video_url("v1"), site.video_url("v3")],
                   env=subprocess_env(), check=True, capture_output=True)
    stray = folder / "Holiday [xyz123].mp4"  # no info JSON: which site? unknown
    stray.write_bytes(b"not really a video")

    queued = cli(home, "import", str(folder))
    assert queued.returncode == 0, queued.stderr
    done = cli(home, "run", "--until-idle")
    assert done.returncode == 0, done.stderr
    result = done.stdout.splitlines()[-1]
    assert "2 videos added to your library" in result and "1 file left out" in result

    rows = {v.video_id: v.filepath for v in Video.select()}
    assert rows == {"v1": str(folder / "Test Video 1 [v1].mp4"),
                    "v3": str(folder / "Test Video 3 [v3].mp4")}
    log = cli(home, "log", "1").stdout
    assert "Holiday [xyz123].mp4: left out, no .info.json beside it" in log

    served = site.bytes_served("/media/v1")
    assert cli(home, "add", site.video_url("v1")).returncode == 0
    again = cli(home, "run", "--until-idle")
    assert f"Already in your library: {folder / 'Test Video 1 [v1].mp4'}" in again.stdout
    assert site.bytes_served("/media/v1") == served  # not fetched again
    assert json.loads(cli(home, "videos", "--json").stdout)[0]["video_id"] in ("v1", "v3")


def test_a_path_that_is_not_a_folder_queues_nothing(home, tmp_path):
    refused = cli(home, "import", str(tmp_path / "nowhere"))
    assert refused.returncode == 2 and "is not a folder; nothing was queued" in refused.stderr
