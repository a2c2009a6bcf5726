"""The tray, both ways: a desktop without one (offscreen really has none: closing the window
quits, and a restart finishes what was running) and a desktop with one, through the seam a
test installs (`TraySystem` with a stand-in icon that records its messages instead of
drawing them). What each menu item does is read from the DB and the queue."""

from __future__ import annotations

import sys

import pytest
import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QSystemTrayIcon
from support import wait_until_idle
from test_sync import a_channel

from ytdesk.app import Options, build_app, parse_args
from ytdesk.core import channels
from ytdesk.core import jobstates as st
from ytdesk.core import queuestate
from ytdesk.core.models import Job
from ytdesk.ui import icons
from ytdesk.ui.crash_dialog import CrashReporter
from ytdesk.ui.notifier import Note
from ytdesk.ui.single_instance import InstanceServer
from ytdesk.ui.tray_system import TraySystem

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


class StandInTrayIcon(QSystemTrayIcon):
    """A tray icon on a desktop that has a tray: shown and its messages kept, not drawn."""

    def __init__(self, parent: QObject):
        super().__init__(parent)
        self.shown = False
        self.messages: list[tuple[str, str]] = []

    def show(self) -> None:
        self.shown = True

    def hide(self) -> None:
        self.shown = False

    def isVisible(self) -> bool:
        return self.shown

    def showMessage(self, title, text, *_args) -> None:  # type: ignore[override]
        self.messages.append((title, text))


WITH_TRAY = TraySystem(available=lambda: True, make_icon=StandInTrayIcon)
WITHOUT_TRAY = TraySystem(available=lambda: False, make_icon=StandInTrayIcon)


class UserClose(QCloseEvent):
    """The window manager's close (a person clicking ✕): a spontaneous event."""

    def spontaneous(self) -> bool:
        return True


@pytest.fixture
def start_up(home, qtbot, tmp_path):
    built = []

    def build(*urls: str, tray: TraySystem = WITH_TRAY, minimized: bool = False):
        options = Options(home.paths.data_dir, home.download_dir, list(urls), minimized)
        made = build_app(options, InstanceServer(str(tmp_path / "not-listening")),
                         CrashReporter(), tray)
        built.append(made)
        return made

    yield build
    for made in built:
        if shiboken6.isValid(made.manager):  # not closed by the test already
            wait_until_idle(qtbot, made.manager)
            made.close()


def started(qtbot, ytdesk):
    with qtbot.waitSignal(ytdesk.first_page.shown, timeout=10_000):
        pass
    ytdesk.start()
    return ytdesk


def close_like_a_person(window) -> bool:
    """True when the window accepted the close (it closes); False when it stayed."""
    event = UserClose()
    window.closeEvent(event)
    if event.isAccepted():
        window.hide()  # what Qt does next with an accepted close
    return event.isAccepted()


