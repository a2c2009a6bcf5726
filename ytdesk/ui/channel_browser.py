"""The Channels tab: the channels a user follows (grouped, each with its image, unwatched
count, last sync and whether it syncs now) beside the selected channel's videos, newest
first, loaded as the list scrolls; a search box over the whole library; and what a person
does to them (browser_actions). Dropping a channel's address here offers to follow it.

Everything it shows is read off the GUI thread; it reads again when a subscription or a
video changes (`subscriptionsChanged`) and when a job ends, but only while it is on screen
(a hidden tab reads once it is shown again)."""

from __future__ import annotations

from PySide6.QtCore import (QEvent, QItemSelection, QItemSelectionModel, QModelIndex, QObject, Qt,
                            QTimer, Signal)
from PySide6.QtGui import QDesktopServices, QFont, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QLineEdit, QListView,
                               QSplitter, QToolBar, QTreeView, QVBoxLayout, QWidget)

from ytdesk.core import browse
from ytdesk.core.browse import ChannelRow, VideoCard
from ytdesk.core.paths import Paths
from ytdesk.core.settings import Settings
from ytdesk.core.urls import find_urls
from ytdesk.jobs.manager import JobManager
from ytdesk.jobs.reader import Reader
from ytdesk.ui import format as fmt

from .actions import make_action, with_shortcut
from .browser_actions import BrowserActions
from .channel_delegate import ChannelDelegate
from .models.channel_list import ChannelListModel
from .models.video_list import VideoListModel
from .sync_watch import SyncWatch
from .thumbnails import Thumbnails
from .video_delegate import VideoDelegate

SEARCH_DEBOUNCE_MS = 250
RELOAD_MS = 500  # jobs ending together (a sync's downloads) are one reload
DROP_TEXT_MOST = 10_000  # characters of a drop looked at for an address (on this thread)
NO_CHANNELS = ("You follow no channels yet.\n\nDrop a channel's, playlist's or podcast's "
               "address here to follow it: ytdesk then keeps its new videos downloaded.")
CHOOSE = "Choose a channel on the left, or search your whole library."


