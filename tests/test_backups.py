"""Backups of the library: listed, rotated, and restored in one piece, never while another
ytdesk holds the library."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ytdesk.cli import main
from ytdesk.core import backups
from ytdesk.core import db as database
from ytdesk.core import jobstore
from ytdesk.core.jobstore import NewJob


def _titles(path: Path) -> list[str]:
    with sqlite3.connect(path) as con:
        return [row[0] for row in con.execute("SELECT url FROM job ORDER BY id")]


def _add(url: str) -> None:
    jobstore.add_jobs([NewJob("download", url, {})])


def test_backups_lists_the_copies_with_their_schema(home, capsys):
    _add("https://example.com/1")
    made = database.backup(home.paths.database, home.paths.backups, "before-restore")
    assert main([*home.cli_args(), "migrate", "backups", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["name"] == made.name
    assert listed[0]["schema"] == database.migration_status(home.db).applied[-1]
    assert listed[0]["size"] == made.stat().st_size > 0
    assert listed[0]["reason"] == "before-restore" and listed[0]["taken_at"]
    assert main([*home.cli_args(), "migrate", "backups"]) == 0
    assert capsys.readouterr().out.startswith(made.name + "\t")


def test_rotation_keeps_the_last_five_and_the_one_before_each_upgrade(home):
    def made(reason: str) -> Path:
        return database.backup(home.paths.database, home.paths.backups, reason)

    assert backups.list_backups(home.paths.backups) == []  # a new library had nothing to keep
    older_from_004 = made(backups.BEFORE_UPGRADE + "004")
    from_004 = made(backups.BEFORE_UPGRADE + "004")
    from_005 = made(backups.BEFORE_UPGRADE + "005")
    restores = [made(backups.BEFORE_RESTORE) for _ in range(7)]

    left = {b.path for b in backups.list_backups(home.paths.backups)}
    assert left == {*restores[-5:], from_004, from_005}
    assert not older_from_004.exists()


def test_restore_puts_the_newest_backup_back_and_keeps_the_library_it_replaces(home, capsys):
    _add("https://example.com/kept")
    database.backup(home.paths.database, home.paths.backups, "before-test")
    _add("https://example.com/after-the-backup")

    assert main([*home.cli_args(), "migrate", "restore"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("restored library-") and "the library it replaced is in" in out
    replaced = Path(out.rsplit(" ", 1)[-1].strip())
    assert _titles(home.paths.database) == ["https://example.com/kept"]
    assert _titles(replaced) == ["https://example.com/kept", "https://example.com/after-the-backup"]
    assert main([*home.cli_args(), "jobs"]) == 0
    assert capsys.readouterr().out.count("\n") == 1


def test_restore_replaces_a_damaged_library_and_keeps_its_bytes(home, capsys):
    _add("https://example.com/kept")
    chosen = database.backup(home.paths.database, home.paths.backups, "before-test")
    home.db.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{home.paths.database}{suffix}").unlink(missing_ok=True)
    home.paths.database.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)

    assert main([*home.cli_args(), "jobs"]) == 2
    capsys.readouterr()
    assert main([*home.cli_args(), "migrate", "restore", chosen.name]) == 0
    [damaged] = home.paths.backups.glob("*-damaged.db")
    assert damaged.read_bytes().endswith(b"\xff" * 5000)
    assert main([*home.cli_args(), "jobs"]) == 0
    assert "https://example.com/kept" in capsys.readouterr().out


def test_a_damaged_backup_is_refused_and_the_library_is_left_as_it_was(home, capsys):
    _add("https://example.com/current")
    chosen = database.backup(home.paths.database, home.paths.backups, "before-test")
    with open(chosen, "r+b") as file:
        file.truncate(chosen.stat().st_size // 2)

    assert main([*home.cli_args(), "migrate", "restore", chosen.name]) == 2
    err = capsys.readouterr().err
    assert f"{chosen.name} cannot be restored:" in err and "choose another backup" in err
    assert _titles(home.paths.database) == ["https://example.com/current"]
    assert not list(home.paths.data_dir.glob("library.db.*"))  # no half-written copy left


def test_an_unknown_backup_is_named(home, capsys):
    assert main([*home.cli_args(), "migrate", "restore", "library-nope.db"]) == 2
    assert "There is no backup called library-nope.db" in capsys.readouterr().err


def test_restore_is_refused_while_another_ytdesk_holds_the_library(home, manager, capsys):
    _add("https://example.com/current")
    database.backup(home.paths.database, home.paths.backups, "before-test")
    _add("https://example.com/newer")

    assert main([*home.cli_args(), "migrate", "restore"]) == 2
    assert "Another ytdesk (a window or ytdesk-cli run) is using this library" in \
        capsys.readouterr().err
    assert len(_titles(home.paths.database)) == 2
