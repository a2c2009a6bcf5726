"""The channel browser's first page: from showing the Channels tab to the first paint of
the chosen channel's videos, with a 100,000-video channel, against the same tab over an
empty library (one subscription, no videos: the paint of its empty list), in the same run.
Goal: at most 2x. A page is 200 rows read by keyset from an index, so the size of the
channel should not show.

Run on purpose: `make bench` (or pytest -s tests/benchmarks/test_channel_browser.py).
"""

from __future__ import annotations

import statistics
import time

from library_fill import follow_with_videos
from PySide6.QtCore import QEvent, QObject
from report import report
from support import make_home

from ytdesk.core import channels
from ytdesk.jobs.manager import JobManager
from ytdesk.jobs.reader import Reader
from ytdesk.ui.channel_browser import ChannelBrowser

BIG = 100_000
ROUNDS = 15


class FirstPagePaint(QObject):
    """The moment the video list paints after its first page (or its empty page) arrived."""

    def __init__(self, browser: ChannelBrowser):
        super().__init__(browser)
        self.at: float | None = None
        self._browser = browser
        self._arrived = False
        browser.videos.pageArrived.connect(self._page)
        browser.video_view.viewport().installEventFilter(self)

    def _page(self) -> None:
        self._arrived = True

    def eventFilter(self, watched, event) -> bool:
        if (event.type() == QEvent.Type.Paint and self._arrived and self.at is None):
            self.at = time.perf_counter()
        return False


def first_paint_ms(home, manager, qtbot, rows: int) -> float:
    reader = Reader()
    browser = ChannelBrowser(manager, reader, home.paths, home.settings)
    probe = FirstPagePaint(browser)
    start = time.perf_counter()
    browser.resize(1100, 700)
    browser.show()
    qtbot.waitUntil(lambda: probe.at is not None, timeout=30_000)
    assert browser.videos.rowCount() == rows  # the first page, and no more
    took = (probe.at - start) * 1000
    browser.close_down()
    browser.close()
    reader.wait()
    # Deleted here, on the GUI thread: left to the garbage collector, a top-level widget
    # can be destroyed on whichever thread a collection happens to run.
    browser.deleteLater()
    reader.deleteLater()
    qtbot.wait(1)
    return took


def median_ms(root, qtbot, fill, rows: int) -> float:
    home = make_home(root)
    fill()
    manager = JobManager(home.paths, home.settings)  # not started: its signals only
    first_paint_ms(home, manager, qtbot, rows)  # warm-up: imports, fonts, the file cache
    times = [first_paint_ms(home, manager, qtbot, rows) for _ in range(ROUNDS)]
    home.db.close()
    return statistics.median(times)


def test_first_page_of_a_100000_video_channel(tmp_path, qtbot):
    empty = median_ms(tmp_path / "empty", qtbot,
                      lambda: channels.subscribe("https://example.com/c/new", "New"), 0)
    big = median_ms(tmp_path / "big", qtbot,
                    lambda: follow_with_videos("https://example.com/c/big", "Big", BIG), 200)
    report("channel_browser_first_page_100000", first_paint_ms=big, empty_library_ms=empty,
           ratio=big / empty)
