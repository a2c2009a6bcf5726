"""The one worker primitive: answers on the owner's thread, failures as exceptions, the
newest request wins, an aborted task never starts, and the pool thread's DB connection is
closed when its work ends."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from ytdesk.core.models import Job
from ytdesk.jobs.worker import Workers


def test_answers_arrive_on_the_owners_thread_in_order(qtbot):
    workers = Workers(threads=1)
    answers: list[tuple[int, bool]] = []
    for n in range(20):
        workers.submit(lambda n=n: n * n,
                       done=lambda value: answers.append(
                           (value, QThread.currentThread() is workers.thread())))
    qtbot.waitUntil(lambda: len(answers) == 20, timeout=10_000)
    assert answers == [(n * n, True) for n in range(20)]
    assert workers.close()


def test_a_failure_arrives_as_its_exception_and_finished_still_comes(qtbot):
    workers = Workers(threads=1)
    failures, ends = [], []

    def broken() -> None:
        raise ValueError("no such thing")

    workers.submit(broken, failed=failures.append, finished=ends.append)
    qtbot.waitUntil(lambda: ends == [None], timeout=10_000)
    assert [type(f) for f in failures] == [ValueError] and str(failures[0]) == "no such thing"
    assert workers.busy == 0


def test_the_newest_request_wins(qtbot):
    workers = Workers(threads=2)
    release, started = threading.Event(), threading.Event()
    seen_aborted = threading.Event()
    answers, ends = [], []

    def slow(task, name):
        started.set()
        release.wait(10)
        if task.aborted:
            seen_aborted.set()
        return name

    workers.submit(slow, "old", pass_task=True, latest="look", done=answers.append,
                   finished=ends.append)
    assert started.wait(10)
    workers.submit(slow, "new", pass_task=True, latest="look", done=answers.append,
                   finished=ends.append)
    release.set()
    qtbot.waitUntil(lambda: len(ends) == 2, timeout=10_000)
    assert answers == ["new"]
    assert seen_aborted.is_set()  # the stale one could tell, and stop early


def test_an_aborted_task_that_has_not_started_never_runs(qtbot):
    workers = Workers(threads=1)
    release, ran, ends = threading.Event(), [], []
    workers.submit(lambda: release.wait(10), finished=ends.append)
    queued = workers.submit(lambda: ran.append("ran"), finished=ends.append)
    queued.abort()
    release.set()
    qtbot.waitUntil(lambda: len(ends) == 2, timeout=10_000)
    assert ran == []


def test_the_pool_threads_connection_is_closed_when_its_work_ends(home, qtbot, monkeypatch):
    closed_on: list[int] = []
    close = home.db.close

    def recording_close():
        closed_on.append(threading.get_ident())
        return close()

    monkeypatch.setattr(home.db, "close", recording_close)
    workers = Workers(threads=1)
    answers = []
    workers.submit(lambda: (Job.select().count(), threading.get_ident()), done=answers.append)
    qtbot.waitUntil(lambda: bool(answers) and workers.busy == 0, timeout=10_000)
    [(count, worker_thread)] = answers
    assert count == 0 and worker_thread in closed_on
    assert worker_thread != threading.get_ident()
