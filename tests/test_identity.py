"""A video's identity is the site's, not its file name's: the generic extractor's id
("vid0008", from vid0008.mp4) is only unique within a host, so the library keys it with
the host; yt-dlp's archive check and the library agree; old rows are re-keyed by 004."""

from __future__ import annotations

import logging
import sqlite3

import pytest
import yt_dlp
from support import job, wait_until_idle

from ytdesk.core import db as database
from ytdesk.core import library
from ytdesk.core.models import Video
from ytdesk.core.paths import Paths
from ytdesk.core.preset_options import PresetOptions
from ytdesk.ytdl.archive import archive_id, parse_archive_id
from ytdesk.ytdl.engine import Engine


def test_the_same_file_name_from_two_hosts_is_two_videos(site, home, manager, qtbot, media):
    site.add_file("vid0008.mp4", media["muxed"])
    here, there = site.file_url("vid0008.mp4"), site.file_url("vid0008.mp4", host="localhost")

    first = manager.enqueue("download", here)
    wait_until_idle(qtbot, manager)
    second = manager.enqueue("download", there)
    wait_until_idle(qtbot, manager)

    assert job(first).result.startswith("Saved ")
    assert job(second).result.startswith("Saved "), job(second).result
    rows = sorted(Video.select(), key=lambda v: v.id_scope)
    assert [(v.extractor, v.video_id, v.id_scope) for v in rows] == [
        ("generic", "vid0008", f"127.0.0.1:{site.port}"),
        ("generic", "vid0008", f"localhost:{site.port}")]
    assert rows[0].filepath != rows[1].filepath
    # File names stay yt-dlp's: "[vid0008]"; the folder is each file's site.
    assert {p.name for p in home.download_dir.rglob("*.mp4")} == {"vid0008 [vid0008].mp4"}

    again = manager.enqueue("download", there)
    wait_until_idle(qtbot, manager)
    assert job(again).result == f"Already in your library: {rows[1].filepath}"
    assert job(again).output_path == rows[1].filepath


def test_a_site_s_own_ids_are_not_scoped():
    own = {"id": "v1", "extractor_key": "FakeSite", "webpage_url": "http://127.0.0.1:1/watch/v1"}
    assert library.identity(own) == ("fakesite", "v1", "")
    assert library.identity({"id": "613", "extractor_key": "TelegramEmbed",
                             "webpage_url": "https://t.me/europa_press/613?single"}) == (
        "telegramembed", "613", "t.me/europa_press")
    assert library.id_scope("generic", "https://WWW.Example.com:443/a/ep1.mp3") == "example.com"
    assert library.id_scope("generic", "http://example.com:8080/ep1.mp3") == "example.com:8080"


def test_every_scoped_extractor_is_one_yt_dlp_has():
    keys = {ie.ie_key().lower() for ie in yt_dlp.extractor.gen_extractor_classes()}
    assert set(library.SCOPED_EXTRACTORS) <= keys


def test_yt_dlp_s_archive_check_and_the_library_agree(site, home, media):
    site.add_file("vid0008.mp4", media["muxed"])
    info = {"id": "vid0008", "extractor_key": "Generic", "title": "vid0008",
            "webpage_url": site.file_url("vid0008.mp4")}
    saved = home.download_dir / "vid0008.mp4"
    saved.parent.mkdir(parents=True)
    saved.write_bytes(media["muxed"].read_bytes())
    library.record_download(info, str(saved), None)

    with Engine(download_dir=home.download_dir, preset=PresetOptions(),
                log=lambda level, text: None) as engine:
        made = engine.ydl._make_archive_id(info)
        assert made == archive_id("generic", "vid0008", f"127.0.0.1:{site.port}")
        assert parse_archive_id(made) == library.identity(info)
        assert engine.ydl.in_download_archive(info) and engine.in_library(info)
        elsewhere = {**info, "webpage_url": site.file_url("vid0008.mp4", host="localhost")}
        assert not engine.ydl.in_download_archive(elsewhere)
        assert not engine.in_library(elsewhere)
        # yt-dlp's plain "generic vid0008" (e.g. an extractor's _old_archive_ids) names no
        # site, so it matches no scoped row.
        assert "generic vid0008" not in engine.archive


def _database_at_003(tmp_path):
    paths = Paths(tmp_path / "data").ensure()
    db = database.open_database(paths.database)
    database._router(db).run("003_job_output_path")
    rows = [
        ("generic", "vid0008", "http://127.0.0.1:8000/files/vid0008.mp4", "/v/a.mp4", "Clip"),
        ("fakesite", "v1", "http://127.0.0.1:8000/watch/v1", "/v/b.mp4", "Test Video 1"),
        ("telegramembed", "613", "https://t.me/europa_press/613?single", None, "Message"),
        ("generic", "ep1", None, None, "No address"),
    ]
    for extractor, video_id, url, path, title in rows:
        db.execute_sql(
            "INSERT INTO video (extractor, video_id, webpage_url, filepath, title, watched, "
            "play_position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0)",
            (extractor, video_id, url, path, title))
    return paths, db


def test_migration_004_rekeys_rows_whose_ids_are_file_names(tmp_path):
    paths, db = _database_at_003(tmp_path)

    assert "004_video_identity" in database.migrate_up(db, paths.database, paths.backups)

    keys = {(v.extractor, v.video_id): v.id_scope for v in Video.select()}
    assert keys == {("generic", "vid0008"): "127.0.0.1:8000", ("fakesite", "v1"): "",
                    ("telegramembed", "613"): "t.me/europa_press", ("generic", "ep1"): ""}
    # Another host's vid0008 is now a video of its own, and search still finds old rows.
    library.upsert_videos([{"id": "vid0008", "extractor_key": "Generic", "title": "Other",
                            "webpage_url": "http://localhost:8000/files/vid0008.mp4"}])
    assert Video.select().where(Video.video_id == "vid0008").count() == 2
    assert [v.title for v in library.search_videos("clip")] == ["Clip"]
    assert [v.title for v in library.search_videos("other")] == ["Other"]
    db.close()


def test_undoing_004_refuses_while_two_sites_share_an_id(tmp_path, caplog):
    paths, db = _database_at_003(tmp_path)
    database._router(db).run("004_video_identity")  # so that 004 is the one undone
    # Written as 004's schema holds it (the models are the newest schema's).
    extractor, video_id, scope = library.identity({
        "id": "vid0008", "extractor_key": "Generic",
        "webpage_url": "http://localhost:8000/files/vid0008.mp4"})
    db.execute_sql("INSERT INTO video (extractor, video_id, id_scope, watched, play_position, "
                   "created_at, updated_at) VALUES (?, ?, ?, 0, 0, 0, 0)",
                   (extractor, video_id, scope))

    with caplog.at_level(logging.CRITICAL, logger="ytdesk.migrate"), \
            pytest.raises(RuntimeError, match="share an id across sites"):
        database.migrate_down(db, paths.database, paths.backups)

    assert "004_video_identity" in database.migration_status(db).applied
    with sqlite3.connect(paths.database) as check:
        assert check.execute("SELECT COUNT(*) FROM video WHERE id_scope != ''").fetchone()[0] == 3
    db.close()
