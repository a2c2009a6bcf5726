"""A full disk pauses the queue with a sentence, never turns a downloaded video into a failure,
and what was downloaded is recorded once there is room again.

The library's disk is made full for real as far as SQLite can tell: `PRAGMA max_page_count`
on every connection (SQLITE_FULL, "database or disk is full"), then the job-event table
filled to its last page. The download folder's full disk is an OSError(ENOSPC) from the
file yt-dlp writes, at the write itself (mounting a small tmpfs needs privileges tests do
not have)."""

from __future__ import annotations

import errno
import logging
import sqlite3
from pathlib import Path

import pytest
import yt_dlp.downloader.common
from support import events, job

from ytdesk.core.diskfull import LIBRARY_DISK_FULL, is_disk_full
from ytdesk.core.models import JobEvent, Video

FILLER = "filler: takes the library's last free page"


def limit_library(home, room_pages: int = 200) -> None:
    """Every connection opened from now on, and this thread's, may grow the file by only
    `room_pages` pages: a disk with that much room left."""
    pages = home.db.execute_sql("PRAGMA page_count").fetchone()[0] + room_pages
    home.db._pragmas = [*home.db._pragmas, ("max_page_count", pages)]
    home.db.execute_sql(f"PRAGMA max_page_count = {pages}")


def fill_library(job_id: int) -> None:
    """Use the room left, until SQLite says the disk is full."""
    with pytest.raises(Exception) as full:
        for _ in range(100_000):
            JobEvent.insert(job=job_id, at=0, kind="message", message=FILLER).execute()
    assert is_disk_full(full.value), full.value


def make_room(home) -> None:
    JobEvent.delete().where(JobEvent.message == FILLER).execute()


def test_a_full_library_disk_pauses_the_queue_and_keeps_the_download(site, home, qtbot,
                                                                      caplog):
    from ytdesk.jobs.manager import JobManager

    size = site.media["muxed"].stat().st_size
    site.set_fault("/media/v1/", "slow", bytes_per_second=size // 2)
    limit_library(home)
    manager = JobManager(home.paths, home.settings)
    paused: list[str] = []
    manager.queuePaused.connect(paused.append)
    try:
        with caplog.at_level(logging.WARNING):
            manager.start()
            job_id = manager.enqueue("download", site.video_url("v1"))
            qtbot.waitUntil(lambda: job_id in manager.running_ids, timeout=20_000)
            fill_library(job_id)  # while it downloads
            qtbot.waitUntil(lambda: bool(paused), timeout=30_000)

            assert paused == [LIBRARY_DISK_FULL]
            assert job(job_id).status == "running"  # not failed: its end waits for room
            [saved] = [p for p in home.download_dir.rglob("*.mp4")]
            assert saved.stat().st_size == size  # the download is kept

            make_room(home)
            qtbot.waitUntil(lambda: job(job_id).status != "running", timeout=30_000)
    finally:
        manager.shutdown(timeout_s=10)

    done = job(job_id)
    assert done.status == "succeeded", done.error
    assert done.attempts == 1 and events(job_id, "retry") == []
    assert Path(Video.get(Video.video_id == "v1").filepath) == saved
    assert manager.paused_reason == LIBRARY_DISK_FULL  # the user resumes it
    assert not [r for r in caplog.records if r.exc_info]  # sentences, no tracebacks


def test_sqlite_s_own_full_error_reads_as_a_full_disk(tmp_path):
    connection = sqlite3.connect(tmp_path / "tiny.db")
    connection.execute("CREATE TABLE t (x)")
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.OperationalError) as full:
        for _ in range(10_000):
            connection.execute("INSERT INTO t VALUES (randomblob(100))")
    assert str(full.value) == "database or disk is full"
    assert is_disk_full(full.value)
    assert not is_disk_full(sqlite3.OperationalError("database is locked"))


class _FullDisk:
    """The file yt-dlp writes a download into, on a disk with `room` bytes left."""

    def __init__(self, file, room: int):
        self._file, self._room = file, room

    def write(self, data):
        if len(data) > self._room:
            raise OSError(errno.ENOSPC, "No space left on device")  # as file.write says it
        self._room -= len(data)
        return self._file.write(data)

    def __getattr__(self, name):
        return getattr(self._file, name)


def make_download_disk_full(monkeypatch) -> None:
    opened = yt_dlp.downloader.common.FileDownloader.sanitize_open

    def sanitize_open(self, filename, open_mode):
        stream, name = opened(self, filename, open_mode)
        return _FullDisk(stream, room=50_000), name

    monkeypatch.setattr(yt_dlp.downloader.common.FileDownloader, "sanitize_open", sanitize_open)


def test_a_full_download_disk_pauses_the_queue_without_using_an_attempt(
        site, home, manager, qtbot, monkeypatch):
    make_download_disk_full(monkeypatch)
    with qtbot.waitSignal(manager.queuePaused, timeout=30_000) as paused:
        job_id = manager.enqueue("download", site.video_url("v1"))
    qtbot.waitUntil(lambda: not manager.running_ids, timeout=30_000)

    [reason] = paused.args
    assert reason == "The disk is full. Free some space, then resume the queue."
    back = job(job_id)
    assert back.status == "queued" and back.attempts == 0
    assert back.error == reason
    [part] = home.download_dir.rglob("*.part")  # kept for resuming once there is room
    assert 0 < part.stat().st_size <= 50_000
