"""What shows instead of a picture: the cover of a file that is only sound (the video's
thumbnail, with its title and channel), or the sentence saying why a file cannot play."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

COVER_SIZE = QSize(480, 270)
TEXT_WIDTH = 620


def placeholder(size: QSize = COVER_SIZE) -> QPixmap:
    """A plain dark frame with a note glyph: what a file without a picture of its own shows."""
    pixmap = QPixmap(size)
    pixmap.fill(QColor("#2b2f36"))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#8b95a5"))
    font = painter.font()
    font.setPixelSize(size.height() // 3)
    painter.setFont(font)
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, "♪")
    painter.end()
    return pixmap


def cover_pixmap(image: QImage | None) -> QPixmap:
    if image is None or image.isNull():
        return placeholder()
    return QPixmap.fromImage(image.scaled(COVER_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))


def load_cover(path: str | None) -> QImage | None:
    """On a worker thread: the picture file decoded (QImage, not QPixmap, is thread-safe)."""
    if not path:
        return None
    image = QImage(path)
    return None if image.isNull() else image


class CoverView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("playerCover")
        self.picture = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.picture.setAccessibleName("Cover")
        self.picture.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.title = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.title.setObjectName("coverTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setStyleSheet("font-size: 17px; font-weight: 600;")
        self.channel = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.channel.setObjectName("coverChannel")
        self.channel.setTextFormat(Qt.TextFormat.PlainText)
        self.channel.setStyleSheet("color: palette(placeholder-text);")
        column = QVBoxLayout(self)
        column.setContentsMargins(24, 24, 24, 24)
        column.addWidget(self.picture, 1)
        column.addWidget(self.title)
        column.addWidget(self.channel)

    def show_cover(self, title: str, channel: str, image: QImage | None) -> None:
        self.title.setText(title)
        self.channel.setText(channel)
        self.channel.setVisible(bool(channel))
        self.picture.setPixmap(cover_pixmap(image))


class ProblemView(QLabel):
    """One plain sentence where the picture would be: never a silent black box."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.setObjectName("playerProblem")
        self.setAccessibleName("Why this cannot play")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet("font-size: 15px;")

    def resizeEvent(self, event) -> None:
        # A readable line (about 70 characters), centred, however wide the window is.
        side = max(40, (event.size().width() - TEXT_WIDTH) // 2)
        self.setContentsMargins(side, 0, side, 0)
        super().resizeEvent(event)
