"""007: a video remembers the preset it was downloaded with (its short name).

Rolling back keeps the names in a table of their own (an older ytdesk ignores it), and
migrating up again puts them back: a down and an up lose nothing.
"""

import peewee as pw
from peewee_migrate import Migrator

KEPT = "rollback_007_video_preset"  # spelled out in the SQL below: no string-built SQL


def _put_back(database):
    if not database.execute_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                (KEPT,)).fetchone():
        return
    # Matched on the id and the creation time: an id freed and used again while rolled back
    # belongs to another video.
    database.execute_sql(
        'UPDATE video SET preset = (SELECT k.preset FROM "rollback_007_video_preset" k '
        "WHERE k.video_id = video.id AND k.created_at = video.created_at) "
        'WHERE id IN (SELECT k.video_id FROM "rollback_007_video_preset" k '
        "WHERE k.created_at = video.created_at)")
    database.execute_sql('DROP TABLE "rollback_007_video_preset"')


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("video", preset=pw.CharField(null=True))
    migrator.run(_put_back, database)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql('DROP TABLE IF EXISTS "rollback_007_video_preset"')
    migrator.sql('CREATE TABLE "rollback_007_video_preset" (video_id INTEGER PRIMARY KEY, '
                 "created_at REAL, preset TEXT NOT NULL)")
    migrator.sql('INSERT INTO "rollback_007_video_preset" SELECT id, created_at, preset FROM video '
                 "WHERE preset IS NOT NULL")
    migrator.remove_fields("video", "preset")
