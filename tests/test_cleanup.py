"""Cleanup finds what downloads left behind and nobody can use any more, reports it with
counts and bytes, changes nothing on a dry run, and then removes exactly what it reported:
never a file an unfinished job can resume, never anything outside the download folders and
the logs folder, never a library row (a video whose file is gone is only marked)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from support import subprocess_env, wait_until_idle

from ytdesk.core import channels, cleanup
from ytdesk.core import jobstates as st
from ytdesk.core import jobstore
from ytdesk.core.clock import now
from ytdesk.core.jobstore import NewJob
from ytdesk.core.models import Job, Subscription, SubscriptionEntry, Video

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
LONG_AGO = now() - 40 * 86_400  # older than a log may get, and than a leftover's hour


def old_file(path: Path, data: bytes = b"x" * 100, when: float = LONG_AGO) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (when, when))
    return path


@dataclass
class Scene:
    """A download folder after months of use (`removable`: what cleanup may remove)."""

    removable: set[Path]
    kept: set[Path]
    outside: Path
    missing_id: int
    back_id: int
    retained_id: int


def make_scene(home, tmp_path) -> Scene:
    videos, logs = home.download_dir, home.paths.job_logs
    elsewhere = tmp_path / "elsewhere"  # a subscription's own folder
    outside = tmp_path / "outside"  # never to be touched: only links lead there
    # Unfinished jobs: a queued download whose address names its video, a paused child of
    # a playlist whose entry does, and a failed one (which cannot resume anything).
    [queued, paused, failed, cancelled] = jobstore.add_jobs([
        NewJob("download", "https://example.com/watch?v=keep1"),
        NewJob("download", "https://example.com/list/7",
               {"from_list": {"entry": {"id": "keep2"}, "context": {}}}),
        NewJob("download", "https://example.com/watch?v=fail1"),
        NewJob("download", "https://example.com/list/8",
               {"from_list": {"entry": {"id": "orph2"}, "context": {}}})])
    assert jobstore.move(paused, st.PAUSED)
    assert jobstore.move(failed, st.RUNNING) and jobstore.move(failed, st.FAILED)
    assert jobstore.move(cancelled, st.CANCELLED)
    for known in ("orph1", "orph3", "sub1"):  # videos the library knows (not downloaded)
        Video.insert(extractor="fakesite", video_id=known).execute()

    removable = {
        old_file(videos / "Old [orph1].mp4.part"),  # a video the library knows
        old_file(videos / "Old [orph1].mp4.ytdl", b"{}"),
        old_file(videos / "Chan" / "Frag [orph2].mp4.part-Frag3"),  # a cancelled job's
        old_file(videos / "Post [orph3].temp.mp4"),
        old_file(videos / "Failed [fail1].mp4.part"),  # its job failed: it resumes nothing
        old_file(elsewhere / "Sub [sub1].webm.part"),
        old_file(logs / "900.log"),
    }
    kept = {
        old_file(videos / "Queued [keep1].f137.mp4.part"),  # its queued job resumes it
        old_file(videos / "Child [keep2].mp4.part"),  # its paused job does
        old_file(videos / "custom name.mp4.part"),  # no id: whose? never removed
        old_file(videos / "Song [Official].mp3.part"),  # an id ytdesk never heard of
        old_file(videos / "setup.zip.part"),  # another program's (a browser's) download
        old_file(videos / "Fresh [new1].mp4.part", when=now()),  # written to just now
        old_file(videos / "Done [done1].mp4"),  # a finished video
        old_file(videos / "notes.temp.txt"),  # not yt-dlp's: a temp name of another kind
        old_file(logs / "901.log", when=now() - 86_400),  # a recent log
        old_file(logs / f"{queued}.log"),  # an unfinished job's log
        old_file(logs / "readme.txt"),  # not a job log
    }
    target = old_file(outside / "Target [out1].mp4.part")
    (outside / "inner").mkdir()
    old_file(outside / "inner" / "Deep [out2].mp4.part")
    (videos / "Link [lnk1].mp4.part").symlink_to(target)  # a link: never followed, kept
    (videos / "linked folder").symlink_to(outside / "inner", target_is_directory=True)
    kept.add(videos / "Link [lnk1].mp4.part")

    sub = channels.subscribe("https://example.com/elsewhere", folder=str(elsewhere)).id
    Subscription.update(keep_newest=1).where(Subscription.id == sub).execute()
    entries = []
    for name in ("r1", "r2"):  # r1 is older: the retention rule deletes it
        media = old_file(elsewhere / f"Kept {name} [{name}].mp4", b"m" * 1000)
        entries.append(Video.insert(extractor="fakesite", video_id=name, filepath=str(media),
                                    filesize=1000).execute())
        SubscriptionEntry.insert(subscription=sub, video=entries[-1]).execute()
    removable.add(elsewhere / "Kept r1 [r1].mp4")
    kept.add(elsewhere / "Kept r2 [r2].mp4")
    missing = Video.insert(extractor="fakesite", video_id="gone1",
                           filepath=str(videos / "Gone [gone1].mp4")).execute()
    back = Video.insert(extractor="fakesite", video_id="back1", missing_since=LONG_AGO,
                        filepath=str(old_file(videos / "Back [back1].mp4"))).execute()
    kept.add(videos / "Back [back1].mp4")
    return Scene(removable, kept, outside, missing, back, entries[0])


def listing(root: Path) -> dict[str, tuple]:
    """Every file and link under root (links not followed), with size and time; the library
    file itself is left out (its content is compared as SQL)."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            if name.startswith("library.db"):
                continue
            info = path.lstat()
            found[str(path.relative_to(root))] = (info.st_mode, info.st_size, info.st_mtime_ns)
    return found


