"""001: the library's tables."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Tables for settings, channels, videos, jobs, their events and site holds."""
    @migrator.create_model
    class Channel(pw.Model):
        id = pw.AutoField()
        extractor = pw.CharField(max_length=255)
        channel_id = pw.CharField(max_length=255)
        name = pw.CharField(max_length=255, null=True)
        url = pw.TextField(null=True)
        subscribed = pw.BooleanField(default=False)
        last_synced_at = pw.FloatField(null=True)
        created_at = pw.FloatField()

        class Meta:
            table_name = "channel"
            indexes = [(('extractor', 'channel_id'), True)]

    @migrator.create_model
    class Job(pw.Model):
        id = pw.AutoField()
        kind = pw.CharField(max_length=255)
        status = pw.CharField(default='queued', max_length=255)
        url = pw.TextField()
        title = pw.TextField(null=True)
        payload = pw.TextField(default='{}')
        priority = pw.IntegerField(default=0)
        site = pw.CharField(max_length=255)
        parent = pw.ForeignKeyField(column_name='parent_id', field='id', model='self', null=True, on_delete='SET NULL')
        attempts = pw.IntegerField(default=0)
        progress = pw.FloatField(null=True)
        downloaded_bytes = pw.IntegerField(null=True)
        total_bytes = pw.IntegerField(null=True)
        speed = pw.FloatField(null=True)
        eta = pw.FloatField(null=True)
        error = pw.TextField(null=True)
        error_kind = pw.CharField(max_length=255, null=True)
        result = pw.TextField(null=True)
        owner = pw.CharField(max_length=255, null=True)
        lease_until = pw.FloatField(null=True)
        requested = pw.CharField(max_length=255, null=True)
        scheduled_at = pw.FloatField(default=0.0)
        created_at = pw.FloatField()
        started_at = pw.FloatField(null=True)
        finished_at = pw.FloatField(null=True)
        updated_at = pw.FloatField()

        class Meta:
            table_name = "job"

    @migrator.create_model
    class JobEvent(pw.Model):
        id = pw.AutoField()
        job = pw.ForeignKeyField(column_name='job_id', field='id', model=migrator.orm['job'], on_delete='CASCADE')
        at = pw.FloatField()
        kind = pw.CharField(max_length=255)
        from_status = pw.CharField(max_length=255, null=True)
        to_status = pw.CharField(max_length=255, null=True)
        message = pw.TextField(null=True)

        class Meta:
            table_name = "job_event"

    @migrator.create_model
    class Setting(pw.Model):
        name = pw.CharField(max_length=255, primary_key=True)
        value = pw.TextField()

        class Meta:
            table_name = "setting"

    @migrator.create_model
    class SiteHold(pw.Model):
        site = pw.CharField(max_length=255, primary_key=True)
        until = pw.FloatField()
        strikes = pw.IntegerField(default=1)
        reason = pw.TextField(null=True)

        class Meta:
            table_name = "site_hold"

    @migrator.create_model
    class Video(pw.Model):
        id = pw.AutoField()
        extractor = pw.CharField(max_length=255)
        video_id = pw.CharField(max_length=255)
        title = pw.TextField(null=True)
        description = pw.TextField(null=True)
        uploader = pw.CharField(max_length=255, null=True)
        channel = pw.CharField(max_length=255, null=True)
        channel_ref = pw.ForeignKeyField(column_name='channel_ref_id', field='id', model=migrator.orm['channel'], null=True, on_delete='SET NULL')
        upload_date = pw.CharField(max_length=255, null=True)
        duration = pw.FloatField(null=True)
        view_count = pw.IntegerField(null=True)
        thumbnail = pw.TextField(null=True)
        webpage_url = pw.TextField(null=True)
        filepath = pw.TextField(null=True)
        filesize = pw.IntegerField(null=True)
        format = pw.CharField(max_length=255, null=True)
        downloaded_at = pw.FloatField(null=True)
        watched = pw.BooleanField(default=False)
        play_position = pw.FloatField(default=0.0)
        info_json = pw.TextField(null=True)
        created_at = pw.FloatField()
        updated_at = pw.FloatField()

        class Meta:
            table_name = "video"
            indexes = [(('extractor', 'video_id'), True)]

    # The scheduler asks "best queued job" many times a second: a partial index keeps that
    # lookup proportional to the queue, not to the whole history of finished jobs.
    migrator.sql(
        "CREATE INDEX job_runnable ON job (priority DESC, id) "
        "WHERE status IN ('queued', 'waiting')"
    )
    migrator.sql("CREATE INDEX job_status ON job (status)")
    migrator.sql("CREATE INDEX job_parent ON job (parent_id)")
    migrator.sql("CREATE INDEX job_event_job ON job_event (job_id)")
    migrator.sql("CREATE INDEX video_downloaded ON video (downloaded_at)")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for index in ("job_runnable", "job_status", "job_parent", "job_event_job", "video_downloaded"):
        migrator.sql(f"DROP INDEX IF EXISTS {index}")
    for table in ("video", "site_hold", "setting", "job_event", "job", "channel"):
        migrator.remove_model(table)
