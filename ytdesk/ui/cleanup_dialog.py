"""Clean up…: what a cleanup would remove, found by a dry run off the GUI thread, shown per
kind (how many, how much space), with every path a click away; "Clean up" then asks for
the real cleanup job (the window queues it)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QPushButton, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from ytdesk.core.cleanup import CleanupReport, clean_up
from ytdesk.core.settings import Settings
from ytdesk.jobs.worker import Work, Workers
from ytdesk.ui import format as fmt

SHOWN_PATHS = 500  # per kind: the job's log names every one
LOOKING = "Looking for what can be cleaned up…"
# What each kind means for the user: the count's noun, and whether it frees space.
NOUNS = {"leftovers": ("file", "files"), "missing": ("video", "videos"),
         "found_again": ("video", "videos"), "old_logs": ("log", "logs"),
         "retention": ("video", "videos")}


def _dry_run(work: Work, settings: Settings, logs_folder: Path) -> CleanupReport:
    """On the worker thread: reads only (a dry run changes nothing)."""
    return clean_up(settings, logs_folder, dry_run=True, stop=lambda: work.aborted)


class CleanupDialog(QDialog):
    def __init__(self, settings: Settings, logs_folder: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Clean up")
        self.setAccessibleName("Clean up")
        self.summary = QLabel(LOOKING, wordWrap=True)
        self.summary.setAccessibleName("What cleanup would do")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.found = QTreeWidget()
        self.found.setAccessibleName("What would be removed")
        self.found.setHeaderLabels(["What", "How many", "Space freed"])
        self.found.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # keep the file's name
        self.found.setToolTip("Each kind of thing cleanup found; open one (→) to see its paths")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.clean_button: QPushButton = self.buttons.addButton(
            "Clean up", QDialogButtonBox.ButtonRole.AcceptRole)
        self.clean_button.setAccessibleName("Clean up now")
        self.clean_button.setToolTip("Remove what is listed (a job does it; its log names "
                                     "every item)")
        self.clean_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.found, 1)
        layout.addWidget(self.buttons)
        self.resize(720, 420)
        self.report: CleanupReport | None = None
        self._workers = Workers(self, threads=1, name="cleanup preview")
        self._task = self._workers.submit(_dry_run, settings, logs_folder, pass_task=True,
                                          done=self._show, failed=self._failed)
        self.finished.connect(self._stop_looking)

    def _show(self, report: CleanupReport) -> None:
        self.report = report
        for name, category in report.categories.items():
            one, many = NOUNS[name]
            item = QTreeWidgetItem([category.label, fmt.plural(category.count, one, many),
                                    fmt.size(category.bytes) if category.bytes else "—"])
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight)
            children = [QTreeWidgetItem([path]) for path in category.paths[:SHOWN_PATHS]]
            for child, path in zip(children, category.paths, strict=False):
                child.setToolTip(0, path)
            if category.count > SHOWN_PATHS:
                children.append(QTreeWidgetItem([f"… and {category.count - SHOWN_PATHS:,} more "
                                                 "(the cleanup job's log names every one)"]))
            item.addChildren(children)
            self.found.addTopLevelItem(item)
            for child in children:  # a path is wider than the first column
                child.setFirstColumnSpanned(True)
        for column in (0, 1, 2):
            self.found.resizeColumnToContents(column)
        if report.anything:
            frees = f"frees {fmt.size(report.bytes)}" if report.bytes else "frees no space"
            self.summary.setText(f"Cleaning up {frees}. Videos whose files are gone stay in "
                                 "the library, marked missing.")
            self.clean_button.setEnabled(True)
            self.clean_button.setDefault(True)
            self.clean_button.setFocus()
        else:
            self.summary.setText("Nothing to clean up: no unfinished downloads are left over, "
                                 "no job log is older than 30 days and no retention rule "
                                 "deletes anything now.")

    def _failed(self, error: BaseException) -> None:
        self.summary.setText(f"ytdesk could not look for what to clean up: {error} "
                             "Close this and try again.")

    def _stop_looking(self) -> None:
        self._task.abort()
