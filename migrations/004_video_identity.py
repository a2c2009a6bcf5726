"""004: a video's identity includes where its id is unique (`id_scope`).

The generic extractor names a video after its URL's file name, so every site's `vid0008.mp4`
was one library row ("generic", "vid0008"): a second site's file counted as already
downloaded. Rows of such extractors are re-keyed with the host (and, for Telegram, the
channel) of their stored webpage_url; other rows get "".

Rolling back keeps each row's scope in a table of its own (an older ytdesk ignores it);
migrating up again puts it back and re-keys only the rows added in between.
"""

from urllib.parse import urlsplit

import peewee as pw
from peewee_migrate import Migrator

# The rule as it stood when this migration was written (ytdesk/core/library.py,
# SCOPED_EXTRACTORS and id_scope): a migration must do the same thing forever, so it keeps
# its own copy instead of importing code that may change later.
SCOPED_EXTRACTORS = {
    "generic": 0,
    "html5mediaembed": 0,
    "camtasiaembed": 0,
    "wordpressplaylistembed": 0,
    "wordpressminiaudioplayerembed": 0,
    "rtmp": 0,
    "telegramembed": 1,
}
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _scope(extractor, url):
    depth = SCOPED_EXTRACTORS.get((extractor or "").lower())
    if depth is None or not url:
        return ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host:
        return ""
    if port and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    segments = [segment for segment in parts.path.split("/") if segment][:depth]
    return "/".join([host, *segments])


KEPT = "rollback_004_video_scope"  # spelled out in the SQL below: no string-built SQL


def _put_back(database):
    if not database.execute_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                (KEPT,)).fetchone():
        return
    database.execute_sql(
        'UPDATE video SET id_scope = (SELECT k.id_scope FROM "rollback_004_video_scope" k WHERE k.video_id = '
        "video.id AND k.created_at = video.created_at) "
        'WHERE id IN (SELECT k.video_id FROM "rollback_004_video_scope" k WHERE k.created_at = video.created_at)')
    database.execute_sql('DROP TABLE "rollback_004_video_scope"')


def _rekey(database):
    rows = database.execute_sql(
        "SELECT id, extractor, webpage_url FROM video WHERE id_scope = ''").fetchall()
    for row_id, extractor, url in rows:
        scope = _scope(extractor, url)
        if scope:
            database.execute_sql("UPDATE video SET id_scope = ? WHERE id = ?", (scope, row_id))


def _refuse_twins(database):
    twins = database.execute_sql(
        "SELECT COUNT(*) FROM (SELECT 1 FROM video GROUP BY extractor, video_id "
        "HAVING COUNT(*) > 1)").fetchone()[0]
    if twins:
        raise RuntimeError(
            f"Cannot undo 004: {twins} videos share an id across sites. Remove one of each "
            "pair from the library first.")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    # One ALTER TABLE with a SQL default: peewee's usual way to add a NOT NULL column
    # rebuilds the table on SQLite, which would drop the full-text search triggers.
    migrator.add_fields("video", allow_not_null=True, id_scope=pw.CharField(
        max_length=255, default="", constraints=[pw.SQL("DEFAULT ''")]))
    migrator.run(_put_back, database)
    migrator.run(_rekey, database)
    migrator.drop_index("video", "extractor", "video_id")
    migrator.add_index("video", "extractor", "video_id", "id_scope", unique=True)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.run(_refuse_twins, database)
    migrator.sql('DROP TABLE IF EXISTS "rollback_004_video_scope"')
    migrator.sql('CREATE TABLE "rollback_004_video_scope" (video_id INTEGER PRIMARY KEY, created_at REAL, '
                 "id_scope TEXT NOT NULL)")
    migrator.sql('INSERT INTO "rollback_004_video_scope" SELECT id, created_at, id_scope FROM video '
                 "WHERE id_scope != ''")
    migrator.drop_index("video", "extractor", "video_id", "id_scope")
    migrator.remove_fields("video", "id_scope")
    migrator.add_index("video", "extractor", "video_id", unique=True)
