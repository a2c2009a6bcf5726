"""The player's keyboard: one table, read by the shortcuts and by the tooltips that show
them (and by the README's keyboard table)."""

from __future__ import annotations

PLAY_PAUSE = "Space"
BACK = "Left"
FORWARD = "Right"
BACK_LONG = "J"
FORWARD_LONG = "L"
VOLUME_UP = "Up"
VOLUME_DOWN = "Down"
MUTE = "M"
NEXT = "N"
PREVIOUS = "P"
FULLSCREEN = "F"
LEAVE_FULLSCREEN = "Esc"
AUDIO_TRACKS = "A"
SUBTITLES = "C"  # captions, as on the sites
SHUFFLE = "S"
REPEAT = "R"

SHORT_SKIP_MS = 5_000
LONG_SKIP_MS = 10_000
VOLUME_STEP = 5  # percent
