"""Draws the progress column: a thin horizontal bar with the percentage (or the phase
word, e.g. "Merging…") beside it, never under the bar's edge.

Drawn here with QPainter rather than by the style: styles draw CE_ProgressBar their own way
(Fusion and the offscreen style filled it from the bottom up) and put the text on the
fill, where the moving edge cuts through it.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ytdesk.core import jobstates as st

from .models.job_table import JobRole, PhaseRole, ProgressRole

BAR_HEIGHT = 6
GAP = 6  # between the bar and its text
MIN_BAR = 24  # narrower than this, the cell shows the text alone
MARGIN = 4
# The colours of the status icons: a finished bar says how it ended at a glance.
ENDED_COLOURS = {st.SUCCEEDED: QColor("#2e9d48"), st.FAILED: QColor("#d6333a")}


class ProgressDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        fraction = index.data(ProgressRole)
        phase = index.data(PhaseRole) or ""
        if fraction is None or (fraction < 0 and not phase):
            super().paint(painter, option, index)
            return
        if phase:
            fraction = 1.0  # the download is over; what follows has no percentage
        cell = QStyleOptionViewItem(option)
        self.initStyleOption(cell, index)
        text, cell.text = cell.text, ""
        widget = option.widget
        style = widget.style() if widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, cell, painter, widget)

        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        ink = palette.color(QPalette.ColorRole.HighlightedText if selected
                            else QPalette.ColorRole.Text)
        area = option.rect.adjusted(MARGIN, 0, -MARGIN, 0)
        metrics = option.fontMetrics
        text_width = min(area.width(), 2 + max(metrics.horizontalAdvance("100%"),
                                               metrics.horizontalAdvance(text)))
        bar_width = area.width() - text_width - GAP
        painter.save()
        if bar_width >= MIN_BAR:
            bar = QRectF(area.left(), area.center().y() - BAR_HEIGHT / 2 + 1, bar_width,
                         BAR_HEIGHT)
            groove = QColor(ink)
            groove.setAlpha(45)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(groove)
            painter.drawRoundedRect(bar, BAR_HEIGHT / 2, BAR_HEIGHT / 2)
            if fraction > 0:
                filled = QRectF(bar)
                filled.setWidth(max(BAR_HEIGHT, bar.width() * min(fraction, 1.0)))
                painter.setBrush(self._fill(index, palette, ink, selected))
                painter.drawRoundedRect(filled, BAR_HEIGHT / 2, BAR_HEIGHT / 2)
            text_area = QRect(area.right() - text_width + 1, area.top(), text_width,
                              area.height())
            alignment = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        else:
            text_area = area
            alignment = Qt.AlignmentFlag.AlignCenter
        painter.setPen(ink)
        painter.setFont(option.font)
        painter.drawText(text_area, int(alignment),
                         metrics.elidedText(text, Qt.TextElideMode.ElideRight, text_area.width()))
        painter.restore()

    @staticmethod
    def _fill(index, palette: QPalette, ink: QColor, selected: bool) -> QColor:
        if selected:
            return ink  # on the highlight, the highlight's own text colour stands out
        row = index.data(JobRole)
        status = row.status if row is not None else ""
        if status in ENDED_COLOURS:
            return ENDED_COLOURS[status]
        if status == st.RUNNING:
            return palette.color(QPalette.ColorRole.Highlight)
        quiet = QColor(ink)  # paused, cancelled, waiting: progress that is not moving
        quiet.setAlpha(120)
        return quiet