def library_dump(home) -> list[str]:
    return list(home.db.connection().iterdump())


def without_flag(report: dict) -> dict:
    return {key: value for key, value in report.items() if key != "dry_run"}


def test_a_dry_run_changes_nothing_and_the_real_run_removes_exactly_what_it_reported(
        home, tmp_path):
    scene = make_scene(home, tmp_path)
    files, rows = listing(tmp_path), library_dump(home)

    dry = cleanup.clean_up(home.settings, home.paths.job_logs, dry_run=True)
    assert listing(tmp_path) == files and library_dump(home) == rows  # nothing changed

    reported = {Path(p) for name in ("leftovers", "old_logs", "retention")
                for p in dry[name].paths}
    assert reported == scene.removable
    assert dry["leftovers"].count == 6 and dry["leftovers"].bytes == 6 * 100 - 100 + 2
    assert (dry["old_logs"].count, dry["old_logs"].bytes) == (1, 100)
    assert (dry["retention"].count, dry["retention"].bytes) == (1, 1000)
    assert dry["missing"].paths == [str(home.download_dir / "Gone [gone1].mp4")]
    assert dry["found_again"].paths == [str(home.download_dir / "Back [back1].mp4")]
    assert dry.problems == []

    real = cleanup.clean_up(home.settings, home.paths.job_logs, dry_run=False)
    assert without_flag(real.as_json()) == without_flag(dry.as_json())
    after = listing(tmp_path)
    gone = {str(p.relative_to(tmp_path)) for p in scene.removable}
    assert set(files) - set(after) == gone  # removed: exactly what was reported
    def untouched(entries: dict) -> dict:  # a folder's time changes as files leave it
        return {k: v for k, v in entries.items() if k not in gone and not stat.S_ISDIR(v[0])}

    assert untouched(files) == untouched(after)  # the rest is as it was
    assert all(os.path.lexists(path) for path in scene.kept)
    assert (scene.outside / "Target [out1].mp4.part").exists()
    assert (scene.outside / "inner" / "Deep [out2].mp4.part").exists()

    missing, back, retained = (Video.get_by_id(i) for i in
                               (scene.missing_id, scene.back_id, scene.retained_id))
    assert missing.missing_since is not None and missing.filepath  # marked, not deleted
    assert back.missing_since is None
    assert retained.deleted_at is not None and retained.filepath is None
    assert Video.select().count() == 7  # no row deleted

    again = cleanup.clean_up(home.settings, home.paths.job_logs, dry_run=True)
    assert not again.anything  # all done: the next look finds nothing


def test_a_stop_midway_leaves_done_what_the_report_says(home, tmp_path):
    for n in range(5):
        old_file(home.download_dir / f"Old [o{n}].mp4.part")
        Video.insert(extractor="fakesite", video_id=f"o{n}").execute()
    plan = cleanup.find(home.settings, home.paths.job_logs)
    removed: list[str] = []
    report = cleanup.carry_out(plan, dry_run=False, stop=lambda: len(removed) >= 2,
                               note=removed.append)
    assert report["leftovers"].count == 2
    left = sorted(p.name for p in home.download_dir.iterdir())
    assert len(left) == 3
    assert not any(Path(p).exists() for p in report["leftovers"].paths)


def cli(home, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ytdesk.cli", *home.cli_args(), *args],
                          env=subprocess_env(), capture_output=True, text=True, timeout=120)


