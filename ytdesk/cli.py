"""ytdesk-cli: the same queue and library as the GUI, from a terminal or a script."""

from __future__ import annotations

import argparse
import codecs
import json
import logging
import shlex
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ytdesk.core import backups, cookies
from ytdesk.core import db as database
from ytdesk.core import jobactions
from ytdesk.core import jobstates as st
from ytdesk.core import jobstore, library_health, listings, presets, queuestate, tool_store
from ytdesk.core.credentials import Logins, RedactingFilter
from ytdesk.core.jobstore import PRIORITIES, NewJob
from ytdesk.core.models import Job
from ytdesk.core.paths import Paths, add_location_arguments, download_dir_override, resolve_data_dir
from ytdesk.core.preset_options import PresetError, options_from_json, parse_rate
from ytdesk.core.printable import printable
from ytdesk.core.settings import Settings
from ytdesk.core.urls import check_url

# Exit codes (the README's "When things go wrong" lists them): 0 done; 1 a job failed or
# an action was refused; 2 bad input or a library/folder that cannot be used; 3 `run`
# stopped because the queue is paused (a full disk, a folder it may not write to).
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_QUEUE_PAUSED = 0, 1, 2, 3
# The library or its folder cannot be used (read-only, damaged, locked...): fix the
# environment, then run again. The same code as bad input: both are "you must act first".
EXIT_BAD_ENVIRONMENT = 2
DONE_CHECK_MS = 1000  # how often a run that waits for some jobs looks at their state


def _say(text: str = "") -> None:
    """A line on stdout; text from outside (titles, URLs, errors) goes through `printable`
    first, field by field, so the tabs between fields stay tabs."""
    print(text, flush=True)


def _complain(text: str) -> None:
    print(f"ytdesk-cli: {printable(text)}", file=sys.stderr, flush=True)


def _print_json(value: Any) -> None:
    _say(json.dumps(value, indent=2, ensure_ascii=False))


def _resume_command(args) -> str:
    """The command that resumes this library's queue, as the user would type it."""
    where = ["--data-dir", args.data_dir] if args.data_dir else []
    return shlex.join(["ytdesk-cli", *where, "resume"])


