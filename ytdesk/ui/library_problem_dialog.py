"""What the user sees when ytdesk cannot use its library at start-up (a read-only or damaged
file, a folder in its place, a lock held by another program): the sentence saying what is
wrong and what to do, "Open data folder", and, where a backup would fix it, "Restore from
backup…", which lists the backups and puts the chosen one back (off the GUI thread: the
copy grows with the library). Not the crash dialog: nothing inside ytdesk went wrong.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem,
                               QPushButton, QStackedWidget, QVBoxLayout, QWidget)

from ytdesk.core import backups
from ytdesk.core.library_health import LibraryProblem, explain
from ytdesk.core.paths import Paths
from ytdesk.jobs.liveness import library_in_use
from ytdesk.jobs.worker import Workers


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)


def _selectable(text: str, name: str) -> QLabel:
    label = QLabel(text, wordWrap=True, textFormat=Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    label.setAccessibleName(name)
    return label


class LibraryProblemDialog(QDialog):
    RESTORED = 2  # the result when a backup was put back: start-up is tried again

    def __init__(self, problem: LibraryProblem, paths: Paths, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("ytdesk cannot open its library")
        self._paths = paths
        # Where "Open data folder" goes (a test or another platform may hand it elsewhere).
        self.open_url = QDesktopServices.openUrl
        self._workers = Workers(self, name="restore")
        self._restoring = False
        self.sentence = _selectable(problem.sentence, "What is wrong")

        self.open_folder = QPushButton("&Open data folder")
        self.open_folder.setAccessibleName("Open data folder")
        self.open_folder.setToolTip(f"Show {paths.data_dir} in the file manager (Alt+O)")
        self.open_folder.clicked.connect(self._open_folder)
        self.restore_button = QPushButton("&Restore from backup…")
        self.restore_button.setAccessibleName("Restore from backup")
        self.restore_button.setToolTip("Choose a backup to put in the library's place (Alt+R)")
        self.restore_button.clicked.connect(self.show_backups)
        self.quit_button = QPushButton("&Quit")
        self.quit_button.setAccessibleName("Quit ytdesk")
        self.quit_button.setToolTip("Quit ytdesk (Esc)")
        self.quit_button.clicked.connect(self.reject)
        first = QDialogButtonBox()
        first.addButton(self.open_folder, QDialogButtonBox.ButtonRole.ActionRole)
        first.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        first.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.setVisible(problem.can_restore)  # after addButton, which shows it

        self.backup_list = QListWidget()
        self.backup_list.setAccessibleName("Backups, newest first")
        self.backup_list.itemActivated.connect(self._restore_item)
        self.status = _selectable("", "Restore status")
        self.restore_chosen = QPushButton("Restore &this backup")
        self.restore_chosen.setAccessibleName("Restore the chosen backup")
        self.restore_chosen.setToolTip("Put the chosen backup in the library's place; the "
                                       "current library is kept as a backup first (Alt+T)")
        self.restore_chosen.clicked.connect(self.restore_selected)
        self.back_button = QPushButton("&Back")
        self.back_button.setAccessibleName("Back")
        self.back_button.setToolTip("Back to what is wrong (Alt+B)")
        self.back_button.clicked.connect(self._show_problem)
        second = QDialogButtonBox()
        second.addButton(self.restore_chosen, QDialogButtonBox.ButtonRole.AcceptRole)
        second.addButton(self.back_button, QDialogButtonBox.ButtonRole.RejectRole)

        self.pages = QStackedWidget()
        problem_page = QWidget()
        layout = QVBoxLayout(problem_page)
        layout.addWidget(self.sentence)
        layout.addStretch(1)
        layout.addWidget(first)
        backups_page = QWidget()
        layout = QVBoxLayout(backups_page)
        layout.addWidget(QLabel("Choose the backup to restore:"))
        layout.addWidget(self.backup_list, 1)
        layout.addWidget(self.status)
        layout.addWidget(second)
        self.pages.addWidget(problem_page)
        self.pages.addWidget(backups_page)
        outer = QVBoxLayout(self)
        outer.addWidget(self.pages)

    @Slot()
    def _open_folder(self) -> None:
        self.open_url(QUrl.fromLocalFile(str(self._paths.data_dir)))

    @Slot()
    def show_backups(self) -> None:
        self.backup_list.clear()
        for backup in backups.list_backups(self._paths.backups):
            when = backup.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
            item = QListWidgetItem(f"{when}  ({_size(backup.size)})  {backup.name}")
            item.setData(Qt.ItemDataRole.UserRole, backup)
            self.backup_list.addItem(item)
        self.backup_list.setCurrentRow(0)
        self.status.setText("")
        self.pages.setCurrentIndex(1)
        self.backup_list.setFocus()

    @Slot()
    def _show_problem(self) -> None:
        self.pages.setCurrentIndex(0)

    @Slot(QListWidgetItem)
    def _restore_item(self, _item: QListWidgetItem) -> None:
        self.restore_selected()

    @Slot()
    def restore_selected(self) -> None:
        if self._restoring or self.backup_list.currentRow() < 0:
            return
        item = self.backup_list.currentItem()
        chosen = item.data(Qt.ItemDataRole.UserRole)
        paths = self._paths
        self.status.setText(f"Restoring {chosen.name}…")
        self.restore_chosen.setEnabled(False)
        self._restoring = True
        self._workers.submit(_restore, paths, chosen, done=self._restored,
                             failed=self._not_restored)

    def _restored(self, _result: backups.Restored) -> None:
        self._restoring = False
        self.done(self.RESTORED)

    def _not_restored(self, error: BaseException) -> None:
        self._restoring = False
        self.restore_chosen.setEnabled(True)
        if isinstance(error, backups.RestoreRefused):
            self.status.setText(str(error))
            return
        problem = explain(error, self._paths)
        self.status.setText(problem.sentence if problem else f"The backup could not be "
                            f"restored: {error}")

    def done(self, result: int) -> None:
        if self._restoring:
            return  # never leave while the library is being replaced
        super().done(result)


def _restore(paths: Paths, chosen: backups.Backup) -> backups.Restored:
    """On the restore thread: the core's restore, refused while another ytdesk holds it."""
    return backups.restore(paths.database, paths.backups, chosen,
                           in_use=lambda: library_in_use(paths))
