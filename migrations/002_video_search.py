"""002: full-text search over video titles, descriptions and channel names (SQLite FTS5).

An external-content FTS table indexes the `video` rows; triggers keep it in step, so a
search never reads a stale index and a rollback loses no video.
"""

import peewee as pw
from peewee_migrate import Migrator

UP = [
    "CREATE VIRTUAL TABLE video_fts USING fts5("
    "title, description, channel, content='video', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER video_fts_insert AFTER INSERT ON video BEGIN "
    "INSERT INTO video_fts(rowid, title, description, channel) "
    "VALUES (new.id, new.title, new.description, new.channel); END",
    "CREATE TRIGGER video_fts_delete AFTER DELETE ON video BEGIN "
    "INSERT INTO video_fts(video_fts, rowid, title, description, channel) "
    "VALUES ('delete', old.id, old.title, old.description, old.channel); END",
    "CREATE TRIGGER video_fts_update AFTER UPDATE OF title, description, channel ON video BEGIN "
    "INSERT INTO video_fts(video_fts, rowid, title, description, channel) "
    "VALUES ('delete', old.id, old.title, old.description, old.channel); "
    "INSERT INTO video_fts(rowid, title, description, channel) "
    "VALUES (new.id, new.title, new.description, new.channel); END",
    # Index the videos that existed before this migration (e.g. after a down/up).
    "INSERT INTO video_fts(video_fts) VALUES ('rebuild')",
]

DOWN = [
    "DROP TRIGGER IF EXISTS video_fts_update",
    "DROP TRIGGER IF EXISTS video_fts_delete",
    "DROP TRIGGER IF EXISTS video_fts_insert",
    "DROP TABLE IF EXISTS video_fts",
]


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    for statement in UP:
        migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for statement in DOWN:
        migrator.sql(statement)
