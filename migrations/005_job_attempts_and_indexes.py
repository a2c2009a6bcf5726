"""005: a retry asked by the user no longer erases the attempts made before it (the
policy counts from `attempts_before_retry`), and the two indexes 001 made twice go.

Rolling back keeps the counts in a table of their own (an older ytdesk ignores it), and
migrating up again puts them back: a down and an up lose nothing.
"""

import peewee as pw
from peewee_migrate import Migrator

KEPT = "rollback_005_job_attempts"  # spelled out in the SQL below: no string-built SQL


def _put_back(database):
    if not database.execute_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                (KEPT,)).fetchone():
        return
    # Matched on the id and the creation time: an id freed and used again while rolled back
    # belongs to another job.
    database.execute_sql(
        'UPDATE job SET attempts_before_retry = (SELECT k.attempts_before_retry FROM "rollback_005_job_attempts" k '
        "WHERE k.job_id = job.id AND k.created_at = job.created_at) "
        'WHERE id IN (SELECT k.job_id FROM "rollback_005_job_attempts" k WHERE k.created_at = job.created_at)')
    database.execute_sql('DROP TABLE "rollback_005_job_attempts"')


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("job", attempts_before_retry=pw.IntegerField(default=0))
    migrator.run(_put_back, database)
    # 001 created these by hand next to the ones peewee makes for the foreign keys
    # (job_parent_id, jobevent_job_id): same columns, twice the writes.
    migrator.sql("DROP INDEX IF EXISTS job_parent")
    migrator.sql("DROP INDEX IF EXISTS job_event_job")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql('DROP TABLE IF EXISTS "rollback_005_job_attempts"')
    migrator.sql('CREATE TABLE "rollback_005_job_attempts" (job_id INTEGER PRIMARY KEY, created_at REAL, '
                 "attempts_before_retry INTEGER NOT NULL)")
    migrator.sql('INSERT INTO "rollback_005_job_attempts" SELECT id, created_at, attempts_before_retry FROM job '
                 "WHERE attempts_before_retry != 0")
    migrator.sql("CREATE INDEX IF NOT EXISTS job_parent ON job (parent_id)")
    migrator.sql("CREATE INDEX IF NOT EXISTS job_event_job ON job_event (job_id)")
    migrator.remove_fields("job", "attempts_before_retry")
