"""The main window's job panel, driven as a user would: drops, clicks, the details pane."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication
from support import events, job, wait_until_idle

from ytdesk.core.models import Job
from ytdesk.ui.main_window import MainWindow
from ytdesk.ui.models.job_table import STATUS, TITLE, JobTableModel, ProgressRole


@pytest.fixture
def window(home, manager, qtbot):
    shown = MainWindow(manager, home.settings, home.paths)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.reader.wait()


def drop(window, mime: QMimeData) -> None:
    """A drag enters the window (Qt delivers a drop only to the widget that accepted the
    drag), then the drop."""
    enter = QDragEnterEvent(QPoint(40, 40), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(40, 40), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, event)


def rows_of(model: JobTableModel) -> dict[int, int]:
    return {model.job_id_at(r): r for r in range(model.rowCount())}


def shown_status(window, job_id: int) -> str | None:
    model = window.jobs.model
    row = model.row_of(job_id)
    return None if row is None else model.index(row, STATUS).data()


def test_dropping_three_links_in_prose_runs_three_downloads(site, window, qtbot):
    mime = QMimeData()
    mime.setText(f"look at {site.video_url('v1')} and {site.video_url('v3')}, also "
                 f"{site.video_url('v5')}. thanks!")
    drop(window, mime)
    model = window.jobs.model
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=10_000)
    assert Job.select().count() == 3
    wait_until_idle(qtbot, window.manager)
    ids = [job_id for job_id in rows_of(model)]
    qtbot.waitUntil(lambda: all(shown_status(window, i) == "succeeded" for i in ids),
                    timeout=10_000)
    for job_id in ids:
        index = model.index(model.row_of(job_id), TITLE)
        assert index.data(ProgressRole) == 1.0
        assert index.data().startswith("Test Video")
    assert "Queued 3 downloads." in window.statusBar().currentMessage()


def test_dropping_uri_list_and_pasting(site, window, qtbot):
    mime = QMimeData()
    mime.setUrls([QUrl(site.video_url("v1"))])
    drop(window, mime)
    QGuiApplication.clipboard().setText(site.playlist_url("pl1"))
    window.paste()
    qtbot.waitUntil(lambda: Job.select().count() >= 2, timeout=10_000)
    assert {j.url for j in Job.select().where(Job.parent.is_null())} == {
        site.video_url("v1"), site.playlist_url("pl1")}


def test_a_drop_with_no_link_says_so_and_adds_nothing(window, qtbot):
    mime = QMimeData()
    mime.setText("just some words, and javascript:alert(1)")
    drop(window, mime)
    qtbot.waitUntil(lambda: "No link found" in window.statusBar().currentMessage(),
                    timeout=5_000)
    assert Job.select().count() == 0


def test_dropping_ten_thousand_links_queues_them_all(window, qtbot):
    mime = QMimeData()
    mime.setText("\n".join(f"https://example.com/watch?v={i}" for i in range(10_000)))
    window.manager.shutdown()  # measure queueing only: nothing runs
    drop(window, mime)
    qtbot.waitUntil(lambda: window.jobs.model.rowCount() == 10_000, timeout=60_000)
    assert Job.select().count() == 10_000


def test_a_404_shows_its_sentence_and_retry_requeues_it(site, window, qtbot):
    window.add_urls([site.video_url("gone")])
    qtbot.waitUntil(lambda: Job.select().count() == 1, timeout=5_000)
    job_id = Job.get().id
    qtbot.waitUntil(lambda: shown_status(window, job_id) == "failed", timeout=20_000)
    assert window.jobs.select_job(job_id)
    details = window.jobs.details
    qtbot.waitUntil(lambda: "HTTP 404" in details.error.text(), timeout=5_000)
    assert details.error.isVisible()
    assert details.error.text().startswith("The site says there is nothing at this address")

    site.add_video("gone", "Found again")
    assert window.jobs.actions["retry"].isEnabled()
    window.jobs.actions["retry"].trigger()
    qtbot.waitUntil(lambda: shown_status(window, job_id) == "succeeded", timeout=20_000)
    assert job(job_id).status == "succeeded"


def test_cancel_keeps_a_part_file_and_retry_finishes_it(site, home, window, qtbot):
    size = site.media["muxed"].stat().st_size
    site.set_fault("/media/v1/", "slow", bytes_per_second=size // 5)
    window.add_urls([site.video_url("v1")])
    qtbot.waitUntil(lambda: any(home.download_dir.rglob("*.part")), timeout=20_000)
    job_id = Job.get().id
    qtbot.waitUntil(lambda: shown_status(window, job_id) == "running", timeout=5_000)
    window.jobs.select_job(job_id)
    qtbot.waitUntil(lambda: window.jobs.actions["cancel"].isEnabled(), timeout=5_000)
    window.jobs.actions["cancel"].trigger()
    qtbot.waitUntil(lambda: shown_status(window, job_id) == "cancelled", timeout=10_000)
    assert list(home.download_dir.rglob("*.part"))

    site.clear_faults()
    qtbot.waitUntil(lambda: window.jobs.actions["retry"].isEnabled(), timeout=5_000)
    window.jobs.actions["retry"].trigger()
    qtbot.waitUntil(lambda: shown_status(window, job_id) == "succeeded", timeout=20_000)
    assert not list(home.download_dir.rglob("*.part"))
    assert site.bytes_served("/media/v1/") < 1.2 * size


def test_the_log_pane_grows_while_the_job_runs(site, window, qtbot):
    size = site.media["muxed"].stat().st_size
    site.set_fault("/media/v1/", "slow", bytes_per_second=size // 3)
    window.add_urls([site.video_url("v1")])
    qtbot.waitUntil(lambda: Job.select().count() == 1, timeout=5_000)
    job_id = Job.get().id
    qtbot.waitUntil(lambda: shown_status(window, job_id) is not None, timeout=5_000)
    window.jobs.select_job(job_id)
    log = window.jobs.details.log
    qtbot.waitUntil(lambda: "Destination" in log.toPlainText(), timeout=20_000)
    lines_while_running = log.blockCount()
    assert job(job_id).status == "running"
    qtbot.waitUntil(lambda: "Saved" in log.toPlainText(), timeout=20_000)
    assert log.blockCount() > lines_while_running


def test_job_model_passes_the_model_tester_through_real_downloads(site, window, qtbot,
                                                                   qtmodeltester):
    qtmodeltester.check(window.jobs.model)  # first: it checks every change that follows
    window.add_urls([site.video_url("v5"), site.video_url("gone"), site.playlist_url("pl1")])
    qtbot.waitUntil(lambda: Job.select().count() >= 3, timeout=10_000)
    wait_until_idle(qtbot, window.manager)
    qtbot.waitUntil(lambda: window.jobs.model.rowCount() == 6, timeout=10_000)
    window.jobs.table.selectAll()
    window.jobs.remove_selected()
    qtbot.waitUntil(lambda: window.jobs.model.rowCount() == 0, timeout=10_000)


def test_filters_and_search_narrow_the_list(site, window, qtbot):
    window.add_urls([site.video_url("v1"), site.video_url("gone")])
    wait_until_idle(qtbot, window.manager)
    panel = window.jobs
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10_000)
    panel.status_filter.setCurrentIndex(panel.status_filter.findText("Failed"))
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=5_000)
    assert "gone" in panel.model.index(0, TITLE).data()
    panel.status_filter.setCurrentIndex(0)
    panel.search.setText("Test Video 1")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1
                    and panel.model.index(0, TITLE).data() == "Test Video 1", timeout=5_000)


def test_window_geometry_and_columns_are_remembered(home, manager, qtbot):
    first = MainWindow(manager, home.settings, home.paths)
    qtbot.addWidget(first)
    first.resize(700, 510)  # within the offscreen screen (800x600): Qt clamps to it
    first.jobs.table.horizontalHeader().resizeSection(STATUS, 133)
    first.close()
    second = MainWindow(manager, home.settings, home.paths)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (700, 510)
    assert second.jobs.table.horizontalHeader().sectionSize(STATUS) == 133


def test_keyboard_shortcuts_retry_remove_and_focus_the_address(site, window, qtbot):
    window.add_urls([site.video_url("gone")])
    qtbot.waitUntil(lambda: Job.select().count() == 1, timeout=5_000)
    job_id = Job.get().id
    qtbot.waitUntil(lambda: shown_status(window, job_id) == "failed", timeout=20_000)
    table = window.jobs.table
    window.activateWindow()
    table.setFocus()
    window.jobs.select_job(job_id)
    qtbot.waitUntil(lambda: window.jobs.actions["retry"].isEnabled(), timeout=5_000)

    qtbot.keyClick(table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    # A retry keeps the count of attempts made before it: this is the second.
    qtbot.waitUntil(lambda: job(job_id).attempts == 2 and job(job_id).status == "failed"
                    and len([e for e in events(job_id, "status")
                             if e.to_status == "queued"]) == 2, timeout=20_000)
    qtbot.waitUntil(lambda: shown_status(window, job_id) == "failed", timeout=10_000)
    window.jobs.select_job(job_id)
    qtbot.waitUntil(lambda: window.jobs.actions["remove"].isEnabled(), timeout=5_000)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.jobs.model.rowCount() == 0, timeout=5_000)
    assert Job.select().count() == 0

    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.address.hasFocus()


def test_icons_follow_a_switch_to_a_dark_palette(window, qtbot):
    from PySide6.QtGui import QColor, QPalette

    def ink(icon) -> QColor:
        image = icon.pixmap(24, 24).toImage()
        opaque = [image.pixelColor(x, y) for x in range(24) for y in range(24)
                  if image.pixelColor(x, y).alpha() > 200]
        return opaque[len(opaque) // 2]

    before = ink(window.add_button.icon())
    dark = QPalette(QApplication.palette())
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#f0f0f0"))
    dark.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    original = QApplication.palette()
    QApplication.setPalette(dark)
    try:
        qtbot.waitUntil(lambda: ink(window.add_button.icon()).lightness() > 200, timeout=5_000)
        assert before.lightness() < 100
        assert ink(window.jobs.actions["retry"].icon()).lightness() > 200
    finally:
        QApplication.setPalette(original)


def test_dropping_a_text_file_queues_the_links_inside_it(window, tmp_path, qtbot):
    listing = tmp_path / "to watch.txt"
    listing.write_text("- https://example.com/watch?v=a\n- https://example.com/watch?v=b\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(listing))])
    window.manager.shutdown()  # queueing only
    drop(window, mime)
    qtbot.waitUntil(lambda: window.jobs.model.rowCount() == 2, timeout=10_000)
    assert sorted(j.url for j in Job.select()) == ["https://example.com/watch?v=a",
                                                   "https://example.com/watch?v=b"]


def test_retry_on_many_selected_jobs_requeues_them_all(window, qtbot):
    from ytdesk.core import jobstore

    window.manager.shutdown()  # nothing runs: the panel's requests alone are checked
    ids = jobstore.add_jobs([jobstore.NewJob("download", f"https://example.com/{i}")
                             for i in range(300)])
    Job.update(status="failed", error="gone").execute()
    window.jobs.model.refresh()
    qtbot.waitUntil(lambda: window.jobs.model.rowCount() == 300, timeout=10_000)
    window.jobs.table.selectAll()
    qtbot.waitUntil(lambda: window.jobs.actions["retry"].isEnabled(), timeout=10_000)
    window.jobs.actions["retry"].trigger()
    qtbot.waitUntil(lambda: "300 jobs queued again." in window.statusBar().currentMessage(),
                    timeout=10_000)  # written on the writer thread, then announced
    assert Job.select().where(Job.status == "queued").count() == 300
    qtbot.waitUntil(lambda: all(shown_status(window, i) == "queued" for i in ids[:5]),
                    timeout=10_000)
    window.jobs.copy_urls()
    qtbot.waitUntil(lambda: len(QGuiApplication.clipboard().text().splitlines()) == 300,
                    timeout=10_000)
