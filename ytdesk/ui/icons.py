"""ytdesk's icons, drawn from the SVG files in resources/.

Monochrome icons are drawn in black (#000000) and painted in the palette's text colour
when loaded, so they stay readable in light and dark themes. Icons with a meaning in
their colour (succeeded green, failed red, cancelled grey) contain no black and keep it.

Use from the GUI thread only (pixmaps are GUI objects).
"""

from __future__ import annotations

import functools
import logging
import sys
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from ytdesk.core import jobstates as st

log = logging.getLogger(__name__)

ACTIONS = ("add", "pause", "resume", "cancel", "retry", "remove", "open-folder", "copy",
           "settings", "about")
STATUSES = st.STATUSES  # one icon per job status, named after it
NAMES = ACTIONS + STATUSES
APP_ICON = "ytdesk"
# The tray's states: the app icon, with a badge in the corner saying what it does now. The
# badge is a status icon in a fixed colour on a white disc: the tray's background is the
# desktop panel's, whatever the window's palette is.
TRAY_IDLE, TRAY_BUSY, TRAY_PAUSED, TRAY_ERROR = "idle", "busy", "paused", "error"
TRAY_BADGES = {TRAY_IDLE: None, TRAY_BUSY: ("running", "#1e6fd9"),
               TRAY_PAUSED: ("paused", "#c77c00"), TRAY_ERROR: ("failed", "")}
TRAY_SIZES = (16, 22, 24, 32, 48, 64)

# QIcon picks the closest pixmap and scales it; these cover toolbars and lists at 1x and 2x.
ICON_SIZES = (16, 20, 24, 32, 48, 64)
APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
_INK = b"#000000"


@functools.cache
def resources_dir() -> Path:
    """resources/ inside a PyInstaller bundle, or as the ytdesk.resources package (an
    installed ytdesk, and an editable checkout, where it maps to the top-level folder)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(str(resources.files("ytdesk.resources")))


def icon(name: str) -> QIcon:
    """The icon called `name` (one of NAMES), in the current palette's text colour."""
    if name not in NAMES:
        raise KeyError(f"There is no icon called {name!r}.")
    ink = QGuiApplication.palette().color(QPalette.ColorRole.WindowText).name()
    return _drawn(f"icons/{name}.svg", ink, ICON_SIZES)


def status_icon(status: str) -> QIcon:
    """The icon for a job status; an empty icon for a status this version does not know
    (a newer ytdesk may have written it to the shared DB)."""
    return icon(status) if status in STATUSES else QIcon()


def app_icon() -> QIcon:
    return _drawn(f"{APP_ICON}.svg", "", APP_ICON_SIZES)


@functools.cache
def tray_icon(state: str) -> QIcon:
    """The tray's icon for a state (one of TRAY_BADGES)."""
    badge = TRAY_BADGES[state]
    app = app_icon()
    if badge is None:
        return app
    name, ink = badge
    mark = _drawn(f"icons/{name}.svg", ink, TRAY_SIZES)
    drawn = QIcon()
    for size in TRAY_SIZES:
        pixmap = app.pixmap(size, size)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = max(8, size * 5 // 8)
        corner = QRectF(size - side, size - side, side, side)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#ffffff"))
        painter.drawEllipse(corner)
        painter.drawPixmap(corner.toRect(), mark.pixmap(side, side))
        painter.end()
        drawn.addPixmap(pixmap)
    return drawn


def clear_cache() -> None:
    """Forget drawn icons, e.g. when the colour scheme changes (the palette's colour is
    part of the cache key, so this frees the old ones rather than fixing stale ones)."""
    _drawn.cache_clear()
    tray_icon.cache_clear()


@functools.cache  # list views ask for an icon on every repaint of every row
def _drawn(file_name: str, ink: str, sizes: tuple[int, ...]) -> QIcon:
    path = resources_dir() / file_name
    try:
        svg = path.read_bytes()
    except OSError as exc:
        # A missing file means a broken install; the app still works without the picture.
        log.warning("cannot load the icon %s: %s", path, exc.strerror or exc)
        return QIcon()
    if ink:
        svg = svg.replace(_INK, ink.encode("ascii"))
    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        log.warning("the icon %s is not a valid SVG file", path)
        return QIcon()
    drawn = QIcon()
    for size in sizes:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        drawn.addPixmap(pixmap)
    return drawn
