"""Actions that show their keyboard shortcut wherever they appear: tooltip and menus."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

from ytdesk.ui import icons


def shortcut_text(shortcut: QKeySequence | str) -> str:
    """A shortcut as the platform writes it ("Ctrl+R", "⌘R")."""
    return QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)


def with_shortcut(tip: str, shortcut: QKeySequence | str | None) -> str:
    return f"{tip} ({shortcut_text(shortcut)})" if shortcut else tip


def make_action(parent: QObject, text: str, handler: Callable[[], None], *,
                icon: str | None = None, shortcut: QKeySequence | str | None = None,
                tip: str | None = None, context: Qt.ShortcutContext | None = None) -> QAction:
    action = QAction(text, parent)
    if icon:
        action.setIcon(icons.icon(icon))
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
        if context is not None:
            action.setShortcutContext(context)
    action.setShortcutVisibleInContextMenu(True)
    action.setToolTip(with_shortcut(tip or text, shortcut))
    action.triggered.connect(handler)
    return action
