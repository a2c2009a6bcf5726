"""Subscriptions in bulk from the window: another app's list, read by its content off the GUI
thread, previewed (what will be added, what is followed already and skipped), imported in
one write; a file that is no list is one sentence and changes nothing; the export is OPML
that reads back as the same set. The Channels menu offers all three."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from test_ui_accessibility import unnamed

from ytdesk.core import channels
from ytdesk.core.models import Job
from ytdesk.core.subscription_files import read
from ytdesk.ui.actions import shortcut_text
from ytdesk.ui.main_window import SUBSCRIBE_KEY, MainWindow
from ytdesk.ui.subscription_lists import SKIPPED, ImportPreviewDialog

FIXTURES = Path(__file__).parent / "fixtures" / "subscriptions"
KITCHEN = "https://www.youtube.com/channel/UCkitchen0000000000000000"
GARDEN = "https://www.youtube.com/channel/UCgarden000000000000000"
WAIT_MS = 10_000
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def window(home, manager, qtbot):
    manager.shutdown()  # writes only: no job runs
    shown = MainWindow(manager, home.settings, home.paths)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.reader.wait()


def shown_preview(qtbot, window) -> ImportPreviewDialog:
    qtbot.waitUntil(lambda: isinstance(window.subscription_lists.shown, ImportPreviewDialog),
                    timeout=WAIT_MS)
    return window.subscription_lists.shown


def rows(dialog: ImportPreviewDialog) -> list[tuple[str, str]]:
    model = dialog.model
    return [(model.index(row, 0).data(), model.index(row, 3).data())
            for row in range(model.rowCount())]


@pytest.mark.parametrize(("name", "already", "added", "skipped"), [
    ("podcasts.opml", KITCHEN, ["The Daily Fake", "World Report"], ["Kitchen Notes"]),
    ("newpipe_subscriptions.json", GARDEN, ["Kitchen Notes", "Some Artist"], ["Garden Days"]),
    ("freetube-profiles.db", KITCHEN, ["Garden Days"], ["Kitchen Notes"]),
    ("subscriptions.csv", GARDEN, ["Kitchen Notes"], ["Garden Days, weekly"]),
])
def test_a_list_is_previewed_with_its_followed_channels_skipped_then_imported(
        window, manager, qtbot, name, already, added, skipped):
    channels.subscribe(already, "Followed already")
    window.subscription_lists.import_from(FIXTURES / name)
    dialog = shown_preview(qtbot, window)
    assert rows(dialog) == [(title, "Will be added") for title in added] + \
        [(title, SKIPPED) for title in skipped]
    assert f"{len(added)} subscription" in dialog.summary.text()
    assert f"{len(skipped):,} you follow already is skipped" in dialog.summary.text()
    assert dialog.import_button.text() == f"&Import {len(added)}"
    assert unnamed(dialog) == []
    with qtbot.waitSignal(window.subscription_lists.imported, timeout=WAIT_MS) as done, \
            qtbot.waitSignal(manager.subscriptionsChanged, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert done.args == [len(added), len(skipped)]
    titles = sorted(f.title for f in channels.all_followed())
    assert titles == sorted([*added, "Followed already"])
    assert Job.select().count() == 0  # no network until each one's first sync is due
    assert window.statusBar().currentMessage().startswith(
        f"Subscribed to {len(added)} channel")


def test_a_thousand_channels_are_read_off_the_gui_thread_and_imported_at_once(
        window, qtbot, tmp_path):
    listed = "\n".join(f'<outline type="rss" text="Feed {n}" '
                       f'xmlUrl="https://feeds.example.org/{n}.xml"/>' for n in range(1000))
    path = tmp_path / "big.opml"
    path.write_text(f'<?xml version="1.0"?><opml version="2.0"><body>{listed}</body></opml>')
    channels.subscribe("https://feeds.example.org/7.xml", "Feed 7")
    window.subscription_lists.import_from(path)
    assert window.subscription_lists.shown is None  # the window went on: the file is read
    dialog = shown_preview(qtbot, window)           # and compared on the reader thread
    assert dialog.model.rowCount() == 1000 and rows(dialog)[-1] == ("Feed 7", SKIPPED)
    with qtbot.waitSignal(window.subscription_lists.imported, timeout=WAIT_MS) as done:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert done.args == [999, 1]
    assert len(channels.all_followed()) == 1000


def test_a_list_of_nothing_new_has_nothing_to_import(window, qtbot):
    channels.subscribe(KITCHEN)
    channels.subscribe(GARDEN)
    window.subscription_lists.import_from(FIXTURES / "freetube-profiles.db")
    dialog = shown_preview(qtbot, window)
    assert "nothing to import" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()


@pytest.mark.parametrize(("content", "sentence"), [
    (b"Just some notes\nnot a list\n", "is not a subscription list ytdesk can read"),
    (b"\xff\xfe\x00binary", "is not text (UTF-8)"),
    (None, "cannot be read"),
])
def test_a_file_that_is_no_list_is_a_sentence_and_changes_nothing(window, qtbot, tmp_path,
                                                                  content, sentence):
    channels.subscribe(KITCHEN)
    path = tmp_path / "subscriptions.opml"  # the name promises OPML: the content decides
    if content is not None:
        path.write_bytes(content)
    window.subscription_lists.import_from(path)
    qtbot.waitUntil(lambda: isinstance(window.subscription_lists.shown, QMessageBox),
                    timeout=WAIT_MS)
    box = window.subscription_lists.shown
    assert sentence in box.text() and "subscriptions.opml" in box.text()
    assert "Traceback" not in box.text()
    assert [f.url for f in channels.all_followed()] == [KITCHEN]
    box.accept()
    qtbot.waitUntil(lambda: window.subscription_lists.shown is None, timeout=WAIT_MS)


def test_the_export_reads_back_as_the_same_set(window, qtbot, tmp_path):
    channels.subscribe(KITCHEN, "Kitchen Notes", group="Food")
    channels.subscribe("https://feeds.example.org/daily.xml", "The Daily Fake")
    target = tmp_path / "exports" / "mine.opml"
    target.parent.mkdir()
    window.subscription_lists.export_to(target)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Exported"),
                    timeout=WAIT_MS)
    assert window.statusBar().currentMessage() == f"Exported 2 subscriptions to {target}."
    kind, again = read(target.read_bytes())
    assert kind == "OPML"
    assert {(s.url, s.title, s.group) for s in again} == {
        (f.url, f.title, f.group) for f in channels.all_followed()}
    assert [p.name for p in target.parent.iterdir()] == ["mine.opml"]  # no part file left


def test_an_export_that_cannot_be_written_is_a_sentence(window, qtbot, tmp_path):
    channels.subscribe(KITCHEN)
    target = tmp_path / "no such folder" / "mine.opml"
    window.subscription_lists.export_to(target)
    qtbot.waitUntil(lambda: isinstance(window.subscription_lists.shown, QMessageBox),
                    timeout=WAIT_MS)
    text = window.subscription_lists.shown.text()
    assert text.startswith(f"{target} cannot be written") and "choose a folder" in text
    assert not target.parent.exists()


def test_the_channels_menu_subscribes_imports_and_exports(window, qtbot):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Channels")
    actions = {a.text(): a for a in menu.actions()}
    assert list(actions) == ["&Subscribe…", "&Import subscriptions…", "&Export subscriptions…"]
    subscribe = actions["&Subscribe…"]
    assert shortcut_text(SUBSCRIBE_KEY) in subscribe.toolTip()
    assert menu.toolTipsVisible()
    window.address.setText(KITCHEN)  # a link in the address bar is the one to follow
    qtbot.keyClick(window.address, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: getattr(window, "subscription_dialog", None) is not None
                    and window.subscription_dialog.isVisible(), timeout=WAIT_MS)
    assert window.subscription_dialog.url.text() == KITCHEN
    window.subscription_dialog.reject()
