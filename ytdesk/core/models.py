"""The peewee models. The schema itself is made only by migrations/ (peewee-migrate).

Models are bound to a database by `db.open_database`; until then they are unbound, so
importing this module touches no file.
"""

from __future__ import annotations

import re

import peewee as pw

from .clock import now

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class _SiteTextMixin:
    """Text as a site sent it. JSON may carry half of an emoji's surrogate pair (a title cut
    by the site); UTF-8 cannot store it, and one such title made a whole playlist fail.
    It is stored as U+FFFD, the character that says "something was here"."""

    def db_value(self, value):
        value = super().db_value(value)  # type: ignore[misc]
        return _LONE_SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value


class SiteText(_SiteTextMixin, pw.TextField):
    pass


class SiteName(_SiteTextMixin, pw.CharField):
    pass


class BaseModel(pw.Model):
    class Meta:
        legacy_table_names = False


class Setting(BaseModel):
    """One stored setting; its name, type and default are declared in settings.py."""

    name = pw.CharField(primary_key=True)
    value = pw.TextField()  # JSON


class Channel(BaseModel):
    id = pw.AutoField()  # what peewee adds by itself, spelled out for the type checker
    extractor = pw.CharField()
    channel_id = pw.CharField()
    name = SiteName(null=True)
    url = pw.TextField(null=True)
    subscribed = pw.BooleanField(default=False)
    last_synced_at = pw.FloatField(null=True)
    created_at = pw.FloatField(default=now)

    class Meta:
        indexes = ((("extractor", "channel_id"), True),)


class Video(BaseModel):
    """A video the library knows of; it is downloaded when filepath is set and exists."""

    id = pw.AutoField()
    extractor = pw.CharField()  # yt-dlp extractor key, lower-case: "youtube", "fakesite"
    video_id = pw.CharField()  # yt-dlp's id, as in the file name's "[id]"
    # Where video_id is unique: "" for a site's own ids, else e.g. the host of a generic
    # extractor's file (library.id_scope); part of the video's identity.
    id_scope = pw.CharField(default="", constraints=[pw.SQL("DEFAULT ''")])
    title = SiteText(null=True)
    description = SiteText(null=True)
    uploader = SiteName(null=True)
    channel = SiteName(null=True)  # the channel's name, as the user reads it
    channel_ref = pw.ForeignKeyField(Channel, null=True, backref="videos", on_delete="SET NULL")
    upload_date = pw.CharField(null=True)  # YYYYMMDD as yt-dlp gives it
    duration = pw.FloatField(null=True)
    view_count = pw.IntegerField(null=True)
    thumbnail = pw.TextField(null=True)
    webpage_url = pw.TextField(null=True)
    filepath = pw.TextField(null=True)
    filesize = pw.IntegerField(null=True)
    format = pw.CharField(null=True)
    preset = pw.CharField(null=True)  # the short name of the preset it was downloaded with
    tags = pw.TextField(null=True)  # the site's tags, one a line (searched, with the title)
    downloaded_at = pw.FloatField(null=True)
    watched = pw.BooleanField(default=False)
    play_position = pw.FloatField(default=0)
    watched_at = pw.FloatField(null=True)  # when it was marked watched (retention counts from it)
    favourite = pw.BooleanField(default=False)  # retention never deletes a favourite
    deleted_at = pw.FloatField(null=True)  # its file was deleted on purpose: never fetched again
    missing_since = pw.FloatField(null=True)  # its file was gone when cleanup looked
    play_count = pw.IntegerField(default=0)  # times started in the player
    last_played_at = pw.FloatField(null=True)
    tracks = pw.TextField(default="{}")  # JSON: the subtitle and audio track chosen for it
    info_json = pw.TextField(null=True)
    created_at = pw.FloatField(default=now)
    updated_at = pw.FloatField(default=now)

    class Meta:
        indexes = ((("extractor", "video_id", "id_scope"), True),)


