"""The schema changes only through migrations, with a backup first, and keeps the data."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from ytdesk.cli import main
from ytdesk.core import db as database
from ytdesk.core import library
from ytdesk.core.models import Video
from ytdesk.core.paths import Paths


def test_up_down_up_keeps_the_data_and_leaves_backups(tmp_path):
    paths = Paths(tmp_path / "data").ensure()
    db = database.open_database(paths.database)
    applied = database.migrate_up(db, paths.database, paths.backups)
    assert applied == [m.name.removesuffix(".py") for m in
                       sorted(database.migrations_dir().glob("0*.py"))]
    library.upsert_videos([{"id": "a1", "extractor_key": "Fake", "title": "Cats on a boat",
                            "description": "a long voyage", "channel": "Sea TV"}])

    rolled = database.migrate_down(db, paths.database, paths.backups, losing_data_ok=True).name
    assert rolled == applied[-1]
    assert database.migration_status(db).pending == [rolled]
    assert database.migrate_up(db, paths.database, paths.backups) == [rolled]

    assert Video.get().title == "Cats on a boat"
    assert [v.video_id for v in library.search_videos("boat")] == ["a1"]
    assert [v.video_id for v in library.search_videos("sea")] == ["a1"]  # channel indexed
    backups = sorted(paths.backups.glob("library-*.db"))
    assert len(backups) >= 2
    with sqlite3.connect(backups[-1]) as copy:  # the copy taken before the last "up"
        assert copy.execute("SELECT title FROM video").fetchone() == ("Cats on a boat",)
    assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_the_database_uses_wal_and_foreign_keys(home):
    assert home.db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert home.db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert home.db.execute_sql("PRAGMA synchronous").fetchone()[0] == 1


def _fill_every_table(db) -> None:
    """A row in every table with every column set (nothing left to a default), so a column
    a rollback drops shows up as lost."""
    db.execute_sql("INSERT INTO channel VALUES (1, 'fakesite', 'c1', 'Sea TV', 'http://c', 1, "
                   "5.0, 6.0)")
    db.execute_sql(
        "INSERT INTO video (id, extractor, video_id, id_scope, title, description, uploader, "
        "channel, channel_ref_id, upload_date, duration, view_count, thumbnail, webpage_url, "
        "filepath, filesize, format, downloaded_at, watched, play_position, info_json, "
        "created_at, updated_at, preset, tags, favourite, watched_at, deleted_at, missing_since, "
        "play_count, last_played_at, tracks) VALUES (1, 'generic', 'vid0008', "
        "'example.com:8000', 'Cats on a boat', 'a voyage', 'Ann', 'Sea TV', 1, '20240101', 12.5, "
        "7, 'http://t', 'http://example.com:8000/vid0008.mp4', '/v/a.mp4', 1234, '18', 9.0, 1, "
        "3.5, '{}', 10.0, 11.0, 'best', 'cats\nboats', 1, 12.0, 13.0, 14.0, 3, 15.0, "
        "'{\"subtitle\": 1}')")
    for job_id, parent in ((1, None), (2, 1)):
        db.execute_sql(
            "INSERT INTO job (id, kind, status, url, title, payload, priority, site, parent_id, "
            "attempts, attempts_before_retry, progress, downloaded_bytes, total_bytes, speed, "
            "eta, error, error_kind, result, output_path, owner, lease_until, requested, "
            "scheduled_at, created_at, started_at, finished_at, updated_at) VALUES (?, "
            "'download', 'succeeded', 'http://x/v', 'Cats', '{\"quality\": \"best\"}', 10, "
            "'x', ?, 4, 3, 1.0, 100, 100, 2.5, 0.0, 'e', 'transient', 'Saved', ?, 'me', 1.0, "
            "'pause', 2.0, ?, 3.0, 4.0, 5.0)", (job_id, parent, f"/v/{job_id}.mp4", job_id))
    db.execute_sql("INSERT INTO job_event VALUES (1, 1, 1.5, 'status', 'queued', 'running', "
                   "'started')")
    db.execute_sql("INSERT INTO setting VALUES ('download_dir', '\"/v\"')")
    db.execute_sql("INSERT INTO site_hold VALUES ('x', 99.0, 2, 'HTTP 429')")
    db.execute_sql("INSERT INTO preset VALUES (1, 'mine', 'Mine', '{\"format\": \"best\"}', "
                   "1.0, 2.0)")
    db.execute_sql(
        "INSERT INTO subscription (id, url, title, group_name, folder, preset, interval_s, "
        "enabled, backfill, filters, keep_newest, delete_watched_after_days, last_synced_at, "
        "last_error, created_at, updated_at, avatar, last_counts, newest_feed) VALUES (1, "
        "'https://example.com/c/sea', 'Sea TV', 'Boats', '/v/sea', 'mine', 21600.0, 1, '10', '{}', "
        "5, 30, 7.0, 'none yet', 1.0, 2.0, 'http://a', '{\"new\": 1}', 'http://f')")
    db.execute_sql("INSERT INTO subscription_entry VALUES (1, 1, 1, 8.0, 'a short')")


def _contents(path) -> dict:
    """Every user table's columns, indexes and rows (not peewee-migrate's own history, and
    not the search index's shadow tables, which a rebuild lays out its own way)."""
    with sqlite3.connect(path) as con:
        tables = [row[0] for row in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'video_fts%' AND name != 'migratehistory' ORDER BY name")]
        found = {}
        for table in tables:
            columns = sorted(tuple(row[1:]) for row in con.execute(
                "SELECT * FROM pragma_table_info(?)", (table,)))
            index_sql = sorted(row[0] for row in con.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table,))
                if row[0])
            names = [c[0] for c in columns]
            rows = sorted(json.dumps(dict(zip(names, r, strict=True)), sort_keys=True)
                          for r in con.execute(
                              # names from sqlite_master, not from a user
                              "SELECT " + ", ".join(f'"{n}"' for n in names)  # noqa: S608
                              + f' FROM "{table}"'))
            found[table] = (columns, index_sql, rows)
        triggers = sorted(r[0] for r in con.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger'"))
        return {"tables": found, "triggers": triggers}


def test_rolling_back_and_up_again_over_every_migration_keeps_every_row(tmp_path):
    paths = Paths(tmp_path / "data").ensure()
    db = database.open_database(paths.database)
    applied = database.migrate_up(db, paths.database, paths.backups)
    _fill_every_table(db)
    before = _contents(paths.database)
    assert all(rows for _, _, rows in before["tables"].values())

    for depth in range(1, len(applied)):  # every migration but the first, once down and up
        rolled, says_it_loses = [], []
        for _ in range(depth):
            loses = database.rollback_loses(db)
            rolled.append(database.migrate_down(db, paths.database, paths.backups,
                                                losing_data_ok=True).name)
            if loses:
                says_it_loses.append(rolled[-1])
        assert rolled == applied[::-1][:depth]
        dropped = set(before["tables"]) - set(db.get_tables())
        assert database.migrate_up(db, paths.database, paths.backups) == rolled[::-1]
        expected = {"triggers": before["triggers"], "tables": dict(before["tables"])}
        if says_it_loses:  # a rollback that says it loses data loses its tables' rows, no more
            for table in dropped:
                columns, index_sql, _ = before["tables"][table]
                expected["tables"][table] = (columns, index_sql, [])
        assert _contents(paths.database) == expected, f"rolled back {rolled}"
        assert [v.video_id for v in library.search_videos("boat")] == ["vid0008"]
        if says_it_loses:  # the rows it lost come back from the copy taken before
            _fill_missing_rows(db, dropped, before)
    db.close()


def _fill_missing_rows(db, tables, before) -> None:
    # One transaction whose foreign keys are checked at its end: the tables come in any
    # order (a subscription's entries may come before the subscription).
    with db.atomic():
        db.execute_sql("PRAGMA defer_foreign_keys = ON")
        _insert_rows(db, tables, before)


def _insert_rows(db, tables, before) -> None:
    for table in tables:
        columns, _, rows = before["tables"][table]
        names = [c[0] for c in columns]
        for row in rows:
            values = json.loads(row)
            db.execute_sql(  # names from sqlite_master, not from a user
                f'INSERT INTO "{table}" (' + ", ".join(f'"{n}"' for n in names)  # noqa: S608
                + ") VALUES (" + ", ".join("?" for _ in names) + ")",
                [values[n] for n in names])


def test_the_first_migration_is_never_rolled_back(home, capsys):
    for _ in range(len(database.migration_status(home.db).applied) - 1):
        assert main([*home.cli_args(), "migrate", "down", "--yes"]) == 0
    capsys.readouterr()

    assert main([*home.cli_args(), "migrate", "down"]) == 2
    err = capsys.readouterr().err
    assert "001_initial is the first migration" in err and "Traceback" not in err
    assert database.migration_status(home.db).applied == ["001_initial"]
    assert "job" in home.db.get_tables()


def test_down_names_the_backup_it_wrote(home, capsys):
    applied = database.migration_status(home.db).applied
    assert main([*home.cli_args(), "migrate", "down", "--yes", "--json"]) == 0
    said = json.loads(capsys.readouterr().out)
    assert said["rolled_back"] == applied[-1]
    with sqlite3.connect(said["backup"]) as copy:
        assert copy.execute("SELECT COUNT(*) FROM migratehistory").fetchone()[0] == len(applied)


@pytest.fixture
def lossy_migration(tmp_path, monkeypatch) -> str:
    """The shipped migrations plus one whose rollback cannot keep its data."""
    folder = tmp_path / "migrations"
    shutil.copytree(database.migrations_dir(), folder)
    (folder / "999_lossy.py").write_text(
        "import peewee as pw\n\n"
        "def migrate(migrator, database, *, fake=False):\n"
        "    migrator.add_fields('job', note=pw.TextField(null=True))\n\n"
        "def rollback(migrator, database, *, fake=False):\n"
        "    migrator.remove_fields('job', 'note')\n\n"
        "rollback.loses = \"every job's note\"\n")
    monkeypatch.setattr(database, "migrations_dir", lambda: folder)
    return "999_lossy"


def test_a_rollback_that_deletes_data_asks_for_yes(home, lossy_migration, capsys):
    assert database.migrate_up(home.db, home.paths.database, home.paths.backups) == [
        lossy_migration]
    home.db.execute_sql("INSERT INTO job (kind, status, url, payload, priority, site, attempts, "
                        "attempts_before_retry, scheduled_at, created_at, updated_at, note) "
                        "VALUES ('download', 'queued', 'http://x', '{}', 0, 'x', 0, 0, 0, 0, 0, "
                        "'keep me')")
    assert main([*home.cli_args(), "migrate", "down"]) == 2
    err = capsys.readouterr().err
    assert "Rolling back 999_lossy deletes every job's note" in err and "--yes" in err
    assert home.db.execute_sql("SELECT note FROM job").fetchone() == ("keep me",)

    assert main([*home.cli_args(), "migrate", "down", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "rolled back: 999_lossy; the library as it was is in" in out
    backup = out.rsplit(" ", 1)[-1].strip()
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT note FROM job").fetchone() == ("keep me",)
