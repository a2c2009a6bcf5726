"""Draws the progress column as a progress bar (styled by the platform)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionProgressBar

from .models.job_table import ProgressRole


class ProgressDelegate(QStyledItemDelegate):
    def paint(self, painter, option, index) -> None:
        fraction = index.data(ProgressRole)
        if fraction is None or fraction < 0:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum, bar.maximum = 0, 1000
        bar.progress = int(round(fraction * 1000))
        bar.text = f"{fraction * 100:.0f}%"
        bar.textVisible = True
        bar.state = option.state
        bar.palette = option.palette
        style = option.widget.style() if option.widget else QApplication.style()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)
