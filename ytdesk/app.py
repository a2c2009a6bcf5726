"""`ytdesk [--data-dir D] [--download-dir D] [--play PATH_OR_URL] [URL...]`: the window app.

Start-up runs in an order that never loses work:
1. What `--play` names is checked (a bad one is refused here, before anything else). If a
   ytdesk already runs on this data dir, this one hands it the URLs and what to play, and
   exits, before touching the DB.
2. The data dir and app log; the DB, migrated (after a backup); settings; the job manager.
3. The main window. Once the job list's first page is on screen (what a cold start is
   measured to): asyncio on Qt's event loop, then the manager starts (taking back jobs a
   crash interrupted), then the URLs from the command line are queued and `--play` plays.
   None of these shows in the first frame, and together they take about 35 ms (importing
   asyncio, looking up ffmpeg), measured against a cold start of about 200 ms.
Where the desktop has a system tray, closing the window hides it there and the tray's Quit
ends ytdesk; `--minimized` (and the start_minimised setting) starts hidden in the tray, or
minimised to the taskbar where there is none.
On quit (last window closed, the tray's Quit, SIGTERM, Ctrl-C) the manager stops its jobs,
whose partial files stay for next time, and then the DB closes.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from ytdesk import __version__
from ytdesk.core import private, tool_store
from ytdesk.core.credentials import RedactingFilter
from ytdesk.core.paths import (APP_NAME, Paths, add_location_arguments, download_dir_override,
                               resolve_data_dir)
from ytdesk.core.play_request import LocalFile, Refused, check_play_target
from ytdesk.core.printable import printable
from ytdesk.ui import icons
from ytdesk.ui.crash_dialog import CrashReporter
from ytdesk.ui.single_instance import HandOver, InstanceServer, hand_over, server_name

if TYPE_CHECKING:
    import asyncio

    import peewee

    from ytdesk.core.settings import Settings
    from ytdesk.jobs.manager import JobManager
    from ytdesk.ui.first_page import FirstPage
    from ytdesk.ui.main_window import MainWindow
    from ytdesk.ui.play_opener import PlayOpener
    from ytdesk.ui.tool_check import ToolCheck
    from ytdesk.ui.tray import Tray
    from ytdesk.ui.tray_system import TraySystem

log = logging.getLogger("ytdesk.app")  # not "__main__" under `python -m`

EXIT_OK, EXIT_FAILED, EXIT_BAD_ENVIRONMENT = 0, 1, 2  # 2: the library cannot be used
# Nobody listening is known at once; these only run out when a ytdesk is there but slow.
HAND_OVER_TIMEOUT_MS = 15_000
STARTING_TIMEOUT_MS = 30_000  # a ytdesk started at the same moment may still be migrating
SHUTDOWN_TIMEOUT_S = 10.0
LOG_FILE_BYTES = 2 * 1024 * 1024
LOG_FILES_KEPT = 3
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


@dataclass(frozen=True)
class Options:
    data_dir: Path
    download_dir: Path | None
    urls: list[str] = field(default_factory=list)
    minimized: bool = False  # start hidden in the tray (minimised where there is none)
    play: str | None = None  # a file or web address to play, as given


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ytdesk", description=(
        "Download, keep and play local copies of online video. URLs given here are queued; "
        "if ytdesk is already running, they are handed to it."))
    parser.add_argument("--version", action="version", version=f"ytdesk {__version__}")
    add_location_arguments(parser)
    parser.add_argument("--minimized", "--minimised", action="store_true", help=(
        "start hidden in the system tray (minimised to the taskbar where there is no tray), "
        "as starting at login does"))
    # Optional value: a desktop's "Open with" runs `ytdesk --play %f`, and a plain start
    # from the same launcher leaves `--play` with nothing after it.
    parser.add_argument("--play", metavar="PATH_OR_URL", nargs="?", help=(
        "play a video file, or the web address of a video already downloaded, in the "
        "ytdesk that is running (or in this one, if none is)"))
    parser.add_argument("urls", nargs="*", metavar="URL", help="videos, playlists or "
                        "channels to download")
    return parser


def parse_args(argv: Sequence[str]) -> Options:
    args = build_parser().parse_args(list(argv))
    return Options(data_dir=resolve_data_dir(args.data_dir),
                   download_dir=download_dir_override(args.download_dir), urls=args.urls,
                   minimized=args.minimized, play=args.play or None)


def tell(text: str) -> None:
    """A sentence for whoever started this ytdesk: on its terminal, or (started without one,
    e.g. by a desktop's "Open with") in a dialog."""
    if sys.stderr is not None:
        print(f"ytdesk: {printable(text)}", file=sys.stderr)
    else:
        QMessageBox.warning(None, APP_NAME, text)


def checked_play(play: str | None) -> str | None | int:
    """What this start hands over or plays for `--play`: an absolute path or a web address
    (a relative path is taken from here: the ytdesk that plays it may run elsewhere); or
    the exit code, after saying why it cannot be played."""
    if play is None:
        return None
    target = check_play_target(play, cwd=os.getcwd())
    if isinstance(target, Refused):
        log.info("--play refused: %s", target.sentence)
        tell(target.sentence)
        return EXIT_FAILED
    return target.path if isinstance(target, LocalFile) else target.url


def log_to_stderr() -> None:
    # A GUI started without a console (pythonw, a desktop launcher) has no stderr at all.
    if sys.stderr is not None:
        console = logging.StreamHandler()
        console.setLevel(logging.WARNING)
        console.setFormatter(logging.Formatter("ytdesk: %(levelname)s %(name)s: %(message)s"))
        console.addFilter(RedactingFilter())
        logging.getLogger().addHandler(console)


class PrivateLogFile(RotatingFileHandler):
    """The app log, user-only (0600) from its first byte, after each rotation too."""

    def _open(self):
        return open(self.baseFilename, self.mode, encoding=self.encoding,
                    errors=self.errors, opener=private.opener)


def setup_logging(log_file: Path) -> logging.Handler:
    """Send the whole app's logging to `log_file`, rotated so it never grows without end.
    Returns the handler, so whoever set it up can take it down."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = PrivateLogFile(log_file, maxBytes=LOG_FILE_BYTES,
                             backupCount=LOG_FILES_KEPT, encoding="utf-8")
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    return handler


def make_application() -> QApplication:
    # Qt gets no user text: its own options (-platform...) come from QT_* variables.
    app = QApplication([sys.argv[0] if sys.argv and sys.argv[0] else APP_NAME])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_NAME)  # ties windows to resources/ytdesk.desktop (Wayland)
    app.setWindowIcon(icons.app_icon())
    # Monochrome icons are painted in the palette's text colour: repaint them for a new one.
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: icons.clear_cache())
    return app


def claim_or_hand_over(server: InstanceServer, urls: list[str], play: str | None = None
                       ) -> int | None:
    """None if this process is now the ytdesk for its data dir; otherwise the exit code,
    after the URLs (and what to play) went to the ytdesk that is (or after telling the user
    why not)."""
    outcome = hand_over(server.name, urls, HAND_OVER_TIMEOUT_MS, play=play)
    if outcome is HandOver.STRANGER:
        # Not ours to talk to, nor to take the name from: this start runs on its own.
        log.warning("a program of another user answers on %s; starting without it",
                    server.name)
        return None
    if outcome is HandOver.NOT_RUNNING:
        if server.listen():
            return None
        # Someone claimed the name after we looked: another ytdesk starting right now.
        outcome = hand_over(server.name, urls, STARTING_TIMEOUT_MS, play=play)
        if outcome in (HandOver.NOT_RUNNING, HandOver.STRANGER):
            log.warning("cannot make sure only one ytdesk runs on this library; starting anyway")
            return None
    if outcome is HandOver.TAKEN:
        log.info("handed %d URL(s)%s to the ytdesk already running", len(urls),
                 " and a video to play" if play is not None else "")
        return EXIT_OK
    if outcome is HandOver.OUTDATED:
        tell("The ytdesk already running is an older version that cannot play files: close "
             "it, then start ytdesk --play again.")
        return EXIT_FAILED
    text = ("ytdesk is already running for this library but did not answer. If it stays "
            "stuck, close it (or end it) and start ytdesk again.")
    log.warning(text)
    QMessageBox.warning(None, APP_NAME, text)
    return EXIT_FAILED


@dataclass
class Ytdesk:
    """One running ytdesk, built by build_app, started by start and taken apart by close,
    in reverse order."""

    paths: Paths
    db: peewee.Database
    settings: Settings
    manager: JobManager
    window: MainWindow
    first_page: FirstPage  # says when the job list's first page is on screen
    log_handler: logging.Handler
    opener: PlayOpener
    urls: list[str] = field(default_factory=list)  # from the command line, queued at start
    play: str | None = None  # from --play, checked, played at start
    tray_system: TraySystem | None = None  # the desktop's tray, where it has one
    tray: Tray | None = None  # made at start, where there is a tray
    tool_check: ToolCheck | None = None  # the daily look for a newer yt-dlp, made at start

    def start(self) -> None:
        """The tray icon and the clipboard watcher (the first frame needs neither: ~10 ms),
        then run the queue (taking back interrupted jobs first), then queue the URLs and
        play what --play named."""
        if self.tray_system is not None and self.tray is None:
            self.tray = make_tray(self.window, self.tray_system)
        # The moment start-up is over for the user (the packaging test times it, frozen
        # and from the venv, from this line in the log).
        log.info("window shown; starting the queue")
        watch_clipboard(self.window, self.tray)
        self.manager.start()
        self.tool_check = check_tools(self.window)
        if self.urls:
            self.window.add_urls(self.urls)
        if self.play is not None:
            self.opener.open(self.play)

    def close(self) -> None:
        # The player first: its last position is written before the writer stops, and
        # QtMultimedia is let go of before its objects are deleted with the window.
        self.window.stop_playing()
        if not self.manager.shutdown(SHUTDOWN_TIMEOUT_S):
            log.warning("some downloads did not stop within %g s; they resume next start",
                        SHUTDOWN_TIMEOUT_S)
        if self.tool_check is not None:
            self.tool_check.close()
        if self.tray is not None:
            self.tray.close_down()
        # Delete the Qt objects now, while the DB they may touch on the way out is open.
        self.window.deleteLater()
        self.manager.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        self.db.close()
        log.info("ytdesk stopped")
        logging.getLogger().removeHandler(self.log_handler)
        self.log_handler.close()


def build_app(options: Options, server: InstanceServer, reporter: CrashReporter,
              tray_system: TraySystem | None = None) -> Ytdesk:
    """Everything ytdesk is made of, built here and handed to whoever needs it. The window
    is shown; the caller starts the rest (`Ytdesk.start`) once `first_page.shown` says the
    job list is on screen."""
    # Imported here, so a second start that only hands over its URLs stays quick.
    from ytdesk.core.library_health import open_library
    from ytdesk.core.settings import Settings
    from ytdesk.jobs.manager import JobManager
    from ytdesk.ui.first_page import FirstPage
    from ytdesk.ui.main_window import MainWindow
    from ytdesk.ui.play_opener import PlayOpener
    from ytdesk.ui.tray_system import TraySystem

    paths = Paths(options.data_dir).ensure()
    log_handler = setup_logging(paths.app_log)
    reporter.set_log_path(paths.app_log)
    log.info("ytdesk %s starting on %s", __version__, paths.data_dir)
    try:
        opened = open_library(paths)  # a LibraryProblem says what is wrong (library_problem)
    except BaseException:
        logging.getLogger().removeHandler(log_handler)  # start-up may be tried again
        log_handler.close()
        raise
    db = opened.db
    override = options.download_dir
    settings = Settings({"download_dir": str(override) if override else None})
    manager = JobManager(paths, settings)
    window = MainWindow(manager, settings, paths)
    reporter.set_window(window)
    for notice in opened.notices:  # e.g. an empty library file set aside
        window.jobs.notice.show_text(notice, str(paths.data_dir))
    server.urlsReceived.connect(window.add_urls)  # stored at once, run once started
    server.raiseRequested.connect(window.bring_to_front)
    opener = PlayOpener(window)
    server.playRequested.connect(opener.open)
    system = tray_system or TraySystem()
    has_tray = system.available()
    if not has_tray:
        log.info("this desktop has no system tray: closing the window quits ytdesk")
    if options.minimized or settings.get("start_minimised"):
        # Hidden in the tray (made at start, at once: nothing waits for a first page);
        # with no tray, minimised to the taskbar: a window hidden with no tray to bring it
        # back would leave the user no way in.
        if not has_tray:
            window.showMinimized()
        first_page = FirstPage(window.jobs, give_up_ms=0)  # nothing to wait for
    else:
        window.show()
        first_page = FirstPage(window.jobs)
    return Ytdesk(paths, db, settings, manager, window, first_page, log_handler, opener,
                  list(options.urls), options.play, system if has_tray else None)


def watch_clipboard(window: MainWindow, tray: Tray | None) -> None:
    """Copied links are offered in the tray's message, else in a bar above the window's
    tabs (the watcher reads its setting each time: off by default)."""
    from ytdesk.ui.clipboard_watch import ClipboardOffer, ClipboardWatch

    watch = ClipboardWatch(window.settings, window)
    if tray is not None:
        watch.offered.connect(tray.offer_link)
        return
    offer = ClipboardOffer()
    column = window.centralWidget().layout()  # type: ignore[union-attr]  # the banners, then the tabs
    column.insertWidget(1, offer)  # type: ignore[union-attr]  # MainWindow made it a QVBoxLayout
    watch.offered.connect(offer.offer)
    offer.accepted.connect(window.add_urls)


def check_tools(window: MainWindow) -> ToolCheck:
    """The daily look for a newer yt-dlp (off the GUI thread); one found is said above the
    job list."""
    from ytdesk.ui.tool_check import ToolCheck

    check = ToolCheck(window.paths, window.settings, window)
    check.updated.connect(window.tool_updated)
    check.start()
    return check


def make_tray(window: MainWindow, system: TraySystem) -> Tray:
    """The tray icon, on a desktop that has a tray (nothing else needs it)."""
    from ytdesk.ui.tray import Tray

    window.tray = Tray(window, system)
    return window.tray


def library_problem(error: BaseException, data_dir: Path):
    """The sentence for a start-up failure that is about the library or its folder (read-only,
    damaged, locked...), or None for anything else (a bug: the crash dialog)."""
    from ytdesk.core.library_health import explain

    return explain(error, Paths(data_dir))


def build_or_explain(options: Options, server: InstanceServer,
                     reporter: CrashReporter) -> Ytdesk | int:
    """build_app, or the exit code after telling the user why it could not be built: a
    library that cannot be used gets its sentence in a dialog that can open the data folder
    and restore a backup (then start-up is tried again); anything else is a crash report."""
    while True:
        try:
            return build_app(options, server, reporter)
        except Exception as error:
            problem = library_problem(error, options.data_dir)
            if problem is None:
                reporter.report_now(*sys.exc_info())
                return EXIT_FAILED
        log.warning("ytdesk cannot use its library: %s", problem.sentence)
        from ytdesk.ui.library_problem_dialog import LibraryProblemDialog

        dialog = LibraryProblemDialog(problem, Paths(options.data_dir))
        if dialog.exec() != LibraryProblemDialog.RESTORED:
            return EXIT_BAD_ENVIRONMENT
        log.info("a backup was restored; starting again")


class EventLoop:
    """asyncio on Qt's event loop (qasync), made once the window is up: importing asyncio
    and qasync takes about 16 ms, and the first frame needs neither."""

    def __init__(self, app: QApplication, reporter: CrashReporter,
                 quit_app: Callable[[], None]):
        self._app = app
        self._reporter = reporter
        self._quit_app = quit_app
        self.loop: asyncio.AbstractEventLoop | None = None
        self._wake: QTimer | None = None

    def start(self) -> None:
        if self.loop is not None:
            return
        import asyncio

        import qasync  # after PySide6, so qasync drives PySide6 and not another binding

        loop = qasync.QEventLoop(self._app, already_running=True)  # Qt's loop runs already
        asyncio.set_event_loop(loop)
        loop.set_exception_handler(self._reporter.report_async)
        self._wake = quit_on_signals(loop, self._quit_app)
        self.loop = loop

    def close(self) -> None:
        """After Qt's loop has ended: what qasync's own run_forever does on its way out.
        (Its stop() also tells Qt to exit: nothing now, but a later Qt loop in the same
        process would end at once.)"""
        if self._wake is not None:
            self._wake.stop()
        if self.loop is not None:
            import asyncio

            self.loop.stop()
            self.loop.close()
            asyncio.events._set_running_loop(None)
            asyncio.set_event_loop(None)
            self.loop = None


def quit_on_signals_in_python(quit_app: Callable[[], None]) -> None:
    """SIGTERM and Ctrl-C quit the way closing the window does, through Python's own signal
    handlers: they run when Python next gets control (soon during start-up, which is mostly
    Python) and quit from inside Qt's event loop."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: QTimer.singleShot(0, quit_app))


def quit_on_signals(loop: asyncio.AbstractEventLoop, quit_app: Callable[[], None]
                    ) -> QTimer | None:
    """SIGTERM and Ctrl-C quit the way closing the window does. Returns a timer the caller
    must keep while the app runs, where one is needed."""
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, quit_app)
        return None
    except NotImplementedError:
        pass
    # Windows: asyncio has no signal handlers there. Python runs a plain handler only when
    # it gets control back from Qt's C++ loop; the timer gives it that five times a second.
    quit_on_signals_in_python(quit_app)
    wake = QTimer(interval=200)
    wake.timeout.connect(lambda: None)
    wake.start()
    return wake


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(sys.argv[1:] if argv is None else argv)
    # Before anything imports yt-dlp (lazily, on a pool thread): the tool channel's copy,
    # if one is chosen, goes first on sys.path.
    tool_store.activate(options.data_dir)
    log_to_stderr()
    app = make_application()
    reporter = CrashReporter()
    reporter.install()
    try:
        play = checked_play(options.play)
        if isinstance(play, int):
            return play
        options = replace(options, play=play)
        server = InstanceServer(server_name(options.data_dir))
        exit_code = claim_or_hand_over(server, options.urls, play)
        if exit_code is not None:
            return exit_code

        def quit_app() -> None:
            app.closeAllWindows()  # lets the window save its geometry, as on a click
            app.quit()

        quit_on_signals_in_python(quit_app)  # until the event loop takes them over
        ytdesk = build_or_explain(options, server, reporter)
        if not isinstance(ytdesk, Ytdesk):
            server.close()
            return ytdesk
        events = EventLoop(app, reporter, quit_app)

        def start() -> None:
            try:
                events.start()  # first: a signal during what follows is then handled by it
                ytdesk.start()
                if ytdesk.tray is not None:
                    ytdesk.tray.quitRequested.connect(quit_app)
            except Exception:
                reporter.report_now(*sys.exc_info())
                app.exit(EXIT_FAILED)

        ytdesk.first_page.shown.connect(start)
        exit_code = app.exec()
        server.close()  # no hand-overs to a ytdesk that is going away
        ytdesk.close()
        events.close()
        return EXIT_OK if exit_code == EXIT_OK else EXIT_FAILED
    finally:
        reporter.uninstall()


if __name__ == "__main__":
    sys.exit(main())
