"""Beside the picture: the play queue (with shuffle, repeat and autoplay) and, when the
video has them, its chapters. It does not go fullscreen with the picture."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QSplitter, QToolButton, QVBoxLayout,
                               QWidget)

from ytdesk.core.play_queue import RepeatMode
from ytdesk.ui.actions import with_shortcut

from . import keys
from .chapters import ChapterList
from .queue_model import QueueModel
from .queue_view import QueueView

REPEAT_TEXT = {RepeatMode.OFF: "Repeat: off", RepeatMode.ALL: "Repeat: all",
               RepeatMode.ONE: "Repeat: this one"}
NEXT_MODE = {RepeatMode.OFF: RepeatMode.ALL, RepeatMode.ALL: RepeatMode.ONE,
             RepeatMode.ONE: RepeatMode.OFF}


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight: 600;")
    return label


class SidePanel(QWidget):
    autoplayToggled = Signal(bool)  # the person's choice, for the setting

    def __init__(self, queue: QueueModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("playerSide")
        self.queue = queue
        self.queue_view = QueueView()
        self.queue_view.setModel(queue)
        self.shuffle = QToolButton()
        self.shuffle.setText("Shuffle")
        self.shuffle.setCheckable(True)
        self.shuffle.setAutoRaise(True)
        self.shuffle.setAccessibleName("Shuffle")
        self.shuffle.setToolTip(with_shortcut("Play the queue in a random order, each video "
                                              "once", keys.SHUFFLE))
        self.shuffle.toggled.connect(queue.set_shuffle)
        queue.shuffleChanged.connect(self.shuffle.setChecked)
        self.repeat = QToolButton()
        self.repeat.setText(REPEAT_TEXT[RepeatMode.OFF])
        self.repeat.setAutoRaise(True)
        self.repeat.setAccessibleName("Repeat")
        self.repeat.setToolTip(with_shortcut("Repeat nothing, the whole queue, or this video",
                                             keys.REPEAT))
        self.repeat.clicked.connect(self.next_repeat)
        queue.repeatChanged.connect(self._show_repeat)
        self.autoplay = QCheckBox("Autoplay")
        self.autoplay.setToolTip("When a video ends, play the next one of the queue")
        self.autoplay.setChecked(queue.autoplay)
        self.autoplay.toggled.connect(self._autoplay_chosen)
        queue.autoplayChanged.connect(self.autoplay.setChecked)

        heading = QHBoxLayout()
        heading.addWidget(_heading("Queue"))
        heading.addStretch(1)
        heading.addWidget(self.autoplay)
        modes = QHBoxLayout()
        modes.addWidget(self.shuffle)
        modes.addWidget(self.repeat)
        modes.addStretch(1)
        top = QWidget()
        top_column = QVBoxLayout(top)
        top_column.setContentsMargins(6, 6, 6, 0)
        top_column.setSpacing(2)
        top_column.addLayout(heading)
        top_column.addLayout(modes)
        top_column.addWidget(self.queue_view, 1)

        self.chapters = ChapterList()
        self.chapters_box = QWidget()
        chapters_column = QVBoxLayout(self.chapters_box)
        chapters_column.setContentsMargins(6, 6, 6, 6)
        chapters_column.addWidget(_heading("Chapters"))
        chapters_column.addWidget(self.chapters, 1)
        self.chapters_box.hide()  # until a video with chapters plays

        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(top)
        split.addWidget(self.chapters_box)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(split)

    def show_chapters(self, chapters) -> None:
        self.chapters.set_chapters(list(chapters))
        self.chapters_box.setVisible(bool(chapters))

    def next_repeat(self) -> None:
        self.queue.set_repeat(NEXT_MODE[self.queue.repeat])

    def _show_repeat(self, mode: str) -> None:
        self.repeat.setText(REPEAT_TEXT[RepeatMode(mode)])

    def _autoplay_chosen(self, on: bool) -> None:
        if on != self.queue.autoplay:
            self.queue.set_autoplay(on)
            self.autoplayToggled.emit(on)
