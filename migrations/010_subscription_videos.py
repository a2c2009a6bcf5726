"""010: what a subscription's syncs found, and what the library remembers of each video
beyond its file.

- subscription_entry: a video a subscription's listing showed (its channel browser), and
  when the sync left it out, why (the back catalogue, a filter, could not be opened).
- video.favourite (retention never deletes it), video.watched_at (when it was marked
  watched: "delete watched videos after D days"), video.deleted_at (its file was deleted
  on purpose: a sync never brings it back), video.missing_since (its file was gone when
  cleanup looked; the row is kept).
- subscription.avatar (the image's address), subscription.last_counts (JSON: what its
  last sync saw, added, left out and failed, and how many listing requests it made),
  subscription.newest_feed (the address of the site's cheap feed of its newest uploads,
  learnt on its first sync: later syncs read it first).

Columns are added with ALTER TABLE: peewee would rebuild the table for a NOT NULL column
and lose the search index's triggers. Rolling back keeps the new columns' values in a
table of their own (an older ytdesk ignores it) and migrating up again puts them back;
the entries table itself is lost, and the rollback says so.
"""

import peewee as pw
from peewee_migrate import Migrator

KEPT_VIDEO = "rollback_010_video"  # spelled out in the SQL below: no string-built SQL
KEPT_SUBSCRIPTION = "rollback_010_subscription"

ADD = [
    "ALTER TABLE video ADD COLUMN favourite INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE video ADD COLUMN watched_at REAL",
    "ALTER TABLE video ADD COLUMN deleted_at REAL",
    "ALTER TABLE video ADD COLUMN missing_since REAL",
    "ALTER TABLE subscription ADD COLUMN avatar TEXT",
    "ALTER TABLE subscription ADD COLUMN last_counts TEXT NOT NULL DEFAULT '{}'",
    "ALTER TABLE subscription ADD COLUMN newest_feed TEXT",
    'CREATE TABLE "subscription_entry" ('
    '"id" INTEGER NOT NULL PRIMARY KEY, '
    '"subscription_id" INTEGER NOT NULL REFERENCES "subscription" ("id") ON DELETE CASCADE, '
    '"video_id" INTEGER NOT NULL REFERENCES "video" ("id") ON DELETE CASCADE, '
    '"seen_at" REAL NOT NULL, '
    '"left_out" TEXT)',
    'CREATE UNIQUE INDEX "subscription_entry_subscription_id_video_id" '
    'ON "subscription_entry" ("subscription_id", "video_id")',
    'CREATE INDEX "subscription_entry_video_id" ON "subscription_entry" ("video_id")',
]


def _put_back(database):
    have = {row[0] for row in database.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)",
        (KEPT_VIDEO, KEPT_SUBSCRIPTION))}
    # Matched on the id and the creation time: an id freed and used again while rolled back
    # belongs to another row.
    if KEPT_VIDEO in have:
        database.execute_sql(
            'UPDATE video SET (favourite, watched_at, deleted_at, missing_since) = '
            '(SELECT k.favourite, k.watched_at, k.deleted_at, k.missing_since '
            'FROM "rollback_010_video" k WHERE k.video_id = video.id '
            "AND k.created_at = video.created_at) "
            'WHERE id IN (SELECT k.video_id FROM "rollback_010_video" k '
            "WHERE k.created_at = video.created_at)")
        database.execute_sql('DROP TABLE "rollback_010_video"')
    if KEPT_SUBSCRIPTION in have:
        database.execute_sql(
            "UPDATE subscription SET (avatar, last_counts, newest_feed) = "
            '(SELECT k.avatar, k.last_counts, k.newest_feed FROM "rollback_010_subscription" k '
            "WHERE k.subscription_id = subscription.id "
            "AND k.created_at = subscription.created_at) "
            'WHERE id IN (SELECT k.subscription_id FROM "rollback_010_subscription" k '
            "WHERE k.created_at = subscription.created_at)")
        database.execute_sql('DROP TABLE "rollback_010_subscription"')


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    for statement in ADD:
        migrator.sql(statement)
    migrator.run(_put_back, database)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql('DROP TABLE IF EXISTS "rollback_010_video"')
    migrator.sql('CREATE TABLE "rollback_010_video" (video_id INTEGER PRIMARY KEY, '
                 "created_at REAL, favourite INTEGER, watched_at REAL, deleted_at REAL, "
                 "missing_since REAL)")
    migrator.sql('INSERT INTO "rollback_010_video" SELECT id, created_at, favourite, watched_at, '
                 "deleted_at, missing_since FROM video WHERE favourite != 0 OR watched_at IS NOT "
                 "NULL OR deleted_at IS NOT NULL OR missing_since IS NOT NULL")
    migrator.sql('DROP TABLE IF EXISTS "rollback_010_subscription"')
    migrator.sql('CREATE TABLE "rollback_010_subscription" (subscription_id INTEGER PRIMARY KEY, '
                 "created_at REAL, avatar TEXT, last_counts TEXT, newest_feed TEXT)")
    migrator.sql('INSERT INTO "rollback_010_subscription" SELECT id, created_at, avatar, '
                 "last_counts, newest_feed FROM subscription")
    migrator.sql('DROP TABLE "subscription_entry"')
    for column in ("favourite", "watched_at", "deleted_at", "missing_since"):
        migrator.sql(f"ALTER TABLE video DROP COLUMN {column}")  # names from this file
    for column in ("avatar", "last_counts", "newest_feed"):
        migrator.sql(f"ALTER TABLE subscription DROP COLUMN {column}")


rollback.loses = "which videos each subscription's syncs found and left out"
