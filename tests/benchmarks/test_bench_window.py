"""How the window holds up: event-loop stalls under a 10,000-link drop, and while downloads
run, 10,000 jobs are listed and the user scrolls. The idle probe is the baseline."""

from __future__ import annotations

import statistics

from PySide6.QtCore import QMimeData
from report import report
from stall_probe import StallProbe

from ytdesk.core import jobstore
from ytdesk.core.models import Job
from ytdesk.ui.main_window import MainWindow


def idle_baseline(qtbot, seconds: float = 2.0) -> float:
    probe = StallProbe()
    probe.start()
    qtbot.wait(int(seconds * 1000))
    return probe.stop()


def test_stall_while_dropping_10000_links(home, manager, qtbot):
    manager.shutdown()  # queueing only
    window = MainWindow(manager, home.settings, home.paths)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    baseline = idle_baseline(qtbot)

    mime = QMimeData()
    mime.setText("\n".join(f"https://example.com/watch?v={i}" for i in range(10_000)))
    probe = StallProbe()
    probe.start()
    window.take_mime(mime)
    qtbot.waitUntil(lambda: window.jobs.model.rowCount() == 10_000, timeout=120_000)
    qtbot.wait(300)
    longest = probe.stop()
    assert Job.select().count() == 10_000
    report("drop_10000_links_stall", longest_stall_ms=longest, idle_longest_ms=baseline,
           p99_gap_ms=statistics.quantiles(probe.gaps, n=100)[98] * 1000)
    window.reader.wait()


def test_stall_while_downloading_listing_and_scrolling(site, home, manager, qtbot):
    jobstore.add_jobs([jobstore.NewJob("download", f"https://example.com/watch?v={i}")
                       for i in range(10_000)])
    # Those are someone else's queue: hold them (paused) so only our 4 downloads run.
    Job.update(status="paused").execute()
    size = site.media["muxed"].stat().st_size
    site.set_fault("/media/", "slow", bytes_per_second=size // 20)
    home.settings.set("per_site_concurrency", 4)
    manager.set_concurrency(4)
    window = MainWindow(manager, home.settings, home.paths)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.jobs.model.rowCount() == 10_000, timeout=60_000)
    baseline = idle_baseline(qtbot)

    window.add_urls([site.video_url(v) for v in ("v1", "v3", "v5", "v7")])
    qtbot.waitUntil(lambda: len(manager.running_ids) == 4, timeout=30_000)
    probe = StallProbe()
    probe.start()
    bar = window.jobs.table.verticalScrollBar()
    for step in range(200):  # scroll top to bottom and back, a page every 20 ms
        position = step if step < 100 else 200 - step
        bar.setValue(bar.maximum() * position // 100)
        qtbot.wait(20)
    longest = probe.stop()
    assert len(manager.running_ids) == 4, "the downloads should still be running"
    report("scroll_10000_jobs_4_downloads_stall", longest_stall_ms=longest,
           idle_longest_ms=baseline,
           p99_gap_ms=statistics.quantiles(probe.gaps, n=100)[98] * 1000)
    for job_id in manager.running_ids:
        manager.cancel(job_id)
    window.reader.wait()
