"""The job list as a person meets it: its room, its columns, sorting, counters, empty states,
shortcuts, "Open folder", and closing the window while downloads run."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from support import wait_until_idle

from ytdesk.core import jobstates as st
from ytdesk.core import jobstore
from ytdesk.core.jobviews import QueueTotals
from ytdesk.core.models import Job
from ytdesk.ui import format as fmt
from ytdesk.ui.job_panel import HIDDEN_AT_FIRST, last_hour_text
from ytdesk.ui.main_window import MainWindow
from ytdesk.ui.models.job_table import COLUMNS, KIND, STATUS, TITLE

# The offscreen platform cannot size or raise real windows; it says so, and that is all.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


@pytest.fixture
def quiet(window):
    """A window whose manager runs nothing: the list shows exactly what a test puts in."""
    window.manager.shutdown()
    return window


def put(window, qtbot, *urls: str, status: str | None = None) -> list[int]:
    ids = jobstore.add_jobs([jobstore.NewJob("download", url) for url in urls])
    if status:
        Job.update(status=status).where(Job.id.in_(ids)).execute()
    window.manager.jobAdded.emit(ids)
    model = window.jobs.model
    qtbot.waitUntil(lambda: all(model.row_of(i) is not None and model.job(i) for i in ids),
                    timeout=10_000)
    return ids


def visible_rows(window) -> float:
    table = window.jobs.table
    return table.viewport().height() / table.verticalHeader().defaultSectionSize()


# -- room and columns --------------------------------------------------------------------------
def test_selecting_a_job_leaves_the_list_most_of_its_room(quiet, home, qtbot):
    ids = put(quiet, qtbot, *[f"https://example.com/watch?v={i}" for i in range(40)])
    home.paths.job_log(ids[0]).write_text("".join(f"line {n}\n" for n in range(500)))
    before = visible_rows(quiet)
    quiet.jobs.select_job(ids[0])
    qtbot.waitUntil(lambda: "line 499" in quiet.jobs.details.log.toPlainText(), timeout=5_000)
    qtbot.wait(50)
    assert quiet.jobs.details.tabs.isVisible()
    assert visible_rows(quiet) >= 10, visible_rows(quiet)
    assert visible_rows(quiet) == pytest.approx(before, abs=0.5)  # the pane was there already


def test_at_760_pixels_every_shown_column_fits_beside_a_readable_title(quiet, qtbot):
    put(quiet, qtbot, "https://example.com/watch?v=a-long-address-to-read")
    quiet.resize(760, 720)
    qtbot.waitUntil(lambda: quiet.width() == 760)
    header = quiet.jobs.header
    viewport = quiet.jobs.table.viewport().width()
    shown = [c for c in range(len(COLUMNS)) if not header.isSectionHidden(c)]
    assert shown == [c for c in range(len(COLUMNS)) if c not in HIDDEN_AT_FIRST]
    assert len(shown) >= 6
    for column in shown:
        left = header.sectionViewportPosition(column)
        assert left >= 0 and left + header.sectionSize(column) <= viewport, COLUMNS[column]
    assert header.sectionSize(TITLE) >= 150
    assert not quiet.jobs.table.horizontalScrollBar().isVisible()


def test_a_hidden_column_can_be_shown_again_and_all_of_it_is_remembered(home, quiet, qtbot):
    header = quiet.jobs.header
    menu = header.column_menu()
    [kind] = [a for a in menu.actions() if a.text() == "Kind"]
    assert not kind.isChecked()
    kind.trigger()
    assert not header.isSectionHidden(KIND)
    header.resizeSection(STATUS, 133)
    header.setSortIndicator(TITLE, Qt.SortOrder.AscendingOrder)
    quiet.resize(700, 510)  # within the offscreen screen (800 wide): Qt clamps to it
    quiet.close()

    again = MainWindow(quiet.manager, home.settings, home.paths)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (700, 510)
    assert not again.jobs.header.isSectionHidden(KIND)
    assert again.jobs.header.sectionSize(STATUS) == 133
    assert again.jobs.model.order.key == "title"
    again.reader.wait()


def test_a_column_layout_from_before_is_not_restored(home, quiet, qtbot):
    from PySide6.QtWidgets import QTableView

    old = QTableView()  # the old list: every column shown, 100 px each
    old.setModel(quiet.jobs.model)
    state = bytes(old.horizontalHeader().saveState().toBase64()).decode()
    home.settings.set("job_columns", state)
    again = MainWindow(quiet.manager, home.settings, home.paths)
    qtbot.addWidget(again)
    assert again.jobs.header.isSectionHidden(KIND)  # today's defaults
    again.reader.wait()


# -- sorting -----------------------------------------------------------------------------------
def titles(window) -> list[str]:
    model = window.jobs.model
    return [model.index(r, TITLE).data() for r in range(model.rowCount())]


def test_a_click_on_a_header_sorts_and_the_keyboard_can_too(quiet, qtbot):
    ids = put(quiet, qtbot, "https://example.com/b", "https://example.com/c",
              "https://example.com/a")
    Job.update(status=st.FAILED).where(Job.id == ids[1]).execute()
    quiet.manager.jobChanged.emit(ids[1], st.FAILED)
    header = quiet.jobs.header
    quiet.jobs.select_job(ids[0])

    x = header.sectionViewportPosition(TITLE) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, header.height() // 2))
    qtbot.waitUntil(lambda: titles(quiet) == ["https://example.com/a", "https://example.com/b",
                                              "https://example.com/c"], timeout=5_000)
    assert header.sortIndicatorSection() == TITLE
    assert quiet.jobs.selected_ids() == [ids[0]]  # the selection follows its job

    quiet.activateWindow()
    header.setFocus(Qt.FocusReason.TabFocusReason)
    assert header.hasFocus()
    qtbot.keyClick(header, Qt.Key.Key_Right)  # Title -> Status
    assert header.current_section == STATUS
    qtbot.keyClick(header, Qt.Key.Key_Space)
    assert header.sortIndicatorSection() == STATUS
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    assert "Sorted by Status" in header.accessibleDescription()
    # Queued before failed: what may still move comes first.
    qtbot.waitUntil(lambda: titles(quiet)[-1] == "https://example.com/c", timeout=5_000)
    qtbot.keyClick(header, Qt.Key.Key_Return)  # again: the other way round
    qtbot.waitUntil(lambda: titles(quiet)[0] == "https://example.com/c", timeout=5_000)
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


# -- counters, times, empty states -------------------------------------------------------------
def test_the_last_hour_counts_each_outcome_apart():
    assert last_hour_text(QueueTotals()) == "Last hour: nothing finished."
    assert last_hour_text(QueueTotals(failed_last_hour=1)) == "Last hour: 0 succeeded · 1 failed"
    assert last_hour_text(QueueTotals(succeeded_last_hour=3, failed_last_hour=1,
                                      cancelled_last_hour=2, retries_last_hour=1)) == \
        "Last hour: 3 succeeded · 1 failed · 2 cancelled · 1 retry"


def test_the_window_counts_failed_and_cancelled_jobs_apart(site, window, qtbot):
    window.add_urls([site.video_url("v1"), site.video_url("gone")])
    qtbot.waitUntil(lambda: Job.select().count() == 2, timeout=5_000)
    wait_until_idle(qtbot, window.manager)
    window.jobs.refresh_totals()
    qtbot.waitUntil(lambda: window.jobs.stats.text() == "Last hour: 1 succeeded · 1 failed",
                    timeout=5_000)
    qtbot.waitUntil(lambda: "1 failed" in window.totals.text(), timeout=5_000)


def test_times_in_the_list_name_their_day():
    today = date(2026, 3, 10)
    stamp = datetime(2026, 3, 10, 9, 5).timestamp()
    assert fmt.added(stamp, today) == "09:05"
    assert fmt.added(datetime(2026, 3, 9, 23, 59).timestamp(), today) == "9 Mar 23:59"
    assert fmt.added(datetime(2025, 12, 31, 8, 0).timestamp(), today) == "2025-12-31"
    assert fmt.eta(0) == "" and fmt.eta(0.3) == "0:01" and fmt.eta(75) == "1:15"


def test_an_empty_list_says_how_to_start_and_a_search_says_what_found_nothing(quiet, qtbot):
    hint = quiet.jobs.empty_hint
    qtbot.waitUntil(hint.isVisible, timeout=5_000)
    assert hint.text().startswith("Paste or drop a link to start.")
    assert quiet.jobs.details.placeholder.text() == ""  # nothing to select: no "select a job"
    put(quiet, qtbot, "https://example.com/watch?v=1")
    assert not hint.isVisible()
    assert quiet.jobs.details.placeholder.text().startswith("Select a job")

    quiet.jobs.search.setText("nothing like this")
    qtbot.waitUntil(hint.isVisible, timeout=5_000)
    assert hint.text().startswith("No jobs match “nothing like this”.")
    quiet.jobs.search.clear()
    quiet.jobs.status_filter.setCurrentIndex(quiet.jobs.status_filter.findText("Failed"))
    qtbot.waitUntil(lambda: hint.isVisible() and "among “Failed”" in hint.text(),
                    timeout=5_000)


def test_the_player_tab_says_how_to_play_something(window, qtbot):
    tabs = window.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Downloads", "Channels", "Player"]
    assert tabs.widget(1) is window.channels_page  # the channel browser (its own tests)
    assert window._player is None  # made when first opened: not part of the first frame
    tabs.setCurrentIndex(2)
    idle = window.player.findChild(QLabel, "playerIdle")
    qtbot.waitUntil(idle.isVisible, timeout=5_000)
    assert idle.text().startswith("Nothing is playing.")
    assert "Double-click a video in Channels, or a finished download" in idle.text()


# -- shortcuts -----------------------------------------------------------------------------------
def test_every_action_with_a_shortcut_shows_it_in_its_tooltip_and_menus(window):
    from PySide6.QtGui import QAction

    actions = [a for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    assert {a.text() for a in actions} >= {"Retry", "Remove from list", "Open folder",
                                           "Copy URL", "Pause or resume", "Settings"}
    for action in actions:
        key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        assert key in action.toolTip(), action.text()
        assert action.isShortcutVisibleInContextMenu(), action.text()
    assert set(window.jobs.context_menu().actions()) >= set(window.jobs.actions.values())
    assert "(Ctrl+L)" in window.address.toolTip()
    assert "(Ctrl+F)" in window.jobs.search.toolTip()


def test_ctrl_f_finds_and_ctrl_c_in_the_list_copies_addresses(quiet, qtbot):
    [job_id] = put(quiet, qtbot, "https://example.com/watch?v=copied")
    quiet.activateWindow()
    table = quiet.jobs.table
    table.setFocus()
    quiet.jobs.select_job(job_id)
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text()
                    == "https://example.com/watch?v=copied", timeout=5_000)
    qtbot.keyClick(table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert quiet.jobs.search.hasFocus()


def test_space_pauses_and_resumes_the_selected_jobs(quiet, qtbot):
    ids = put(quiet, qtbot, "https://example.com/watch?v=1", "https://example.com/watch?v=2")
    quiet.activateWindow()
    table = quiet.jobs.table
    table.setFocus()
    table.selectAll()
    qtbot.keyClick(table, Qt.Key.Key_Space)  # written on the writer thread, then shown
    qtbot.waitUntil(lambda: all(quiet.jobs.model.job(i).status == st.PAUSED for i in ids),
                    timeout=5_000)
    assert {Job.get_by_id(i).status for i in ids} == {st.PAUSED}
    qtbot.keyClick(table, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: {Job.get_by_id(i).status for i in ids} == {st.QUEUED},
                    timeout=5_000)


# -- open folder -----------------------------------------------------------------------------------
def test_open_folder_opens_the_jobs_folder(home, quiet, qtbot, file_manager, tmp_path):
    [job_id] = put(quiet, qtbot, "https://example.com/watch?v=1")
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    Job.update(payload=f'{{"download_dir": "{chosen}"}}').where(Job.id == job_id).execute()
    quiet.manager.jobChanged.emit(job_id, st.QUEUED)
    qtbot.waitUntil(lambda: quiet.jobs.model.job(job_id).download_dir == str(chosen),
                    timeout=5_000)
    quiet.jobs.select_job(job_id)
    quiet.jobs.actions["open"].trigger()
    assert file_manager.opened == [str(chosen)]
    assert not quiet.jobs.notice.isVisible()


def test_open_folder_that_cannot_open_says_so_and_shows_the_path(home, quiet, qtbot):
    [job_id] = put(quiet, qtbot, "https://example.com/watch?v=1")
    quiet.jobs.select_job(job_id)
    missing = home.download_dir  # nothing was downloaded: the folder is not there yet
    assert not missing.exists()
    quiet.jobs.actions["open"].trigger()
    notice = quiet.jobs.notice
    assert notice.isVisible()
    assert str(missing) in notice.label.text() and "does not exist yet" in notice.label.text()
    assert notice.label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert str(missing) in quiet.statusBar().currentMessage()
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(notice.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == str(missing)

    missing.mkdir(parents=True)
    quiet.jobs.open_url = lambda url: False  # a desktop with no file manager to start
    quiet.jobs.actions["open"].trigger()
    assert "no file manager" in notice.label.text()


# -- closing with downloads running -------------------------------------------------------------
def answer_quit_question(window, button: str, dont_ask: bool = False) -> list[str]:
    """Click `button` in the question once it shows; returns the question's text."""
    seen: list[str] = []

    def answer():
        box = window.quit_question
        if box is None or not box.isVisible():
            QTimer.singleShot(20, answer)
            return
        seen.append(box.text())
        box.checkBox().setChecked(dont_ask)
        [chosen] = [b for b in box.buttons() if b.text().replace("&", "") == button]
        chosen.click()

    QTimer.singleShot(0, answer)
    return seen


def test_closing_while_downloads_run_asks_first(site, home, window, qtbot):
    size = site.media["muxed"].stat().st_size
    site.set_fault("/media/v1/", "slow", bytes_per_second=size // 5)
    window.add_urls([site.video_url("v1")])
    qtbot.waitUntil(lambda: bool(window.manager.running_ids), timeout=10_000)

    seen = answer_quit_question(window, "Cancel", dont_ask=True)
    assert window.may_close() is False
    assert seen == ["1 download is still running."]
    assert home.settings.get("ask_before_quitting") is True  # Cancel remembers nothing

    seen = answer_quit_question(window, "Quit", dont_ask=True)
    assert window.may_close() is True
    assert seen and home.settings.get("ask_before_quitting") is False
    assert window.may_close() is True  # not asked again
    site.clear_faults()


def test_closing_with_nothing_running_does_not_ask(window):
    assert not window.manager.running_ids
    assert window.may_close() is True
    assert window.quit_question is None
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, QMessageBox) and w.isVisible()]
