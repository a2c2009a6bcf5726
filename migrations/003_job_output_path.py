"""003: a job remembers the file it made, so "open folder" can show it.

Rolling back keeps the paths in a table of their own (an older ytdesk ignores it), and
migrating up again puts them back: a down and an up lose nothing.
"""

import peewee as pw
from peewee_migrate import Migrator

KEPT = "rollback_003_job_output_path"  # spelled out in the SQL below: no string-built SQL


def _put_back(database):
    if not database.execute_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                (KEPT,)).fetchone():
        return
    # Matched on the id and the creation time: an id freed and used again while rolled back
    # belongs to another job.
    database.execute_sql(
        'UPDATE job SET output_path = (SELECT k.output_path FROM "rollback_003_job_output_path" k '
        "WHERE k.job_id = job.id AND k.created_at = job.created_at) "
        'WHERE id IN (SELECT k.job_id FROM "rollback_003_job_output_path" k WHERE k.created_at = job.created_at)')
    database.execute_sql('DROP TABLE "rollback_003_job_output_path"')


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("job", output_path=pw.TextField(null=True))
    migrator.run(_put_back, database)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql('DROP TABLE IF EXISTS "rollback_003_job_output_path"')
    migrator.sql('CREATE TABLE "rollback_003_job_output_path" (job_id INTEGER PRIMARY KEY, created_at REAL, '
                 "output_path TEXT NOT NULL)")
    migrator.sql('INSERT INTO "rollback_003_job_output_path" SELECT id, created_at, output_path FROM job '
                 "WHERE output_path IS NOT NULL")
    migrator.remove_fields("job", "output_path")
