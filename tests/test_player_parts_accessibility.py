"""The player's parts are named for a screen reader and say their keys in their tooltips."""

from __future__ import annotations

from PySide6.QtGui import QAccessible

from ytdesk.ui.player.chapters import ChapterList
from ytdesk.ui.player.queue_model import QueueModel
from ytdesk.ui.player.queue_view import QueueView
from ytdesk.ui.player.seek_bar import SeekBar
from ytdesk.ui.player.tracks import TrackMenu


def test_every_part_has_a_spoken_name_and_its_keys_in_the_tooltip(qtbot):
    queue = QueueView()
    queue.setModel(QueueModel(queue))
    parts = {queue: ("Enter", "Delete", "Alt+Up"), ChapterList(): ("Enter",),
             SeekBar(): ("←/→", "PageUp/PageDown", "Home/End")}
    for widget, keys in parts.items():
        qtbot.addWidget(widget)
        widget.show()
        interface = QAccessible.queryAccessibleInterface(widget)
        assert interface.text(QAccessible.Text.Name).strip(), type(widget).__name__
        assert all(key in widget.toolTip() for key in keys), widget.toolTip()
    for title in ("Audio", "Subtitles"):
        menu = TrackMenu(title, with_off=title == "Subtitles")
        qtbot.addWidget(menu)
        assert menu.title() == title and menu.menuAction().text() == title
