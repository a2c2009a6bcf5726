"""The models and the migrated schema describe the same tables: a column or index a model
declares exists after migrating, every migrated column is known to a model, and no index
is made twice."""

from __future__ import annotations

import sqlite3
from collections import Counter

import peewee as pw

from ytdesk.core import db as database
from ytdesk.core.models import MODELS
from ytdesk.core.paths import Paths


def _columns(con: sqlite3.Connection, table: str) -> dict[str, tuple]:
    return {name: (kind.upper(), bool(notnull), bool(pk))
            for _, name, kind, notnull, _, pk in con.execute(f'PRAGMA table_info("{table}")')}


def _indexes(con: sqlite3.Connection, table: str) -> list[tuple]:
    """(columns, unique, partial) of each index that is not the primary key's."""
    found = []
    for _, name, unique, origin, partial in con.execute(f'PRAGMA index_list("{table}")'):
        if origin == "pk":
            continue
        columns = tuple(row[2] for row in con.execute(f'PRAGMA index_info("{name}")'))
        found.append((columns, bool(unique), bool(partial)))
    return found


def test_models_match_the_migrated_schema(tmp_path):
    paths = Paths(tmp_path / "data").ensure()
    db = database.open_database(paths.database)
    database.migrate_up(db, paths.database, paths.backups)
    db.close()
    reference = pw.SqliteDatabase(str(tmp_path / "models.db"))
    with reference.bind_ctx(MODELS):
        reference.create_tables(MODELS)
    reference.close()

    migrated = sqlite3.connect(paths.database)
    modelled = sqlite3.connect(tmp_path / "models.db")
    for model in MODELS:
        table = model._meta.table_name
        assert _columns(migrated, table) == _columns(modelled, table), table
        made = _indexes(migrated, table)
        twice = [index for index, n in Counter(made).items() if n > 1]
        assert twice == [], f"{table}: the same index twice: {twice}"
        for index in _indexes(modelled, table):
            assert index in made, f"{table}: the model's index {index} is not migrated"
    # The database helper's own pragmas hold for the migrated file.
    assert migrated.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