class ChannelBrowser(QWidget):
    message = Signal(str)  # a sentence for the status bar
    # A downloaded video was opened (double-click, Enter): the player takes it, or until
    # there is one, the system's (see `open_in_system_player`).
    videoActivated = Signal(int)
    queueRequested = Signal(list, bool)  # downloaded VideoCards; True: play next, else at the end
    channelsLoaded = Signal()  # the channel list was read (again)

    def __init__(self, manager: JobManager, reader: Reader, paths: Paths, settings: Settings,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.manager = manager
        self.settings = settings
        self._reader = reader
        self.open_url = QDesktopServices.openUrl  # a test may hand it elsewhere
        self.thumbnails = Thumbnails(paths.thumbnails, self)
        self.channels = ChannelListModel(self)
        self.videos = VideoListModel(reader, self)
        self.sync_watch = SyncWatch(manager, reader, self)
        self.sync_watch.changed.connect(self.channels.set_syncing)
        self.sync_watch.changed.connect(self._update_header)
        self.sync_watch.syncEnded.connect(self.reload_soon)
        self._loaded_once = False
        self._stale = True  # read again when next shown

        find = QKeySequence(QKeySequence.StandardKey.Find)
        self.search = QLineEdit(placeholderText="Search all videos in the library",
                                clearButtonEnabled=True)
        self.search.setAccessibleName("Search the library")
        self.search.setToolTip(with_shortcut(
            "Search every video of the library by title, description, channel or tag "
            "(words match as beginnings: “gard” finds “garden”); Esc clears it", find))
        self.focus_search_action = make_action(
            self, "Search the library", self.focus_search, shortcut=find,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(self.focus_search_action)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS,  # type: ignore[call-arg]  # Qt property/signal keywords
                                    timeout=self._apply_search)
        self.search.textChanged.connect(self._search_timer.start)

        self.channel_view = QTreeView()
        self.channel_view.setAccessibleName("Channels")
        self.channel_view.setHeaderHidden(True)
        self.channel_view.setModel(self.channels)
        self.channel_view.setItemDelegate(ChannelDelegate(self.thumbnails, self.channel_view))
        self.channel_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.channel_view.setIndentation(12)
        self.channel_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.channel_view.setMinimumWidth(220)
        self.channel_view.selectionModel().selectionChanged.connect(self._channel_chosen)

        self.title = QLabel(objectName="channelTitle", textFormat=Qt.TextFormat.PlainText)  # type: ignore[call-overload]  # Qt property/signal keywords
        title_font = QFont(self.title.font())
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.3)
        self.title.setFont(title_font)
        self.details = QLabel(objectName="channelDetails", textFormat=Qt.TextFormat.PlainText)  # type: ignore[call-overload]  # Qt property/signal keywords
        self.details.setStyleSheet("color: palette(placeholder-text);")
        self.details.setWordWrap(True)

        self.video_view = QListView()
        self.video_view.setAccessibleName("Videos")
        self.video_view.setModel(self.videos)
        self.video_view.setItemDelegate(VideoDelegate(self.thumbnails, self.video_view))
        self.video_view.setUniformItemSizes(True)  # 100,000 rows: no size asked of each
        self.video_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.video_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.video_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.video_view.activated.connect(self.activate)
        self.thumbnails.arrived.connect(self._picture_arrived)

        self.empty_hint = QLabel(self.video_view.viewport(), alignment=Qt.AlignmentFlag.AlignCenter,  # type: ignore[call-overload]  # Qt property/signal keywords
                                 wordWrap=True, objectName="browserHint")
        self.empty_hint.setStyleSheet("color: palette(placeholder-text); font-size: 14px;")
        self.empty_hint.setContentsMargins(40, 0, 40, 0)

        self.browser_actions = BrowserActions(self)
        self.channel_toolbar = QToolBar("Channel actions")
        self.channel_toolbar.setAccessibleName("Channel actions")
        self.channel_toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        chain: list[QWidget] = [self.search, self.channel_view]
        for action in self.browser_actions.channel_actions():
            self.channel_toolbar.addAction(action)
            button = self.channel_toolbar.widgetForAction(action)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            chain.append(button)
        chain.append(self.video_view)
        self.channel_view.customContextMenuRequested.connect(self.browser_actions.channel_menu)
        self.video_view.customContextMenuRequested.connect(self.browser_actions.video_menu)

        # The toolbar on a line of its own: beside the title it was cut off in a narrow
        # window, and the details wrapped into a column.
        heading = QVBoxLayout()
        heading.setSpacing(2)
        heading.setContentsMargins(2, 0, 0, 0)
        heading.addWidget(self.title)
        heading.addWidget(self.details)
        tools = QHBoxLayout()
        tools.setContentsMargins(0, 0, 0, 0)
        tools.addWidget(self.channel_toolbar)
        tools.addStretch(1)
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.setSpacing(4)
        right_column.addLayout(heading)
        right_column.addLayout(tools)
        right_column.addWidget(self.video_view, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.channel_view)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([280, 820])
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.splitter, 1)
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)
        self.setAcceptDrops(True)

        self._reload_timer = QTimer(self, singleShot=True, interval=RELOAD_MS,  # type: ignore[call-arg]  # Qt property/signal keywords
                                    timeout=self.reload)
        manager.subscriptionsChanged.connect(self.reload_soon)
        manager.jobFinished.connect(self.reload_soon)
        for changed in (self.videos.modelReset, self.videos.pageArrived,
                        self.channels.modelReset):
            changed.connect(self._update_hint)
        self.videos.pageArrived.connect(self._update_header)
        self._update_header()
        # Last: the filter reads the attributes made above.
        self.search.installEventFilter(self)
        self.video_view.viewport().installEventFilter(self)

    # -- reading ---------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload_soon(self, *_: object) -> None:
        if self.isVisible():
            self._reload_timer.start()
        else:
            self._stale = True

    def reload(self) -> None:
        """Read the channel list and the top of the video list again. The first time, the
        list is read without its counts (they cost a read of every entry of the library):
        the first channel's page is asked for before them, so it is not kept waiting."""
        self._stale = False
        self._reader.submit(browse.channels, self._loaded_once, done=self._channels_read,
                            latest="channels")
        self.videos.refresh()

    def _channels_read(self, rows: list[ChannelRow]) -> None:
        chosen = self.current_channel()
        shown = self.videos.subscription_id
        self.channels.set_rows(rows)
        self.channel_view.expandAll()
        keep = chosen.id if chosen else shown
        if keep is not None and self.channels.index_of(keep).isValid():
            self._select_channel_row(self.channels.index_of(keep))
        elif shown is not None and not self.videos.search_text:
            self.videos.show_channel(None)  # it was unsubscribed
        if not self._loaded_once:
            self._loaded_once = True
            if rows and self.current_channel() is None and not self.search.text():
                self.select_channel(rows[0].id)
            self._reader.submit(browse.channels, done=self._channels_read, latest="channels")
        self._update_header()
        self._update_hint()
        self.channelsLoaded.emit()

    # -- choosing ----------------------------------------------------------------------------
    def select_channel(self, subscription_id: int) -> bool:
        index = self.channels.index_of(subscription_id)
        if index.isValid():
            self._select_channel_row(index)
        return index.isValid()

    def _select_channel_row(self, index: QModelIndex) -> None:
        self.channel_view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.channel_view.scrollTo(index)

    def current_channel(self) -> ChannelRow | None:
        for index in self.channel_view.selectionModel().selectedIndexes():
            return self.channels.channel(index)
        return None

    def shown_channel(self) -> ChannelRow | None:
        """The channel whose videos the list shows (None during a search)."""
        shown = self.videos.subscription_id
        return self.channels.find(shown) if shown is not None else None

    def _channel_chosen(self, selected: QItemSelection, _: QItemSelection) -> None:
        chosen = self.current_channel()
        if chosen is None:
            return
        if self.search.text():
            self.search.blockSignals(True)  # the list goes back to the channel at once
            self.search.clear()
            self.search.blockSignals(False)
            self._search_timer.stop()
        if chosen.id != self.videos.subscription_id or self.videos.search_text:
            self.videos.show_channel(chosen.id)
        self._update_header()
        self._update_hint()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _apply_search(self) -> None:
        text = self.search.text().strip()
        if text:
            self.videos.show_search(text)
        else:
            chosen = self.current_channel()
            self.videos.show_channel(chosen.id if chosen else None)
        self._update_header()
        self._update_hint()

    def search_now(self, text: str) -> None:
        """Search as if typed, without waiting for the typing to pause."""
        self.search.setText(text)
        self._search_timer.stop()
        self._apply_search()

    # -- videos ------------------------------------------------------------------------------
    def selected_cards(self) -> list[VideoCard]:
        """The selected videos in list order, read from the selection's ranges."""
        found = []
        for part in self.video_view.selectionModel().selection().toList():
            for row in range(part.top(), part.bottom() + 1):
                card = self.videos.card(row)
                if card is not None:
                    found.append(card)
        return found

    def activate(self, index: QModelIndex) -> None:
        card = self.videos.card(index.row())
        if card is None:
            return
        if card.downloaded:
            self.videoActivated.emit(card.id)
        else:
            self.message.emit(f"“{card.title}” is not in your library: "
                              "choose Re-download to fetch it.")

    def _picture_arrived(self, _url: str) -> None:
        # Qt repaints only the rows on screen, once per turn of the event loop.
        self.video_view.viewport().update()
        self.channel_view.viewport().update()

    # -- what it says ---------------------------------------------------------------------------
    def _update_header(self, *_: object) -> None:
        # A search shows the whole library: the channel's own buttons would act on a
        # channel the list does not show (its keys and menu stay on the channel list).
        self.channel_toolbar.setVisible(not self.videos.search_text)
        if self.videos.search_text:
            self.title.setText(f"Search: {self.videos.search_text}")
            count = self.videos.rowCount()
            more = "" if self.videos.at_end else " so far"
            self.details.setText(f"{fmt.plural(count, 'video')} found{more} in the whole "
                                 "library, newest first.")
        else:
            row = self.shown_channel()
            if row is None:
                self.title.setText("Channels" if self.channels.channel_count() else "")
                self.details.setText("")
            else:
                summary, followed = row.summary, row.summary.followed
                self.title.setText(followed.title)
                parts = [fmt.plural(summary.video_count, "video"),
                         f"{summary.downloaded_count:,} downloaded",
                         f"{summary.unwatched_count:,} unwatched"] if row.counted else []
                if self.channels.is_syncing(followed.id):
                    parts.append("syncing now…")
                elif followed.last_error:
                    parts.append(f"last sync failed: {followed.last_error}")
                elif followed.last_synced_at:
                    parts.append(f"last synced {fmt.when(followed.last_synced_at)}")
                self.details.setText(" · ".join(parts))
        self.browser_actions.refresh()

    def _update_hint(self, *_: object) -> None:
        text = ""
        if self.videos.rowCount() or self.videos.loading:
            text = ""
        elif self.videos.search_text:
            text = (f"No video in your library matches “{self.videos.search_text}”.\n\n"
                    "Words match as beginnings of words; try fewer of them.")
        elif self._loaded_once and not self.channels.channel_count():
            text = NO_CHANNELS
        elif self.videos.subscription_id is not None:
            text = ("No videos yet: they are listed here after the channel's first sync.\n\n"
                    "Choose Sync now to sync it.")
        elif self._loaded_once:
            text = CHOOSE
        self.empty_hint.setText(text)
        self.empty_hint.setGeometry(self.video_view.viewport().rect())
        self.empty_hint.setVisible(bool(text))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.video_view.viewport():
            self.empty_hint.setGeometry(self.video_view.viewport().rect())
        elif (event.type() == QEvent.Type.KeyPress and watched is self.search
              and event.key() == Qt.Key.Key_Escape and self.search.text()):  # type: ignore[attr-defined]  # a QKeyEvent
            self.search_now("")
            return True
        return super().eventFilter(watched, event)

    # -- drops ------------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        mime = event.mimeData()
        if mime.hasUrls() or mime.hasText():
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:
        mime = event.mimeData()
        text = "\n".join([u.toString() for u in mime.urls() if not u.isLocalFile()]
                         + ([mime.text()] if mime.hasText() else []))
        urls = find_urls(text[:DROP_TEXT_MOST])
        event.acceptProposedAction()
        if urls:
            self.browser_actions.offer_subscription(urls[0])
        else:
            self.message.emit("Drop a channel's, playlist's or feed's web address (http or "
                              "https) to follow it.")

    def close_down(self) -> None:
        """Stop fetching pictures (the window is closing)."""
        self.thumbnails.close()