# -- commands ------------------------------------------------------------------------------
def _lines_of(data: bytes) -> Iterator[tuple[int, str | None, str]]:
    """(number, text, why) of each line that is not blank or a comment; text is None, and
    `why` says so, for a line that is not UTF-8 (it was queued with U+FFFD before)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    for number, raw in enumerate(data.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith(b"#"):
            continue
        try:
            yield number, raw.decode("utf-8"), ""
        except UnicodeDecodeError as exc:
            yield number, None, (f"line {number} is not UTF-8 text: its byte {exc.start + 1} "
                                 f"(0x{raw[exc.start]:02x}) cannot be read. Save the file as "
                                 "UTF-8 and add that line again.")


def cmd_import(args, paths: Paths, settings: Settings) -> int:
    folder = Path(args.folder).expanduser().resolve()
    if not folder.is_dir():
        _complain(printable(f"{folder} is not a folder; nothing was queued."))
        return EXIT_BAD_INPUT
    [job_id] = jobstore.add_jobs([NewJob("import", str(folder))])
    _say(printable(f"{job_id}\timport {folder}"))
    return EXIT_OK


def cmd_cleanup(args, paths: Paths, settings: Settings) -> int:
    """Run here, not queued: the command's point is its report, which a queued job would
    only give as one sentence once some `run` reached it; the scan is local file and DB
    work (no network), the same function the job runs, and the rules that keep what an
    unfinished job can resume hold whichever process cleans up."""
    from ytdesk.core.cleanup import clean_up

    report = clean_up(settings, paths.job_logs, dry_run=args.dry_run)
    if args.json:
        _print_json(report.as_json())
        return EXIT_OK
    for category in report.categories.values():
        freed = f", {category.bytes:,} bytes" if category.bytes else ""
        _say(f"{category.label}: {category.count:,}{freed}")
        for path in category.paths:
            _say(f"\t{printable(path)}")
    for problem in report.problems:
        _complain(problem)
    _say(printable(report.sentence()))
    return EXIT_OK


def cmd_add(args, paths: Paths, settings: Settings) -> int:
    inputs: list[tuple[str, str]] = [("argument", u) for u in args.urls]
    rejected = 0
    if args.from_file:
        try:
            data = Path(args.from_file).read_bytes()
        except OSError as exc:
            _complain(f"cannot read {args.from_file}: {exc.strerror or exc}")
            return EXIT_BAD_INPUT
        for number, line, why in _lines_of(data):
            if line is None:  # like a line that is not a URL: this one is rejected
                rejected += 1
                _complain(f"rejected {args.from_file}:{number}: {why}")
            else:
                inputs.append((f"{args.from_file}:{number}", line))
    if not inputs and not rejected:
        _complain("no URL given: pass one or more URLs, or --from-file FILE.")
        return EXIT_BAD_INPUT
    payload: dict[str, Any] = {}
    try:  # a preset or an option that cannot be used queues nothing
        if args.preset is not None:
            presets.get(args.preset)
            payload["preset"] = args.preset
        overrides: dict[str, Any] = {}
        if args.audio_only or args.quality:
            overrides["quality"] = "audio" if args.audio_only else args.quality
        if args.limit_rate is not None:
            overrides["limit_rate"] = parse_rate(args.limit_rate)
        if overrides:
            options_from_json(overrides)  # checked now, not when the job runs
            payload["overrides"] = overrides
        if args.cookies is not None:  # kept user-only in the data dir; jobs get its name
            payload["cookies"] = cookies.keep(paths.cookies, Path(args.cookies).expanduser())
    except (PresetError, cookies.CookiesError) as error:
        _complain(str(error))
        return EXIT_BAD_INPUT
    if args.download_dir:
        payload["download_dir"] = str(Path(args.download_dir).expanduser().resolve())
    accepted = []
    for where, text in inputs:
        checked = check_url(text)
        if checked.ok:
            accepted.append(NewJob("download", checked.url, payload, PRIORITIES[args.priority]))
        else:
            rejected += 1
            _complain(f"rejected {where}: {checked.reason}")
    # A login in an address goes to the user-only credentials file, not into the library.
    clean = Logins(paths.credentials).take_out(job.url for job in accepted)
    accepted = [replace(job, url=url) for job, url in zip(accepted, clean, strict=True)]
    ids = jobstore.add_jobs(accepted) if accepted else []
    if args.json:
        _print_json({"queued": ids, "rejected": rejected})
    else:
        for job_id, job in zip(ids, accepted, strict=True):
            _say(f"{job_id}\t{printable(job.url)}")
    return EXIT_BAD_INPUT if rejected else EXIT_OK


def cmd_presets(args, paths: Paths, settings: Settings) -> int:
    try:
        if args.preset_action == "export":
            document = presets.export(args.names)
            Path(args.file).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
            _say(f"wrote {len(document['presets'])} to {printable(args.file)}")
            return EXIT_OK
        if args.preset_action == "import":
            try:
                document = json.loads(Path(args.file).read_text(encoding="utf-8"))
            except OSError as exc:
                _complain(f"cannot read {args.file}: {exc.strerror or exc}")
                return EXIT_BAD_INPUT
            except (UnicodeDecodeError, json.JSONDecodeError):
                _complain(f"{args.file} is not a JSON file of presets.")
                return EXIT_BAD_INPUT
            for preset in presets.import_presets(document):
                _say(f"added {printable(preset.name)}\t{printable(preset.title)}")
            return EXIT_OK
    except PresetError as error:
        _complain(str(error))
        return EXIT_BAD_INPUT
    listed = presets.all_presets()
    if args.json:
        _print_json([preset.to_json() for preset in listed])
        return EXIT_OK
    default = presets.usable(settings.get("default_preset"))
    width = max(len(preset.name) for preset in listed)
    for preset in listed:
        marks = " (default)" if preset.name == default else ""
        marks += "" if preset.builtin else " (yours)"
        _say(f"{printable(preset.name):<{width}}  {printable(preset.title)}{marks}")
    return EXIT_OK


def cmd_run(args, paths: Paths, settings: Settings) -> int:
    """Run the queue: with --until-idle, until nothing can start (nothing left to do, or the
    queue paused: exit 3); without, until stopped (Ctrl+C, SIGTERM), waiting through a
    pause for `ytdesk-cli resume` from another terminal."""
    ran = process_queue(args, paths, settings, until_idle=args.until_idle,
                        concurrency=args.concurrency)
    if ran.paused:
        return EXIT_QUEUE_PAUSED
    if any(status == st.FAILED for status in ran.outcome.values()):
        return EXIT_FAILED
    return EXIT_OK


@dataclass
class QueueRun:
    paused: str | None  # why the queue was paused when the run ended, if it was
    outcome: dict[int, str]  # the jobs that finished while it ran -> how


def process_queue(args, paths: Paths, settings: Settings, *, until_idle: bool,
                  concurrency: int | None = None,
                  done: Callable[[], bool] | None = None,
                  say: Callable[[str], None] = _say) -> QueueRun:
    """Run the queue in the foreground, saying what each job does, until it is idle
    (`until_idle`), until `done()` is true (asked as jobs end, and each second), or until
    stopped (Ctrl+C, SIGTERM). `run`, `sync` and `refresh` share it."""
    from PySide6.QtCore import QCoreApplication, QTimer

    from ytdesk.jobs.manager import JobManager

    app = QCoreApplication.instance() or QCoreApplication([sys.argv[0]])
    manager = JobManager(paths, settings, concurrency=concurrency)
    outcome: dict[int, str] = {}
    state: dict[str, Any] = {"stopping": False}

    said: dict[int, str] = {}

    def stop() -> None:
        if not state["stopping"]:
            state["stopping"] = True
            QTimer.singleShot(0, app.quit)  # also when said before the loop runs

    def on_changed(job_id: int, status: str) -> None:
        if said.get(job_id) == status:
            return  # a running job that learned its title: said already
        said[job_id] = status
        row = jobstore.outline(job_id)
        if row is None:
            return
        title, url, error, result = row
        label = title or url
        detail = f": {error}" if status in (st.FAILED, st.WAITING) and error else ""
        if status == st.SUCCEEDED and result:
            detail = f": {result}"
        say(f"job {job_id} {status}  {printable(label)}{printable(detail)}")
        if status in st.FINISHED:
            outcome[job_id] = status
        if done is not None and status in (*st.FINISHED, st.PAUSED) and done():
            stop()

    def on_paused(reason: str) -> None:
        _complain(f"the queue is paused: {reason}")
        _complain(f"once that is fixed, resume it with: {_resume_command(args)}")

    def on_resumed() -> None:
        _complain("the queue is resumed")

    def on_idle() -> None:
        if until_idle or done is not None:  # idle: what was waited for cannot move on
            stop()

    def on_recovered(ids: list[int]) -> None:
        for job_id in ids:
            say(f"job {job_id} interrupted earlier; queued again")

    manager.jobChanged.connect(on_changed)
    manager.queuePaused.connect(on_paused)
    manager.queueResumed.connect(on_resumed)
    manager.idle.connect(on_idle)

    # Python runs signal handlers only when it gets control back from Qt: a timer gives it.
    wake = QTimer(interval=200)
    wake.timeout.connect(lambda: None)
    wake.start()
    previous = {signum: signal.signal(signum, lambda *_: QTimer.singleShot(0, stop))
                for signum in (signal.SIGINT, signal.SIGTERM)}
    manager.jobsRecovered.connect(on_recovered)

    def look() -> None:  # another process (the window) may be the one running them
        if done is not None and done():
            stop()

    looking = QTimer(interval=DONE_CHECK_MS)
    looking.timeout.connect(look)
    try:
        manager.start()
        look()
        if done is not None:
            looking.start()
        app.exec()
        paused = manager.paused_reason
        if not manager.shutdown(timeout_s=10):
            _complain("some jobs did not stop within 10 s; they will be recovered on next start")
    finally:
        wake.stop()
        looking.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        manager.deleteLater()
    if paused:
        _complain("stopped because the queue is paused")
    return QueueRun(paused, outcome)


def cmd_jobs(args, paths: Paths, settings: Settings) -> int:
    rows = listings.jobs(args.status)
    if args.json:
        listings.write_json_array(rows, sys.stdout)
        sys.stdout.flush()
        return EXIT_OK
    paused = queuestate.paused_reason()
    if paused:  # why queued jobs do not start, where a person looks (stdout stays rows)
        _complain(f"the queue is paused: {paused}")
        _complain(f"once that is fixed, resume it with: {_resume_command(args)}")
    for row in rows:
        progress = f"{row['progress'] * 100:5.1f}%" if row["progress"] is not None else "     -"
        line = (f"{row['id']}\t{row['status']:<9}\t{row['kind']}\t{progress}\t"
                f"{printable(row['title'] or row['url'])}")
        if row["error"] and row["status"] in (st.FAILED, st.WAITING, st.QUEUED):
            line += f"\t{printable(row['error'])}"
        _say(line)
    return EXIT_OK


def _each_id(ids: Sequence[int], action) -> int:
    """Do `action` to each job; one line each. A job already where it was asked to go
    is nothing to do (exit 0, like `migrate up` when up to date), a refusal is exit 1."""
    code = EXIT_OK
    for job_id in ids:
        try:
            _say(f"job {job_id} {action(job_id)}")
        except st.AlreadyThere as exc:
            _say(str(exc))
        except st.TransitionError as exc:
            _complain(str(exc))
            code = EXIT_FAILED
    return code


def cmd_retry(args, paths, settings) -> int:
    return _each_id(args.ids, lambda i: jobactions.apply_one(jobactions.RETRY, i))


def cmd_cancel(args, paths, settings) -> int:
    return _each_id(args.ids, lambda i: jobactions.apply_one(jobactions.CANCEL, i))


def cmd_pause(args, paths, settings) -> int:
    return _each_id(args.ids, lambda i: jobactions.apply_one(jobactions.PAUSE, i))


def cmd_resume(args, paths, settings) -> int:
    if args.ids:
        return _each_id(args.ids, lambda i: jobactions.apply_one(jobactions.RESUME, i))
    # No ids: the queue, paused after a local failure (a runner in this or another
    # process sees the change within about a second and goes on).
    reason = queuestate.resume()
    if reason is None:
        _say("The queue is not paused; there is nothing to resume.")
    else:
        _say(f"The queue is resumed (it was paused: {printable(reason)})")
    return EXIT_OK


def cmd_log(args, paths: Paths, settings) -> int:
    if Job.get_or_none(Job.id == args.id) is None:
        _complain(f"There is no job {args.id}.")
        return EXIT_FAILED
    path = paths.job_log(args.id)
    if not path.exists():
        _complain(f"job {args.id} has not written a log yet (it has not run).")
        return EXIT_OK
    with path.open(encoding="utf-8", errors="replace", newline="\n") as lines:
        for line in lines:  # a line at a time: a log can be long
            sys.stdout.write(printable(line.removesuffix("\n")) + "\n")
    sys.stdout.flush()
    return EXIT_OK


def cmd_videos(args, paths, settings) -> int:
    rows = listings.videos(args.search, limit=args.limit)
    if args.json:
        listings.write_json_array(rows, sys.stdout)
        sys.stdout.flush()
        return EXIT_OK
    for row in rows:
        state = "downloaded" if row["filepath"] else "known"
        _say(f"{row['id']}\t{state:<10}\t{printable(row['channel'] or '-')}\t"
             f"{printable(row['title'] or row['video_id'])}")
    return EXIT_OK


def _migrate_down(args, paths: Paths, db) -> tuple[dict[str, Any], str]:
    rolled = database.migrate_down(db, paths.database, paths.backups, losing_data_ok=args.yes)
    if rolled is None:
        return {"rolled_back": None, "backup": None}, "nothing to roll back"
    backup = str(rolled.backup) if rolled.backup else None
    text = f"rolled back: {rolled.name}"
    if backup:
        text += f"; the library as it was is in {backup}"
    return {"rolled_back": rolled.name, "backup": backup}, text


def cmd_migrate(args, paths: Paths, db) -> int:
    if args.action == "up":
        applied = database.migrate_up(db, paths.database, paths.backups)
        result: dict[str, Any] = {"applied": applied}
        text = "applied: " + (", ".join(applied) if applied else "nothing (up to date)")
    elif args.action == "down":
        try:
            result, text = _migrate_down(args, paths, db)
        except database.CannotRollBack as exc:
            _complain(str(exc))
            return EXIT_BAD_INPUT
    else:
        status = database.migration_status(db)
        result = {"applied": status.applied, "pending": status.pending}
        text = "\n".join([f"applied  {n}" for n in status.applied]
                         + [f"pending  {n}" for n in status.pending])
    if args.json:
        _print_json(result)
    else:
        _say(text)
    return EXIT_OK


def cmd_backups(args, paths: Paths) -> int:
    """`migrate backups`: the copies of the library, newest first (read without opening it)."""
    found = backups.list_backups(paths.backups)
    if args.json:
        _print_json([b.as_json() for b in found])
        return EXIT_OK
    if not found:
        _complain(f"There are no backups in {paths.backups} yet.")
    for backup in found:
        when = backup.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        _say(f"{backup.name}\t{when}\t{backup.size:>10}\t{backup.schema() or '?'}")
    return EXIT_OK


def cmd_restore(args, paths: Paths) -> int:
    """`migrate restore [BACKUP]`: never opens the library first (it may be damaged)."""
    from ytdesk.jobs.liveness import library_in_use

    try:
        chosen = backups.find_backup(paths.backups, args.backup)
        done = backups.restore(paths.database, paths.backups, chosen,
                               in_use=lambda: library_in_use(paths))
    except backups.RestoreRefused as exc:
        _complain(str(exc))
        return EXIT_BAD_INPUT
    kept = f"; the library it replaced is in {done.previous}" if done.previous else ""
    if args.json:
        _print_json({"restored": str(done.backup.path),
                     "previous": str(done.previous) if done.previous else None})
    else:
        _say(f"restored {done.backup.name}{kept}")
    return EXIT_OK


# -- parsing --------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ytdesk-cli", description=(
        "Queue downloads, run the queue and look at the library ytdesk shares with its window."))
    from ytdesk import cli_tools  # here: it imports PySide6 for Qt's version

    add_location_arguments(parser)
    parser.add_argument("--version", action=cli_tools.VersionAction)
    parser.add_argument("-v", "--verbose", action="store_true", help="log more to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    add = sub.add_parser("add", help="queue one download per URL")
    add.add_argument("urls", nargs="*", metavar="URL")
    add.add_argument("--from-file", metavar="FILE", help="read URLs from FILE, one a line")
    add.add_argument("--audio-only", action="store_true")
    add.add_argument("--quality", choices=["best", "1080", "720", "480"],
                     help="cap the video's height (changes the preset for these downloads)")
    add.add_argument("--preset", metavar="NAME",
                     help="download with this preset (`presets` lists them); else the default")
    add.add_argument("--cookies", metavar="FILE",
                     help="a cookies.txt for these downloads (a copy is kept, user-only)")
    add.add_argument("--limit-rate", metavar="RATE",
                     help="at most this many bytes a second, such as 500K or 2M")
    add.add_argument("--priority", choices=list(PRIORITIES), default="normal")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=cmd_add)

    run = sub.add_parser("run", help="process the queue in the foreground")
    run.add_argument("--until-idle", action="store_true",
                     help="exit once nothing is queued, running or waiting, or once the "
                     "queue pauses (exit code 3); without it, run until stopped")
    run.add_argument("--concurrency", type=int, metavar="N")
    run.set_defaults(handler=cmd_run)

    jobs = sub.add_parser("jobs", help="list jobs")
    jobs.add_argument("--status", choices=st.STATUSES)
    jobs.add_argument("--json", action="store_true")
    jobs.set_defaults(handler=cmd_jobs)

    for name, handler, text in (("retry", cmd_retry, "queue failed or cancelled jobs again"),
                                ("cancel", cmd_cancel, "cancel jobs"),
                                ("pause", cmd_pause, "pause jobs (partial files are kept)"),
                                ("resume", cmd_resume, "resume paused jobs or, with no ID, "
                                 "the queue (paused by a full disk or a folder ytdesk may "
                                 "not write to)")):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("ids", nargs="*" if name == "resume" else "+", type=int, metavar="ID")
        cmd.set_defaults(handler=handler)

    show_log = sub.add_parser("log", help="print a job's log")
    show_log.add_argument("id", type=int, metavar="ID")
    show_log.set_defaults(handler=cmd_log)

    importing = sub.add_parser("import", help="queue a job that takes the videos already in "
                               "a folder (with yt-dlp's .info.json files) into the library")
    importing.add_argument("folder", metavar="FOLDER")
    importing.set_defaults(handler=cmd_import)

    cleanup = sub.add_parser("cleanup", help="remove unfinished download files no job can "
                             "resume and job logs older than 30 days, mark videos whose files "
                             "are gone, apply the retention rules; print what was done")
    cleanup.add_argument("--dry-run", action="store_true",
                         help="only report what would be done; change nothing")
    cleanup.add_argument("--json", action="store_true")
    cleanup.set_defaults(handler=cmd_cleanup)

    videos = sub.add_parser("videos", help="list or search the library")
    videos.add_argument("--search", metavar="TEXT")
    videos.add_argument("--limit", type=int, default=1000)
    videos.add_argument("--json", action="store_true")
    videos.set_defaults(handler=cmd_videos)

    preset_cmd = sub.add_parser("presets", help="list, export or import presets")
    preset_cmd.add_argument("--json", action="store_true")
    preset_cmd.set_defaults(handler=cmd_presets)
    preset_actions = preset_cmd.add_subparsers(dest="preset_action", metavar="ACTION")
    export = preset_actions.add_parser("export", help="write presets to a JSON file")
    export.add_argument("names", nargs="+", metavar="NAME")
    export.add_argument("file", metavar="FILE")
    load = preset_actions.add_parser("import", help="add the presets of a JSON file")
    load.add_argument("file", metavar="FILE")

    migrate = sub.add_parser("migrate", help="show or change the DB schema version; list or "
                             "restore backups of the library")
    migrate.add_argument("action", choices=["status", "up", "down", "backups", "restore"])
    migrate.add_argument("backup", nargs="?", metavar="BACKUP",
                         help="restore: the backup's name (default: the newest)")
    migrate.add_argument("--yes", action="store_true",
                         help="down: roll back even a migration that deletes data")
    migrate.add_argument("--json", action="store_true")
    migrate.set_defaults(handler=None)

    from ytdesk import cli_channels  # here: it imports this module's helpers

    cli_channels.add_commands(sub)
    cli_tools.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from ytdesk import cli_tools

    if args.command == "tools" and args.tools_action == "self-check":  # a copy, not ours
        return cli_tools.self_check([args.name, *args.folders] if args.name else [])
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())
    if args.command == "run" and args.concurrency is not None and args.concurrency < 1:
        _complain("--concurrency must be at least 1.")
        return EXIT_BAD_INPUT
    paths = Paths(resolve_data_dir(args.data_dir))
    # Before anything imports yt-dlp: the tool channel's copy, if one is chosen, goes first.
    tool_store.activate(paths.data_dir)
    if args.command == "doctor":  # it opens the library itself: a broken one is a finding
        return cli_tools.cmd_doctor(args, paths)
    if args.command == "tools" and (problem := cli_tools.check_name(args)):
        _complain(problem)
        return EXIT_BAD_INPUT
    if not args.verbose:
        # A migration that refuses says so in a sentence; its traceback is for -v.
        logging.getLogger("ytdesk.migrate").setLevel(logging.CRITICAL)
    try:
        return _with_library(args, paths)
    except library_health.LibraryProblem as problem:
        _complain(problem.sentence)
        return EXIT_BAD_ENVIRONMENT


def _only_reads(args) -> bool:
    if args.command == "migrate":
        return args.action == "status"
    from ytdesk import cli_channels

    return (args.command in ("jobs", "videos", "log", "tools")
            or cli_channels.only_reads(args))


def _with_library(args, paths: Paths) -> int:
    if args.command == "migrate" and args.action in ("backups", "restore"):
        if args.action == "backups":
            return cmd_backups(args, paths)
        return cmd_restore(args, paths)
    if args.command == "migrate" and args.backup:
        _complain(f"migrate {args.action} takes no BACKUP argument.")
        return EXIT_BAD_INPUT
    opened = library_health.open_library(paths, reading=_only_reads(args),
                                         migrate=args.command != "migrate")
    for notice in opened.notices:
        _complain(notice)
    db = opened.db
    try:
        if args.command == "migrate":
            return cmd_migrate(args, paths, db)
        override = download_dir_override(args.download_dir)
        settings = Settings({"download_dir": str(override) if override else None})
        return args.handler(args, paths, settings)
    except Exception as exc:
        problem = library_health.explain(exc, paths)
        if problem is None:
            raise
        raise problem from exc
    finally:
        db.close()


if __name__ == "__main__":
    sys.exit(main())
