"""What a person does in the channel browser, from menus, the channel toolbar or keys: to
videos (play, open folder, mark watched or not, delete the file, download again) and to
channels (sync now, edit, open folder, unsubscribe). Every change is one write on the job
manager's writer thread; once it is saved, `subscriptionsChanged` tells every view."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, Qt, QUrl
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QDialog, QMenu, QMessageBox

from ytdesk.core import channels, subscription_videos, video_actions
from ytdesk.core.browse import ChannelRow, VideoCard
from ytdesk.core.video_actions import Deleted
from ytdesk.ui import format as fmt

from .actions import make_action

if TYPE_CHECKING:
    from .channel_browser import ChannelBrowser

MENU_KEY = QKeySequence("Shift+F10")  # the context menu from the keyboard (and the Menu key)


# -- writes, run on the writer thread ----------------------------------------------------------
def _mark(video_ids: list[int], watched: bool) -> tuple[list[int], int]:
    return video_ids, video_actions.mark_watched(video_ids, watched)


def _delete(video_ids: list[int]) -> tuple[list[int], Deleted]:
    return video_ids, video_actions.delete_files(video_ids)


def _forget(video_ids: list[int]) -> tuple[list[int], int]:
    return video_ids, video_actions.forget_deletion(video_ids)


def _unsubscribe(subscription_id: int, delete_files: bool) -> Deleted | None:
    """Stop following (see subscription_videos.unsubscribe); a file that could not be
    deleted is a refusal, with its sentence."""
    report = subscription_videos.unsubscribe(subscription_id, delete_files)
    if report is not None and report.problems:
        raise channels.ChannelError(
            f"{report.sentence()} You still follow the channel: close the program that "
            "uses the file, then unsubscribe again.")
    return report


class BrowserActions(QObject):
    def __init__(self, browser: ChannelBrowser):
        super().__init__(browser)
        self.browser = browser
        self.question: QMessageBox | None = None  # while a question shows (tests answer it)
        self.dialog: QDialog | None = None  # the subscription dialog last opened
        video_context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        self.play = make_action(self, "Play", self.play_current,
                                tip="Play the video (Enter or double-click)")
        self.play_next = make_action(self, "Play next", self.queue_selected_next,
                                     shortcut="Ctrl+Shift+N", context=video_context,
                                     tip="Play the selected videos after the one playing")
        self.add_to_queue = make_action(self, "Add to queue", self.queue_selected_last,
                                        shortcut="Ctrl+Shift+A", context=video_context,
                                        tip="Play the selected videos after the rest of the "
                                            "queue")
        self.open_folder = make_action(self, "Open folder", self.open_video_folder,
                                       icon="open-folder", shortcut="Ctrl+O",
                                       tip="Show the video's file in its folder",
                                       context=video_context)
        self.mark_watched = make_action(self, "Mark watched", self.mark_selected_watched,
                                        shortcut="Ctrl+M", context=video_context,
                                        tip="Mark the selected videos watched")
        self.mark_unwatched = make_action(self, "Mark unwatched", self.mark_selected_unwatched,
                                          shortcut="Ctrl+Shift+M", context=video_context,
                                          tip="Mark the selected videos not watched")
        self.delete_file = make_action(
            self, "Delete file…", self.delete_selected, icon="remove",
            shortcut=QKeySequence(QKeySequence.StandardKey.Delete), context=video_context,
            tip="Delete the selected videos' files (asks first); syncs never fetch them again")
        self.redownload = make_action(
            self, "Re-download", self.redownload_selected, icon="retry", shortcut="Ctrl+R",
            context=video_context, tip="Download the selected videos again (those without "
                                       "a file)")
        self.video_menu_action = make_action(
            self, "Video actions menu", self.video_menu_at_current, shortcut=MENU_KEY,
            context=Qt.ShortcutContext.WidgetShortcut)
        self.video_actions = [self.play, self.play_next, self.add_to_queue, self.open_folder,
                              self.mark_watched,
                              self.mark_unwatched, self.delete_file, self.redownload]
        for action in [*self.video_actions, self.video_menu_action]:
            browser.video_view.addAction(action)

        channel_context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        self.sync_now = make_action(self, "Sync now", self.sync_channel, icon="retry",
                                    shortcut="F5", context=channel_context,
                                    tip="Look for the channel's new videos now")
        self.edit = make_action(self, "Edit…", self.edit_channel, icon="settings",
                                shortcut="Ctrl+E", context=channel_context,
                                tip="Edit the subscription: folder, preset, filters, "
                                    "interval, retention")
        self.channel_folder = make_action(self, "Open folder", self.open_channel_folder,
                                          icon="open-folder", shortcut="Ctrl+O",
                                          context=channel_context,
                                          tip="Open the folder the channel's videos are in")
        self.unsubscribe = make_action(
            self, "Unsubscribe…", self.unsubscribe_channel, icon="remove",
            shortcut=QKeySequence(QKeySequence.StandardKey.Delete), context=channel_context,
            tip="Stop following the channel (asks whether to keep its files)")
        self.channel_menu_action = make_action(
            self, "Channel actions menu", self.channel_menu_at_current, shortcut=MENU_KEY,
            context=Qt.ShortcutContext.WidgetShortcut)
        for action in [*self.channel_actions(), self.channel_menu_action]:
            browser.channel_view.addAction(action)
        browser.video_view.selectionModel().selectionChanged.connect(self.refresh)
        browser.videos.dataChanged.connect(self.refresh)
        browser.videos.modelReset.connect(self.refresh)

    def channel_actions(self) -> list[QAction]:
        return [self.sync_now, self.edit, self.channel_folder, self.unsubscribe]

    def refresh(self, *_: Any) -> None:
        """Offer what makes sense for the selection."""
        chosen = self.browser.current_channel() is not None
        for action in self.channel_actions():
            action.setEnabled(chosen)
        view = self.browser.video_view
        cards = self.browser.selected_cards() if view.selectionModel().hasSelection() else []
        current = self.browser.videos.card(view.currentIndex().row())
        self.play.setEnabled(bool(current and current.downloaded))
        for action in (self.play_next, self.add_to_queue):
            action.setEnabled(any(c.downloaded for c in cards))
        self.open_folder.setEnabled(bool(cards))
        self.mark_watched.setEnabled(any(not c.watched for c in cards))
        self.mark_unwatched.setEnabled(any(c.watched for c in cards))
        self.delete_file.setEnabled(any(c.downloaded for c in cards))
        self.redownload.setEnabled(any(_fetchable(c) for c in cards))

    # -- menus ------------------------------------------------------------------------------------
    def video_context_menu(self) -> QMenu:
        menu = QMenu(self.browser)
        menu.setAccessibleName("Video actions")
        for action in (self.play, self.play_next, self.add_to_queue, self.open_folder):
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.mark_watched, self.mark_unwatched):
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.redownload, self.delete_file):
            menu.addAction(action)
        return menu

    def channel_context_menu(self) -> QMenu:
        menu = QMenu(self.browser)
        menu.setAccessibleName("Channel actions")
        for action in self.channel_actions():
            menu.addAction(action)
        return menu

    def video_menu(self, position: QPoint) -> None:
        self.refresh()
        self._show(self.video_context_menu(), self.browser.video_view, position)

    def channel_menu(self, position: QPoint) -> None:
        self.refresh()
        self._show(self.channel_context_menu(), self.browser.channel_view, position)

    def video_menu_at_current(self) -> None:
        self.video_menu(_current_point(self.browser.video_view))

    def channel_menu_at_current(self) -> None:
        self.channel_menu(_current_point(self.browser.channel_view))

    @staticmethod
    def _show(menu: QMenu, view: QAbstractItemView, position: QPoint) -> None:
        menu.exec(view.viewport().mapToGlobal(position))
        menu.deleteLater()

    # -- videos -----------------------------------------------------------------------------------
    def queue_selected_next(self) -> None:
        self._queue_selected(True)

    def queue_selected_last(self) -> None:
        self._queue_selected(False)

    def _queue_selected(self, next_: bool) -> None:
        cards = [c for c in self.browser.selected_cards() if c.downloaded]
        if cards:
            self.browser.queueRequested.emit(cards, next_)

    def play_current(self) -> None:
        view = self.browser.video_view
        if view.currentIndex().isValid():
            self.browser.activate(view.currentIndex())

    def open_video_folder(self) -> None:
        cards = self.browser.selected_cards()
        if not cards:
            return
        card = cards[0]
        if card.downloaded and card.filepath:
            self._open(Path(card.filepath).parent)
        else:
            self._open(self.folder_of(self._channel_of(card)))

    def mark_selected_watched(self) -> None:
        self._mark(True)

    def mark_selected_unwatched(self) -> None:
        self._mark(False)

    def _mark(self, watched: bool) -> None:
        ids = [c.id for c in self.browser.selected_cards() if c.watched != watched]
        if ids:
            self.browser.manager.write(_mark, ids, watched, done=self._marked,
                                       failed=self._failed)

    def _marked(self, result: tuple[list[int], int]) -> None:
        ids, changed = result
        self._changed(ids, f"Marked {fmt.plural(changed, 'video')}.")

    def delete_selected(self) -> None:
        cards = [c for c in self.browser.selected_cards() if c.downloaded]
        if not cards:
            return
        what = f"“{cards[0].title}”" if len(cards) == 1 else fmt.plural(len(cards), "video")
        box = QMessageBox(QMessageBox.Icon.Question, "Delete files?",
                          f"Delete the file of {what}?", parent=self.browser)
        box.setInformativeText("Its subtitles, thumbnail and info files are deleted with it. "
                               "ytdesk remembers the deletion: syncs will not download it "
                               "again (Re-download fetches it if you change your mind).")
        delete = box.addButton("Delete files", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if self._ask(box) is delete:
            self.browser.manager.write(_delete, [c.id for c in cards], done=self._deleted,
                                       failed=self._failed)

    def _deleted(self, result: tuple[list[int], Deleted]) -> None:
        ids, report = result
        self._changed(ids, report.sentence())

    def redownload_selected(self) -> None:
        from .add_dialog import AddChoice  # the add dialog's payload, not a copy of it

        cards = [c for c in self.browser.selected_cards() if _fetchable(c)]
        if not cards:
            return
        groups: dict[tuple[str, str, int | None], list[str]] = defaultdict(list)
        for card in cards:
            row = self._channel_of(card)
            preset = (row.summary.followed.preset if row else None) or \
                self.browser.settings.get("default_preset")
            groups[(preset, str(self.folder_of(row)), row.id if row else None)].append(
                card.webpage_url or "")
        # One writer thread, in order: the deletions are forgotten before the jobs exist.
        self.browser.manager.write(_forget, [c.id for c in cards], done=self._forgotten,
                                   failed=self._failed)
        for (preset, folder, subscription_id), urls in groups.items():
            payload = AddChoice(urls[0], preset, Path(folder)).job_payload()
            if subscription_id is not None:
                payload["subscription_id"] = subscription_id
            self.browser.manager.enqueue_urls_later("download", urls, payload)
        self.browser.message.emit(f"Queued {fmt.plural(len(cards), 'download')}.")

    def _forgotten(self, result: tuple[list[int], int]) -> None:
        ids, _ = result
        self._changed(ids, "")

    # -- channels -------------------------------------------------------------------------------
    def sync_channel(self) -> None:
        row = self.browser.current_channel()
        if row is not None:
            self.browser.manager.write(channels.queue_syncs, [row.id], done=self._syncs_queued,
                                       failed=self._failed)
            self.browser.message.emit(f"Syncing “{row.summary.followed.title}”.")

    def _syncs_queued(self, job_ids: list[int]) -> None:
        self.browser.manager.announce_added(job_ids)

    def edit_channel(self) -> None:
        row = self.browser.current_channel()
        if row is not None:
            self.open_subscription_dialog(row.summary.followed, "")

    def offer_subscription(self, url: str) -> None:
        """A channel's address was dropped on the browser: offer to follow it."""
        self.open_subscription_dialog(None, url)

    def open_subscription_dialog(self, followed: channels.Followed | None, url: str) -> None:
        from .subscription_dialog import edit_subscription  # made when first asked for

        # It saves, says subscriptionsChanged (the browser reads again) and closes itself.
        self.dialog = edit_subscription(self.browser, self.browser.manager, followed, url)

    def open_channel_folder(self) -> None:
        row = self.browser.current_channel()
        if row is not None:
            self._open(self.folder_of(row))

    def unsubscribe_channel(self) -> None:
        row = self.browser.current_channel()
        if row is None:
            return
        followed, downloaded = row.summary.followed, row.summary.downloaded_count
        box = QMessageBox(QMessageBox.Icon.Question, "Unsubscribe?",
                          f"Stop following “{followed.title}”?", parent=self.browser)
        box.setInformativeText(
            f"{fmt.plural(downloaded, 'video of it is', 'videos of it are')} in your library. "
            "Keep their files, or delete them? (Files another subscription lists are kept.)"
            if downloaded else "No video of it is in your library.")
        keep = box.addButton("Keep files", QMessageBox.ButtonRole.AcceptRole)
        delete = (box.addButton("Delete files", QMessageBox.ButtonRole.DestructiveRole)
                  if downloaded else None)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)
        clicked = self._ask(box)
        if clicked is keep or (delete is not None and clicked is delete):
            self.browser.manager.write(_unsubscribe, followed.id, clicked is delete,
                                       done=self._unsubscribed, failed=self._failed)

    def _unsubscribed(self, report: Deleted | None) -> None:
        text = "Unsubscribed."
        if report is not None:
            text += " " + report.sentence()
        self._changed([], text)

    # -- shared -----------------------------------------------------------------------------------
    def folder_of(self, row: ChannelRow | None) -> Path:
        """Where a channel's videos go: its own folder, else the download folder."""
        if row is not None and row.summary.followed.folder:
            return Path(row.summary.followed.folder).expanduser()
        return self.browser.settings.download_dir()

    def _channel_of(self, card: VideoCard) -> ChannelRow | None:
        if card.subscription_id is None:
            return None
        return self.browser.channels.find(card.subscription_id)

    def _open(self, folder: Path) -> None:
        if not folder.is_dir():
            self.browser.message.emit(f"Could not open the folder {folder}: it does not exist "
                                      "yet (nothing was saved there).")
        elif not self.browser.open_url(QUrl.fromLocalFile(str(folder))):
            self.browser.message.emit(f"Could not open the folder {folder}: no file manager "
                                      "could be started to show it.")

    def _ask(self, box: QMessageBox) -> object:
        self.question = box
        try:
            box.exec()
            return box.clickedButton()
        finally:
            self.question = None
            box.deleteLater()

    def _changed(self, video_ids: list[int], text: str) -> None:
        self.browser.manager.subscriptionsChanged.emit()
        self.browser.videos.reload_cards(video_ids)
        if text:
            self.browser.message.emit(text)

    def _failed(self, exc: BaseException) -> None:
        self.browser.message.emit(str(exc) or "The change could not be saved.")


def _fetchable(card: VideoCard) -> bool:
    return not card.downloaded and bool(card.webpage_url)


def _current_point(view: QAbstractItemView) -> QPoint:
    rect = view.visualRect(view.currentIndex())
    return rect.center() if rect.isValid() else QPoint(0, 0)
