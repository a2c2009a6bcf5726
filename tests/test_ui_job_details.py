"""The details pane and everything that shows a job's address: what a person reads there is
the real folder, the address they gave, and events in words (no internal ids)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from support import wait_until_idle

from ytdesk.core import jobstates as st
from ytdesk.core import jobstore
from ytdesk.core.jobviews import clean_url, event_text
from ytdesk.core.models import Job, JobEvent
from ytdesk.ui.models.job_table import TITLE

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
SMUGGLED = ("https://example.com/watch?v=1#__youtubedl_smuggle=%7B%22http_headers%22%3A+"
            "%7B%22Referer%22%3A+%22https%3A%2F%2Fexample.com%2F%22%7D%7D")


def put(window, qtbot, url: str, payload: dict | None = None) -> int:
    [job_id] = jobstore.add_jobs([jobstore.NewJob("download", url, payload or {})])
    window.manager.jobAdded.emit([job_id])
    qtbot.waitUntil(lambda: window.jobs.model.job(job_id) is not None, timeout=10_000)
    return job_id


def facts(window, qtbot, job_id: int) -> dict[str, str]:
    window.jobs.select_job(job_id)
    view = window.jobs.details.facts
    qtbot.waitUntil(lambda: view.value("Job number") == str(job_id), timeout=5_000)
    return {view.topLevelItem(i).text(0): view.topLevelItem(i).text(1)
            for i in range(view.topLevelItemCount())}


def test_the_details_show_the_real_folder(home, window, qtbot, tmp_path):
    window.manager.shutdown()  # nothing runs: the folder is what the job will use
    plain = put(window, qtbot, "https://example.com/watch?v=1")
    chosen = put(window, qtbot, "https://example.com/watch?v=2",
                 {"download_dir": str(tmp_path / "chosen"), "quality": "720"})
    assert facts(window, qtbot, plain)["Folder"] == str(home.download_dir)
    assert facts(window, qtbot, plain)["Preset"] == "Best quality (the default)"
    shown = facts(window, qtbot, chosen)
    assert shown["Folder"] == str(tmp_path / "chosen")
    assert shown["Changed for this job"] == "quality: 720"
    assert "default" not in shown["Folder"]
    named = put(window, qtbot, "https://example.com/watch?v=3",
                {"preset": "audio-mp3", "overrides": {"limit_rate": 512_000}})
    shown = facts(window, qtbot, named)
    assert shown["Preset"] == "Audio — MP3"
    assert shown["Changed for this job"] == "limit_rate: 512000"


def test_a_finished_download_shows_its_files_folder_and_events_in_words(site, home, window,
                                                                        qtbot):
    window.add_urls([site.video_url("v1")])
    qtbot.waitUntil(lambda: Job.select().count() == 1, timeout=5_000)
    wait_until_idle(qtbot, window.manager)
    job_id = Job.get().id
    qtbot.waitUntil(lambda: window.jobs.model.job(job_id) is not None
                    and window.jobs.model.job(job_id).status == st.SUCCEEDED, timeout=10_000)
    shown = facts(window, qtbot, job_id)
    assert shown["File"].startswith(str(home.download_dir))
    assert shown["Folder"] == str(home.download_dir / "Test Channel")

    events = window.jobs.details.events
    qtbot.waitUntil(lambda: events.topLevelItemCount() >= 3, timeout=5_000)
    rows = [[events.topLevelItem(i).text(c) for c in range(3)]
            for i in range(events.topLevelItemCount())]
    assert ["queued → running", "started"] in [row[1:] for row in rows]
    owner = window.manager.owner
    assert not any(owner in text or owner.split(":")[0] + ":" in text
                   for row in rows for text in row)


def test_events_of_another_process_name_no_owner_id(window, qtbot):
    window.manager.shutdown()
    job_id = put(window, qtbot, "https://example.com/watch?v=1")
    JobEvent.insert(job=job_id, at=1.0, kind="status", from_status="queued",
                    to_status="running", message="started by build-vm.lan:6485:1795936869237:3"
                    ).execute()
    JobEvent.insert(job=job_id, at=2.0, kind="interrupted", from_status="running",
                    to_status="queued", message="interrupted: vm:6485:1795936869237:3 stopped "
                    "while running it").execute()
    window.jobs.select_job(job_id)
    events = window.jobs.details.events
    qtbot.waitUntil(lambda: events.topLevelItemCount() == 3, timeout=5_000)
    texts = [events.topLevelItem(i).text(2) for i in range(3)]
    assert texts[1:] == ["started by another ytdesk process",
                         "interrupted: another ytdesk process stopped while running it"]
    assert event_text("interrupted", None, "me") == "interrupted"


def test_smuggled_data_never_shows_or_copies(window, qtbot):
    window.manager.shutdown()
    job_id = put(window, qtbot, SMUGGLED)
    model = window.jobs.model
    index = model.index(model.row_of(job_id), TITLE)
    assert index.data() == "https://example.com/watch?v=1"
    assert "smuggle" not in index.data(Qt.ItemDataRole.ToolTipRole)
    assert facts(window, qtbot, job_id)["Address"] == "https://example.com/watch?v=1"
    QGuiApplication.clipboard().clear()
    window.jobs.actions["copy"].trigger()
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text()
                    == "https://example.com/watch?v=1", timeout=5_000)
    assert clean_url("https://e.com/a#part") == "https://e.com/a#part"  # a real fragment stays


def test_the_log_opens_at_its_newest_line_scrolled_to_the_left(home, window, qtbot):
    window.manager.shutdown()
    job_id = put(window, qtbot, "https://example.com/watch?v=1")
    long = "x" * 600
    home.paths.job_log(job_id).write_text("".join(f"{n:04d} INFO {long}\n" for n in range(300)))
    window.jobs.select_job(job_id)
    log = window.jobs.details.log
    qtbot.waitUntil(lambda: "0299 INFO" in log.toPlainText(), timeout=5_000)
    qtbot.wait(20)
    assert log.horizontalScrollBar().maximum() > 0  # the lines are wider than the pane
    assert log.horizontalScrollBar().value() == 0
    assert log.verticalScrollBar().value() == log.verticalScrollBar().maximum()
    window.manager.jobLog.emit(job_id, 20, f"0300 INFO {long}")  # a live line follows
    assert log.verticalScrollBar().value() == log.verticalScrollBar().maximum()
    assert log.horizontalScrollBar().value() == 0
