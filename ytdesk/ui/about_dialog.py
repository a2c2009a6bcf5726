"""About ytdesk: the versions of everything that does the work, ready to paste into a bug
report."""

from __future__ import annotations

import platform
from typing import TYPE_CHECKING

import PySide6
from PySide6.QtCore import Qt, Slot, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

import ytdesk
from ytdesk.core.paths import Paths
from ytdesk.core.settings import Settings
from ytdesk.ytdl.versions import tool_lines

if TYPE_CHECKING:
    from .doctor_dialog import DoctorDialog


def version_lines() -> list[str]:
    return [
        f"ytdesk {ytdesk.__version__}",
        *tool_lines(),
        f"Qt {qVersion()}, PySide6 {PySide6.__version__}",
        f"Python {platform.python_version()}",
        f"System {platform.platform()}",
    ]


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, paths: Paths | None = None,
                 settings: Settings | None = None):
        super().__init__(parent)
        self.paths = paths
        self.settings = settings
        self.doctor: DoctorDialog | None = None
        self.setWindowTitle("About ytdesk")
        self.text = "\n".join(version_lines())
        heading = QLabel("<b>ytdesk</b> keeps local copies of online video.")
        self.versions_label = QLabel(self.text, textFormat=Qt.TextFormat.PlainText,
                                     textInteractionFlags=(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard))
        self.copy_button = QPushButton("Copy", clicked=self._copy)  # type: ignore[call-overload]  # Qt property/signal keywords
        self.copy_button.setToolTip("Copy the versions, e.g. for a bug report.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, rejected=self.reject)  # type: ignore[call-overload]  # Qt property/signal keywords
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        if paths is not None and settings is not None:
            self.doctor_button = QPushButton("&Doctor…", clicked=self.open_doctor)  # type: ignore[call-overload]  # Qt property/signal keywords
            self.doctor_button.setToolTip("Check that ffmpeg, deno, yt-dlp and the library work "
                                          "here; update or roll back yt-dlp (Alt+D)")
            self.doctor_button.setAccessibleName("Doctor")
            buttons.addButton(self.doctor_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.versions_label)
        layout.addWidget(buttons)

    @Slot()
    def open_doctor(self) -> None:
        from .doctor_dialog import DoctorDialog

        assert self.paths is not None and self.settings is not None
        if self.doctor is None:
            self.doctor = DoctorDialog(self.paths, self.settings, self)
        else:
            self.doctor.check()
        self.doctor.open()

    @Slot()
    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text)
