"""The browser's video list: a channel's videos newest first, or the library's search hits,
loaded a page at a time as the view scrolls (`canFetchMore` / `fetchMore`), each page read
off the GUI thread. One page is asked for at a time; showing another channel (or another
search) starts a new generation, and a page of the old one that arrives late is dropped.

`refresh()` reads the top of the list again after a change (a sync found new videos, a
download finished, a file was deleted): new videos are inserted above, changed ones
repainted, and the place the user scrolled to stays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

from PySide6.QtCore import (QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt,
                            Signal)

from ytdesk.core import browse
from ytdesk.core.browse import VideoCard
from ytdesk.ui import format as fmt

PAGE = browse.PAGE
REFRESH_MOST = 2_000  # rows read again by a refresh; further down, rows change when acted on

CardRole = Qt.ItemDataRole.UserRole + 1  # the VideoCard
AnyIndex = QModelIndex | QPersistentModelIndex


class RowReader(Protocol):
    def submit(self, function: Callable[..., Any], *args: Any,
               done: Callable[[Any], None]) -> object: ...

    def forget(self, task: Any) -> None: ...


def _tagged(generation: int, function: Callable[..., Any], *args: Any) -> tuple[int, Any]:
    """On the reader's thread: the answer with the generation that asked for it."""
    return generation, function(*args)


def state_text(card: VideoCard) -> str:
    """What the library holds of a video, in a few words."""
    if card.downloaded:
        return "Downloaded, watched" if card.watched else "Downloaded"
    if card.deleted:
        return "File deleted (syncs leave it out)"
    if card.missing or card.filepath:
        return "File missing"
    if card.left_out:
        return f"Not downloaded: {card.left_out}"
    return "Not downloaded"


def details_text(card: VideoCard) -> str:
    parts = [fmt.duration(card.duration), _date(card.upload_date), state_text(card)]
    if card.favourite:
        parts.append("favourite")
    return " · ".join(p for p in parts if p)


def _date(upload_date: str | None) -> str:
    if upload_date and len(upload_date) == 8 and upload_date.isdigit():
        return f"{upload_date[:4]}-{upload_date[4:6]}-{upload_date[6:]}"
    return ""


