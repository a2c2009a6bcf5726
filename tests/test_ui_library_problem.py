"""At start-up, a library ytdesk cannot use is a sentence in a dialog (not the crash dialog)
that can open the data folder and restore a backup; an empty library file is a notice."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from ytdesk.app import EXIT_BAD_ENVIRONMENT, Options, Ytdesk, build_or_explain
from ytdesk.core import db as database
from ytdesk.core import jobstore
from ytdesk.core.jobstore import NewJob
from ytdesk.core.library_health import LibraryProblem
from ytdesk.ui.crash_dialog import CrashReporter
from ytdesk.ui.library_problem_dialog import LibraryProblemDialog
from ytdesk.ui.single_instance import InstanceServer

LEFT = Qt.MouseButton.LeftButton
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def _urls(path: Path) -> list[str]:
    with sqlite3.connect(path) as con:
        return [row[0] for row in con.execute("SELECT url FROM job ORDER BY id")]


def _damage(home) -> Path:
    """A library with one job and a backup of it, then garbage where the library was."""
    jobstore.add_jobs([NewJob("download", "https://example.com/kept", {})])
    made = database.backup(home.paths.database, home.paths.backups, "before-test")
    home.db.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{home.paths.database}{suffix}").unlink(missing_ok=True)
    home.paths.database.write_bytes(b"this is not a library\n" * 50)
    return made


def test_the_dialog_says_what_is_wrong_opens_the_folder_and_restores(home, qtbot,
                                                                     file_manager):
    made = _damage(home)
    problem = LibraryProblem("The library is damaged.", can_restore=True)
    dialog = LibraryProblemDialog(problem, home.paths)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.sentence.text() == "The library is damaged."
    for widget in (dialog.sentence, dialog.open_folder, dialog.restore_button,
                   dialog.quit_button, dialog.backup_list, dialog.restore_chosen,
                   dialog.back_button):
        assert widget.accessibleName()

    qtbot.mouseClick(dialog.open_folder, LEFT)
    assert file_manager.opened == [str(home.paths.data_dir)]

    qtbot.mouseClick(dialog.restore_button, LEFT)
    assert dialog.pages.currentIndex() == 1
    assert made.name in dialog.backup_list.item(0).text()
    with qtbot.waitSignal(dialog.finished, timeout=10_000) as finished:
        qtbot.mouseClick(dialog.restore_chosen, LEFT)
    assert finished.args == [LibraryProblemDialog.RESTORED]
    assert _urls(home.paths.database) == ["https://example.com/kept"]


def test_no_restore_is_offered_where_a_backup_would_not_help(home, qtbot):
    dialog = LibraryProblemDialog(LibraryProblem("The folder is read-only."), home.paths)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.restore_button.isVisible()
    assert dialog.open_folder.isVisible()


def test_restore_is_refused_in_the_dialog_while_another_ytdesk_holds_the_library(
        home, manager, qtbot):
    jobstore.add_jobs([NewJob("download", "https://example.com/kept", {})])
    database.backup(home.paths.database, home.paths.backups, "before-test")
    jobstore.add_jobs([NewJob("download", "https://example.com/newer", {})])
    dialog = LibraryProblemDialog(LibraryProblem("Damaged.", can_restore=True), home.paths)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.restore_button, LEFT)
    qtbot.mouseClick(dialog.restore_chosen, LEFT)
    qtbot.waitUntil(lambda: "Another ytdesk" in dialog.status.text(), timeout=10_000)
    assert dialog.isVisible() and dialog.restore_chosen.isEnabled()
    assert len(_urls(home.paths.database)) == 2


def _start(home, tmp_path) -> Ytdesk | int:
    options = Options(home.paths.data_dir, home.download_dir, [])
    return build_or_explain(options, InstanceServer(str(tmp_path / "not-listening")),
                            CrashReporter())


def test_a_damaged_library_at_start_up_is_explained_and_restored_then_ytdesk_starts(
        home, qtbot, tmp_path):
    _damage(home)
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LibraryProblemDialog):
            QTimer.singleShot(20, answer)
            return
        seen.append(dialog.sentence.text())
        dialog.show_backups()
        dialog.restore_selected()

    QTimer.singleShot(0, answer)
    started = _start(home, tmp_path)
    assert isinstance(started, Ytdesk)
    try:
        assert "is not a ytdesk library" in seen[0]
        assert _urls(home.paths.database) == ["https://example.com/kept"]
    finally:
        started.close()  # never started: the restored job stays queued


def test_a_library_left_unfixed_ends_start_up_with_exit_2(home, qtbot, tmp_path):
    home.db.close()
    home.paths.database.unlink()
    home.paths.database.mkdir()  # a folder where the library should be

    def quit_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LibraryProblemDialog):
            QTimer.singleShot(20, quit_dialog)
            return
        assert "is a folder, not ytdesk's library file" in dialog.sentence.text()
        assert not dialog.restore_button.isVisibleTo(dialog)
        dialog.quit_button.click()

    QTimer.singleShot(0, quit_dialog)
    assert _start(home, tmp_path) == EXIT_BAD_ENVIRONMENT


def test_an_empty_library_file_is_a_notice_in_the_window(home, qtbot, tmp_path):
    home.db.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{home.paths.database}{suffix}").unlink(missing_ok=True)
    home.paths.database.write_bytes(b"")
    started = _start(home, tmp_path)
    assert isinstance(started, Ytdesk)
    try:
        notice = started.window.jobs.notice
        assert notice.isVisible()
        assert "was empty (0 bytes): perhaps a copy that did not finish" in notice.label.text()
        assert list(home.paths.data_dir.glob("library.db.empty-*"))
    finally:
        started.close()