def test_the_cli_prints_the_report_as_lines_or_json(home, tmp_path):
    scene = make_scene(home, tmp_path)
    files = listing(tmp_path)
    dry = cli(home, "cleanup", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    report = json.loads(dry.stdout)
    assert report["dry_run"] is True
    assert {k: report[k]["count"] for k in ("leftovers", "missing", "found_again", "old_logs",
                                            "retention")} == {
        "leftovers": 6, "missing": 1, "found_again": 1, "old_logs": 1, "retention": 1}
    assert report["old_logs"] == {"count": 1, "bytes": 100,
                                  "paths": [str(home.paths.job_logs / "900.log")]}
    assert listing(tmp_path) == files

    real = cli(home, "cleanup")
    assert real.returncode == 0, real.stderr
    lines = real.stdout.splitlines()
    assert "Unfinished download files no job can resume: 6, 502 bytes" in lines
    assert "Job logs older than 30 days: 1, 100 bytes" in lines
    assert f"\t{home.paths.job_logs / '900.log'}" in lines
    assert lines[-1] == ("Removed 6 unfinished download files, 1 old job log and 1 video by "
                         "retention (1,602 bytes); marked 1 video missing and 1 found again.")
    assert not any(path.exists() for path in scene.removable)


def test_the_cleanup_job_says_what_it_did_and_its_log_names_every_item(home, tmp_path,
                                                                        manager, qtbot):
    scene = make_scene(home, tmp_path)
    job_id = manager.enqueue("cleanup", str(home.download_dir), {"dry_run": False})
    # The scene's own unfinished jobs stay out of the way: they would wait for the network.
    Job.update(status=st.PAUSED).where(Job.kind == "download", Job.status == st.QUEUED).execute()
    wait_until_idle(qtbot, manager)
    job = Job.get_by_id(job_id)
    assert job.status == st.SUCCEEDED, job.error
    assert job.result.startswith("Removed 6 unfinished download files, 1 old job log")
    log = home.paths.job_log(job_id).read_text()
    for path in scene.removable:
        assert str(path) in log
    assert "Gone [gone1].mp4 is gone" in log
    assert not any(path.exists() for path in scene.removable)


def test_a_paused_cleanup_job_stops_before_removing_anything(home, tmp_path):
    from ytdesk.jobs import cleanup as cleanup_job
    from ytdesk.jobs.context import JobContext
    from ytdesk.ytdl.errors import JobStopped

    scene = make_scene(home, tmp_path)
    files = listing(tmp_path)
    [job_id] = jobstore.add_jobs([NewJob("cleanup", str(home.download_dir))])
    ctx = JobContext(Job.get_by_id(job_id), home.settings, home.paths.job_log(job_id),
                     report=lambda news: None, closing=threading.Event())
    ctx.request_stop("pause")
    with pytest.raises(JobStopped):
        cleanup_job.run(ctx)
    ctx.close()
    after = listing(tmp_path)
    after.pop(str(home.paths.job_log(job_id).relative_to(tmp_path)), None)
    assert after == files
    assert all(path.exists() for path in scene.removable)


def test_the_dialog_shows_what_would_go_and_queues_the_real_cleanup(home, tmp_path, manager,
                                                                    qtbot):
    from ytdesk.ui.main_window import MainWindow

    scene = make_scene(home, tmp_path)
    Job.update(status=st.PAUSED).where(Job.kind == "download", Job.status == st.QUEUED).execute()
    window = MainWindow(manager, home.settings, home.paths)
    qtbot.addWidget(window)
    window.show()
    [library] = [a.menu() for a in window.menuBar().actions() if a.text() == "&Library"]
    [clean_up] = [a for a in library.actions() if a.text() == "&Clean up…"]
    clean_up.trigger()
    dialog = window.cleanup_dialog
    assert dialog is not None and not dialog.clean_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10_000)
    shown = {dialog.found.topLevelItem(i).text(0): (dialog.found.topLevelItem(i).text(1),
                                                    dialog.found.topLevelItem(i).text(2))
             for i in range(dialog.found.topLevelItemCount())}
    assert shown == {
        "Unfinished download files no job can resume": ("6 files", "502 B"),
        "Videos whose files are gone (marked missing; kept in the library)": ("1 video", "—"),
        "Videos whose files are back (no longer marked missing)": ("1 video", "—"),
        "Job logs older than 30 days": ("1 log", "100 B"),
        "Videos the subscriptions' retention rules delete": ("1 video", "1.0 KB"),
    }
    assert "frees 1.6 KB" in dialog.summary.text()
    assert all(path.exists() for path in scene.removable)  # only looked

    qtbot.mouseClick(dialog.clean_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: Job.select().where(Job.kind == "cleanup").exists(), timeout=10_000)
    wait_until_idle(qtbot, manager)
    assert not any(path.exists() for path in scene.removable)
    assert window.cleanup_dialog is None
    window.reader.wait()


def test_cancelling_the_dialog_queues_nothing(home, tmp_path, manager, qtbot):
    import shiboken6

    from ytdesk.ui.main_window import MainWindow

    scene = make_scene(home, tmp_path)
    Job.update(status=st.PAUSED).where(Job.kind == "download", Job.status == st.QUEUED).execute()
    window = MainWindow(manager, home.settings, home.paths)
    qtbot.addWidget(window)
    window.open_cleanup()
    dialog = window.cleanup_dialog
    assert dialog is not None
    dialog.reject()  # at once: while it may still be looking
    assert window.cleanup_dialog is None
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=10_000)  # gone, with its thread
    assert not Job.select().where(Job.kind == "cleanup").exists()
    assert all(path.exists() for path in scene.removable)
    window.reader.wait()
