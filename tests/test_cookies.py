"""A cookies file given with `add --cookies` is used for its site (the local site refuses the
video without it), is kept user-only in the data dir, and its values appear in no log,
payload, export or output."""

from __future__ import annotations

import json
import stat
import subprocess
import sys

from support import subprocess_env

from ytdesk.cli import main
from ytdesk.core.models import Job

SECRET = "s3ss10n-ab12cd34"


def cookies_txt(path, host: str) -> None:
    path.write_text("# Netscape HTTP Cookie File\n"
                    f"{host}\tFALSE\t/\tFALSE\t2147483647\tSESSION\t{SECRET}\n")


def run(home, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ytdesk.cli", *home.cli_args(), *args],
                          env=subprocess_env(), capture_output=True, text=True, timeout=120)


def test_a_cookies_file_signs_the_download_in_and_stays_private(site, home, tmp_path):
    site.require_cookie("/watch/v1", "SESSION", SECRET)
    site.require_cookie("/api/video/v1", "SESSION", SECRET)
    given = tmp_path / "cookies.txt"
    cookies_txt(given, "127.0.0.1")

    refused = run(home, "add", site.video_url("v1"))
    assert refused.returncode == 0
    unsigned = run(home, "run", "--until-idle")
    assert "failed" in unsigned.stdout and "403" in unsigned.stdout  # the gate is real

    mine = tmp_path / "with-info.json"  # a preset that writes the info JSON beside the file
    mine.write_text(json.dumps({"format": "ytdesk-presets", "version": 1, "presets": [
        {"name": "info", "title": "With info", "options": {"write_info_json": True}}]}))
    assert run(home, "presets", "import", str(mine)).returncode == 0
    added = run(home, "add", site.video_url("v1"), "--cookies", str(given), "--preset", "info")
    assert added.returncode == 0, added.stderr
    done = run(home, "run", "--until-idle")
    assert "succeeded" in done.stdout.splitlines()[-1], done.stdout + done.stderr

    [kept] = list(home.paths.cookies.iterdir())
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(home.paths.cookies.stat().st_mode) == 0o700
    payload = json.loads(Job.select().order_by(Job.id.desc()).get().payload)
    assert payload["cookies"] == kept.stem and str(given) not in json.dumps(payload)
    everything = [added.stdout, added.stderr, done.stdout, done.stderr]
    [info_json] = home.download_dir.rglob("*.info.json")  # asked for below
    everything.append(info_json.read_text(encoding="utf-8"))
    for path in home.paths.data_dir.rglob("*"):
        if path.is_file() and path.parent != home.paths.cookies:
            everything.append(path.read_bytes().decode("utf-8", "replace"))
    assert not [text for text in everything if SECRET in text]


def test_a_file_that_is_not_cookies_queues_nothing(home, tmp_path, capsys):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("remember the milk\n")
    assert main([*home.cli_args(), "add", "https://a.example/v", "--cookies", str(bogus)]) == 2
    assert "is not a cookies.txt file" in capsys.readouterr().err
    assert main([*home.cli_args(), "add", "https://a.example/v", "--cookies",
                 str(tmp_path / "missing.txt")]) == 2
    assert "Cannot read the cookies file" in capsys.readouterr().err
    assert Job.select().count() == 0


def test_a_preset_can_carry_a_kept_cookies_file(site, home, one_at_a_time, qtbot, tmp_path):
    from support import job, wait_until_idle

    from ytdesk.core import cookies, presets
    from ytdesk.core.preset_options import options_from_json

    site.require_cookie("/api/video/v2", "SESSION", SECRET)
    given = tmp_path / "cookies.txt"
    cookies_txt(given, "127.0.0.1")
    kept = cookies.keep(home.paths.cookies, given)
    signed_in = presets.create("Signed in", options_from_json({"cookies_file": kept}))
    job_id = one_at_a_time.enqueue("download", site.video_url("v2"),
                                   {"preset": signed_in.name})
    wait_until_idle(qtbot, one_at_a_time)
    assert job(job_id).status == "succeeded", job(job_id).error
    assert SECRET not in json.dumps(presets.export([signed_in.name]))  # only its name
