"""Every control a person can reach has a name a screen reader can say, and the whole main
window can be walked with the keyboard alone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QApplication, QLabel, QWidget

from ytdesk.core import jobstore
from ytdesk.ui.about_dialog import AboutDialog
from ytdesk.ui.add_dialog import AddDialog
from ytdesk.ui.main_window import MainWindow
from ytdesk.ui.settings_dialog import SettingsDialog

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def window(home, manager, qtbot):
    manager.shutdown()  # a still list: one queued job, selected, so every part is shown
    shown = MainWindow(manager, home.settings, home.paths)
    qtbot.addWidget(shown)
    shown.resize(1100, 720)
    shown.show()
    qtbot.waitExposed(shown)
    [job_id] = jobstore.add_jobs([jobstore.NewJob("download", "https://example.com/v")])
    manager.jobAdded.emit([job_id])
    qtbot.waitUntil(lambda: shown.jobs.model.job(job_id) is not None, timeout=10_000)
    shown.jobs.select_job(job_id)
    qtbot.waitUntil(shown.jobs.details.tabs.isVisible, timeout=5_000)
    yield shown
    shown.reader.wait()


def spoken_name(widget: QWidget) -> str:
    """The name assistive technology reads for `widget`."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip() if interface else ""


def given_name(widget: QWidget) -> str:
    """The name the app gave `widget`: its accessible name, a button's own text, or the text
    of the label that names it. (A combo box's spoken name on Linux is its current value,
    which names nothing: the app must name it.)"""
    if widget.accessibleName():
        return widget.accessibleName()
    if isinstance(widget, QAbstractButton):
        return widget.text().replace("&", "").strip()
    for label in widget.window().findChildren(QLabel):
        if label.buddy() is widget:
            return label.text().replace("&", "").strip()
    return ""


def describe(widget: QWidget) -> str:
    return f"{type(widget).__name__} {widget.objectName()!r} in {type(widget.parent()).__name__}"


def reachable(root: QWidget) -> list[QWidget]:
    """Every visible control under `root` that takes keyboard focus itself (not through
    another, as a spin box's inner line edit does), and every list/table."""
    return [w for w in [root, *root.findChildren(QWidget)]
            if w.isVisible() and w.focusProxy() is None
            and (w.focusPolicy() & Qt.FocusPolicy.TabFocus or isinstance(w, QAbstractItemView))]


def unnamed(root: QWidget) -> list[str]:
    return [describe(w) for w in reachable(root) if not (spoken_name(w) and given_name(w))]


def test_every_control_of_the_main_window_has_a_name(window):
    controls = reachable(window)
    assert len(controls) >= 17  # address bar, filters, search, list, header, tabs, buttons...
    names = set()
    tabs = window.jobs.details.tabs
    for tab in range(tabs.count()):  # the log, the events, the details: one shows at a time
        tabs.setCurrentIndex(tab)
        assert unnamed(window) == []
        names |= {given_name(w) for w in reachable(window)}
    assert {"Address to download", "Show jobs with status", "Show jobs of kind",
            "Search jobs", "Jobs", "Job list columns", "Areas", "Settings", "About",
            "Pause", "Copy URL", "Job log", "Job events", "Job details"} <= names


def test_the_dialogs_name_their_controls(window, home, manager, qtbot):
    for dialog in (AddDialog(home.settings, window.previews, "", window),
                   SettingsDialog(home.settings, manager, window), AboutDialog(window)):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert reachable(dialog), type(dialog).__name__
        assert unnamed(dialog) == [], type(dialog).__name__
        dialog.close()


def test_the_keyboard_alone_walks_the_whole_window(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    window.focus_address()
    visited = [QApplication.focusWidget()]
    for _ in range(60):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        if focused is visited[0]:
            break
        visited.append(focused)
    else:
        pytest.fail("Tab never came back to the address bar: " +
                    ", ".join(given_name(w) for w in visited))
    names = [given_name(w) for w in visited]
    assert all(names), [describe(w) for w in visited if not given_name(w)]
    jobs = window.jobs
    for widget in (window.address, window.add_button, window.tabs.tabBar(), jobs.status_filter,
                   jobs.kind_filter, jobs.search, jobs.header, jobs.table,
                   jobs.details.tabs.tabBar(), jobs.details.log):
        assert widget in visited, describe(widget)
    # In the order they are seen: filters, actions, the list's header, the list, its details.
    order = [visited.index(w) for w in (jobs.search, jobs.header, jobs.table, jobs.details.log)]
    assert order == sorted(order) and order[1] + 1 == order[2]
    assert all(order[0] < visited.index(button) < order[1] for button in visited
               if button.parent() is jobs.toolbar)
    jobs.table.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(jobs.table, Qt.Key.Key_Backtab)  # Shift+Tab walks back the same way
    assert QApplication.focusWidget() is jobs.header
