"""`ytdesk-cli doctor`: each part ytdesk needs, run for real, ok or not with a sentence that
says how to fix it; `ytdesk-cli --version`: every part's version."""

from __future__ import annotations

import json
import subprocess
import sys

import deno
import yt_dlp.version
from support import subprocess_env

from ytdesk.cli import main
from ytdesk.ytdl import ffmpeg


def doctor(capsys, tmp_path) -> tuple[int, dict]:
    code = main(["--data-dir", str(tmp_path / "data"), "doctor", "--json"])
    report = json.loads(capsys.readouterr().out)
    return code, {part.pop("name"): part for part in report["components"]} | {
        "all ok": report["ok"]}


def test_everything_bundled_works_here(capsys, tmp_path):
    code, parts = doctor(capsys, tmp_path)
    assert code == 0 and parts["all ok"] is True
    assert parts["yt-dlp"] == {"ok": True, "problem": "",
                               "version": f"{yt_dlp.version.__version__} (bundled)"}
    assert parts["JS challenge solver"]["ok"]
    assert parts["JS challenge solver"]["version"].startswith("yt-dlp-ejs 0.8.0 (bundled), deno ")
    assert parts["ffmpeg"]["ok"] and parts["ffprobe"]["ok"] and parts["deno"]["ok"]
    assert parts["data folder"]["ok"] and parts["library"]["ok"]


def test_a_missing_ffmpeg_fails_clearly(capsys, tmp_path, monkeypatch):
    empty = tmp_path / "no-binaries"
    empty.mkdir()
    monkeypatch.setattr(ffmpeg, "_folder", lambda: empty)

    code, parts = doctor(capsys, tmp_path)

    assert code == 1 and parts["all ok"] is False
    assert parts["ffmpeg"] == {"ok": False, "version": "", "problem": (
        f"ffmpeg was not found (looked in {empty}); reinstall ytdesk (or the package that "
        "provides it) to get it back.")}
    assert parts["ffprobe"]["ok"] is False
    assert parts["deno"]["ok"] and parts["yt-dlp"]["ok"]


def test_a_broken_ffmpeg_fails_clearly(capsys, tmp_path, monkeypatch):
    folder = tmp_path / "bin"
    folder.mkdir()
    real = ffmpeg.find("ffmpeg")
    impostor = folder / real.rsplit("/", 1)[-1]
    impostor.write_text("not a program\n")
    impostor.chmod(0o755)
    monkeypatch.setattr(ffmpeg, "_folder", lambda: folder)

    code, parts = doctor(capsys, tmp_path)

    assert code == 1
    assert parts["ffmpeg"]["problem"] == (
        f"ffmpeg at {impostor} does not run (asked its version, it gave none); reinstall ytdesk "
        "(or the package that provides it) to get it back.")


def test_a_missing_deno_fails_the_js_challenge_solver(capsys, tmp_path, monkeypatch):
    def no_deno():
        raise FileNotFoundError("deno binary not found")

    monkeypatch.setattr(deno, "find_deno_bin", no_deno)

    code, parts = doctor(capsys, tmp_path)

    assert code == 1
    assert parts["deno"]["problem"] == ("deno was not found (the deno package gave no binary); "
                                        "reinstall ytdesk (or the package that provides it) to "
                                        "get it back.")
    assert parts["JS challenge solver"]["ok"] is False
    assert parts["JS challenge solver"]["problem"] == (
        "no working deno, so YouTube's challenges cannot be solved; reinstall ytdesk (or the "
        "package that provides it) to get it back.")
    assert parts["ffmpeg"]["ok"]


def test_a_data_folder_that_cannot_be_written_fails(capsys, tmp_path):
    data = tmp_path / "data"
    data.write_text("a file where the folder should be\n")  # refused even to root

    code, parts = doctor(capsys, tmp_path)

    assert code == 1
    assert parts["data folder"]["problem"] == (
        f"ytdesk cannot write in {data} (File exists); make it writable for your user, or "
        "start with --data-dir pointing at another folder.")


def test_doctor_in_words(tmp_path):
    done = subprocess.run([sys.executable, "-m", "ytdesk.cli", "--data-dir", str(tmp_path),
                           "doctor"], env=subprocess_env(), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[:2] for line in lines[:4]] == [
        ["ok", "ffmpeg"], ["ok", "ffprobe"], ["ok", "deno"], ["ok", "yt-dlp"]]


def test_version_names_every_part(tmp_path):
    done = subprocess.run([sys.executable, "-m", "ytdesk.cli", "--data-dir", str(tmp_path),
                           "--version"], env=subprocess_env(), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    names = [line.split()[0] for line in done.stdout.splitlines()]
    assert names == ["ytdesk", "yt-dlp", "yt-dlp-ejs", "ffmpeg", "ffprobe", "deno", "Qt"]
    assert f"yt-dlp {yt_dlp.version.__version__} (bundled)" in done.stdout
    assert "not found" not in done.stdout
    assert not (tmp_path / "tools").exists()  # asking writes nothing
