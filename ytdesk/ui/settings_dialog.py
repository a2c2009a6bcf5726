"""The settings dialog: the settings a person changes, each shown by its declared spec (type,
minimum, choices, description), written together or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QSpinBox, QVBoxLayout, QWidget)

from ytdesk.core import presets
from ytdesk.core.autostart import Autostart, AutostartError
from ytdesk.core.paths import default_download_dir
from ytdesk.core.settings import SPECS, SettingError, Settings
from ytdesk.core.urls import check_url

if TYPE_CHECKING:
    from ytdesk.jobs.manager import JobManager

# The settings shown, in order, with their short labels; everything else about each one
# (type, minimum, choices, the longer description) comes from its spec.
SHOWN = {
    "download_dir": "Download folder",
    "default_preset": "Default preset",
    "concurrency": "Downloads at once",
    "speed_limit_kbps": "Speed limit per download (KB/s)",
    "speed_schedule": "Speed limits by time of day",
    "background_sync": "Sync subscriptions when they are due",
    "quiet_hours": "Quiet hours (nothing in the background)",
    "sponsorblock_api": "SponsorBlock address",
    "per_site_concurrency": "Downloads at once per site",
    "retry_attempts": "Retry attempts",
    "retry_base_seconds": "First retry after",
    "retry_cap_seconds": "Longest retry wait",
    "ask_before_adding": "Ask before adding a dropped link",
    "ask_before_quitting": "Ask before quitting while downloads run",
    "start_minimised": "Start minimised",
    "close_to_tray": "Keep running in the tray when the window is closed",
    "watch_clipboard": "Offer to download links I copy",
    "notify_new_videos": "Tell me about new videos from my channels",
    "notify_failed": "Tell me when a download fails",
    "notify_paused": "Tell me when downloads pause (disk full, no permission)",
    "notify_site_held": "Tell me when a site is left alone for a while",
}
AUTOSTART_LABEL = "Start ytdesk when I log in"
# Specs declare minimums only; a spin box needs a top too, far above any sensible value.
INT_MAXIMUM = 999
SECONDS_MAXIMUM = 86_400.0


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, manager: JobManager, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._settings = settings
        self._manager = manager
        self.editors: dict[str, QWidget] = {}
        form = QFormLayout()
        for name, label in SHOWN.items():
            editor = self._editor(name, settings.get(name))
            editor.setToolTip(SPECS[name].description)
            editor.setAccessibleName(label)
            self.editors[name] = editor
            if isinstance(editor, QCheckBox):
                editor.setText(label)
                form.addRow(editor)
            elif name == "download_dir":
                row = QHBoxLayout()
                row.addWidget(editor, 1)
                choose = QPushButton("Choose…", clicked=self._choose_folder)  # type: ignore[call-overload]  # Qt property/signal keywords
                choose.setAccessibleName("Choose the download folder")
                row.addWidget(choose)
                form.addRow(f"{label}:", row)
            else:
                form.addRow(f"{label}:", editor)
        # Not a stored setting: the entry the system reads at login is the truth.
        self.autostart = Autostart()
        self.login_start = QCheckBox(AUTOSTART_LABEL, checked=self.autostart.enabled())  # type: ignore[call-overload]  # Qt property/signal keywords
        self.login_start.setAccessibleName(AUTOSTART_LABEL)
        self.login_start.setToolTip("Start ytdesk in the tray when you log in, so your "
                                    "channels stay up to date")
        form.addRow(self.login_start)
        self._shown = self.values()  # only what the user changes is written
        self.error_label = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(  # type: ignore[call-overload]  # Qt property/signal keywords
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
            accepted=self.accept, rejected=self.reject)
        manage = QPushButton("&Presets…", clicked=self._open_presets)  # type: ignore[call-overload]  # Qt property/signal keywords
        manage.setAccessibleName("Presets")
        manage.setToolTip("Create, change, copy, delete, export and import presets (Alt+P)")
        form.addRow("", manage)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def _editor(self, name: str, value: Any) -> QWidget:
        spec = SPECS[name]
        if spec.type is bool:
            return QCheckBox(checked=bool(value))  # type: ignore[call-overload]  # Qt property/signal keywords
        if name == "default_preset":  # its choices are the presets there are now
            combo = QComboBox()
            for preset in presets.all_presets():
                combo.addItem(preset.title, preset.name)
            combo.setCurrentIndex(max(0, combo.findData(presets.usable(value))))
            return combo
        if spec.choices:
            combo = QComboBox()
            for choice in spec.choices:
                combo.addItem(choice, choice)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            return combo
        if spec.type is int:
            box = QSpinBox(maximum=int(spec.maximum or INT_MAXIMUM))
            box.setMinimum(int(spec.minimum or 0))
            box.setValue(int(value))
            return box
        if spec.type is float:
            seconds = QDoubleSpinBox(decimals=2, maximum=SECONDS_MAXIMUM, suffix=" s")
            seconds.setMinimum(float(spec.minimum or 0))
            seconds.setValue(float(value))
            return seconds
        edit = QLineEdit(str(value))
        if name == "download_dir":
            edit.setPlaceholderText(str(default_download_dir()))
        return edit

    def values(self) -> dict[str, Any]:
        """What the editors show now, by setting name."""
        found: dict[str, Any] = {}
        for name, editor in self.editors.items():
            if isinstance(editor, QCheckBox):
                found[name] = editor.isChecked()
            elif isinstance(editor, QComboBox):
                found[name] = editor.currentData()
            elif isinstance(editor, (QSpinBox, QDoubleSpinBox)):
                found[name] = editor.value()
            else:
                found[name] = editor.text().strip()  # type: ignore[attr-defined]  # a QLineEdit
        return found

    def accept(self) -> None:
        values = self.values()
        problem = self._problem(values)
        if problem is None:
            problem = self._apply_login_start()
        if problem is None:
            try:
                self._write({name: value for name, value in values.items()
                             if value != self._shown[name]})
            except SettingError as error:
                problem = str(error)
        if problem is not None:
            self.error_label.setText(problem)
            self.error_label.show()
            return
        self._manager.apply_settings()  # concurrency takes effect now, not at the next start
        super().accept()

    def _apply_login_start(self) -> str | None:
        wanted = self.login_start.isChecked()
        if wanted == self.autostart.enabled():
            return None
        try:
            self.autostart.set_enabled(wanted)  # one small local file (or registry value)
        except AutostartError as error:
            return str(error)
        return None

    @staticmethod
    def _problem(values: dict[str, Any]) -> str | None:
        """What the specs cannot say: rules between settings, and what a folder must be."""
        folder = values["download_dir"]
        if folder and not Path(folder).expanduser().is_absolute():
            return (f"The download folder '{folder}' is not a full path; choose one with "
                    "Choose…, or leave it empty for the usual Videos/ytdesk.")
        api = values["sponsorblock_api"]
        if api and not check_url(api).ok:
            return (f"The SponsorBlock address '{api}' is not a web address; leave it empty for "
                    "SponsorBlock's own (https://sponsor.ajay.app).")
        if values["retry_cap_seconds"] < values["retry_base_seconds"]:
            return "The longest retry wait cannot be shorter than the first retry's wait."
        return None

    def _write(self, changed: dict[str, Any]) -> None:
        # In effect at once, written off the GUI thread (the library may be busy); a value
        # refused halfway changes nothing.
        self._manager.save_settings(changed)

    @Slot()
    def _open_presets(self) -> None:
        from ytdesk.jobs.reader import Reader

        from .presets_dialog import PresetsDialog

        reader = Reader(self)
        PresetsDialog(self._settings, self._manager, reader, self).exec()
        reader.close()
        combo: QComboBox = self.editors["default_preset"]  # type: ignore[assignment]  # made a combo
        chosen = combo.currentData()
        combo.clear()
        for preset in presets.all_presets():  # new ones may be the default now
            combo.addItem(preset.title, preset.name)
        combo.setCurrentIndex(max(0, combo.findData(presets.usable(chosen))))

    @Slot()
    def _choose_folder(self) -> None:
        editor: QLineEdit = self.editors["download_dir"]  # type: ignore[assignment]  # _editor made it a QLineEdit
        chosen = QFileDialog.getExistingDirectory(
            self, "Save videos in", editor.text() or str(default_download_dir()))
        if chosen:
            editor.setText(chosen)
