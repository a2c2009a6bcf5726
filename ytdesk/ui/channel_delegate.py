"""How a channel row of the browser looks: its image (or its initial), its title (bold
while it has videos to watch), a line with its unwatched count and last sync, and an icon
while it syncs or when its last sync failed. A group's row is its name."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ytdesk.core.browse import ChannelRow
from ytdesk.ui import icons

from .models.channel_list import ChannelRole, SyncingRole, status_text
from .thumbnails import Thumbnails

AVATAR = QSize(32, 32)
MARGIN = 6
ICON = 16
ROW_HEIGHT = AVATAR.height() + 2 * MARGIN


def _initial_colour(title: str) -> QColor:
    """A steady colour per channel for its stand-in image."""
    return QColor.fromHsl(sum(map(ord, title)) * 37 % 360, 120, 120)


class ChannelDelegate(QStyledItemDelegate):
    def __init__(self, thumbnails: Thumbnails, parent: QWidget | None = None):
        super().__init__(parent)
        self._thumbnails = thumbnails

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        if index.data(ChannelRole) is None:  # a group
            size = super().sizeHint(option, index)
            return QSize(size.width(), max(size.height(), 26))
        return QSize(200, ROW_HEIGHT)

    def initStyleOption(self, option: QStyleOptionViewItem,
                        index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        if index.data(ChannelRole) is None:  # a group's name reads as a heading
            option.font.setBold(True)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        row: ChannelRow | None = index.data(ChannelRole)
        if row is None:
            super().paint(painter, option, index)
            return
        widget = option.widget
        style = widget.style() if widget else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter,
                                widget)
        rect: QRect = option.rect
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        followed, summary = row.summary.followed, row.summary
        syncing = bool(index.data(SyncingRole))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        avatar = QRect(rect.left() + MARGIN, rect.top() + MARGIN, AVATAR.width(),
                       AVATAR.height())
        self._paint_avatar(painter, avatar, row)

        badge = None
        if syncing:
            badge = icons.icon("retry")  # the arrows of "sync now", not a download's
        elif followed.last_error:
            badge = icons.status_icon("failed")
        right = rect.right() - MARGIN
        if badge is not None:
            badge.paint(painter, QRect(right - ICON, rect.center().y() - ICON // 2, ICON, ICON))
            right -= ICON + MARGIN

        left = avatar.right() + MARGIN + 2
        width = max(0, right - left)
        font = QFont(option.font)
        font.setBold(summary.unwatched_count > 0)
        metrics = QFontMetrics(font)
        painter.setFont(font)
        ink = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(palette.color(ink))
        painter.drawText(QRect(left, avatar.top() - 1, width, metrics.height()),
                         Qt.AlignmentFlag.AlignLeft,
                         metrics.elidedText(followed.title, Qt.TextElideMode.ElideRight, width))
        small = QFont(option.font)
        small.setPointSizeF(small.pointSizeF() * 0.9)
        small_metrics = QFontMetrics(small)
        painter.setFont(small)
        painter.setPen(palette.color(ink if selected else QPalette.ColorRole.PlaceholderText))
        painter.drawText(QRect(left, avatar.bottom() - small_metrics.height() + 2, width,
                               small_metrics.height()), Qt.AlignmentFlag.AlignLeft,
                         small_metrics.elidedText(status_text(row, syncing),
                                                  Qt.TextElideMode.ElideRight, width))
        painter.restore()

    def _paint_avatar(self, painter: QPainter, box: QRect, row: ChannelRow) -> None:
        circle = QPainterPath()
        circle.addEllipse(box)
        pixmap = self._thumbnails.pixmap(row.avatar, AVATAR)
        if pixmap is not None:
            painter.save()
            painter.setClipPath(circle)
            painter.drawPixmap(box, pixmap)
            painter.restore()
            return
        title = row.summary.followed.title
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(_initial_colour(title))
        painter.drawPath(circle)
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, (title.strip()[:1] or "?").upper())
