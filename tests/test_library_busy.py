"""Another program holds the library's write lock (a backup tool, a database browser left in
a transaction): the window never waits for it. What the user adds or changes is in effect at
once, a status-bar note says the library is busy, and it is all written once the lock goes:
no freeze, no crash dialog. (Seen before: the window froze for 15 s, twice, and opened crash
dialogs while another program held the lock for 30 s.)"""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from ytdesk.core import jobactions
from ytdesk.core.models import Job
from ytdesk.ui.main_window import MainWindow
from ytdesk.ui.settings_dialog import SettingsDialog

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


class OtherProgram:
    """A second connection, as another program would have, holding the write lock."""

    def __init__(self, path):
        # It waits its turn for the lock (ytdesk may be writing), then keeps it.
        self._db = sqlite3.connect(path, isolation_level=None, timeout=10)
        self._db.execute("BEGIN EXCLUSIVE")

    def let_go(self) -> None:
        self._db.execute("ROLLBACK")
        self._db.close()


def stored(path, sql: str, *args):
    with sqlite3.connect(path) as db:
        return db.execute(sql, args).fetchall()


@pytest.fixture
def window(home, one_at_a_time, qtbot):
    made = MainWindow(one_at_a_time, home.settings, home.paths)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    return made


def test_adding_and_changing_settings_while_another_program_holds_the_library(
        home, one_at_a_time, window, site, qtbot):
    manager = one_at_a_time
    manager.pause_queue("held for the test")  # nothing downloads: only the writes matter
    other = OtherProgram(home.paths.database)
    try:
        window.add_urls([site.video_url("v1"), site.video_url("v2")])
        dialog = SettingsDialog(home.settings, manager, window)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.editors["concurrency"].setValue(5)
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                         Qt.MouseButton.LeftButton)
        # The window went on: the dialog closed, and the note shows while the lock is
        # still held (a GUI thread waiting on the lock could show nothing until it went).
        assert not dialog.isVisible()
        qtbot.waitUntil(window.busy_note.isVisible, timeout=20_000)
        assert window.busy_note.text().startswith("Library busy")
        assert window.busy_note.accessibleName() == "Library busy"
        assert home.settings.get("concurrency") == 5  # in effect at once
    finally:
        other.let_go()
    qtbot.waitUntil(window.busy_note.isHidden, timeout=20_000)
    path = home.paths.database
    qtbot.waitUntil(lambda: len(stored(path, "SELECT id FROM job")) == 2, timeout=20_000)
    assert stored(path, "SELECT value FROM setting WHERE name = 'concurrency'") == [("5",)]
    assert "free again" in window.statusBar().currentMessage()


def test_an_action_on_a_selection_waits_for_the_library_and_then_applies(
        home, one_at_a_time, window, qtbot):
    manager = one_at_a_time
    manager.pause_queue("held for the test")
    job_id = manager.enqueue("download", "https://a.example/1.mp4")
    other = OtherProgram(home.paths.database)
    results = []
    try:
        manager.act(jobactions.PAUSE, [job_id], done=results.append)
        qtbot.waitUntil(window.busy_note.isVisible, timeout=20_000)
        assert results == []  # not done: nothing claims it was
    finally:
        other.let_go()
    qtbot.waitUntil(lambda: len(results) == 1, timeout=20_000)
    assert results[0].count == 1
    assert Job.get_by_id(job_id).status == "paused"
    qtbot.waitUntil(window.busy_note.isHidden, timeout=5_000)