class Job(BaseModel):
    id = pw.AutoField()
    kind = pw.CharField()
    status = pw.CharField(default="queued")
    url = pw.TextField()
    title = SiteText(null=True)
    payload = pw.TextField(default="{}")  # JSON: quality, audio_format, download_dir...
    priority = pw.IntegerField(default=0)
    site = pw.CharField()  # scheduling key for the per-site limit and rate-limit holds
    parent = pw.ForeignKeyField("self", null=True, backref="children", on_delete="SET NULL")
    parent_id: int | None  # the column behind `parent`, which peewee adds as an attribute
    attempts = pw.IntegerField(default=0)  # runs that ended (a stopped run gives its back)
    attempts_before_retry = pw.IntegerField(default=0)  # the retry policy counts from here
    progress = pw.FloatField(null=True)
    downloaded_bytes = pw.IntegerField(null=True)
    total_bytes = pw.IntegerField(null=True)
    speed = pw.FloatField(null=True)
    eta = pw.FloatField(null=True)
    error = pw.TextField(null=True)
    error_kind = pw.CharField(null=True)
    result = pw.TextField(null=True)  # a short sentence on success: "queued 37 videos"
    output_path = pw.TextField(null=True)  # the file a download made (for "open folder")
    owner = pw.CharField(null=True)
    lease_until = pw.FloatField(null=True)
    requested = pw.CharField(null=True)  # "pause" / "cancel", asked of the owner process
    scheduled_at = pw.FloatField(default=0)
    created_at = pw.FloatField(default=now)
    started_at = pw.FloatField(null=True)
    finished_at = pw.FloatField(null=True)
    updated_at = pw.FloatField(default=now)


class JobEvent(BaseModel):
    """A state change or a notable message in a job's life."""

    id = pw.AutoField()
    job = pw.ForeignKeyField(Job, backref="events", on_delete="CASCADE")
    at = pw.FloatField(default=now)
    kind = pw.CharField()  # "status", "interrupted", "retry", "message"
    from_status = pw.CharField(null=True)
    to_status = pw.CharField(null=True)
    message = pw.TextField(null=True)


class SiteHold(BaseModel):
    """A site that answered "too many requests": none of its jobs start before `until`."""

    site = pw.CharField(primary_key=True)
    until = pw.FloatField()
    strikes = pw.IntegerField(default=1)
    reason = pw.TextField(null=True)


class Preset(BaseModel):
    """A user's named set of download options (the built-in ones live in presets.py)."""

    id = pw.AutoField()
    name = pw.CharField(unique=True)  # short and stable, for scripts: "phone-480"
    title = pw.TextField()  # what people read: "Phone, 480p"
    options = pw.TextField()  # JSON, checked by preset_options when read
    created_at = pw.FloatField(default=now)
    updated_at = pw.FloatField(default=now)


class Subscription(BaseModel):
    """A channel, playlist or feed the user follows; channels.py reads and writes it."""

    id = pw.AutoField()
    url = pw.TextField(unique=True)
    title = pw.TextField()
    group_name = pw.TextField(default="")  # free text: "Music"
    folder = pw.TextField(null=True)  # None: the download folder
    preset = pw.CharField(null=True)  # None: the default preset
    interval_s = pw.FloatField()  # how often it is synced
    enabled = pw.BooleanField(default=True)
    backfill = pw.CharField()  # "none", "all" or a number: the back catalogue's first sync
    filters = pw.TextField(default="{}")  # JSON, checked by channels.check_filters
    keep_newest = pw.IntegerField(null=True)  # retention: keep only the newest N downloads
    delete_watched_after_days = pw.IntegerField(null=True)
    last_synced_at = pw.FloatField(null=True)
    last_error = pw.TextField(null=True)
    avatar = pw.TextField(null=True)  # the address of the channel's image
    last_counts = pw.TextField(default="{}")  # JSON: what the last sync saw, added, left out
    newest_feed = pw.TextField(null=True)  # the site's cheap feed of its newest uploads
    created_at = pw.FloatField(default=now)
    updated_at = pw.FloatField(default=now)


class SubscriptionEntry(BaseModel):
    """A video a subscription's listing showed; `left_out` says why its sync did not
    download it (the back catalogue, a filter, it could not be opened), or is None."""

    id = pw.AutoField()
    # (subscription, video) below is its index too
    subscription = pw.ForeignKeyField(Subscription, backref="entries", on_delete="CASCADE",
                                      index=False)
    video = pw.ForeignKeyField(Video, backref="listed_in", on_delete="CASCADE")
    seen_at = pw.FloatField(default=now)
    left_out = pw.TextField(null=True)

    class Meta:
        indexes = ((("subscription", "video"), True),
                   # a channel's videos in the order its syncs found them (migration 011)
                   (("subscription", "id"), False))


MODELS = [Setting, Channel, Video, Job, JobEvent, SiteHold, Preset, Subscription,
          SubscriptionEntry]
