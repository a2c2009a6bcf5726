"""Subscriptions in bulk, from the window's Channels menu: import another app's list (the file
read and compared with what is followed off the GUI thread, then a preview of what will be
added and what is skipped) and export every subscription as OPML."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt,
                            Signal, Slot)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QHeaderView, QLabel,
                               QMessageBox, QTableView, QVBoxLayout, QWidget)

from ytdesk.core import channels
from ytdesk.core.subscription_import import ImportPreview, export_file, preview_file
from ytdesk.ui import format as fmt

if TYPE_CHECKING:
    from ytdesk.jobs.manager import JobManager
    from ytdesk.jobs.reader import Reader

FILE_TYPES = "Subscription lists (*.opml *.xml *.json *.csv *.db);;All files (*)"
COLUMNS = ("Channel", "Group", "Address", "Import")
SKIPPED = "Already followed: skipped"


class ImportPreviewModel(QAbstractTableModel):
    """What the file lists: first what will be added, then what is skipped (greyed)."""

    def __init__(self, preview: ImportPreview, parent: QObject | None = None):
        super().__init__(parent)
        self._rows = [(item, False) for item in preview.fresh] + \
            [(item, True) for item in preview.followed]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item, skipped = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (item.title, item.group, item.url, SKIPPED if skipped else "Will be added")[
                index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and skipped:
            return QPalette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        return None


def summary(preview: ImportPreview) -> str:
    added, skipped = len(preview.fresh), len(preview.followed)
    text = (f"{preview.source} ({preview.format}) lists "
            f"{fmt.plural(len(preview.items), 'subscription')}. ")
    if not added:
        return text + "You follow every one of them already: there is nothing to import."
    text += f"{fmt.plural(added, 'subscription')} will be added"
    if skipped:
        text += f"; {skipped:,} you follow already {'is' if skipped == 1 else 'are'} skipped"
    return text + ". Their first syncs are spread out in the background."


class ImportPreviewDialog(QDialog):
    def __init__(self, preview: ImportPreview, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Import subscriptions")
        self.summary = QLabel(summary(preview), wordWrap=True,
                              textFormat=Qt.TextFormat.PlainText)
        self.summary.setAccessibleName("What the import does")
        self.model = ImportPreviewModel(preview, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Subscriptions in the file")
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setAccessibleName("Columns of the list")
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((220, 110, 300)):
            self.table.setColumnWidth(column, width)
        self.buttons = QDialogButtonBox(  # type: ignore[call-overload]  # Qt property/signal keywords
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
            accepted=self.accept, rejected=self.reject)
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText(f"&Import {len(preview.fresh):,}")
        self.import_button.setEnabled(bool(preview.fresh))
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(820, 480)


class SubscriptionLists(QObject):
    """The window's import and export of subscriptions; `message` is a sentence for the
    status bar, `problem` a box the user must see (kept in `shown` while it is open)."""

    message = Signal(str)
    imported = Signal(int, int)  # added, skipped

    def __init__(self, window: QWidget, manager: JobManager, reader: Reader):
        super().__init__(window)
        self._window = window
        self._manager = manager
        self._reader = reader
        self.shown: QDialog | None = None  # the preview or the problem on screen
        self._previewed: ImportPreview | None = None
        self._export_path: Path | None = None

    # -- import -------------------------------------------------------------------------------
    @Slot()
    def ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self._window, "Import subscriptions", "",
                                              FILE_TYPES)
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> None:
        """Read and compare off the GUI thread (a list of thousands is parsed there), then
        show the preview."""
        self.message.emit(f"Reading {path.name}…")
        self._reader.submit(preview_file, path, done=self._preview_ready,
                            failed=self._problem, latest="subscription-import")

    @Slot(object)
    def _preview_ready(self, preview: ImportPreview) -> None:
        self._previewed = preview
        self.message.emit("")  # "Reading…" is over
        dialog = ImportPreviewDialog(preview, self._window)
        dialog.accepted.connect(self._import_accepted)
        dialog.finished.connect(self._closed)
        self.shown = dialog
        dialog.open()

    @Slot()
    def _import_accepted(self) -> None:
        preview, self._previewed = self._previewed, None
        if preview is None:
            return
        # All the file's items: import_listed skips what is followed by the time it writes.
        self._manager.write(channels.import_listed, preview.items, done=self._import_done,
                            failed=self._write_failed)

    @Slot(object)
    def _import_done(self, result: tuple[list[channels.Followed], int]) -> None:
        added, skipped = len(result[0]), result[1]
        self._manager.subscriptionsChanged.emit()
        text = f"Subscribed to {fmt.plural(added, 'channel')}"
        if skipped:
            text += f"; {skipped:,} you follow already skipped"
        self.message.emit(text + ".")
        self.imported.emit(added, skipped)

    # -- export -------------------------------------------------------------------------------
    @Slot()
    def ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self._window, "Export subscriptions",
                                              "ytdesk-subscriptions.opml",
                                              "OPML (*.opml);;All files (*)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        self._export_path = path
        self._reader.submit(export_file, path, done=self._exported, failed=self._problem)

    @Slot(object)
    def _exported(self, count: int) -> None:
        self.message.emit(f"Exported {fmt.plural(count, 'subscription')} to "
                          f"{self._export_path}.")

    # -- problems -----------------------------------------------------------------------------
    @Slot(str)
    def _problem(self, sentence: str) -> None:
        self.message.emit("")
        box = QMessageBox(QMessageBox.Icon.Warning, "Subscriptions", sentence,
                          QMessageBox.StandardButton.Ok, self._window)
        box.finished.connect(self._closed)
        self.shown = box
        box.open()

    @Slot(object)
    def _write_failed(self, error: BaseException) -> None:
        self._problem(f"The subscriptions could not be imported: {error}")

    @Slot()
    def _closed(self) -> None:
        shown, self.shown = self.shown, None
        if shown is not None:
            shown.deleteLater()
