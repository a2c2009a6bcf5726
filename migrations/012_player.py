"""012: what the player remembers of a video beyond its position and whether it was watched.

- video.play_count: how many times it was started in the player.
- video.last_played_at: when it was last started (a "recently played" order).
- video.tracks: JSON, the audio and subtitle track chosen for it, by language and title
  ({"audio": {"language": "de", "title": ""}, "subtitle": {"off": true, ...}}), put back
  when it is played again.

Columns are added with ALTER TABLE: peewee would rebuild the table and lose the search
index's triggers. Rolling back keeps their values in a table of their own (an older ytdesk
ignores it), and migrating up again puts them back: a down and an up lose nothing.
"""

import peewee as pw
from peewee_migrate import Migrator

KEPT = "rollback_012_video"  # spelled out in the SQL below: no string-built SQL

ADD = [
    "ALTER TABLE video ADD COLUMN play_count INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE video ADD COLUMN last_played_at REAL",
    "ALTER TABLE video ADD COLUMN tracks TEXT NOT NULL DEFAULT '{}'",
]


def _put_back(database):
    if not database.execute_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                (KEPT,)).fetchone():
        return
    # Matched on the id and the creation time: an id freed and used again while rolled back
    # belongs to another video.
    database.execute_sql(
        "UPDATE video SET (play_count, last_played_at, tracks) = "
        '(SELECT k.play_count, k.last_played_at, k.tracks FROM "rollback_012_video" k '
        "WHERE k.video_id = video.id AND k.created_at = video.created_at) "
        'WHERE id IN (SELECT k.video_id FROM "rollback_012_video" k '
        "WHERE k.created_at = video.created_at)")
    database.execute_sql('DROP TABLE "rollback_012_video"')


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    for statement in ADD:
        migrator.sql(statement)
    migrator.run(_put_back, database)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql('DROP TABLE IF EXISTS "rollback_012_video"')
    migrator.sql('CREATE TABLE "rollback_012_video" (video_id INTEGER PRIMARY KEY, '
                 "created_at REAL, play_count INTEGER, last_played_at REAL, tracks TEXT)")
    migrator.sql('INSERT INTO "rollback_012_video" SELECT id, created_at, play_count, '
                 "last_played_at, tracks FROM video WHERE play_count != 0 OR last_played_at "
                 "IS NOT NULL OR tracks != '{}'")
    for column in ("play_count", "last_played_at", "tracks"):
        migrator.sql(f"ALTER TABLE video DROP COLUMN {column}")  # names from this file
