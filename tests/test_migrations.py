"""The schema changes only through migrations, with a backup first, and keeps the data."""

from __future__ import annotations

import sqlite3

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

    rolled = database.migrate_down(db, paths.database, paths.backups)
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
