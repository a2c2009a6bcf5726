"""The job list's model on its own: no JobManager, a real library DB, real reads off the GUI
thread, and Qt's model tester watching every change as it happens."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, Qt, Signal

from ytdesk.core import jobactions
from ytdesk.core import jobstates as st
from ytdesk.core import jobstore
from ytdesk.core.jobviews import JobFilter, JobOrder, job_ids
from ytdesk.core.models import Job
from ytdesk.jobs.reader import Reader
from ytdesk.ui.models.job_table import (ADDED, ETA, PROGRESS, SPEED, STATUS, TITLE, JobTableModel,
                                        PhaseRole, ProgressRole)


class News(QObject):
    """What the model listens to: the job manager's five signals, and nothing else."""

    jobAdded = Signal(list)
    jobChanged = Signal(int, str)
    jobsChanged = Signal(list)
    jobProgress = Signal(int, float, "qint64", "qint64", float, float)
    jobsRemoved = Signal(list)


@pytest.fixture
def news(qtbot):
    return News()


@pytest.fixture
def model(home, news, qtbot, qtmodeltester):
    reader = Reader()
    made = JobTableModel(news, reader)
    qtmodeltester.check(made)  # attached first: it checks every change that follows
    with qtbot.waitSignal(made.loaded, timeout=5_000):
        made.refresh()
    yield made
    reader.wait()


def add(news, *urls: str, title: str | None = None) -> list[int]:
    ids = jobstore.add_jobs([jobstore.NewJob("download", url, title=title) for url in urls])
    news.jobAdded.emit(ids)
    return ids


def shown(model, column: int = TITLE) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


def loaded(model) -> bool:
    return all(model.job(model.job_id_at(r)) is not None for r in range(model.rowCount()))


def settle(qtbot, model, rows: int) -> None:
    qtbot.waitUntil(lambda: model.rowCount() == rows and loaded(model)
                    and "…" not in shown(model), timeout=5_000)


def test_live_inserts_updates_and_removals_keep_the_list_right(model, news, qtbot):
    first = add(news, "https://a.example/1", "https://a.example/2")
    settle(qtbot, model, 2)
    assert shown(model) == ["https://a.example/2", "https://a.example/1"]  # newest first

    later = add(news, "https://b.example/3", "https://b.example/4", "https://b.example/5")
    settle(qtbot, model, 5)
    assert [model.job_id_at(r) for r in range(5)] == sorted(first + later, reverse=True)

    assert jobstore.move(first[0], st.RUNNING)
    jobstore.save_progress(first[0], title="Now with a title")
    news.jobChanged.emit(first[0], st.RUNNING)
    qtbot.waitUntil(lambda: "Now with a title" in shown(model), timeout=5_000)
    assert model.index(model.row_of(first[0]), STATUS).data() == "running"

    removed = jobactions.apply(jobactions.REMOVE, [later[1], first[1]]).removed
    news.jobsRemoved.emit(removed)
    assert model.rowCount() == 3
    assert later[1] not in [model.job_id_at(r) for r in range(3)]


def test_sorting_happens_in_the_db_and_keeps_the_selection(model, news, qtbot):
    from PySide6.QtCore import QItemSelectionModel

    ids = add(news, "https://x.example/c", "https://x.example/a", "https://x.example/b")
    settle(qtbot, model, 3)
    selection = QItemSelectionModel(model)
    selection.select(model.index(model.row_of(ids[1]), 0),
                     QItemSelectionModel.SelectionFlag.Select
                     | QItemSelectionModel.SelectionFlag.Rows)

    model.sort(TITLE, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: shown(model) == ["https://x.example/a", "https://x.example/b",
                                             "https://x.example/c"], timeout=5_000)
    assert [model.job_id_at(r.row()) for r in selection.selectedRows()] == [ids[1]]

    model.sort(TITLE, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: shown(model)[0] == "https://x.example/c", timeout=5_000)
    # A job added while sorted by title finds its place (after a re-sort from the DB).
    add(news, "https://x.example/bb")
    qtbot.waitUntil(lambda: shown(model) == ["https://x.example/c", "https://x.example/bb",
                                             "https://x.example/b", "https://x.example/a"],
                    timeout=5_000)

    model.sort(ADDED, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: [model.job_id_at(r) for r in range(4)] == sorted(
        model.job_id_at(r) for r in range(4)), timeout=5_000)
    newest = add(news, "https://x.example/newest")
    qtbot.waitUntil(lambda: model.job_id_at(4) == newest[0], timeout=5_000)  # oldest first


