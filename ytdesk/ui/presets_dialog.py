"""Presets: the list on the left (built-in ones first, then the user's), the chosen one's
options on the right. Built-in presets are shown, not changed: Duplicate makes an editable
copy. Every change is written on the manager's writer thread; a refusal (a preset in use,
an option that cannot be used) is shown as its sentence and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QInputDialog,
                               QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
                               QScrollArea, QVBoxLayout, QWidget)

from ytdesk.core import cookies, presets
from ytdesk.core.preset_options import PresetError, PresetOptions, options_from_json
from ytdesk.core.settings import Settings
from ytdesk.jobs.kinds import imported

from .preset_editor import PresetEditor

if TYPE_CHECKING:
    from ytdesk.jobs.manager import JobManager
    from ytdesk.jobs.reader import Reader

NAME_ROLE = Qt.ItemDataRole.UserRole


class PresetsDialog(QDialog):
    def __init__(self, settings: Settings, manager: JobManager, reader: Reader,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Presets")
        self._settings = settings
        self._manager = manager
        self._reader = reader
        self._shown: presets.Preset | None = None
        self.browsers_known = False  # the browsers with cookies here have been looked for

        self.list = QListWidget()
        self.list.setAccessibleName("Presets")
        self.list.currentItemChanged.connect(self._chosen)
        self.title = QLineEdit()
        self.title.setAccessibleName("Preset title")
        self.note = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        self.error = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        self.error.setAccessibleName("Problem")
        self.error.hide()
        self.editor = PresetEditor()
        self.editor.templateEdited.connect(self._template_edited)
        self.editor.cookiesFileChosen.connect(self._keep_cookies)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(self.editor)

        self.buttons: dict[str, QPushButton] = {}
        for key, text, tip, handler in (
                ("new", "&New", "A new preset with ytdesk's usual options (Alt+N)", self._new),
                ("duplicate", "D&uplicate", "An editable copy of this preset (Alt+U)",
                 self._duplicate),
                ("delete", "&Delete", "Delete this preset (Alt+D)", self._delete),
                ("export", "E&xport…", "Write this preset to a JSON file (Alt+X)", self._export),
                ("import", "&Import…", "Add the presets of a JSON file (Alt+I)", self._import),
                ("save", "&Save changes", "Save this preset's title and options (Alt+S)",
                 self._save)):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.setAccessibleName(text.replace("&", "").rstrip("…"))
            button.clicked.connect(handler)
            self.buttons[key] = button
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        for key in ("new", "duplicate", "delete"):
            row.addWidget(self.buttons[key])
        left.addLayout(row)
        row = QHBoxLayout()
        for key in ("export", "import"):
            row.addWidget(self.buttons[key])
        left.addLayout(row)
        right = QVBoxLayout()
        title_row = QHBoxLayout()
        title_row.addWidget(QLabel("Title:"))
        title_row.addWidget(self.title, 1)
        right.addLayout(title_row)
        right.addWidget(self.note)
        right.addWidget(scroll, 1)
        right.addWidget(self.error)
        right.addWidget(self.buttons["save"], 0, Qt.AlignmentFlag.AlignRight)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(close)
        self.resize(900, 640)
        self.reload()
        # Which browsers have cookies here: folders looked at off the GUI thread.
        reader.submit(_installed_browsers, done=self._browsers_found)

    # -- the list --------------------------------------------------------------------------
    def reload(self, choose: str | None = None) -> None:
        current = choose or (self._shown.name if self._shown else None)
        default = presets.usable(self._settings.get("default_preset"))
        self.list.blockSignals(True)
        self.list.clear()
        for preset in presets.all_presets():
            marks = " — built in" if preset.builtin else ""
            marks += " (default)" if preset.name == default else ""
            item = QListWidgetItem(f"{preset.title}{marks}")
            item.setToolTip(f"{preset.title}{marks} ({preset.name})")  # long titles are cut
            item.setData(NAME_ROLE, preset.name)
            self.list.addItem(item)
            if preset.name == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if self.list.currentItem() is None:
            self.list.setCurrentRow(0)
        self._chosen(self.list.currentItem())

    @Slot(QListWidgetItem)
    def _chosen(self, item: QListWidgetItem | None, _previous: Any = None) -> None:
        self._say("")
        if item is None:
            return
        self._shown = presets.get(item.data(NAME_ROLE))
        builtin = self._shown.builtin
        self.title.setText(self._shown.title)
        self.editor.show_options(self._shown.options)
        for widget in (self.title, self.editor, self.buttons["save"], self.buttons["delete"]):
            widget.setEnabled(not builtin)
        self.note.setText("Built in: shown as it is. Duplicate it to change a copy. Scripts "
                          f"name it {self._shown.name}." if builtin else
                          f"Scripts name it {self._shown.name}.")

    # -- actions -------------------------------------------------------------------------------
    def _new(self) -> None:
        title, ok = QInputDialog.getText(self, "New preset", "Title of the new preset:")
        if ok:
            self._manager.write(presets.create, title, options_from_json({}),
                                done=self._changed, failed=self._refused)

    def _duplicate(self) -> None:
        if self._shown is not None:
            self._manager.write(presets.duplicate, self._shown.name, done=self._changed,
                                failed=self._refused)

    def _delete(self) -> None:
        if self._shown is not None and not self._shown.builtin:
            self._manager.write(presets.delete, self._shown.name,
                                self._settings.get("default_preset"),
                                done=self._deleted, failed=self._refused)

    def _save(self) -> None:
        if self._shown is None or self._shown.builtin:
            return
        try:
            options = options_from_json({**self._shown.options.extra, **self.editor.values()})
        except PresetError as error:
            self._say(str(error))
            return
        self._manager.write(_update, self._shown.name, self.title.text(), options,
                            done=self._changed, failed=self._refused)

    def _export(self) -> None:
        if self._shown is None:
            return
        chosen, _ = QFileDialog.getSaveFileName(self, "Export preset",
                                                f"{self._shown.name}.json", "JSON (*.json)")
        if chosen:
            self._reader.submit(_write_export, self._shown.name, chosen, done=self._exported,
                                failed=self._say)

    def _import(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Import presets", "", "JSON (*.json)")
        if chosen:
            self.import_file(chosen)

    def import_file(self, path: str) -> None:
        """Add the presets of an exported file (all or none)."""
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            self._say(f"{path} cannot be read as a JSON file of presets.")
            return
        self._manager.write(presets.import_presets, document, done=self._imported,
                            failed=self._refused)

    # -- answers -------------------------------------------------------------------------------
    def _changed(self, preset: presets.Preset) -> None:
        self.reload(preset.name)
        self._say(f"Saved “{preset.title}”.")

    def _deleted(self, _: object) -> None:
        self._shown = None
        self.reload()
        self._say("Deleted.")

    def _imported(self, added: list[presets.Preset]) -> None:
        self.reload(added[0].name if added else None)
        self._say(f"Imported {len(added)} preset{'s' if len(added) != 1 else ''}.")

    def _exported(self, path: str) -> None:
        self._say(f"Wrote {path}.")

    def _refused(self, error: BaseException) -> None:
        self._say(str(error) if isinstance(error, (PresetError, cookies.CookiesError)) else
                  f"The preset could not be saved: {error}")

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    @Slot(str)
    def _keep_cookies(self, path: str) -> None:
        """A user-only copy in the data folder; the preset gets its name once it is kept."""
        self._manager.write(cookies.keep, self._manager.paths.cookies, Path(path),
                            done=self.editor.set_cookies_file, failed=self._refused)

    def _browsers_found(self, found: list[Any]) -> None:
        self.editor.set_browsers(found)  # keeps what is chosen, and whatever was typed
        self.browsers_known = True

    @Slot(str)
    def _template_edited(self, template: str) -> None:
        self._reader.submit(_example_or_sentence, template, done=self.editor.example.setText,
                            latest="template example")


def _installed_browsers() -> list[Any]:
    return imported("ytdesk.ytdl.browsers").installed()


def _example_or_sentence(template: str) -> str:
    """On the reader thread: naming needs yt-dlp, whose import must not stall the window."""
    templates = imported("ytdesk.ytdl.templates")
    try:
        return templates.example(template)
    except PresetError as error:
        return str(error)


def _update(name: str, title: str, options: PresetOptions) -> presets.Preset:
    return presets.update(name, title=title, options=options)


def _write_export(name: str, path: str) -> str:
    Path(path).write_text(json.dumps(presets.export([name]), indent=2, ensure_ascii=False)
                          + "\n", encoding="utf-8")
    return path
