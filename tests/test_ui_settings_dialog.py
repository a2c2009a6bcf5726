"""The settings dialog: what the user sets is stored and used at once; a refused change
stores nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from ytdesk.core.settings import SPECS
from ytdesk.ui.settings_dialog import SHOWN, SettingsDialog

# The offscreen platform warns whenever a shown window's size limits change (it has no
# window manager to tell); that is the test platform's gap, not the dialog's.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def dialog(home, manager, qtbot):
    made = SettingsDialog(home.settings, manager)
    qtbot.addWidget(made)
    made.show()
    return made


def press_ok(qtbot, dialog):
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)


def test_the_dialog_shows_the_stored_settings(home, dialog):
    values = dialog.values()
    assert values["concurrency"] == 3
    assert values["retry_base_seconds"] == pytest.approx(0.05)
    assert values["download_dir"] == str(home.download_dir)
    assert dialog.editors["concurrency"].minimum() == SPECS["concurrency"].minimum
    assert dialog.editors["concurrency"].toolTip() == SPECS["concurrency"].description
    assert dialog.editors["ask_before_adding"].text() == SHOWN["ask_before_adding"]


def test_changes_are_stored_and_concurrency_applies_at_once(qtbot, home, manager, dialog):
    dialog.editors["concurrency"].setValue(5)
    preset = dialog.editors["default_preset"]
    preset.setCurrentIndex(preset.findText("Audio — MP3"))
    dialog.editors["start_minimised"].setChecked(True)
    press_ok(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert home.settings.get("concurrency") == 5
    assert home.settings.get("default_preset") == "audio-mp3"
    assert home.settings.get("start_minimised") is True
    assert manager.concurrency() == 5


def test_a_refused_change_stores_nothing(qtbot, home, manager, dialog):
    dialog.editors["concurrency"].setValue(5)
    dialog.editors["download_dir"].setText("relative/folder")
    press_ok(qtbot, dialog)
    assert dialog.isVisible()  # still open, saying why
    assert dialog.error_label.isVisible()
    assert "not a full path" in dialog.error_label.text()
    assert home.settings.get("concurrency") == 3
    assert home.settings.get("download_dir") == str(home.download_dir)
    assert manager.concurrency() == 3


def test_a_retry_cap_below_the_first_wait_is_refused(qtbot, home, dialog):
    dialog.editors["retry_base_seconds"].setValue(10)
    dialog.editors["retry_cap_seconds"].setValue(5)
    press_ok(qtbot, dialog)
    assert "longest retry wait" in dialog.error_label.text()
    assert home.settings.get("retry_base_seconds") == pytest.approx(0.05)
    assert home.settings.get("retry_cap_seconds") == pytest.approx(0.2)


def test_cancel_stores_nothing(qtbot, home, dialog):
    dialog.editors["concurrency"].setValue(7)
    dialog.reject()
    assert home.settings.get("concurrency") == 3


def test_a_value_the_settings_refuse_rolls_back_the_whole_change(qtbot, home, tmp_path,
                                                                 dialog):
    from ytdesk.core.settings import Settings

    dialog.editors["download_dir"].setText(str(tmp_path / "elsewhere"))  # written first
    concurrency = dialog.editors["concurrency"]
    concurrency.setMinimum(0)  # an editor out of step with its spec
    concurrency.setValue(0)
    press_ok(qtbot, dialog)
    assert "concurrency must be at least 1" in dialog.error_label.text()
    assert Settings().get("download_dir") == ""  # stored value, without the test's override
    assert home.settings.get("concurrency") == 3


def test_a_sponsorblock_address_must_be_a_web_address(qtbot, home, dialog):
    dialog.editors["sponsorblock_api"].setText("file:///etc/passwd")
    press_ok(qtbot, dialog)
    assert dialog.isVisible() and "is not a web address" in dialog.error_label.text()
    dialog.editors["sponsorblock_api"].setText("https://sponsor.example.org")
    press_ok(qtbot, dialog)
    assert home.settings.get("sponsorblock_api") == "https://sponsor.example.org"


def test_quiet_hours_and_the_speed_schedule_are_set_or_refused_with_a_sentence(qtbot, home,
                                                                              dialog):
    dialog.editors["quiet_hours"].setText("23:00-7")
    press_ok(qtbot, dialog)
    assert dialog.isVisible() and "write it as 23:00-07:00" in dialog.error_label.text()
    assert home.settings.get("quiet_hours") == ""
    dialog.editors["quiet_hours"].setText("23:00-07:00")
    dialog.editors["speed_schedule"].setText("09:00-18:00 500")
    press_ok(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: home.settings.get("speed_schedule") == "09:00-18:00 500")
    assert home.settings.get("quiet_hours") == "23:00-07:00"
    assert dialog.editors["quiet_hours"].accessibleName() == SHOWN["quiet_hours"]
