"""Nobody else gets in: a login in an address stays out of the library, the logs and the
terminal (kept in a user-only file and used for its site), and the data dir is the user's
alone (issue 7)."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from support import subprocess_env, wait_until_idle

from ytdesk.core import db as database
from ytdesk.core.credentials import Login, Logins, redact, split_login
from ytdesk.core.models import Job
from ytdesk.core.paths import Paths

PASSWORD = "s3cretPW"
TOKEN = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()  # as the header carries it
POSIX = os.name == "posix"


def with_login(url: str, user: str = "alice", password: str = PASSWORD) -> str:
    return url.replace("http://", f"http://{user}:{password}@", 1)


def cli(home, *args: str) -> subprocess.CompletedProcess:
    """ytdesk-cli as a user runs it: its own process, its real stdout and stderr."""
    return subprocess.run([sys.executable, "-m", "ytdesk.cli", *home.cli_args(), *args],
                          env=subprocess_env(), capture_output=True, text=True, timeout=180)


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def holding(folder: Path, *secrets: str) -> list[str]:
    """The files under `folder` whose bytes contain any of the secrets."""
    return sorted(str(p.relative_to(folder)) for p in files_under(folder)
                  if any(s.encode() in p.read_bytes() for s in secrets))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- logins in addresses -----------------------------------------------------------------------
def test_a_login_in_an_address_downloads_and_is_kept_only_in_the_user_only_file(site, home):
    site.require_login("/files/", "alice", PASSWORD)
    plain = site.file_url("clip.mp4")
    said: list[str] = []

    added = cli(home, "-v", "add", with_login(plain))
    said.append(added.stdout + added.stderr)
    assert added.returncode == 0, added.stderr
    assert added.stdout.split() == ["1", plain]  # the address as stored: no login

    ran = cli(home, "-v", "run", "--until-idle")
    said.append(ran.stdout + ran.stderr)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "job 1 succeeded" in ran.stdout

    for command in (["jobs", "--json"], ["jobs"], ["videos", "--json"], ["log", "1"]):
        shown = cli(home, *command)
        assert shown.returncode == 0, shown.stderr
        said.append(shown.stdout + shown.stderr)
    [job] = json.loads(cli(home, "jobs", "--json").stdout)
    assert job["url"] == plain and job["status"] == "succeeded"

    # The site needed the login, and got it on every request: it really was used.
    assert site.requests("/files/") and all(r[3] in (200, 206) for r in site.requests("/files/"))
    [saved] = [p for p in files_under(home.download_dir) if p.suffix == ".mp4"]
    assert saved.read_bytes() == site.media["muxed"].read_bytes()

    # Nowhere but the credentials file: not the library (-wal included), logs, backups...
    assert holding(home.paths.data_dir, PASSWORD, TOKEN) == ["credentials.json"]
    assert holding(home.download_dir, PASSWORD, TOKEN) == []
    assert not any(PASSWORD in text or TOKEN in text for text in said)
    assert Logins(home.paths.credentials).load() == {
        f"http://127.0.0.1:{site.port}": Login("alice", PASSWORD)}
    if POSIX:
        assert mode(home.paths.credentials) == 0o600


def test_without_its_login_the_site_refuses_and_the_job_says_so(site, home):
    site.require_login("/files/", "alice", PASSWORD)
    assert cli(home, "add", site.file_url("clip.mp4")).returncode == 0
    ran = cli(home, "run", "--until-idle")
    assert ran.returncode == 1
    assert "job 1 failed" in ran.stdout and "sign in" in ran.stdout  # HTTP 401, not retried
    assert [r[3] for r in site.requests("/files/")] == [401]


def test_a_login_added_in_the_window_is_taken_out_before_it_is_stored(site, home, manager,
                                                                      qtbot):
    from ytdesk.ui.main_window import MainWindow

    site.require_login("/files/", "alice", PASSWORD)
    window = MainWindow(manager, home.settings, home.paths)
    qtbot.addWidget(window)
    plain = site.file_url("clip.mp4")
    window.add_urls([with_login(plain)])  # as a second `ytdesk URL` hands it over
    qtbot.waitUntil(lambda: Job.select().count() == 1, timeout=10_000)
    wait_until_idle(qtbot, manager)
    window.reader.wait()
    [job] = Job.select()
    assert (job.url, job.status) == (plain, "succeeded")
    home.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert holding(home.paths.data_dir, PASSWORD, TOKEN) == ["credentials.json"]


def test_a_login_an_address_brings_replaces_the_sites_old_one(home):
    logins = Logins(home.paths.credentials)
    assert logins.take_out(["http://alice:old@example.com/a", "https://bob:x@example.com/b"]) \
        == ["http://example.com/a", "https://example.com/b"]
    assert logins.take_out(["http://alice:new@EXAMPLE.com:80/c", "http://example.com/d"]) \
        == ["http://EXAMPLE.com:80/c", "http://example.com/d"]
    assert logins.load() == {"http://example.com:80": Login("alice", "new"),
                             "https://example.com:443": Login("bob", "x")}


@pytest.mark.parametrize("text,shown", [
    ("http://alice:s3cretPW@host/v.mp4", "http://alice:***@host/v.mp4"),
    ("Unsupported URL: https://a:p@ss@h:8/x?y=1@2", "Unsupported URL: https://a:***@h:8/x?y=1@2"),
    ("http://ghp_token123@host/", "http://***@host/"),
    ("http://host/a@b and mail me@example.com", "http://host/a@b and mail me@example.com"),
])
def test_passwords_in_any_text_are_hidden(text, shown):
    assert redact(text) == shown


def test_an_address_keeps_everything_but_its_login():
    assert split_login("https://al%40ice:p%3Aw@Host:8443/p?q=1#f") == (
        "https://Host:8443/p?q=1#f", Login("al@ice", "p:w"))
    assert split_login("https://host/a@b") == ("https://host/a@b", None)


def test_a_rejected_address_is_named_without_its_password(home):
    rejected = cli(home, "add", f"ftp://alice:{PASSWORD}@example.com/file")
    assert rejected.returncode == 2
    assert "alice:***@example.com" in rejected.stderr and PASSWORD not in rejected.stderr


# -- the data dir is the user's alone ------------------------------------------------------------
def modes_under(folder: Path) -> dict[str, int]:
    found = {".": mode(folder)}
    found.update({str(p.relative_to(folder)): mode(p) for p in folder.rglob("*")})
    return found


def loose(folder: Path) -> dict[str, str]:
    """Everything under `folder` that is not 0700 (folders) or 0600 (files), or not ours."""
    wrong = {}
    for name, found in modes_under(folder).items():
        path = folder / name
        wanted = 0o700 if path.is_dir() else 0o600
        if found != wanted or path.stat().st_uid != os.getuid():
            wrong[name] = oct(found)
    return wrong


@pytest.mark.skipif(not POSIX, reason="POSIX file modes")
def test_a_new_data_dir_and_everything_in_it_is_user_only(site, tmp_path):
    data_dir = tmp_path / "data"
    home_args = ["--data-dir", str(data_dir), "--download-dir", str(tmp_path / "videos")]
    for args in (["add", site.video_url("v1")], ["run", "--until-idle"], ["jobs"]):
        done = subprocess.run([sys.executable, "-m", "ytdesk.cli", *home_args, *args],
                              env=subprocess_env(), capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr
    names = set(modes_under(data_dir))
    assert {"library.db", "logs", "logs/jobs", "logs/jobs/1.log", "backups", "locks"} <= names
    assert loose(data_dir) == {}
    # The videos are the user's to share: they keep the usual modes.
    [video] = [p for p in files_under(tmp_path / "videos") if p.suffix == ".mp4"]
    assert mode(video) == 0o666 & ~current_umask()


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.skipif(not POSIX, reason="POSIX file modes")
def test_the_library_and_its_wal_are_user_only_from_the_start_whatever_the_umask(tmp_path):
    previous = os.umask(0o022)
    try:
        paths = Paths(tmp_path / "data").ensure()
        db = database.open_database(paths.database)
        database.migrate_up(db, paths.database, paths.backups)
        made = database.backup(paths.database, paths.backups)
        # While it is open, SQLite's -wal and -shm are there (made with the library's mode).
        assert {"library.db", "library.db-wal", "library.db-shm"} <= set(
            modes_under(paths.data_dir))
        assert loose(paths.data_dir) == {}
        db.close()
    finally:
        os.umask(previous)
    assert made is not None and mode(made) == 0o600


@pytest.mark.skipif(not POSIX, reason="POSIX file modes")
def test_a_data_dir_an_older_ytdesk_left_open_is_closed_on_start(tmp_path):
    previous = os.umask(0o022)
    try:
        data_dir = tmp_path / "data"
        for folder in ("logs/jobs", "backups", "locks"):
            (data_dir / folder).mkdir(parents=True, mode=0o755)
        for name in ("library.db", "logs/ytdesk.log", "logs/jobs/7.log", "backups/old.db"):
            (data_dir / name).write_text("x")
        os.chmod(data_dir, 0o755)
        assert loose(data_dir)  # as an older ytdesk left it
        (tmp_path / "elsewhere.txt").write_text("not ours to close")
        (data_dir / "logs" / "link").symlink_to(tmp_path / "elsewhere.txt")
        Paths(data_dir).ensure()
    finally:
        os.umask(previous)
    assert loose(data_dir) == {"logs/link": oct(0o644)}  # a link is never followed...
    assert mode(tmp_path / "elsewhere.txt") == 0o644  # ...nor what it points to changed


@pytest.mark.skipif(not POSIX, reason="POSIX file modes")
def test_the_app_log_is_user_only_after_rotation_too(tmp_path):
    import logging

    from ytdesk import app

    previous = os.umask(0o022)
    handler = app.setup_logging(tmp_path / "logs" / "ytdesk.log")
    try:
        logging.getLogger("ytdesk.test").warning("opening %s", with_login("http://host/x"))
        handler.doRollover()
        logging.getLogger("ytdesk.test").warning("after the rotation")
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
        os.umask(previous)
    logs = sorted((tmp_path / "logs").iterdir())
    assert [p.name for p in logs] == ["ytdesk.log", "ytdesk.log.1"]
    assert all(mode(p) == 0o600 for p in logs)
    assert "alice:***@host" in logs[1].read_text() and PASSWORD not in logs[1].read_text()