def test_status_sort_reads_as_a_person_scans_a_queue(home):
    ids = jobstore.add_jobs([jobstore.NewJob("download", f"https://s.example/{i}")
                             for i in range(4)])
    for job_id, status in zip(ids, (st.SUCCEEDED, st.RUNNING, st.FAILED, st.QUEUED), strict=True):
        Job.update(status=status).where(Job.id == job_id).execute()
    by_status = job_ids(JobFilter(), JobOrder("status", descending=False))
    assert by_status == [ids[1], ids[3], ids[2], ids[0]]  # running, queued, failed, succeeded


def test_an_unknown_status_and_a_corrupt_payload_still_display(model, news, qtbot, home):
    [newer, broken] = add(news, "https://n.example/1", "https://n.example/2")
    settle(qtbot, model, 2)
    # Written by a newer ytdesk that knows more statuses, and by something that broke JSON.
    Job.update(status="archived").where(Job.id == newer).execute()
    Job.update(payload="{not json").where(Job.id == broken).execute()
    news.jobChanged.emit(newer, "archived")
    news.jobChanged.emit(broken, st.QUEUED)
    qtbot.waitUntil(lambda: model.index(model.row_of(newer), STATUS).data() == "archived",
                    timeout=5_000)
    index = model.index(model.row_of(newer), STATUS)
    assert index.data(Qt.ItemDataRole.DecorationRole).isNull()  # no icon, no KeyError
    assert model.job(broken).download_dir is None and model.job(broken).preset is None
    assert model.index(model.row_of(broken), TITLE).data() == "https://n.example/2"


def test_a_job_with_no_bytes_yet_shows_no_speed_and_no_time_left(model, news, qtbot):
    [job_id] = add(news, "https://p.example/1")
    settle(qtbot, model, 1)
    assert jobstore.move(job_id, st.RUNNING)
    news.jobChanged.emit(job_id, st.RUNNING)
    qtbot.waitUntil(lambda: model.index(0, STATUS).data() == "running", timeout=5_000)

    news.jobProgress.emit(job_id, 0.0, 0, 1_000_000, 52_000.0, 0.0)
    assert [model.index(0, c).data() for c in (PROGRESS, SPEED, ETA)] == ["0%", "", ""]
    assert model.total_speed() == 0

    news.jobProgress.emit(job_id, 0.25, 250_000, 1_000_000, 50_000.0, 15.0)
    assert [model.index(0, c).data() for c in (PROGRESS, SPEED, ETA)] == [
        "25%", "50.0 KB/s", "0:15"]
    assert model.total_speed() == 50_000.0


def test_a_phase_after_the_download_shows_as_a_word(model, news, qtbot):
    [job_id] = add(news, "https://p.example/2")
    settle(qtbot, model, 1)
    assert jobstore.move(job_id, st.RUNNING)
    news.jobChanged.emit(job_id, st.RUNNING)
    qtbot.waitUntil(lambda: model.index(0, STATUS).data() == "running", timeout=5_000)
    # A source that knows phases sends a seventh value (the slot takes it when given).
    model.on_progress(job_id, 1.0, 900, 900, 0.0, 0.0, "merging")
    index = model.index(0, PROGRESS)
    assert index.data() == "Merging…" and index.data(PhaseRole) == "merging"
    assert model.index(0, SPEED).data() == "" and model.index(0, ETA).data() == ""
    news.jobProgress.emit(job_id, 0.5, 450, 900, 10.0, 4.0)  # six values: still fine
    assert index.data() == "50%" and index.data(ProgressRole) == 0.5


def test_the_added_column_says_which_day(model, news, qtbot):
    [job_id] = add(news, "https://d.example/1")
    Job.update(created_at=961_070_400.0).where(Job.id == job_id).execute()  # 2000-06-15
    news.jobChanged.emit(job_id, st.QUEUED)
    qtbot.waitUntil(lambda: model.rowCount() == 1
                    and model.index(0, ADDED).data() == "2000-06-15", timeout=5_000)
    assert model.index(0, ADDED).data(Qt.ItemDataRole.ToolTipRole).startswith("2000-06-15 ")
