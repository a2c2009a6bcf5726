"""The row under the picture: previous, play/pause, next, the seek bar with the time, mute,
volume, speed and fullscreen. It only shows state and says what a person asked for; the
player widget does it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QSlider, QStyle, QToolButton,
                               QVBoxLayout, QWidget)

from ytdesk.ui import format as fmt
from ytdesk.ui.actions import with_shortcut

from . import keys
from .seek_bar import SeekBar
from .tracks import TrackMenu

SPEEDS = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)


def _speed_text(speed: float) -> str:
    return f"{speed:g}×"


class Controls(QWidget):
    playPauseClicked = Signal()
    nextClicked = Signal()
    previousClicked = Signal()
    muteClicked = Signal()
    volumeChanged = Signal(int)  # percent
    speedChanged = Signal(float)
    fullscreenClicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("playerControls")
        style = self.style()
        self.previous_button = self._button(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipBackward), "Previous",
            "Play the previous video of the queue", keys.PREVIOUS, self.previousClicked)
        self.play_button = self._button(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), "Play",
            "Play or pause", keys.PLAY_PAUSE, self.playPauseClicked)
        self.next_button = self._button(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward), "Next",
            "Play the next video of the queue", keys.NEXT, self.nextClicked)
        self.seek_bar = SeekBar(self)
        self.seek_bar.setToolTip(
            f"Where the video is; drag or click to go elsewhere ({keys.BACK}/{keys.FORWARD}: "
            f"5 s, {keys.BACK_LONG}/{keys.FORWARD_LONG}: 10 s, PageUp/PageDown: 1 min, "
            "Home/End)")
        self.time_label = QLabel("0:00 / 0:00")
        self.time_label.setObjectName("playerTime")
        self.time_label.setAccessibleName("Time")
        self.time_label.setTextFormat(Qt.TextFormat.PlainText)
        # As wide as an hour-long time: the bar does not twitch as the digits change.
        self.time_label.setMinimumWidth(
            self.time_label.fontMetrics().horizontalAdvance("0:00:00 / 0:00:00"))
        self.time_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.mute_button = self._button(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaVolume), "Mute",
            "Mute or unmute", keys.MUTE, self.muteClicked)
        self.mute_button.setCheckable(True)
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.volume.setSingleStep(keys.VOLUME_STEP)
        self.volume.setPageStep(20)
        self.volume.setFixedWidth(90)
        self.volume.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.volume.setAccessibleName("Volume")
        self.volume.setToolTip(f"Volume ({keys.VOLUME_UP}/{keys.VOLUME_DOWN})")
        self.volume.valueChanged.connect(self.volumeChanged)
        self.speed = QComboBox()
        for speed in SPEEDS:
            self.speed.addItem(_speed_text(speed), speed)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.setAccessibleName("Playback speed")
        self.speed.setToolTip("Playback speed, from half to twice as fast")
        self.speed.currentIndexChanged.connect(self._speed_picked)
        self.audio_menu = TrackMenu("&Audio", with_off=False, parent=self)
        self.audio_button = self._menu_button("Audio track", "Choose the language or "
                                              "commentary you hear", keys.AUDIO_TRACKS,
                                              self.audio_menu)
        self.subtitle_menu = TrackMenu("&Subtitles", with_off=True, parent=self)
        self.subtitle_button = self._menu_button("Subtitles", "Show subtitles, or none",
                                                 keys.SUBTITLES, self.subtitle_menu)
        self.fullscreen_button = self._button(
            style.standardIcon(QStyle.StandardPixmap.SP_TitleBarMaxButton), "Fullscreen",
            f"Fill the screen (double-click the picture; {keys.LEAVE_FULLSCREEN} leaves)",
            keys.FULLSCREEN, self.fullscreenClicked)

        # The seek bar on a row of its own, as wide as the picture (a narrow window keeps
        # a usable bar); the buttons under it.
        bar = QHBoxLayout()
        bar.addWidget(self.seek_bar, 1)
        bar.addWidget(self.time_label)
        buttons = QHBoxLayout()
        for button in (self.previous_button, self.play_button, self.next_button,
                       self.mute_button):
            buttons.addWidget(button)
        buttons.addWidget(self.volume)
        buttons.addStretch(1)
        for widget in (self.speed, self.audio_button, self.subtitle_button,
                       self.fullscreen_button):
            buttons.addWidget(widget)
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 2, 6, 4)
        column.setSpacing(0)
        column.addLayout(bar)
        column.addLayout(buttons)

    def _button(self, icon, name: str, tip: str, shortcut: str, signal) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(icon)
        button.setAccessibleName(name)
        button.setToolTip(with_shortcut(tip, shortcut))
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        button.clicked.connect(signal)
        return button

    def _menu_button(self, name: str, tip: str, shortcut: str, menu: TrackMenu) -> QToolButton:
        button = QToolButton(self)
        button.setText(name.split()[0])
        button.setAccessibleName(name)
        button.setToolTip(with_shortcut(tip, shortcut))
        button.setMenu(menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return button

    def show_tracks(self) -> None:
        """A file with nothing to choose greys its menu out (TrackMenu): so do its buttons."""
        self.audio_button.setEnabled(len(self.audio_menu.names()) > 1)
        self.subtitle_button.setEnabled(self.subtitle_menu.isEnabled())

    # -- showing state ------------------------------------------------------------------------
    def set_playable(self, playable: bool) -> None:
        """Nothing to play (yet, or a file that cannot be): its buttons would do nothing."""
        for widget in (self.play_button, self.seek_bar, self.speed):
            widget.setEnabled(playable)

    def show_playing(self, playing: bool) -> None:
        pixmap = (QStyle.StandardPixmap.SP_MediaPause if playing
                  else QStyle.StandardPixmap.SP_MediaPlay)
        self.play_button.setIcon(self.style().standardIcon(pixmap))
        self.play_button.setAccessibleName("Pause" if playing else "Play")

    def show_time(self, position_ms: int, duration_ms: int) -> None:
        self.seek_bar.set_position(position_ms)
        self.time_label.setText(f"{fmt.duration(position_ms / 1000) or '0:00'} / "
                                f"{fmt.duration(duration_ms / 1000) or '0:00'}")

    def show_muted(self, muted: bool) -> None:
        pixmap = (QStyle.StandardPixmap.SP_MediaVolumeMuted if muted
                  else QStyle.StandardPixmap.SP_MediaVolume)
        self.mute_button.setIcon(self.style().standardIcon(pixmap))
        self.mute_button.setChecked(muted)
        self.mute_button.setAccessibleName("Unmute" if muted else "Mute")

    def show_volume(self, percent: int) -> None:
        self.volume.blockSignals(True)
        self.volume.setValue(percent)
        self.volume.blockSignals(False)

    def _speed_picked(self, index: int) -> None:
        self.speedChanged.emit(float(self.speed.itemData(index)))