# -- without a tray --------------------------------------------------------------------------------
def test_without_a_tray_closing_quits_and_a_restart_finishes_the_download(
        site, start_up, home, qtbot):
    home.settings.set("ask_before_quitting", False)
    size = site.media["muxed"].stat().st_size
    site.set_fault("/media/v1/", "slow", bytes_per_second=size // 20)  # ~20 s: runs when closed
    ytdesk = started(qtbot, start_up(site.video_url("v1"), tray=WITHOUT_TRAY))
    assert ytdesk.tray is None and ytdesk.window.tray is None
    # Halfway through the file (as test_pause_resume's shutdown test waits).
    qtbot.waitUntil(lambda: bool(list(home.download_dir.rglob("*.part"))), timeout=20_000)

    assert close_like_a_person(ytdesk.window)  # closed, not hidden: the app quits
    assert ytdesk.manager.shutdown(10)  # what main() does once the last window closed
    ytdesk.close()
    [stopped] = Job.select()
    assert stopped.status in (st.QUEUED, st.RUNNING, st.WAITING)  # not lost, not failed
    site.clear_faults()

    again = started(qtbot, start_up(tray=WITHOUT_TRAY))
    wait_until_idle(qtbot, again.manager)
    assert Job.get_by_id(stopped.id).status == st.SUCCEEDED
    assert list(home.download_dir.rglob("*.mp4"))


def test_without_a_tray_minimized_starts_minimised_to_the_taskbar(start_up):
    ytdesk = start_up(tray=WITHOUT_TRAY, minimized=True)
    assert ytdesk.window.isMinimized()


# -- with a tray -----------------------------------------------------------------------------------
def test_with_a_tray_closing_hides_and_says_so_once(start_up, home, qtbot):
    ytdesk = started(qtbot, start_up())
    window, tray = ytdesk.window, ytdesk.tray
    assert tray is not None and tray.icon.isVisible()
    qtbot.waitExposed(window)

    assert not close_like_a_person(window)
    assert not window.isVisible()
    assert [title for title, _ in tray.icon.messages] == ["ytdesk is still running"]
    qtbot.waitUntil(lambda: home.settings.get("tray_notice_shown") is True, timeout=5_000)

    tray.toggle_window()  # Show
    assert window.isVisible()
    assert not close_like_a_person(window)
    assert len(tray.icon.messages) == 1  # the notice is said once

    ytdesk.settings.set("close_to_tray", False)
    tray.toggle_window()
    assert close_like_a_person(window)  # turned off: closing quits as without a tray


def test_a_tray_gone_since_the_start_means_closing_quits(start_up, qtbot):
    gone = {"tray": True}
    ytdesk = started(qtbot, start_up(tray=TraySystem(available=lambda: gone["tray"],
                                                     make_icon=StandInTrayIcon)))
    assert ytdesk.tray is not None
    gone["tray"] = False  # the panel was closed
    assert close_like_a_person(ytdesk.window)


def test_minimized_starts_hidden_in_the_tray(site, start_up, home, qtbot):
    assert parse_args(["--minimized"]).minimized and not parse_args([]).minimized
    ytdesk = started(qtbot, start_up(site.video_url("v1"), minimized=True))
    assert not ytdesk.window.isVisible() and not ytdesk.window.isMinimized()
    qtbot.waitUntil(lambda: Job.select().count() == 1, timeout=5_000)
    wait_until_idle(qtbot, ytdesk.manager)  # the queue runs all the same
    assert Job.get().status == st.SUCCEEDED


def test_the_setting_start_minimised_starts_hidden_in_the_tray(start_up, home):
    home.settings.set("start_minimised", True)
    assert not start_up().window.isVisible()


def test_quit_from_the_tray_asks_then_shuts_the_queue_down(site, start_up, home, qtbot):
    size = site.media["muxed"].stat().st_size
    site.set_fault("/media/v1/", "slow", bytes_per_second=size // 20)  # ~20 s: runs when closed
    ytdesk = started(qtbot, start_up(site.video_url("v1")))
    qtbot.waitUntil(lambda: bool(list(home.download_dir.rglob("*.part"))), timeout=20_000)
    from test_ui_job_list import answer_quit_question

    seen = answer_quit_question(ytdesk.window, "Cancel")
    with qtbot.assertNotEmitted(ytdesk.tray.quitRequested):
        ytdesk.tray.quit_action.trigger()
    assert seen == ["1 download is still running."]
    answer_quit_question(ytdesk.window, "Quit")
    with qtbot.waitSignal(ytdesk.tray.quitRequested, timeout=5_000):
        ytdesk.tray.quit_action.trigger()
    ytdesk.close()  # main() closes once the app's loop ends
    assert not ytdesk.tray.icon.isVisible()
    assert Job.get().status in (st.QUEUED, st.RUNNING)  # taken back at the next start
    site.clear_faults()


# -- the menu --------------------------------------------------------------------------------------
def test_every_menu_item_has_a_name_and_a_tip(start_up, qtbot):
    tray = started(qtbot, start_up()).tray
    assert tray.menu.accessibleName() == "ytdesk tray menu"
    texts = []
    for action in tray.menu.actions():
        if action.isSeparator():
            continue
        texts.append(action.text())
        assert action.toolTip() and action.statusTip() == action.toolTip(), action.text()
    assert texts == ["Show ytdesk", "Add URL from clipboard", "Sync all now", "Pause all",
                     "Recent downloads", "Settings…", "Quit ytdesk"]


def test_pause_all_and_resume_all(start_up, home, qtbot):
    ytdesk = started(qtbot, start_up())
    tray = ytdesk.tray
    tray.pause_action.trigger()
    assert ytdesk.manager.paused_reason and tray.pause_action.text() == "Resume all"
    assert tray.state == icons.TRAY_PAUSED
    assert ytdesk.window.paused_banner.isVisible()
    qtbot.waitUntil(lambda: queuestate.paused_reason() is not None, timeout=5_000)
    assert tray.icon.messages == []  # the user's own pause is no news to them
    tray.pause_action.trigger()
    assert ytdesk.manager.paused_reason is None and tray.pause_action.text() == "Pause all"
    qtbot.waitUntil(lambda: queuestate.paused_reason() is None, timeout=5_000)
    assert tray.state == icons.TRAY_IDLE


def test_sync_all_now_queues_a_sync_for_every_enabled_subscription(site, start_up, qtbot):
    a_channel(site, "sea", 2)
    a_channel(site, "sky", 2, name="Sky TV")
    sea = channels.subscribe(site.channel_url("sea"), "Sea TV", backfill=2)
    sky = channels.subscribe(site.channel_url("sky"), "Sky TV", backfill=2)
    channels.update(sky.id, enabled=False)
    ytdesk = started(qtbot, start_up())
    ytdesk.manager.pause_queue("held for the test")  # the syncs stay queued to be counted
    ytdesk.tray.sync_action.trigger()
    qtbot.waitUntil(lambda: Job.select().where(Job.kind == "sync").count() == 1,
                    timeout=5_000)
    [sync] = Job.select().where(Job.kind == "sync")
    assert sync.url == sea.url
    ytdesk.tray.sync_action.trigger()  # asked twice: still one
    qtbot.wait(200)
    assert Job.select().where(Job.kind == "sync").count() == 1
    ytdesk.manager.resume_queue()


def test_add_url_from_clipboard_queues_it_as_a_paste_does(site, start_up, qtbot):
    ytdesk = started(qtbot, start_up())
    QGuiApplication.clipboard().setText(f"look: {site.video_url('v2')} and ftp://nope")
    ytdesk.tray.add_action.trigger()
    qtbot.waitUntil(lambda: Job.select().count() == 1, timeout=5_000)
    assert Job.get().url == site.video_url("v2")
    wait_until_idle(qtbot, ytdesk.manager)


def test_recent_downloads_play_in_the_player(site, start_up, qtbot, file_manager):
    ytdesk = started(qtbot, start_up(site.video_url("v1")))
    tray = ytdesk.tray
    assert [a.text() for a in tray.recent_menu.actions()] == ["Nothing downloaded yet"]
    wait_until_idle(qtbot, ytdesk.manager)
    qtbot.waitUntil(lambda: bool(tray.recent), timeout=5_000)
    [played] = tray.recent_menu.actions()
    assert played.toolTip().startswith("Play ")
    played.trigger()
    window = ytdesk.window
    assert window.isVisible() and window.tabs.currentWidget() is window.player_page
    qtbot.waitUntil(lambda: window.player.item is not None
                    and window.player.item.path == Job.get().output_path, timeout=10_000)
    assert file_manager.opened == []  # ytdesk's own player, not the system's


def test_the_tooltip_is_the_status_bar_and_the_icon_follows_the_work(site, start_up, qtbot):
    size = site.media["muxed"].stat().st_size
    site.set_fault("/media/v1/", "slow", bytes_per_second=size // 3)
    ytdesk = started(qtbot, start_up(site.video_url("v1")))
    tray = ytdesk.tray
    qtbot.waitUntil(lambda: tray.state == icons.TRAY_BUSY, timeout=10_000)
    qtbot.waitUntil(lambda: "1 running" in tray.icon.toolTip(), timeout=5_000)
    assert tray.icon.toolTip() == f"ytdesk — {ytdesk.window.totals.text()}"
    wait_until_idle(qtbot, ytdesk.manager)
    qtbot.waitUntil(lambda: tray.state == icons.TRAY_IDLE, timeout=5_000)
    site.clear_faults()


@pytest.mark.parametrize("state", list(icons.TRAY_BADGES))
def test_each_state_has_its_own_icon(qapp, state):
    drawn = icons.tray_icon(state).pixmap(32, 32).toImage()
    assert not drawn.isNull()
    others = [icons.tray_icon(s).pixmap(32, 32).toImage() for s in icons.TRAY_BADGES
              if s != state]
    assert all(drawn != other for other in others)


# -- notifications ---------------------------------------------------------------------------------
def test_a_sync_says_how_many_new_videos_once_and_the_click_opens_the_channel(
        site, start_up, home, qtbot):
    home.settings.set("notify_every_seconds", 0.05)
    a_channel(site, "sea", 3)
    sea = channels.subscribe(site.channel_url("sea"), "Sea TV", backfill=3)
    ytdesk = started(qtbot, start_up())
    ytdesk.tray.sync_action.trigger()
    qtbot.waitUntil(lambda: Job.select().where(Job.kind == "download").count() == 3,
                    timeout=20_000)
    wait_until_idle(qtbot, ytdesk.manager)
    qtbot.waitUntil(lambda: bool(ytdesk.tray.icon.messages), timeout=5_000)
    qtbot.wait(200)  # anything more would have come by now (the pace is 50 ms)
    assert ytdesk.tray.icon.messages == [("New videos", "3 new videos from Sea TV")]

    ytdesk.tray.icon.messageClicked.emit()
    window = ytdesk.window
    assert window.isVisible() and window.tabs.currentWidget() is window.channels_page
    qtbot.waitUntil(lambda: window.browser.current_channel() is not None
                    and window.browser.current_channel().id == sea.id, timeout=5_000)


def test_a_failed_download_is_told_and_its_click_selects_the_job(site, start_up, home, qtbot):
    home.settings.set("notify_every_seconds", 0.05)
    ytdesk = started(qtbot, start_up(site.video_url("gone")))  # the site has no such video
    qtbot.waitUntil(lambda: Job.select().count() == 1, timeout=5_000)
    wait_until_idle(qtbot, ytdesk.manager)
    [failed] = Job.select()
    assert failed.status == st.FAILED
    qtbot.waitUntil(lambda: bool(ytdesk.tray.icon.messages), timeout=5_000)
    [(title, text)] = ytdesk.tray.icon.messages
    assert title == "Download failed" and failed.error in text
    qtbot.waitUntil(lambda: ytdesk.window.jobs.model.row_of(failed.id) is not None,
                    timeout=5_000)  # the list shows it
    ytdesk.window.hide()
    ytdesk.tray.icon.messageClicked.emit()
    assert ytdesk.window.isVisible()
    assert ytdesk.window.jobs.selected_ids() == [failed.id]


def test_failures_told_off_in_the_settings_are_not_told(site, start_up, home, qtbot):
    home.settings.set("notify_failed", False)
    ytdesk = started(qtbot, start_up(site.video_url("gone")))  # the site has no such video
    qtbot.waitUntil(lambda: Job.select().count() == 1, timeout=5_000)
    wait_until_idle(qtbot, ytdesk.manager)
    qtbot.wait(100)
    assert ytdesk.tray.icon.messages == []
    site.clear_faults()


def test_a_pause_for_a_full_disk_is_told(start_up, home, qtbot):
    home.settings.set("notify_every_seconds", 0.05)
    ytdesk = started(qtbot, start_up())
    ytdesk.manager.pause_queue("the disk is full: free some space, then resume.")
    assert ytdesk.tray.icon.messages == [("Downloads paused",
                                          "the disk is full: free some space, then resume.")]
    assert ytdesk.tray.state == icons.TRAY_ERROR
    ytdesk.manager.resume_queue()


def test_notes_close_together_are_told_together(start_up, home, qtbot):
    home.settings.set("notify_every_seconds", 0.3)
    tray = started(qtbot, start_up()).tray
    for n in range(6):
        tray.notifier.add(Note("Download failed", f"video {n}: gone", ("job", n), error=True))
    assert tray.icon.messages == [("Download failed", "video 0: gone")]  # the first at once
    qtbot.waitUntil(lambda: len(tray.icon.messages) == 2, timeout=5_000)
    assert tray.icon.messages[1] == ("5 things happened in ytdesk",
                                     "video 1: gone\nvideo 2: gone\nvideo 3: gone\nand 2 more")
    qtbot.wait(400)
    assert len(tray.icon.messages) == 2


# -- the clipboard ---------------------------------------------------------------------------------
def test_a_copied_link_is_offered_not_added(site, start_up, home, qtbot):
    home.settings.set("watch_clipboard", True)
    home.settings.set("notify_every_seconds", 0.0)
    ytdesk = started(qtbot, start_up())
    url = site.video_url("v2")
    QGuiApplication.clipboard().setText("not a link at all")
    QGuiApplication.clipboard().setText(url)
    assert ytdesk.tray.icon.messages == [("Download the link you copied?",
                                          f"{url}\nClick here to download it.")]
    qtbot.wait(100)
    assert Job.select().count() == 0  # never added without asking
    ytdesk.tray.icon.messageClicked.emit()
    qtbot.waitUntil(lambda: Job.select().count() == 1, timeout=5_000)
    assert Job.get().url == url
    wait_until_idle(qtbot, ytdesk.manager)


def test_the_clipboard_is_not_watched_unless_asked(site, start_up, qtbot):
    ytdesk = started(qtbot, start_up())
    QGuiApplication.clipboard().setText(site.video_url("v2"))
    assert ytdesk.tray.icon.messages == []


def test_without_a_tray_a_copied_link_is_offered_in_the_window(site, start_up, home, qtbot):
    from ytdesk.ui.clipboard_watch import ClipboardOffer

    home.settings.set("watch_clipboard", True)
    ytdesk = started(qtbot, start_up(tray=WITHOUT_TRAY))
    [offer] = ytdesk.window.findChildren(ClipboardOffer)
    QGuiApplication.clipboard().setText(site.video_url("v3"))
    assert offer.isVisible() and site.video_url("v3") in offer.label.text()
    assert offer.add_button.accessibleName() and offer.close_button.accessibleName()
    assert Job.select().count() == 0
    offer.add_button.click()
    qtbot.waitUntil(lambda: Job.select().count() == 1, timeout=5_000)
    wait_until_idle(qtbot, ytdesk.manager)


def test_a_site_that_says_too_many_requests_is_told_once(site, start_up, home, qtbot):
    home.settings.set("notify_every_seconds", 0.05)
    site.set_fault("/api/video/", "429")  # until the hold is noticed
    ytdesk = started(qtbot, start_up())

    def forgive(*_hold) -> None:
        site.clear_faults()  # the site forgives at once: only the hold keeps ytdesk away

    ytdesk.manager.siteHeld.connect(forgive)
    for n in (1, 2, 3):
        ytdesk.manager.enqueue("download", site.video_url(f"v{n}"))
    qtbot.waitUntil(lambda: bool(ytdesk.tray.icon.messages), timeout=30_000)
    wait_until_idle(qtbot, ytdesk.manager)
    [(title, text)] = ytdesk.tray.icon.messages  # one hold, told once
    assert title == "127.0.0.1 is left alone for a while" and "too many requests" in text
    assert {job.status for job in Job.select()} == {st.SUCCEEDED}


# -- start with the system -------------------------------------------------------------------------
@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the XDG autostart folder")
def test_the_settings_dialog_turns_starting_at_login_on_and_off(home, manager, qtbot, tmp_path,
                                                               monkeypatch):
    from ytdesk.ui.settings_dialog import AUTOSTART_LABEL, SettingsDialog

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    entry = tmp_path / "config" / "autostart" / "ytdesk.desktop"
    dialog = SettingsDialog(home.settings, manager)
    qtbot.addWidget(dialog)
    assert not dialog.login_start.isChecked()
    assert dialog.login_start.accessibleName() == AUTOSTART_LABEL
    dialog.login_start.setChecked(True)
    dialog.accept()
    assert "--minimized" in entry.read_text(encoding="utf-8")

    again = SettingsDialog(home.settings, manager)
    qtbot.addWidget(again)
    assert again.login_start.isChecked()  # read from the entry itself
    again.login_start.setChecked(False)
    again.accept()
    assert not entry.exists()


def test_a_hold_renewed_again_and_again_is_told_once(site, start_up, home, qtbot):
    home.settings.set("notify_every_seconds", 0.0)
    site.set_fault("/api/video/", "429")
    ytdesk = started(qtbot, start_up())
    holds = []

    def held(*hold) -> None:
        holds.append(hold)
        if len(holds) == 3:
            site.clear_faults()

    ytdesk.manager.siteHeld.connect(held)
    ytdesk.manager.enqueue("download", site.video_url("v1"))
    qtbot.waitUntil(lambda: len(holds) >= 3, timeout=30_000)
    wait_until_idle(qtbot, ytdesk.manager)
    told = [title for title, _ in ytdesk.tray.icon.messages if "left alone" in title]
    assert told == ["127.0.0.1 is left alone for a while"]


def test_started_minimized_a_due_channel_is_downloaded_and_told_without_a_click(
        site, start_up, home, qtbot):
    """The issue's end to end: a subscription due now, `ytdesk --minimized`, no user action."""
    home.settings.set_many({"notify_every_seconds": 0.05, "background_sync": True,
                            "sync_spread_seconds": 0})  # due syncs not spread over minutes
    a_channel(site, "sea", 3)
    sea = channels.subscribe(site.channel_url("sea"), "Sea TV", backfill=2)
    ytdesk = started(qtbot, start_up(minimized=True))
    assert not ytdesk.window.isVisible()
    qtbot.waitUntil(lambda: bool(ytdesk.tray.icon.messages), timeout=30_000)
    wait_until_idle(qtbot, ytdesk.manager)
    assert ytdesk.tray.icon.messages == [("New videos", "2 new videos from Sea TV")]
    downloads = Job.select().where(Job.kind == "download")
    assert {job.status for job in downloads} == {st.SUCCEEDED} and len(downloads) == 2
    assert len(list(home.download_dir.rglob("*.mp4"))) == 2
    assert channels.get(sea.id).last_synced_at is not None
