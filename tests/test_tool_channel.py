"""The tool channel: yt-dlp updated from a (local, fake) package index without an app release,
checked by its sha256 and a self-check before use, rolled back on request, the bundled copy
as the last fallback. Each command runs as a user runs it: ytdesk-cli in its own process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yt_dlp.version
from fakeindex import (FakeIndex, broken_yt_dlp_wheel, copy_wheel, ejs_wheel, files_under,
                       yt_dlp_wheel)
from support import subprocess_env

from ytdesk.core.tool_store import Pointer, ToolStore
from ytdesk.ytdl.tool_update import ToolChannel, latest_release, newer

NEW = "2099.1.1"
BUNDLED = yt_dlp.version.__version__


def ytdesk_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ytdesk.cli", "--data-dir", str(data_dir),
                           *args], env=subprocess_env(), capture_output=True, text=True,
                          timeout=300)


def yt_dlp_line(data_dir: Path) -> str:
    done = ytdesk_cli(data_dir, "--version")
    assert done.returncode == 0, done.stderr
    return next(line for line in done.stdout.splitlines() if line.startswith("yt-dlp "))


@pytest.fixture(scope="module")
def new_wheel(tmp_path_factory) -> object:
    return yt_dlp_wheel(tmp_path_factory.mktemp("wheels"), NEW)


@pytest.fixture
def index():
    with FakeIndex() as served:
        yield served


def test_update_then_rollback(tmp_path, index, new_wheel):
    data = tmp_path / "data"
    index.add(new_wheel)
    assert yt_dlp_line(data) == f"yt-dlp {BUNDLED} (bundled)"

    done = ytdesk_cli(data, "tools", "update", "yt-dlp", "--index", index.url)
    assert done.returncode == 0, done.stderr
    assert f"yt-dlp {NEW} passed its self-check" in done.stdout
    copy = data / "tools" / "yt-dlp" / NEW
    assert (copy / "yt_dlp" / "version.py").read_text().count(NEW) == 1
    assert json.loads((data / "tools" / "yt-dlp" / "current").read_text()) == {
        "current": NEW, "previous": None, "skipped": None}
    assert yt_dlp_line(data) == f"yt-dlp {NEW} (updated copy in {copy})"

    done = ytdesk_cli(data, "tools", "rollback", "yt-dlp")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (f"yt-dlp goes back from {NEW} to the version bundled with "
                                   "ytdesk (from the next start).")
    assert yt_dlp_line(data) == f"yt-dlp {BUNDLED} (bundled)"
    assert copy.is_dir()  # kept: an update to it again needs no download
    # The daily check leaves the version rolled back from alone...
    assert ToolChannel(data, index.url).update("yt-dlp", BUNDLED, automatic=True).version is None
    # ...and asked by hand, it comes back without a download.
    downloads = index.requests[f"/files/{new_wheel.path.name}"]
    done = ytdesk_cli(data, "tools", "update", "yt-dlp", "--index", index.url)
    assert done.returncode == 0 and yt_dlp_line(data).startswith(f"yt-dlp {NEW} ")
    assert index.requests[f"/files/{new_wheel.path.name}"] == downloads


def test_yt_dlp_ejs_is_updated_on_its_own_and_checked_with_the_yt_dlp_in_use(tmp_path, index):
    data = tmp_path / "data"
    index.add(ejs_wheel(tmp_path, "0.9.0"))

    done = ytdesk_cli(data, "tools", "update", "yt-dlp-ejs", "--index", index.url)

    assert done.returncode == 0, done.stderr
    copy = data / "tools" / "yt-dlp-ejs" / "0.9.0"
    assert done.stdout.splitlines()[-1].startswith("yt-dlp-ejs 0.9.0 passed its self-check")
    version = ytdesk_cli(data, "--version").stdout
    assert f"yt-dlp-ejs 0.9.0 (updated copy in {copy})" in version
    doctor = json.loads(ytdesk_cli(data, "doctor", "--json").stdout)
    solver = next(c for c in doctor["components"] if c["name"] == "JS challenge solver")
    assert solver["ok"] and solver["version"].startswith(
        f"yt-dlp-ejs 0.9.0 (updated copy in {copy}), deno ")


def test_a_wheel_whose_sha256_does_not_match_is_refused_and_nothing_changes(
        tmp_path, index, new_wheel):
    data = tmp_path / "data"
    tampered = copy_wheel(new_wheel, tmp_path)
    tampered.sha256 = "0" * 64  # what the index says the file is; the file is not that
    index.add(tampered)
    ytdesk_cli(data, "tools", "status")  # a library and its data dir, as a user has them
    before = files_under(data)

    done = ytdesk_cli(data, "tools", "update", "--index", index.url)

    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"ytdesk-cli: {tampered.path.name} does not match the sha256 the package index "
        "publishes for it (it may have been damaged or tampered with on the way); it was not "
        "used and nothing changed. Try again later.")
    assert index.requests[f"/files/{tampered.path.name}"] == 1  # it was downloaded, then refused
    assert files_under(data) == before
    assert "tools/yt-dlp" not in " ".join(before)
    assert yt_dlp_line(data) == f"yt-dlp {BUNDLED} (bundled)"


def test_a_version_that_fails_its_self_check_is_not_switched_to(tmp_path, index, new_wheel):
    data = tmp_path / "data"
    index.add(new_wheel)
    assert ytdesk_cli(data, "tools", "update", "yt-dlp", "--index", index.url).returncode == 0
    before = files_under(data / "tools")
    index.add(broken_yt_dlp_wheel(tmp_path, "2100.1.1"))

    done = ytdesk_cli(data, "tools", "update", "yt-dlp", "--index", index.url)

    assert done.returncode == 1
    assert done.stderr.strip() == ("ytdesk-cli: yt-dlp 2100.1.1 failed its self-check (it has "
                                   "only 0 extractors); ytdesk keeps the version it has.")
    assert files_under(data / "tools") == before  # no copy of 2100.1.1, the pointer as it was
    assert yt_dlp_line(data).startswith(f"yt-dlp {NEW} (updated copy")


def test_a_copy_that_fails_to_import_at_start_falls_back_to_the_bundled_one(tmp_path):
    data = tmp_path / "data"
    store = ToolStore(data)
    copy = store.copy("yt-dlp", NEW)
    (copy / "yt_dlp").mkdir(parents=True)
    (copy / "yt_dlp" / "__init__.py").write_text("raise ImportError('damaged on disk')\n")
    (copy / "self-checked").write_text("once\n")
    store.set_pointer("yt-dlp", Pointer(current=NEW))

    done = ytdesk_cli(data, "--version")

    assert done.returncode == 0
    assert f"yt-dlp {BUNDLED} (bundled; the updated copy could not be loaded)" in done.stdout
    assert done.stderr.strip() == (
        "ytdesk-cli: The updated yt-dlp could not be loaded (ImportError: damaged on disk); "
        "ytdesk uses the version bundled with it. Run `ytdesk-cli tools update` to fetch a "
        "fresh copy.")


def test_the_daily_check_runs_once_a_day(tmp_path, index):
    data = tmp_path / "data"
    index.add(broken_yt_dlp_wheel(tmp_path, BUNDLED))  # the version in use: nothing to fetch
    channel = ToolChannel(data, index.url)
    bundled = {"yt-dlp": BUNDLED, "yt-dlp-ejs": "0.8.0"}

    first = channel.check_if_due(bundled)
    second = ToolChannel(data, index.url).check_if_due(bundled)

    assert first is not None and first[0].sentence == f"yt-dlp {BUNDLED} is up to date."
    assert second is None
    assert index.requests["/pypi/yt-dlp/json"] == 1
    tomorrow = float((data / "tools" / "last-check").read_text()) + 24 * 3600
    assert channel.due(now=tomorrow) and not channel.due(now=tomorrow - 60)


def test_the_channel_picks_stable_or_pre_releases(tmp_path, index):
    for version in ("2026.1.1", "2026.2.1.123456.dev0", "2025.12.31"):
        index.add(broken_yt_dlp_wheel(tmp_path, version))
    assert latest_release(index.url, "yt-dlp", "stable").version == "2026.1.1"
    assert latest_release(index.url, "yt-dlp", "pre-release").version == "2026.2.1.123456.dev0"
    assert newer("2026.10.26.1", "2026.10.26") and not newer("2026.1.1", "2026.01.01")
    assert newer("2026.1.1", "2026.1.1.dev0")


def test_an_index_that_cannot_be_reached_is_said_in_a_sentence(tmp_path):
    done = ytdesk_cli(tmp_path / "data", "tools", "check", "--index", "http://127.0.0.1:9/pypi")
    assert done.returncode == 1
    assert done.stderr.startswith("ytdesk-cli: The package index at http://127.0.0.1:9/pypi/"
                                  "yt-dlp/json could not be reached (")
    assert done.stderr.strip().endswith("check the connection and try again.")


PROBE = '''
from yt_dlp.extractor.common import InfoExtractor


class YtdeskProbeIE(InfoExtractor):
    _VALID_URL = r"https?://probe\\.invalid/(?P<id>\\w+)"

    def _real_extract(self, url):
        return {"id": self._match_id(url), "title": "found by a plugin in the data dir",
                "url": "https://probe.invalid/clip.mp4"}
'''


def test_the_data_dirs_plugins_folder_is_on_yt_dlps_plugin_path(tmp_path):
    """A PO-token provider or any other yt-dlp plugin dropped into <data dir>/plugins/ is
    loaded by the yt-dlp ytdesk runs (a folder per plugin, holding yt_dlp_plugins/)."""
    data = tmp_path / "data"
    extractor = data / "plugins" / "probe" / "yt_dlp_plugins" / "extractor"
    extractor.mkdir(parents=True)
    (extractor / "ytdesk_probe.py").write_text(PROBE, encoding="utf-8")
    script = ("import sys\nfrom pathlib import Path\nfrom ytdesk.core import tool_store\n"
              "tool_store.activate(Path(sys.argv[1]))\n"
              "from ytdesk.ytdl.archive import LibraryYoutubeDL\n"
              "with LibraryYoutubeDL({'quiet': True}) as ydl:\n"
              "    info = ydl.extract_info('https://probe.invalid/abc', download=False,"
              " process=False)\n"
              "print(info['extractor'], info['title'])\n")
    done = subprocess.run([sys.executable, "-c", script, str(data)], env=subprocess_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "YtdeskProbe found by a plugin in the data dir"


def test_frozen_the_self_check_runs_through_ytdesk_cli(tmp_path, monkeypatch):
    """In the bundle there is no python to run `-m`: ytdesk-cli beside the running program
    checks the copy (the same code, `tools self-check`)."""
    from ytdesk.ytdl.tool_update import self_check_command

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "ytdesk"))
    assert self_check_command([tmp_path / "copy"]) == [
        str(tmp_path / "ytdesk-cli"), "tools", "self-check", str(tmp_path / "copy")]