class VideoListModel(QAbstractListModel):
    pageArrived = Signal()  # a page (or a refresh) was applied

    def __init__(self, reader: RowReader, parent: QObject | None = None, page: int = PAGE):
        super().__init__(parent)
        self._reader = reader
        self._page = page
        self._rows: list[VideoCard] = []
        self._row_of: dict[int, int] | None = None  # video id -> row, made when needed
        self._function: Callable[..., list[VideoCard]] | None = None
        self._argument: Any = None
        self._generation = 0
        self._loading: object | None = None  # the page read on its way, if any
        self._at_end = True
        self.page_reads = 0  # pages asked of the library since this model was made
        self.subscription_id: int | None = None  # the channel shown (None: a search)
        self.search_text = ""

    # -- what is shown ---------------------------------------------------------------------
    def show_channel(self, subscription_id: int | None) -> None:
        self.subscription_id, self.search_text = subscription_id, ""
        self._start(browse.videos_of if subscription_id is not None else None, subscription_id)

    def show_search(self, text: str) -> None:
        self.subscription_id, self.search_text = None, text
        self._start(browse.search if text.strip() else None, text)

    def _start(self, function: Callable[..., list[VideoCard]] | None, argument: Any) -> None:
        self._reader.forget(self._loading)  # a stale page: its answer is dropped
        self._loading = None
        self._generation += 1
        self.beginResetModel()
        self._rows, self._row_of = [], None
        self._function, self._argument = function, argument
        self._at_end = function is None
        self.endResetModel()
        self.fetchMore(QModelIndex())  # the first page, whether a view is attached or not

    @property
    def loading(self) -> bool:
        return self._loading is not None

    @property
    def at_end(self) -> bool:
        return self._at_end

    # -- pages ----------------------------------------------------------------------------------
    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:
        return not parent.isValid() and not self._at_end and self._loading is None

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:
        if not self.canFetchMore(parent) or self._function is None:
            return
        after = self._rows[-1].key if self._rows else None
        self.page_reads += 1
        self._loading = self._reader.submit(_tagged, self._generation, self._function,
                                            self._argument, after, self._page,
                                            done=self._page_arrived)

    def _page_arrived(self, answer: tuple[int, list[VideoCard]]) -> None:
        generation, cards = answer
        if generation != self._generation:
            return  # asked for a channel or search no longer shown
        # Still "loading" while the rows go in: a view (or Qt's model tester) that asks for
        # more from inside the insertion would read this page again.
        self._at_end = len(cards) < self._page
        if cards:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(cards) - 1)
            self._rows.extend(cards)
            if self._row_of is not None:
                self._row_of.update((c.id, first + i) for i, c in enumerate(cards))
            self.endInsertRows()
        self._loading = None
        self.pageArrived.emit()

    # -- after a change -----------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the top of the list again (new videos above, changed ones repainted)."""
        if self._function is None:
            return
        count = min(max(len(self._rows), self._page), REFRESH_MOST)
        self._reader.submit(_tagged, self._generation, self._function, self._argument, None,
                            count, done=self._refreshed)

    def _refreshed(self, answer: tuple[int, list[VideoCard]]) -> None:
        generation, fresh = answer
        if generation != self._generation:
            return
        old = self._rows
        keys = [card.key for card in fresh]
        place = keys.index(old[0].key) if old and old[0].key in keys else None
        if not old or place is None or [c.key for c in old[:len(fresh) - place]] != keys[place:]:
            self._replace(fresh)  # rows went away (or too many came): start again from here
            return
        if place:
            self.beginInsertRows(QModelIndex(), 0, place - 1)
            self._rows[0:0] = fresh[:place]
            self._row_of = None
            self.endInsertRows()
        self._update_rows(range(place, len(fresh)), fresh)
        self.pageArrived.emit()

    def _replace(self, fresh: list[VideoCard]) -> None:
        self._reader.forget(self._loading)  # a page asked after rows that are gone
        self._loading = None
        self._generation += 1
        self.beginResetModel()
        self._rows, self._row_of = list(fresh), None
        self._at_end = not fresh  # if it was the end, the next page says so (and is empty)
        self.endResetModel()
        self.pageArrived.emit()

    def _update_rows(self, rows: range, fresh: list[VideoCard]) -> None:
        for row in rows:
            if self._rows[row] != fresh[row]:
                self._rows[row] = fresh[row]
                index = self.index(row, 0)
                self.dataChanged.emit(index, index)

    def reload_cards(self, video_ids: list[int]) -> None:
        """Read these videos again (after an action on them), wherever they are."""
        wanted = [i for i in video_ids if self.row_of(i) is not None]
        if wanted:
            self._reader.submit(_tagged, self._generation, browse.cards, wanted,
                                self.subscription_id, done=self._cards_arrived)

    def _cards_arrived(self, answer: tuple[int, dict[int, VideoCard]]) -> None:
        generation, found = answer
        if generation != self._generation:
            return
        for video_id, card in found.items():
            row = self.row_of(video_id)
            if row is None:
                continue
            old = self._rows[row]
            card = replace(card, key=old.key, subscription_id=old.subscription_id,
                           left_out=card.left_out if self.subscription_id else old.left_out)
            if card != old:
                self._rows[row] = card
                index = self.index(row, 0)
                self.dataChanged.emit(index, index)

    # -- reading ----------------------------------------------------------------------------------
    def card(self, row: int) -> VideoCard | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, video_id: int) -> int | None:
        if self._row_of is None:
            self._row_of = {card.id: row for row, card in enumerate(self._rows)}
        return self._row_of.get(video_id)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        card = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return card.title
        if role == CardRole:
            return card
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{card.title}, {details_text(card)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{card.title}\n{details_text(card)}"
            if card.downloaded and card.filepath:
                tip += f"\n{card.filepath}"
            return tip
        return None
