"""The frozen bundle, run as a user runs it (`make dist-test`; marker `packaging`, not in the
default run): `ytdesk-cli --version`; the window started offscreen, creating its library; a
download of a plain file and of a DASH stream (video + audio merged by the bundled ffmpeg),
which needs the frozen yt-dlp, ffmpeg and migrations; `doctor --json`; a yt-dlp update from a
local fake index used frozen, then rolled back; the fake site's extractor loaded from the data
dir's plugins/ folder; portable mode writing nothing outside its folder; and frozen start to
window against the same from the build venv (printed).

Uses dist/ytdesk when it is newer than every source file, else builds it first
(build_spec/build.py --keep-venv)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.packaging, pytest.mark.timeout(1800)]

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "ytdesk"
BUILD_VENV = ROOT / "build" / "venv"
SOURCES = ("ytdesk", "migrations", "resources", "build_spec", "pyproject.toml")
HOME_VARIABLES = ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
                  "XDG_STATE_HOME", "XDG_RUNTIME_DIR")
READY_LINE = "window shown; starting the queue"
OFFLINE_PROXY = "http://127.0.0.1:9"  # the discard port: nothing listens there
WAIT_S = 120.0  # a failure bound only: a frozen start on a busy 2-core machine takes ~1-3 s


def newest_source() -> float:
    newest = 0.0
    for name in SOURCES:
        top = ROOT / name
        for path in [top, *top.rglob("*")] if top.is_dir() else [top]:
            if path.is_file() and "__pycache__" not in path.parts:
                newest = max(newest, path.stat().st_mtime)
    return newest


@pytest.fixture(scope="session")
def bundle() -> Path:
    cli = BUNDLE / "ytdesk-cli"
    if not cli.is_file() or cli.stat().st_mtime < newest_source():
        subprocess.run([sys.executable, str(ROOT / "build_spec" / "build.py"), "--keep-venv"],
                       check=True, cwd=ROOT)
    return BUNDLE


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.fixture
def homes(tmp_path) -> dict[str, Path]:
    made = {}
    for name in HOME_VARIABLES:
        made[name] = tmp_path / "homes" / name.lower()
        made[name].mkdir(parents=True, mode=0o700)
    return made


def clean_env(homes: dict[str, Path]) -> dict[str, str]:
    """What a user's session gives the app: empty per-user folders, no Python of ours."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTHON", "YTDESK_", "VIRTUAL_ENV"))}
    env.update({name: str(folder) for name, folder in homes.items()})
    env.update(QT_QPA_PLATFORM="offscreen", NO_PROXY="127.0.0.1,localhost",
               no_proxy="127.0.0.1,localhost")
    # Offline: anything but the local fake site and index goes to a closed port (the
    # window's daily yt-dlp check would otherwise ask the real package index; it fails at
    # once and says so in the log, as it does on a machine without network).
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY",
                 "all_proxy"):
        env[name] = OFFLINE_PROXY
    return env


def run(command: list[str | Path], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], env=env, capture_output=True, text=True,
                          timeout=WAIT_S, check=False)


