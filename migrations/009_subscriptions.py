"""009: subscriptions (channels, playlists and feeds a user follows), with their folder,
preset, sync interval, filters, back-catalogue choice and retention."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Subscription(pw.Model):
        id = pw.AutoField()
        url = pw.TextField(unique=True)
        title = pw.TextField()
        group_name = pw.TextField(default="")
        folder = pw.TextField(null=True)
        preset = pw.CharField(null=True)
        interval_s = pw.FloatField()
        enabled = pw.BooleanField(default=True)
        backfill = pw.CharField()
        filters = pw.TextField(default="{}")
        keep_newest = pw.IntegerField(null=True)
        delete_watched_after_days = pw.IntegerField(null=True)
        last_synced_at = pw.FloatField(null=True)
        last_error = pw.TextField(null=True)
        created_at = pw.FloatField()
        updated_at = pw.FloatField()

        class Meta:
            table_name = "subscription"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("subscription")


rollback.loses = "every subscription"  # what `migrate down` names before asking for --yes
