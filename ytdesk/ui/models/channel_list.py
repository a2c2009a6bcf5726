"""The channel list's model: subscriptions without a group at the top, then each group
(by name) with its subscriptions under it, as `browse.channels()` reads them. A new read
with the same channels in the same places only repaints them (the selection stays);
anything else resets the list."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from ytdesk.core.browse import ChannelRow
from ytdesk.ui import format as fmt

ChannelRole = Qt.ItemDataRole.UserRole + 1  # the ChannelRow (None on a group's row)
SyncingRole = Qt.ItemDataRole.UserRole + 2  # True while a sync of it runs

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass
class _Group:
    name: str
    channels: list[ChannelRow] = field(default_factory=list)


def status_text(row: ChannelRow, syncing: bool) -> str:
    """The line under a channel's title: what waits to be watched, and its last sync."""
    summary, followed = row.summary, row.summary.followed
    parts = []
    if row.counted:
        parts.append(f"{summary.unwatched_count:,} unwatched" if summary.unwatched_count
                     else fmt.plural(summary.video_count, "video"))
    if syncing:
        parts.append("syncing now…")
    elif followed.last_error:
        parts.append("last sync failed")
    elif followed.last_synced_at:
        parts.append(f"synced {fmt.added(followed.last_synced_at)}")
    else:
        parts.append("never synced")
    if not followed.enabled:
        parts.append("paused")
    return " · ".join(parts)


class ChannelListModel(QAbstractItemModel):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._top: list[ChannelRow | _Group] = []
        self._syncing: set[int] = set()

    # -- filling -------------------------------------------------------------------------------
    def set_rows(self, rows: list[ChannelRow]) -> None:
        top: list[ChannelRow | _Group] = []
        groups: dict[str, _Group] = {}
        for row in rows:
            name = row.summary.followed.group
            if not name:
                top.append(row)
            elif name in groups:
                groups[name].channels.append(row)
            else:
                groups[name] = _Group(name, [row])
                top.append(groups[name])
        if _shape(top) == _shape(self._top):
            self._top = top
            self._changed_all()
        else:
            self.beginResetModel()
            self._top = top
            self.endResetModel()

    def set_syncing(self, subscription_ids: set[int]) -> None:
        if subscription_ids != self._syncing:
            self._syncing = set(subscription_ids)
            self._changed_all()

    def _changed_all(self) -> None:
        if not self._top:
            return
        self.dataChanged.emit(self.index(0, 0), self.index(len(self._top) - 1, 0))
        for row, node in enumerate(self._top):
            if isinstance(node, _Group) and node.channels:
                parent = self.index(row, 0)
                self.dataChanged.emit(self.index(0, 0, parent),
                                      self.index(len(node.channels) - 1, 0, parent))

    # -- reading -------------------------------------------------------------------------------
    def channel(self, index: AnyIndex) -> ChannelRow | None:
        node = self._node(index)
        return node if isinstance(node, ChannelRow) else None

    def index_of(self, subscription_id: int) -> QModelIndex:
        for row, node in enumerate(self._top):
            if isinstance(node, ChannelRow) and node.id == subscription_id:
                return self.index(row, 0)
            if isinstance(node, _Group):
                for child, channel in enumerate(node.channels):
                    if channel.id == subscription_id:
                        return self.index(child, 0, self.index(row, 0))
        return QModelIndex()

    def find(self, subscription_id: int) -> ChannelRow | None:
        return self.channel(self.index_of(subscription_id))

    def channel_count(self) -> int:
        return sum(len(n.channels) if isinstance(n, _Group) else 1 for n in self._top)

    def is_syncing(self, subscription_id: int) -> bool:
        return subscription_id in self._syncing

    def _node(self, index: AnyIndex) -> ChannelRow | _Group | None:
        if not index.isValid():
            return None
        parent_row = index.internalId()
        if parent_row == 0:
            return self._top[index.row()] if index.row() < len(self._top) else None
        group = self._top[parent_row - 1] if parent_row - 1 < len(self._top) else None
        if isinstance(group, _Group) and index.row() < len(group.channels):
            return group.channels[index.row()]
        return None

    # -- what the view asks ----------------------------------------------------------------------
    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:
        if column != 0 or row < 0 or not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        # A group's children carry the group's row + 1 (0 means "at the top").
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        if not parent.isValid():
            return len(self._top)
        if parent.column() != 0:
            return 0
        node = self._node(parent)
        return len(node.channels) if isinstance(node, _Group) else 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 1

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        node = self._node(index)
        if node is None:
            return Qt.ItemFlag.NoItemFlags
        if isinstance(node, _Group):
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole):
        node = self._node(index)
        if node is None:
            return None
        if isinstance(node, _Group):
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return f"{node.name} ({len(node.channels)})"
            return None
        syncing = node.id in self._syncing
        followed = node.summary.followed
        if role == Qt.ItemDataRole.DisplayRole:
            return followed.title
        if role == ChannelRole:
            return node
        if role == SyncingRole:
            return syncing
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{followed.title}: {status_text(node, syncing)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            if followed.last_error and not syncing:
                return f"{followed.title}\nLast sync failed: {followed.last_error}"
            return f"{followed.title}\n{followed.url}\n{status_text(node, syncing)}"
        return None


def _shape(top: list[ChannelRow | _Group]) -> list[object]:
    return [(n.name, [c.id for c in n.channels]) if isinstance(n, _Group) else n.id
            for n in top]