def start_window(command: list[str | Path], data_dir: Path, env: dict[str, str]
                 ) -> tuple[subprocess.Popen, float]:
    """Start a ytdesk window; return it and the seconds until its log says it is shown."""
    log = data_dir / "logs" / "ytdesk.log"
    started = time.perf_counter()
    process = subprocess.Popen([str(c) for c in command], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    while time.perf_counter() - started < WAIT_S:
        if log.is_file() and READY_LINE in log.read_text(errors="replace"):
            return process, time.perf_counter() - started
        if process.poll() is not None:
            break
        time.sleep(0.005)
    process.kill()
    output = process.communicate()[0]
    pytest.fail(f"the window never said it was shown; exit {process.returncode}:\n{output}")


def stop_window(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)  # quits the way closing the window does
    output = process.communicate(timeout=WAIT_S)[0]
    assert process.returncode == 0, output
    return output


def test_cli_version_names_every_part(bundle, homes):
    done = run([bundle / "ytdesk-cli", "--version"], clean_env(homes))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ytdesk "), done.stdout
    named = [line.split(" ")[0] for line in done.stdout.splitlines()]
    assert named == ["ytdesk", "yt-dlp", "yt-dlp-ejs", "ffmpeg", "ffprobe", "deno", "Qt"], named
    assert "not found" not in done.stdout, done.stdout
    print(done.stdout)


def test_the_bundle_carries_the_tools_the_scripts_and_the_migrations(bundle, homes):
    internal = bundle / "_internal"
    env = clean_env(homes)
    ffmpeg = run([internal / "ffbin" / "ffmpeg-linux-x64", "-version"], env)
    assert ffmpeg.returncode == 0 and ffmpeg.stdout.startswith("ffmpeg version"), ffmpeg.stderr
    ffprobe = run([internal / "ffbin" / "ffprobe-linux-x64", "-version"], env)
    assert ffprobe.returncode == 0 and ffprobe.stdout.startswith("ffprobe version")
    deno = run([internal / "bin" / "deno", "--version"], env)
    assert deno.returncode == 0 and deno.stdout.startswith("deno "), deno.stderr
    # deno alone does not solve YouTube's challenges: yt-dlp-ejs's scripts must be there.
    solver = sorted(p.name for p in (internal / "yt_dlp_ejs" / "yt" / "solver").glob("*.js"))
    assert solver and "core.min.js" in solver, solver
    shipped = sorted(p.name for p in (internal / "migrations").glob("*.py"))
    source = sorted(p.name for p in (ROOT / "migrations").glob("[0-9]*.py"))
    assert shipped == source


def test_the_desktop_entry_installer_points_the_menu_at_the_bundle(bundle, homes):
    env = clean_env(homes)
    env.pop("XDG_DATA_HOME")  # as on most desktops: ~/.local/share
    done = run(["sh", bundle / "install-desktop-entry.sh"], env)
    assert done.returncode == 0, done.stderr
    share = homes["HOME"] / ".local" / "share"
    entry = (share / "applications" / "ytdesk.desktop").read_text()
    [exec_line] = [line for line in entry.splitlines() if line.startswith("Exec=")]
    assert exec_line.startswith(f'Exec="{bundle}/ytdesk"'), exec_line
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "ytdesk.svg").is_file()
    if shutil.which("desktop-file-validate"):
        checked = run(["desktop-file-validate", share / "applications" / "ytdesk.desktop"], env)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_window_starts_offscreen_and_creates_its_library(bundle, homes, tmp_path):
    data_dir = tmp_path / "data"
    process, _ = start_window([bundle / "ytdesk", "--data-dir", data_dir], data_dir,
                              clean_env(homes))
    time.sleep(2)  # a few seconds of running: queue, tray and warm-up start after the line
    assert process.poll() is None, "the frozen window quit by itself"
    output = stop_window(process)
    assert (data_dir / "library.db").is_file()
    log = (data_dir / "logs" / "ytdesk.log").read_text()
    assert "ytdesk stopped" in log, log
    assert "Traceback" not in output and "Traceback" not in log, output + log
    # Icons are read from the bundle's resources/ (a missing one is logged as a warning),
    # the migrations from its migrations/ (the DB above); Qt's own warnings go to stderr.
    assert " WARNING " not in log and "cannot load the icon" not in log, log
    assert "qt." not in output.lower(), output


def ffprobe_streams(bundle: Path, media: Path) -> list[str]:
    done = subprocess.run([str(bundle / "_internal" / "ffbin" / "ffprobe-linux-x64"), "-v",
                           "error", "-show_entries", "stream=codec_type", "-of", "json",
                           str(media)], capture_output=True, text=True, check=True)
    return sorted(s["codec_type"] for s in json.loads(done.stdout)["streams"])


