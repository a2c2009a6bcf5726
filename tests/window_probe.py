"""`python tests/window_probe.py STATE_FILE [ytdesk arguments...]`: the real ytdesk (its
`main`, unchanged), which also writes what its window shows to STATE_FILE (JSON, replaced
whole) a few times a second, so a test in another process can read what a user would see:
the current tab, the texts shown in it, open questions, the status bar."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

import ytdesk.app

EVERY_MS = 50
PLAYED: list[str] = []  # what the stand-in player was asked to play
STAND_IN: list[bool] = []


def use_this_trees_migrations() -> None:
    """As conftest does for the tests' own process: the migrations of the tree under test,
    not those of whichever checkout an editable install points at (its DB was migrated
    with these)."""
    folder = Path(__file__).resolve().parent.parent / "migrations"
    spec = importlib.util.spec_from_file_location(
        "ytdesk.migrations", folder / "__init__.py", submodule_search_locations=[str(folder)])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["ytdesk.migrations"] = module
    spec.loader.exec_module(module)


def install_player_stand_in() -> None:
    """Until the player widget is merged, the window's way in to it (`play_file`) is a
    stand-in that only notes the path; with the real player this does nothing."""
    from ytdesk.ui.main_window import MainWindow

    if not hasattr(MainWindow, "play_file"):
        MainWindow.play_file = lambda _window, path: PLAYED.append(path)
        STAND_IN.append(True)


def shown_texts(page: QWidget) -> list[str]:
    return [label.text() for label in page.findChildren(QLabel)
            if label.isVisible() and label.text()]


def window_state() -> dict[str, object]:
    from ytdesk.ui.main_window import MainWindow

    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    if not windows:
        return {}
    window = windows[0]
    page = window.tabs.currentWidget()
    return {
        **({"played": PLAYED} if STAND_IN else {}),
        "tab": window.tabs.tabText(window.tabs.currentIndex()),
        "shown": shown_texts(page) if page is not None else [],
        "questions": [box.text() for box in QApplication.topLevelWidgets()
                      if isinstance(box, QMessageBox) and box.isVisible()],
        "status": window.statusBar().currentMessage(),
    }


class Probe:
    def __init__(self, state_file: str):
        self.state_file = state_file
        self.last = ""

    def write(self) -> None:
        text = json.dumps(window_state())
        if text != self.last:
            self.last = text
            with open(self.state_file + ".new", "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(self.state_file + ".new", self.state_file)


def main() -> int:
    probe = Probe(sys.argv[1])
    make_application = ytdesk.app.make_application

    def make_probed_application() -> QApplication:
        app = make_application()
        timer = QTimer(app, interval=EVERY_MS)
        timer.timeout.connect(probe.write)
        timer.start()
        return app

    ytdesk.app.make_application = make_probed_application
    use_this_trees_migrations()
    install_player_stand_in()
    return ytdesk.app.main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
