"""008: a video's tags are kept (one a line) and searched with its title, description and
channel name.

The search index is rebuilt from the rows, so nothing is lost either way; rolling back keeps
the tags in a table of their own (an older ytdesk ignores it) and migrating up again puts
them back.
"""

import peewee as pw
from peewee_migrate import Migrator

KEPT = "rollback_008_video_tags"  # spelled out in the SQL below: no string-built SQL

_DROP_SEARCH = [
    "DROP TRIGGER IF EXISTS video_fts_update",
    "DROP TRIGGER IF EXISTS video_fts_delete",
    "DROP TRIGGER IF EXISTS video_fts_insert",
    "DROP TABLE IF EXISTS video_fts",
]
WITH_TAGS = [
    *_DROP_SEARCH,
    "CREATE VIRTUAL TABLE video_fts USING fts5("
    "title, description, channel, tags, content='video', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER video_fts_insert AFTER INSERT ON video BEGIN "
    "INSERT INTO video_fts(rowid, title, description, channel, tags) "
    "VALUES (new.id, new.title, new.description, new.channel, new.tags); END",
    "CREATE TRIGGER video_fts_delete AFTER DELETE ON video BEGIN "
    "INSERT INTO video_fts(video_fts, rowid, title, description, channel, tags) "
    "VALUES ('delete', old.id, old.title, old.description, old.channel, old.tags); END",
    "CREATE TRIGGER video_fts_update AFTER UPDATE OF title, description, channel, tags ON video "
    "BEGIN "
    "INSERT INTO video_fts(video_fts, rowid, title, description, channel, tags) "
    "VALUES ('delete', old.id, old.title, old.description, old.channel, old.tags); "
    "INSERT INTO video_fts(rowid, title, description, channel, tags) "
    "VALUES (new.id, new.title, new.description, new.channel, new.tags); END",
    "INSERT INTO video_fts(video_fts) VALUES ('rebuild')",
]
WITHOUT_TAGS = [  # 002's index
    *_DROP_SEARCH,
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
    "INSERT INTO video_fts(video_fts) VALUES ('rebuild')",
]


def _put_back(database):
    if not database.execute_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                (KEPT,)).fetchone():
        return
    database.execute_sql(
        'UPDATE video SET tags = (SELECT k.tags FROM "rollback_008_video_tags" k '
        "WHERE k.video_id = video.id AND k.created_at = video.created_at) "
        'WHERE id IN (SELECT k.video_id FROM "rollback_008_video_tags" k '
        "WHERE k.created_at = video.created_at)")
    database.execute_sql('DROP TABLE "rollback_008_video_tags"')


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    # The index goes first: peewee may rebuild the table to add the column.
    for statement in _DROP_SEARCH:
        migrator.sql(statement)
    migrator.add_fields("video", tags=pw.TextField(null=True))
    migrator.run(_put_back, database)
    for statement in WITH_TAGS:
        migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for statement in _DROP_SEARCH:
        migrator.sql(statement)
    migrator.sql('DROP TABLE IF EXISTS "rollback_008_video_tags"')
    migrator.sql('CREATE TABLE "rollback_008_video_tags" (video_id INTEGER PRIMARY KEY, '
                 "created_at REAL, tags TEXT NOT NULL)")
    migrator.sql('INSERT INTO "rollback_008_video_tags" SELECT id, created_at, tags FROM video '
                 "WHERE tags IS NOT NULL")
    migrator.remove_fields("video", "tags")
    for statement in WITHOUT_TAGS:
        migrator.sql(statement)