def test_a_frozen_download_merges_a_dash_stream_with_the_bundled_ffmpeg(bundle, homes, site,
                                                                         tmp_path):
    env = clean_env(homes)
    places = ["--data-dir", tmp_path / "data", "--download-dir", tmp_path / "videos"]
    cli = bundle / "ytdesk-cli"
    added = run([cli, *places, "add", site.file_url("clip.mp4"), site.stream_url("dash")], env)
    assert added.returncode == 0, added.stderr
    done = run([cli, *places, "run", "--until-idle"], env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("succeeded") == 2, done.stdout

    videos = sorted(p for p in (tmp_path / "videos").rglob("*") if p.is_file())
    assert len(videos) == 2, videos
    for video in videos:  # each whole: a picture and a sound (the DASH one merged)
        assert ffprobe_streams(bundle, video) == ["audio", "video"], video
    listed = run([cli, *places, "videos", "--json"], env)
    assert len(json.loads(listed.stdout)) == 2


def test_frozen_doctor_says_every_component_works(bundle, homes, tmp_path):
    done = run([bundle / "ytdesk-cli", "--data-dir", tmp_path / "data", "doctor", "--json"],
               clean_env(homes))
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    found = {c["name"]: c for c in report["components"]}
    assert report["ok"], found
    assert {"ffmpeg", "ffprobe", "deno", "yt-dlp", "JS challenge solver"} <= set(found)
    assert "yt-dlp-ejs" in found["JS challenge solver"]["version"]


def test_frozen_yt_dlp_update_is_used_then_rolled_back(bundle, homes, tmp_path):
    """The updated copy must win over the one frozen into the executable (PyInstaller's
    importer follows sys.path order), and its self-check runs through ytdesk-cli."""
    from fakeindex import FakeIndex, yt_dlp_wheel

    env, data = clean_env(homes), tmp_path / "data"
    cli = [bundle / "ytdesk-cli", "--data-dir", data]
    (tmp_path / "wheels").mkdir()
    with FakeIndex() as index:
        index.add(yt_dlp_wheel(tmp_path / "wheels", "2099.1.1"))
        done = run([*cli, "tools", "update", "yt-dlp", "--index", index.url], env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "yt-dlp 2099.1.1 passed its self-check" in done.stdout
    updated = run([*cli, "--version"], env).stdout
    assert "yt-dlp 2099.1.1 (updated copy in" in updated, updated
    assert run([*cli, "tools", "rollback", "yt-dlp"], env).returncode == 0
    assert "(bundled)" in run([*cli, "--version"], env).stdout


def test_a_plugin_in_the_data_dirs_plugins_folder_is_loaded_frozen(bundle, homes, site,
                                                                     tmp_path):
    """PYTHONPATH means nothing to a frozen app: the fake site's extractor goes where a
    user puts a PO-token provider, the data dir's plugins/ folder."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "tests" / "plugins", data / "plugins" / "fakesite",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = clean_env(homes)
    places = ["--data-dir", data, "--download-dir", tmp_path / "videos"]
    assert run([bundle / "ytdesk-cli", *places, "add", site.video_url("v1")],
               env).returncode == 0
    done = run([bundle / "ytdesk-cli", *places, "run", "--until-idle"], env)
    assert done.returncode == 0, done.stdout + done.stderr
    listed = json.loads(run([bundle / "ytdesk-cli", *places, "videos", "--json"], env).stdout)
    assert [(v["extractor"], v["video_id"], v["title"]) for v in listed] == [
        ("fakesite", "v1", "Test Video 1")], listed


def test_portable_mode_writes_nothing_outside_its_folder(bundle, homes, site, tmp_path):
    folder = tmp_path / "ytdesk-portable"
    shutil.copytree(bundle, folder, symlinks=True, copy_function=os.link)  # hard links: quick
    before = set(files_under(folder))
    (folder / "portable").touch()
    env = clean_env(homes)

    assert run([folder / "ytdesk-cli", "add", site.file_url("clip.mp4")], env).returncode == 0
    done = run([folder / "ytdesk-cli", "run", "--until-idle"], env)
    assert done.returncode == 0, done.stdout + done.stderr
    process, _ = start_window([folder / "ytdesk"], folder / "data", env)
    stop_window(process)

    created = sorted(set(files_under(folder)) - before)
    print("portable run created:", *created, sep="\n  ")
    assert "data/library.db" in created
    assert any(name.startswith("downloads/") and name.endswith(".mp4") for name in created)
    assert {name: files_under(home) for name, home in homes.items()} == {
        name: [] for name in HOME_VARIABLES}


def test_frozen_start_to_window_against_the_venv(bundle, homes, tmp_path):
    """Not a bound: the figures are printed for the README (median of 5, same run)."""
    env = clean_env(homes)
    venv_gui = BUILD_VENV / "bin" / "ytdesk"
    from_venv = [venv_gui] if venv_gui.is_file() else [sys.executable, "-m", "ytdesk.app"]
    times: dict[str, list[float]] = {"frozen": [], "venv": []}
    for round_ in range(5):
        for name, command in (("frozen", [bundle / "ytdesk"]), ("venv", from_venv)):
            data_dir = tmp_path / f"{name}-{round_}"
            process, seconds = start_window([*command, "--data-dir", data_dir], data_dir, env)
            stop_window(process)
            times[name].append(seconds)
    frozen, venv = statistics.median(times["frozen"]), statistics.median(times["venv"])
    print(f"\nstart to window (offscreen, median of 5): frozen {frozen:.2f} s, "
          f"venv {venv:.2f} s, ratio {frozen / venv:.2f}")
    assert frozen > 0 and venv > 0
