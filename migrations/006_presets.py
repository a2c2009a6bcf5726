"""006: the user's presets (named sets of download options; the built-in ones are code)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Preset(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(unique=True)
        title = pw.TextField()
        options = pw.TextField()
        created_at = pw.FloatField()
        updated_at = pw.FloatField()

        class Meta:
            table_name = "preset"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    # Rolling back loses the user's presets: the CLI asks for --yes and backs up first.
    migrator.remove_model("preset")
