"""Fixtures shared by the whole suite: a fresh data dir and library DB per test, the local
fake video site, and a started JobManager. Nothing here touches the internet."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# yt-dlp loads plugins once, at the first YoutubeDL() of the process: the fake site's
# extractor must be importable before any test creates one.
PLUGINS_DIR = Path(__file__).resolve().parent / "plugins"
if str(PLUGINS_DIR) not in sys.path:
    sys.path.insert(0, str(PLUGINS_DIR))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The fake site is on loopback: a proxy from the environment must never capture it.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
# No test may ask the real package index for a yt-dlp update: one that forgot to turn the
# daily check off, or a ytdesk it starts, asks a port where nothing listens.
os.environ["YTDESK_TOOLS_INDEX_URL"] = "http://127.0.0.1:9/pypi"


def _packages_of_this_tree() -> None:
    """`ytdesk.migrations` and `ytdesk.resources` are the top-level folders of the tree under
    test: an editable install made from another checkout of ytdesk would hand over its own."""
    import importlib.util

    for name, folder_name in (("ytdesk.migrations", "migrations"),
                              ("ytdesk.resources", "resources")):
        folder = Path(__file__).resolve().parent.parent / folder_name
        spec = importlib.util.spec_from_file_location(
            name, folder / "__init__.py", submodule_search_locations=[str(folder)])
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)


_packages_of_this_tree()

from fakesite import FakeSite, make_media  # noqa: E402
from PySide6.QtCore import QObject, QUrl, Slot  # noqa: E402
from PySide6.QtGui import QDesktopServices  # noqa: E402
from support import make_home  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _one_qapplication(qapp):
    """Create the QApplication first, so no test (e.g. the CLI's `run`, which makes a
    QCoreApplication when none exists) leaves the process without widgets support; cycles
    are collected on its thread, as in ytdesk (jobs/collector.py)."""
    from ytdesk.jobs.collector import collect_on_the_app_thread

    collect_on_the_app_thread()
    return qapp


@pytest.fixture
def home(tmp_path):
    made = make_home(tmp_path)
    yield made
    made.db.close()


@pytest.fixture(scope="session")
def media(tmp_path_factory):
    return make_media(tmp_path_factory.mktemp("fakesite-media"))


@pytest.fixture
def site(media):
    with FakeSite(media) as running:
        yield running
    assert running.errors == [], running.errors


@pytest.fixture
def manager(home, qtbot):
    from ytdesk.jobs.manager import JobManager

    made = JobManager(home.paths, home.settings)
    made.start()
    yield made
    made.shutdown(timeout_s=10)


@pytest.fixture
def window(home, manager, qtbot):
    """The main window, shown at a size its lists fit in (test files may have their own)."""
    from ytdesk.ui.main_window import MainWindow

    shown = MainWindow(manager, home.settings, home.paths)
    qtbot.addWidget(shown)
    shown.resize(1100, 720)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.reader.wait()  # players were let go by the teardown hook below


@pytest.fixture
def one_at_a_time(home, qtbot):
    """A manager that runs one job at a time from its very first claim."""
    from ytdesk.jobs.manager import JobManager

    made = JobManager(home.paths, home.settings, concurrency=1)
    made.start()
    yield made
    made.shutdown(timeout_s=10)


class FolderOpener(QObject):
    """Stands in for the file manager: Qt hands it every file: URL opened."""

    def __init__(self):
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toLocalFile())


@pytest.fixture
def file_manager():
    """Folders and files "opened" by the window, instead of a real file manager."""
    opener = FolderOpener()
    QDesktopServices.setUrlHandler("file", opener, "open")
    yield opener
    QDesktopServices.unsetUrlHandler("file")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item):
    """Before pytest-qt closes and deletes a test's widgets: every player lets go of
    QtMultimedia the safe way, as ytdesk's own close does (Ytdesk.close -> stop_playing). A
    window deleted with a QMediaPlayer still holding its audio output crashed a full run
    in a QtMultimedia thread."""
    player = sys.modules.get("ytdesk.ui.player.widget")
    if player is not None:
        from PySide6.QtWidgets import QApplication

        for widget in QApplication.allWidgets():
            if isinstance(widget, player.PlayerWidget):
                widget.shutdown()
    return (yield)
