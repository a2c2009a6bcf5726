"""005: a retry asked by the user no longer erases the attempts made before it (the
policy counts from `attempts_before_retry`), and the two indexes 001 made twice go."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("job", attempts_before_retry=pw.IntegerField(default=0))
    # 001 created these by hand next to the ones peewee makes for the foreign keys
    # (job_parent_id, jobevent_job_id): same columns, twice the writes.
    migrator.sql("DROP INDEX IF EXISTS job_parent")
    migrator.sql("DROP INDEX IF EXISTS job_event_job")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql("CREATE INDEX IF NOT EXISTS job_parent ON job (parent_id)")
    migrator.sql("CREATE INDEX IF NOT EXISTS job_event_job ON job_event (job_id)")
    migrator.remove_fields("job", "attempts_before_retry")
