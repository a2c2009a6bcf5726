"""The player: QtMultimedia playback of the library's files (widget.py composes it)."""

from .widget import PlayerWidget

__all__ = ["PlayerWidget"]
