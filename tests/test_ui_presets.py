"""The presets dialog: built-in presets are shown and copied, not changed; a copy is edited
and saved (through the manager's writer), deleted, refused while in use with its sentence,
exported and imported; the file-name template shows its example as it is typed."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog

from ytdesk.core import presets
from ytdesk.jobs.reader import Reader
from ytdesk.ui.presets_dialog import NAME_ROLE, PresetsDialog

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def dialog(home, manager, qtbot):
    reader = Reader()
    made = PresetsDialog(home.settings, manager, reader)
    qtbot.addWidget(made)
    made.show()
    yield made
    reader.close()


def choose(dialog, name: str) -> None:
    for row in range(dialog.list.count()):
        if dialog.list.item(row).data(NAME_ROLE) == name:
            dialog.list.setCurrentRow(row)
            return
    raise AssertionError(f"{name} is not listed")


def click(qtbot, dialog, key: str) -> None:
    qtbot.mouseClick(dialog.buttons[key], Qt.MouseButton.LeftButton)


def test_a_built_in_preset_is_copied_then_the_copy_changed_and_saved(dialog, qtbot):
    choose(dialog, "audio-mp3")
    assert not dialog.editor.isEnabled() and not dialog.buttons["save"].isEnabled()
    assert "Scripts name it audio-mp3" in dialog.note.text()
    click(qtbot, dialog, "duplicate")
    qtbot.waitUntil(lambda: dialog.list.currentItem().data(NAME_ROLE) != "audio-mp3",
                    timeout=5_000)
    copy = dialog.list.currentItem().data(NAME_ROLE)
    assert dialog.editor.isEnabled() and dialog.title.text() == "Audio — MP3 (copy)"

    dialog.title.setText("Talks")
    dialog.editor.audio_kbps.setValue(96)
    dialog.editor.sponsorblock["sponsor"].setCurrentIndex(
        dialog.editor.sponsorblock["sponsor"].findData("remove"))
    click(qtbot, dialog, "save")
    qtbot.waitUntil(lambda: dialog.error.text() == "Saved “Talks”.", timeout=5_000)
    saved = presets.get(copy)
    assert saved.title == "Talks" and saved.options.audio_kbps == 96
    assert dict(saved.options.sponsorblock) == {"sponsor": "remove"}
    assert saved.options.embed_thumbnail  # what was not touched stays as copied


def test_a_bad_option_or_a_preset_in_use_is_refused_with_a_sentence(home, dialog, qtbot,
                                                                     monkeypatch):
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Mine", True))
    click(qtbot, dialog, "new")
    qtbot.waitUntil(lambda: dialog.list.currentItem().data(NAME_ROLE) == "mine", timeout=5_000)
    dialog.editor.limit_rate.setText("fast")
    click(qtbot, dialog, "save")
    assert "'fast' is not a speed limit" in dialog.error.text()

    home.settings.set("default_preset", "mine")
    click(qtbot, dialog, "delete")
    qtbot.waitUntil(lambda: "is the default preset" in dialog.error.text(), timeout=5_000)
    assert presets.exists("mine")
    home.settings.set("default_preset", "best")
    click(qtbot, dialog, "delete")
    qtbot.waitUntil(lambda: dialog.error.text() == "Deleted.", timeout=5_000)
    assert not presets.exists("mine")


def test_export_then_import(dialog, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "podcast.json"
    choose(dialog, "podcast")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    click(qtbot, dialog, "export")
    qtbot.waitUntil(target.exists, timeout=5_000)
    assert json.loads(target.read_text())["presets"][0]["name"] == "podcast"
    dialog.import_file(str(target))
    qtbot.waitUntil(lambda: dialog.list.currentItem().data(NAME_ROLE) == "podcast-2",
                    timeout=5_000)  # imported, listed and chosen
    dialog.import_file(str(tmp_path / "nothing.json"))
    assert "cannot be read as a JSON file of presets" in dialog.error.text()


def test_the_template_shows_its_example_as_it_is_typed(dialog, qtbot, monkeypatch):
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Dated", True))
    click(qtbot, dialog, "new")
    qtbot.waitUntil(lambda: dialog.list.currentItem().data(NAME_ROLE) == "dated",
                    timeout=5_000)
    dialog.editor.output_template.clear()
    qtbot.keyClicks(dialog.editor.output_template, "%(upload_date>%Y)s/%(title)s.%(ext)s")
    qtbot.waitUntil(lambda: dialog.editor.example.text() == "2026/How to bake bread.mp4",
                    timeout=10_000)
    dialog.editor.output_template.clear()
    qtbot.keyClicks(dialog.editor.output_template, "../%(title)s")
    qtbot.waitUntil(lambda: "outside the download folder" in dialog.editor.example.text(),
                    timeout=10_000)


def test_cookies_come_from_a_browser_found_here_and_its_profile(dialog, qtbot, monkeypatch):
    from ytdesk.ytdl.browsers import Browser

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Signed in", True))
    click(qtbot, dialog, "new")
    qtbot.waitUntil(lambda: dialog.list.currentItem().data(NAME_ROLE) == "signed-in",
                    timeout=5_000)
    editor = dialog.editor
    qtbot.waitUntil(lambda: dialog.browsers_known, timeout=10_000)
    editor.set_browsers([Browser("chrome", ()), Browser("firefox", ("abcd.default",))])
    assert [editor.cookies_from_browser.itemText(i)
            for i in range(editor.cookies_from_browser.count())] == ["None", "Chrome", "Firefox"]
    editor.cookies_from_browser.setCurrentIndex(editor.cookies_from_browser.findData("firefox"))
    editor.browser_profile.setCurrentIndex(editor.browser_profile.findData("abcd.default"))
    click(qtbot, dialog, "save")
    qtbot.waitUntil(lambda: presets.get("signed-in").options.cookies_from_browser
                    == "firefox:abcd.default", timeout=5_000)
    qtbot.waitUntil(lambda: dialog.list.currentItem().data(NAME_ROLE) == "signed-in",
                    timeout=5_000)  # listed again after the save

    editor.set_browsers([Browser("chrome", ())])  # another computer: firefox is not there
    editor.show_options(presets.get("signed-in").options)
    assert editor.cookies_from_browser.currentText() == "Firefox (not found on this computer)"
    assert editor.browser_profile.currentData() == "abcd.default"


def test_a_cookies_file_chosen_in_the_editor_is_kept_and_named(home, dialog, qtbot, tmp_path,
                                                                monkeypatch):
    given = tmp_path / "cookies.txt"
    given.write_text("# Netscape HTTP Cookie File\n"
                     "example.com\tFALSE\t/\tFALSE\t2147483647\tSID\tsecret-value\n")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("With cookies", True))
    click(qtbot, dialog, "new")
    qtbot.waitUntil(lambda: dialog.list.currentItem().data(NAME_ROLE) == "with-cookies",
                    timeout=5_000)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(given), ""))
    dialog.editor._choose_cookies()
    qtbot.waitUntil(lambda: dialog.editor.cookies_file.text().startswith("A kept cookies"),
                    timeout=5_000)
    click(qtbot, dialog, "save")
    qtbot.waitUntil(lambda: presets.get("with-cookies").options.cookies_file != "",
                    timeout=5_000)
    [kept] = home.paths.cookies.iterdir()
    assert presets.get("with-cookies").options.cookies_file == kept.stem

    bogus = tmp_path / "notes.txt"
    bogus.write_text("not cookies\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bogus), ""))
    dialog.editor._choose_cookies()
    qtbot.waitUntil(lambda: "is not a cookies.txt file" in dialog.error.text(), timeout=5_000)
