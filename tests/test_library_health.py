"""A library or data folder ytdesk cannot use is one sentence and exit 2, never a traceback;
commands that only read work on a read-only library; an empty library file is set aside."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import peewee as pw
import pytest

from ytdesk.cli import main
from ytdesk.core import db as database
from ytdesk.core import jobstore, library_health
from ytdesk.core.jobstore import NewJob
from ytdesk.core.paths import Paths

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


def _queue(home, n: int = 3) -> list[int]:
    return jobstore.add_jobs([NewJob("download", f"https://example.com/watch?v={i}",
                                     {"title": "x" * 300}) for i in range(n)])


def _said(capsys) -> tuple[str, str]:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.out, captured.err


@pytest.fixture
def read_only():
    """Makes a file or folder read-only for real: chmod for a user, the immutable attribute
    for root (whom permission bits do not stop); skips where neither works."""
    made: list[Path] = []

    def make(path: Path) -> None:
        if not ROOT:
            path.chmod(0o555 if path.is_dir() else 0o444)
        else:
            chattr = shutil.which("chattr")
            if chattr is None or subprocess.run([chattr, "+i", str(path)],
                                                capture_output=True).returncode != 0:
                pytest.skip("running as root, and the immutable attribute cannot be set here "
                            "(no chattr or no CAP_LINUX_IMMUTABLE): root writes through "
                            "permission bits, so a read-only file cannot be made")
        made.append(path)

    yield make
    for path in made:
        if ROOT:
            subprocess.run([shutil.which("chattr") or "chattr", "-i", str(path)], check=True)
        else:
            path.chmod(0o755 if path.is_dir() else 0o644)


def _checkpointed(home) -> None:
    """Everything in the main file, no -wal: how a library looks once ytdesk has quit."""
    home.db.close()


# -- read-only ------------------------------------------------------------------------------
def test_a_read_only_data_folder_still_lists_jobs_and_videos_and_refuses_adds(
        home, capsys, read_only):
    ids = _queue(home)
    _checkpointed(home)
    read_only(home.paths.data_dir)

    assert main([*home.cli_args(), "jobs"]) == 0
    out, _ = _said(capsys)
    assert [line.split("\t")[0] for line in out.splitlines()] == [str(i) for i in ids]
    assert main([*home.cli_args(), "videos"]) == 0
    assert main([*home.cli_args(), "migrate", "status"]) == 0
    assert "applied  001_initial" in _said(capsys)[0]

    assert main([*home.cli_args(), "add", "https://example.com/watch?v=new"]) == 2
    _, err = _said(capsys)
    assert f"its folder {home.paths.data_dir} is read-only" in err
    assert "--data-dir" in err and len(err.splitlines()) == 1


def test_a_read_only_data_folder_with_a_wal_left_behind_is_read_with_it(home, capsys,
                                                                          read_only):
    """A library whose last changes are still in its -wal (another ytdesk has it open)."""
    ids = _queue(home)
    holder = sqlite3.connect(home.paths.database)  # keeps the -wal from being checkpointed away
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    more = _queue(home, 2)
    read_only(home.paths.data_dir)
    try:
        assert main([*home.cli_args(), "jobs", "--json"]) == 0
        out, _ = _said(capsys)
        assert out.count('"id"') == len(ids) + len(more)
    finally:
        holder.close()


def test_read_only_library_files_are_read_and_never_written(home, capsys, read_only):
    _queue(home)
    _checkpointed(home)
    read_only(home.paths.database)

    assert main([*home.cli_args(), "jobs"]) == 0
    assert len(_said(capsys)[0].splitlines()) == 3
    assert main([*home.cli_args(), "cancel", "1"]) == 2
    _, err = _said(capsys)
    assert "ytdesk cannot write to its library: library.db" in err and "read-only" in err
    assert main([*home.cli_args(), "add", "https://example.com/watch?v=new"]) == 2
    assert "read-only" in _said(capsys)[1]


def test_a_write_refused_as_read_only_is_the_same_sentence(home, capsys, monkeypatch):
    """The error SQLite gives on a read-only library, injected where the CLI meets it (for
    machines where the test above cannot make a file read-only)."""
    def refuse(*_args, **_kwargs):
        raise pw.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(jobstore, "add_jobs", refuse)
    assert main([*home.cli_args(), "add", "https://example.com/watch?v=1"]) == 2
    _, err = _said(capsys)
    assert err.startswith("ytdesk-cli: ytdesk cannot write to its library:")


def test_a_data_folder_that_cannot_be_written_is_named(tmp_path, capsys, monkeypatch):
    """PermissionError where the data folder is made, injected (root can write anywhere)."""
    data_dir = tmp_path / "data"

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(data_dir / "logs"))

    monkeypatch.setattr(Paths, "ensure", refuse)
    assert main(["--data-dir", str(data_dir), "add", "https://example.com/v"]) == 2
    _, err = _said(capsys)
    assert f"cannot create its data folder {data_dir}" in err


# -- where the data folder should be ----------------------------------------------------------
def test_a_data_folder_under_a_file_is_named(tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file")
    for command in (["jobs"], ["add", "https://example.com/v"]):
        assert main(["--data-dir", str(blocker / "ytdesk"), *command]) == 2
        _, err = _said(capsys)
        assert f"{blocker} is a file, not a folder" in err and "--data-dir" in err


def test_a_data_folder_under_a_read_only_folder_is_named(tmp_path, capsys, read_only):
    parent = tmp_path / "locked"
    parent.mkdir()
    read_only(parent)
    assert main(["--data-dir", str(parent / "ytdesk"), "jobs"]) == 2
    _, err = _said(capsys)
    assert f"cannot create its data folder {parent / 'ytdesk'}" in err


def test_a_folder_where_the_library_should_be(tmp_path, capsys):
    paths = Paths(tmp_path / "data").ensure()
    paths.database.mkdir()
    assert main(["--data-dir", str(paths.data_dir), "jobs"]) == 2
    _, err = _said(capsys)
    assert f"{paths.database} is a folder, not ytdesk's library file" in err


# -- damaged ------------------------------------------------------------------------------------
def test_a_truncated_library_is_called_damaged_and_a_backup_is_offered(home, capsys):
    _queue(home, 2000)
    database.backup(home.paths.database, home.paths.backups, "before-test")
    _checkpointed(home)
    size = home.paths.database.stat().st_size
    with open(home.paths.database, "r+b") as file:
        file.truncate(size // 2)

    for command in (["jobs"], ["add", "https://example.com/v"]):
        assert main([*home.cli_args(), *command]) == 2
        _, err = _said(capsys)
        assert "is damaged (SQLite says: database disk image is malformed)" in err
        assert "ytdesk-cli migrate restore" in err


def test_a_file_that_is_not_a_database(home, capsys):
    _checkpointed(home)
    for suffix in ("-wal", "-shm"):
        Path(f"{home.paths.database}{suffix}").unlink(missing_ok=True)
    home.paths.database.write_bytes(b"<html>not found</html>\n" * 100)
    shutil.rmtree(home.paths.backups)

    assert main([*home.cli_args(), "jobs"]) == 2
    _, err = _said(capsys)
    assert "is not a ytdesk library: SQLite cannot read it" in err
    assert "There is no backup" in err
    assert home.paths.database.read_bytes().startswith(b"<html>")  # left as it was


def test_sqlite_saying_not_a_database_is_the_same_sentence(tmp_path):
    paths = Paths(tmp_path / "data").ensure()
    problem = library_health.explain(sqlite3.DatabaseError("file is not a database"), paths)
    assert problem is not None and "is not a ytdesk library" in problem.sentence


# -- locked ---------------------------------------------------------------------------------------
def test_a_library_locked_by_another_program_is_a_sentence_after_the_busy_timeout(
        home, capsys, monkeypatch):
    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 0.2)
    other = sqlite3.connect(home.paths.database, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        assert main([*home.cli_args(), "add", "https://example.com/watch?v=1"]) == 2
        _, err = _said(capsys)
        assert "The library is locked by another program, and it stayed locked for 0.2 s" in err
        assert main([*home.cli_args(), "jobs"]) == 0  # reading goes on beside the lock
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert main([*home.cli_args(), "add", "https://example.com/watch?v=1"]) == 0


# -- empty ----------------------------------------------------------------------------------------
def test_an_empty_library_file_is_set_aside_and_said(home, capsys):
    _checkpointed(home)
    for suffix in ("-wal", "-shm"):
        Path(f"{home.paths.database}{suffix}").unlink(missing_ok=True)
    home.paths.database.write_bytes(b"")

    assert main([*home.cli_args(), "add", "https://example.com/watch?v=1"]) == 0
    _, err = _said(capsys)
    [aside] = home.paths.data_dir.glob("library.db.empty-*")
    assert aside.stat().st_size == 0
    assert f"was empty (0 bytes): perhaps a copy that did not finish. It is kept as {aside.name}" \
        in err
    with sqlite3.connect(home.paths.database) as con:
        assert con.execute("SELECT COUNT(*) FROM job").fetchone() == (1,)
