"""How a video row of the browser looks: its thumbnail (dimmed when the library has no
file of it) with the length on it, the title (bold until watched), and a line saying its
date and what the library holds of it."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ytdesk.ui import format as fmt

from .models.video_list import CardRole, details_text
from .thumbnails import Thumbnails

THUMBNAIL = QSize(128, 72)  # 16:9
MARGIN = 6
ROW_HEIGHT = THUMBNAIL.height() + 2 * MARGIN


def _dim_text(palette: QPalette, selected: bool) -> QColor:
    if selected:
        return palette.color(QPalette.ColorRole.HighlightedText)
    return palette.color(QPalette.ColorRole.PlaceholderText)


class VideoDelegate(QStyledItemDelegate):
    def __init__(self, thumbnails: Thumbnails, parent: QWidget | None = None):
        super().__init__(parent)
        self._thumbnails = thumbnails

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(THUMBNAIL.width() * 3, ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        card = index.data(CardRole)
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter,
                                option.widget)
        if card is None:
            return
        rect: QRect = option.rect
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        picture = QRect(rect.left() + MARGIN, rect.top() + MARGIN, THUMBNAIL.width(),
                        THUMBNAIL.height())
        pixmap = self._thumbnails.pixmap(card.thumbnail, THUMBNAIL)
        painter.setOpacity(1.0 if card.downloaded else 0.45)
        if pixmap is not None:
            painter.drawPixmap(picture, pixmap)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Mid))
            painter.drawRoundedRect(picture, 4, 4)
        painter.setOpacity(1.0)
        self._paint_length(painter, picture, fmt.duration(card.duration))

        text_left = picture.right() + 2 * MARGIN
        text = QRect(text_left, rect.top() + MARGIN + 2, rect.right() - text_left - MARGIN,
                     THUMBNAIL.height() - 4)
        title_font = QFont(option.font)
        title_font.setBold(card.downloaded and not card.watched)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.08)
        metrics = QFontMetrics(title_font)
        painter.setFont(title_font)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText if selected
                                     else QPalette.ColorRole.Text))
        title = _two_lines(card.title, metrics, text.width())
        lines = title.count("\n") + 1
        title_rect = QRect(text.left(), text.top(), text.width(), metrics.height() * lines)
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft,
                         title)
        painter.setFont(option.font)
        painter.setPen(_dim_text(palette, selected))
        small = QFontMetrics(option.font)
        details = small.elidedText(details_text(card), Qt.TextElideMode.ElideRight, text.width())
        # Right under the title, as a page of search results reads.
        painter.drawText(QRect(text.left(), title_rect.bottom() + 4, text.width(),
                               small.height()), Qt.AlignmentFlag.AlignLeft, details)
        painter.restore()

    @staticmethod
    def _paint_length(painter: QPainter, picture: QRect, length: str) -> None:
        if not length:
            return
        font = QFont(painter.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        font.setBold(True)
        metrics = QFontMetrics(font)
        box = QRect(0, 0, metrics.horizontalAdvance(length) + 8, metrics.height() + 2)
        box.moveBottomRight(picture.bottomRight() - QPoint(3, 3))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 190))
        painter.drawRoundedRect(box, 3, 3)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, length)


def _two_lines(title: str, metrics: QFontMetrics, width: int) -> str:
    """The title in at most two lines, the second cut with an ellipsis."""
    words, first = title.split(), ""
    for count in range(len(words), 0, -1):
        candidate = " ".join(words[:count])
        if metrics.horizontalAdvance(candidate) <= width:
            first = candidate
            rest = " ".join(words[count:])
            break
    else:
        return metrics.elidedText(title, Qt.TextElideMode.ElideRight, width)
    if not rest:
        return first
    return first + "\n" + metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)
