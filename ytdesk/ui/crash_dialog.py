"""What the user sees when ytdesk itself fails: a plain sentence, the details, a way to
copy them. Every uncaught exception, on any thread, comes here and goes to the app log.

Qt calls Python's sys.excepthook for an exception escaping a slot or an overridden
method; the hook reports it and returns, so the event loop carries on and the downloads
running on other threads are not touched.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

import PySide6
import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot, qVersion
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton,
                               QToolButton, QVBoxLayout, QWidget)

from ytdesk import __version__

log = logging.getLogger(__name__)

SENTENCE = ("Something went wrong inside ytdesk. Your downloads are safe; "
            "the details below help fix it.")
MAX_REPORTS_SHOWN = 20  # an error repeating on every repaint must not grow the box forever


def versions() -> str:
    """The versions a bug report needs, one per line."""
    import platform  # here, not at start-up: only a bug report needs them
    from importlib import metadata

    try:
        # From the installed metadata, not by importing yt_dlp (only ytdesk.ytdl does that).
        yt_dlp = metadata.version("yt-dlp")
    except metadata.PackageNotFoundError:
        yt_dlp = "unknown"
    return "\n".join([
        f"ytdesk {__version__}",
        f"Python {platform.python_version()} on {platform.platform()}",
        f"Qt {qVersion()}, PySide6 {PySide6.__version__}",
        f"yt-dlp {yt_dlp}",
    ])


class CrashDialog(QDialog):
    """Not modal: the window behind it keeps working, and a second failure adds to it."""

    def __init__(self, details: str, log_path: Path | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("ytdesk ran into a problem")
        self._reports = [details]

        sentence = QLabel(SENTENCE)
        sentence.setWordWrap(True)
        self._toggle = QToolButton(text="Show details", checkable=True)  # type: ignore[call-arg]  # Qt property/signal keywords
        self._toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._toggle.setArrowType(Qt.ArrowType.RightArrow)
        self._toggle.toggled.connect(self._show_details)
        self._details = QPlainTextEdit(readOnly=True)
        self._details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self._details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._details.setMinimumHeight(220)
        self._details.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self._copy = QPushButton("Copy details")
        buttons.addButton(self._copy, QDialogButtonBox.ButtonRole.ActionRole)
        self._copy.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(sentence)
        if log_path is not None:
            where = QLabel(f"The details are also in the log file {log_path}.")
            where.setWordWrap(True)
            where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(where)
        layout.addWidget(self._toggle)
        layout.addWidget(self._details, 1)
        layout.addWidget(buttons)
        self._refresh()

    def add_report(self, details: str) -> None:
        if len(self._reports) < MAX_REPORTS_SHOWN:
            self._reports.append(details)
            self._refresh()

    def details(self) -> str:
        """What "Copy details" copies: the versions, then every traceback shown."""
        return versions() + "\n\n" + "\n".join(self._reports)

    @Slot()
    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details())
        self._copy.setText("Copied")

    @Slot(bool)
    def _show_details(self, shown: bool) -> None:
        self._details.setVisible(shown)
        self._toggle.setText("Hide details" if shown else "Show details")
        self._toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.adjustSize()

    def _refresh(self) -> None:
        self._details.setPlainText("\n".join(self._reports))
        self._copy.setText("Copy details")


class CrashReporter(QObject):
    """Installs itself as sys.excepthook and threading.excepthook. An exception on any
    thread is logged there and then, and shown in one CrashDialog on the GUI thread."""

    _reported = Signal(str)  # crossing from any thread to the one this object lives on

    def __init__(self, log_path: Path | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._log_path = log_path
        self._window: QWidget | None = None
        self._dialog: CrashDialog | None = None
        self._previous_hooks: tuple[Any, Any] | None = None
        # Queued even on the GUI thread: the dialog is never built inside the code that
        # failed (a paint event, a model reset), only once control is back in the loop.
        self._reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    @property
    def dialog(self) -> CrashDialog | None:
        """The dialog on screen now, if any (a closed one deletes itself)."""
        if self._dialog is not None and not shiboken6.isValid(self._dialog):
            self._dialog = None
        return self._dialog

    def set_window(self, window: QWidget | None) -> None:
        """The dialog opens over this window (it does not exist yet at start-up)."""
        self._window = window

    def set_log_path(self, log_path: Path) -> None:
        self._log_path = log_path

    def install(self) -> None:
        if self._previous_hooks is None:
            self._previous_hooks = (sys.excepthook, threading.excepthook)
            sys.excepthook = self.report
            threading.excepthook = self._report_thread

    def uninstall(self) -> None:
        if self._previous_hooks is not None:
            sys.excepthook, threading.excepthook = self._previous_hooks
            self._previous_hooks = None

    def report(self, kind: type[BaseException], error: BaseException | None,
               trace: TracebackType | None, where: str = "") -> None:
        """Log an exception and show it. Safe to call from any thread."""
        if issubclass(kind, (KeyboardInterrupt, SystemExit)):
            return  # a request to stop, not a failure
        details = where + "".join(traceback.format_exception(kind, error, trace))
        log.error("unexpected error:\n%s", details.rstrip())
        self._reported.emit(details)

    def report_now(self, kind: type[BaseException], error: BaseException,
                   trace: TracebackType | None) -> None:
        """Log an exception and show it modally: for a failure before the event loop runs
        (start-up), where a dialog left open would vanish as the app exits."""
        details = "".join(traceback.format_exception(kind, error, trace))
        log.error("ytdesk could not start:\n%s", details.rstrip())
        CrashDialog(details, self._log_path, self._window).exec()

    def report_async(self, loop, context: dict) -> None:
        """An asyncio exception handler: a coroutine's failure nobody awaited is one too."""
        error = context.get("exception")
        if error is None:
            loop.default_exception_handler(context)  # a warning without an exception
            return
        self.report(type(error), error, error.__traceback__)

    def _report_thread(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return  # how a thread ends itself on purpose
        name = args.thread.name if args.thread is not None else "unknown"
        self.report(args.exc_type, args.exc_value, args.exc_traceback,
                    where=f"In the thread {name}:\n")

    @Slot(str)
    def _show(self, details: str) -> None:
        try:
            shown = self.dialog
            if shown is not None and shown.isVisible():
                shown.add_report(details)
                return
            dialog = CrashDialog(details, self._log_path, self._window)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.show()
            dialog.raise_()
            dialog.activateWindow()
            self._dialog = dialog
        except Exception:
            # Not through the hook again: a dialog that cannot be built would loop forever.
            log.exception("could not show the crash dialog")
