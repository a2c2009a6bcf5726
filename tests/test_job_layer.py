"""The job layer's parts seen through the manager: bulk actions in one transaction whose
signals follow the commit, recovery of a run whose end was never written (while ytdesk
lives), a job's end waiting out a locked database, honest attempt counts, and the
scheduler waking at the next due time and for work another process queued."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from support import events, job, make_home, wait_until_idle

from ytdesk.core import jobactions
from ytdesk.core import jobstates as st
from ytdesk.core import jobstore
from ytdesk.core.clock import now
from ytdesk.core.db import close_thread_connection
from ytdesk.core.models import Job, JobEvent
from ytdesk.jobs import kinds
from ytdesk.jobs.manager import JobManager


@pytest.fixture
def quick_kind():
    kinds.KINDS["quick-test"] = lambda ctx: "done"
    yield
    del kinds.KINDS["quick-test"]


def test_a_bulk_action_is_one_commit_announced_once_after_it(home, manager, qtbot):
    manager.shutdown()  # only the action itself is measured
    ids = jobstore.add_jobs([jobstore.NewJob("download", f"https://a.example/{i}")
                             for i in range(10_000)])
    Job.update(status=st.FAILED, error="gone").execute()
    seen_in_db: list[int] = []
    announced: list[list[int]] = []

    def on_changed(changed: list) -> None:
        announced.append(changed)  # the DB already holds what the signal says
        seen_in_db.append(Job.select().where(Job.status == st.QUEUED).count())

    manager.jobsChanged.connect(on_changed)
    results = []
    manager.act(jobactions.RETRY, ids, done=results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=30_000)

    assert len(announced) == 1 and sorted(announced[0]) == ids
    assert seen_in_db == [10_000]
    assert results[0].count == 10_000 and results[0].untouched == 0
    assert JobEvent.select().where(JobEvent.message == "retry asked").count() == 10_000


def test_remove_takes_logs_along_and_leaves_running_jobs(home, manager, qtbot):
    manager.shutdown()
    ids = jobstore.add_jobs([jobstore.NewJob("download", f"https://a.example/{i}")
                             for i in range(3)])
    for job_id in ids:
        home.paths.job_log(job_id).parent.mkdir(parents=True, exist_ok=True)
        home.paths.job_log(job_id).write_text("a line\n")
    Job.update(status=st.RUNNING).where(Job.id == ids[0]).execute()
    removed = []
    manager.jobsRemoved.connect(removed.append)
    results = []
    manager.act(jobactions.REMOVE, ids, done=results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)

    assert removed == [ids[1:]]
    assert [j.id for j in Job.select()] == [ids[0]]
    assert home.paths.job_log(ids[0]).exists()
    assert not any(home.paths.job_log(i).exists() for i in ids[1:])
    assert results[0].untouched == 1


def test_a_run_whose_end_was_never_written_is_taken_back_while_ytdesk_lives(
        home, manager, qtbot, quick_kind):
    manager.shutdown()
    [job_id] = jobstore.add_jobs([jobstore.NewJob("quick-test", "https://a.example/1")])
    again = JobManager(home.paths, home.settings)
    again.start()
    try:
        wait_until_idle(qtbot, again)
        # A run of this very process ended without its end written, its lease ran out.
        Job.update(status=st.RUNNING, owner=again.owner, lease_until=now() - 1).where(
            Job.id == job_id).execute()
        again._liveness.renew()
        qtbot.waitUntil(lambda: job(job_id).status == st.SUCCEEDED
                        and len(events(job_id, "interrupted")) == 1, timeout=10_000)
    finally:
        again.shutdown()


def test_a_jobs_end_waits_out_a_locked_database(tmp_path, qtbot, monkeypatch):
    from ytdesk.core import db as database

    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 0.2)  # quicker than the lock below
    home = make_home(tmp_path)
    locked, released = threading.Event(), threading.Event()

    def hold_the_lock_over_the_end(ctx):
        other = sqlite3.connect(home.paths.database, timeout=5, check_same_thread=False)
        other.execute("BEGIN EXCLUSIVE")  # another program takes the library's lock

        def release() -> None:
            time.sleep(2.0)  # longer than the busy timeout: the first writes fail
            other.rollback()
            other.close()
            released.set()

        threading.Thread(target=release).start()
        locked.set()
        return "done"

    kinds.KINDS["locked-test"] = hold_the_lock_over_the_end
    manager = JobManager(home.paths, home.settings)
    finished = []
    manager.jobFinished.connect(lambda job_id, status: finished.append(status))
    manager.start()
    try:
        job_id = manager.enqueue("locked-test", "https://a.example/1")
        qtbot.waitUntil(lambda: finished == [st.SUCCEEDED], timeout=30_000)
        assert released.is_set()
        assert job(job_id).status == st.SUCCEEDED and job(job_id).owner is None
    finally:
        manager.shutdown()
        del kinds.KINDS["locked-test"]
        home.db.close()


def test_pausing_and_resuming_costs_no_attempt_and_a_retry_keeps_the_count(
        site, home, manager, qtbot):
    size = site.media["muxed"].stat().st_size
    site.set_fault("/media/v1/", "slow", bytes_per_second=size // 4)
    job_id = manager.enqueue("download", site.video_url("v1"))
    qtbot.waitUntil(lambda: job(job_id).status == st.RUNNING, timeout=10_000)
    manager.pause(job_id)
    qtbot.waitUntil(lambda: job(job_id).status == st.PAUSED, timeout=10_000)
    assert job(job_id).attempts == 0
    site.clear_faults()
    manager.resume(job_id)
    wait_until_idle(qtbot, manager)
    assert job(job_id).status == st.SUCCEEDED and job(job_id).attempts == 1

    site.set_fault("/api/video/v9", "404")
    site.add_video("v9", "Soon gone")
    failing = manager.enqueue("download", site.video_url("v9"))
    wait_until_idle(qtbot, manager)
    assert (job(failing).status, job(failing).attempts) == (st.FAILED, 1)
    manager.retry(failing)
    wait_until_idle(qtbot, manager)
    assert (job(failing).attempts, job(failing).attempts_before_retry) == (2, 1)


def test_a_retry_starts_no_earlier_than_its_due_time(home, manager, qtbot, quick_kind):
    [job_id] = jobstore.add_jobs([jobstore.NewJob("quick-test", "https://a.example/1")])
    due = now() + 0.5
    Job.update(status=st.WAITING, scheduled_at=due).where(Job.id == job_id).execute()
    manager.jobAdded.emit([])  # nothing tells the scheduler but its own timer
    wait_until_idle(qtbot, manager)
    [started] = [e for e in events(job_id, "status") if e.to_status == st.RUNNING]
    assert started.at >= due


def test_work_another_process_queues_is_picked_up(home, manager, qtbot, quick_kind):
    wait_until_idle(qtbot, manager)

    def queue_elsewhere() -> None:  # another connection, as the CLI's `add` would be
        jobstore.add_jobs([jobstore.NewJob("quick-test", "https://a.example/2")])
        close_thread_connection()

    writer = threading.Thread(target=queue_elsewhere)
    writer.start()
    writer.join()
    qtbot.waitUntil(lambda: Job.select().where(Job.status == st.SUCCEEDED).count() == 1,
                    timeout=10_000)
