"""About ytdesk: the versions of everything that does the work, ready to paste into a bug
report."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import Qt, Slot, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

import ytdesk
from ytdesk.ytdl.versions import ffmpeg_version, ffprobe_version, yt_dlp_version


def version_lines() -> list[str]:
    return [
        f"ytdesk {ytdesk.__version__}",
        f"yt-dlp {yt_dlp_version()}",
        f"ffmpeg {ffmpeg_version()}",
        f"ffprobe {ffprobe_version()}",
        f"Qt {qVersion()}, PySide6 {PySide6.__version__}",
        f"Python {platform.python_version()}",
        f"System {platform.platform()}",
    ]


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
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
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.versions_label)
        layout.addWidget(buttons)

    @Slot()
    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text)
