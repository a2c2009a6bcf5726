"""ytdesk-cli: the same queue and library as the GUI, from a terminal or a script."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ytdesk import __version__
from ytdesk.core import cookies
from ytdesk.core import db as database
from ytdesk.core import jobactions
from ytdesk.core import jobstates as st
from ytdesk.core import jobstore, library, presets
from ytdesk.core.clock import iso
from ytdesk.core.credentials import Logins, RedactingFilter
from ytdesk.core.jobstore import PRIORITIES, NewJob
from ytdesk.core.models import Job, Video
from ytdesk.core.paths import Paths, add_location_arguments, download_dir_override, resolve_data_dir
from ytdesk.core.preset_options import PresetError, options_from_json, parse_rate
from ytdesk.core.settings import Settings
from ytdesk.core.urls import check_url

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
_PRIORITY_NAMES = {value: name for name, value in PRIORITIES.items()}


def job_json(job: Job) -> dict[str, Any]:
    return {"id": job.id, "kind": job.kind, "status": job.status, "url": job.url,
            "title": job.title, "priority": _PRIORITY_NAMES.get(job.priority, job.priority),
            "attempts": job.attempts, "progress": job.progress, "error": job.error,
            "parent_id": job.parent_id, "created_at": iso(job.created_at),
            "finished_at": iso(job.finished_at)}


def video_json(video: Video) -> dict[str, Any]:
    return {"id": video.id, "extractor": video.extractor, "video_id": video.video_id,
            "title": video.title, "channel": video.channel, "duration": video.duration,
            "upload_date": video.upload_date, "filepath": video.filepath,
            "downloaded_at": iso(video.downloaded_at), "watched": bool(video.watched)}


def _say(text: str = "") -> None:
    print(text, flush=True)


def _complain(text: str) -> None:
    print(f"ytdesk-cli: {text}", file=sys.stderr, flush=True)


def _print_json(value: Any) -> None:
    _say(json.dumps(value, indent=2, ensure_ascii=False))


# -- commands ------------------------------------------------------------------------------
def cmd_add(args, paths: Paths, settings: Settings) -> int:
    inputs: list[tuple[str, str]] = [("argument", u) for u in args.urls]
    if args.from_file:
        try:
            text = Path(args.from_file).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            _complain(f"cannot read {args.from_file}: {exc.strerror or exc}")
            return EXIT_BAD_INPUT
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip() and not line.lstrip().startswith("#"):
                inputs.append((f"{args.from_file}:{number}", line))
    if not inputs:
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
    accepted, rejected = [], 0
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
            _say(f"{job_id}\t{job.url}")
    return EXIT_BAD_INPUT if rejected else EXIT_OK


def cmd_presets(args, paths: Paths, settings: Settings) -> int:
    try:
        if args.preset_action == "export":
            document = presets.export(args.names)
            Path(args.file).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
            _say(f"wrote {len(document['presets'])} to {args.file}")
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
                _say(f"added {preset.name}\t{preset.title}")
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
        _say(f"{preset.name:<{width}}  {preset.title}{marks}")
    return EXIT_OK


def cmd_run(args, paths: Paths, settings: Settings) -> int:
    from PySide6.QtCore import QCoreApplication, QTimer

    from ytdesk.jobs.manager import JobManager

    app = QCoreApplication.instance() or QCoreApplication([sys.argv[0]])
    manager = JobManager(paths, settings, concurrency=args.concurrency)
    outcome: dict[int, str] = {}
    state: dict[str, Any] = {"paused": None, "stopping": False}

    said: dict[int, str] = {}

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
        _say(f"job {job_id} {status}  {label}{detail}")
        if status in st.FINISHED:
            outcome[job_id] = status

    def on_paused(reason: str) -> None:
        state["paused"] = reason
        _complain(f"the queue is paused: {reason}")

    def stop() -> None:
        if not state["stopping"]:
            state["stopping"] = True
            app.quit()

    def on_idle() -> None:
        if args.until_idle or (state["paused"] and not manager.running_ids):
            stop()

    def on_finished(*_: object) -> None:
        if state["paused"] and not manager.running_ids:
            stop()

    def on_recovered(ids: list[int]) -> None:
        for job_id in ids:
            _say(f"job {job_id} interrupted earlier; queued again")

    manager.jobChanged.connect(on_changed)
    manager.queuePaused.connect(on_paused)
    manager.idle.connect(on_idle)
    manager.jobFinished.connect(on_finished)

    # Python runs signal handlers only when it gets control back from Qt: a timer gives it.
    wake = QTimer(interval=200)
    wake.timeout.connect(lambda: None)
    wake.start()
    previous = {signum: signal.signal(signum, lambda *_: QTimer.singleShot(0, stop))
                for signum in (signal.SIGINT, signal.SIGTERM)}
    manager.jobsRecovered.connect(on_recovered)
    try:
        manager.start()
        app.exec()
        if not manager.shutdown(timeout_s=10):
            _complain("some jobs did not stop within 10 s; they will be recovered on next start")
    finally:
        wake.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        manager.deleteLater()
    failed = [j for j, s in outcome.items() if s == st.FAILED]
    if failed or state["paused"]:
        return EXIT_FAILED
    return EXIT_OK


def cmd_jobs(args, paths: Paths, settings: Settings) -> int:
    query = Job.select().order_by(Job.id)
    if args.status:
        query = query.where(Job.status == args.status)
    if args.json:
        _print_json([job_json(j) for j in query])
        return EXIT_OK
    for job in query:
        progress = f"{job.progress * 100:5.1f}%" if job.progress is not None else "     -"
        line = f"{job.id}\t{job.status:<9}\t{job.kind}\t{progress}\t{job.title or job.url}"
        if job.error and job.status in (st.FAILED, st.WAITING, st.QUEUED):
            line += f"\t{job.error}"
        _say(line)
    return EXIT_OK


def _each_id(ids: Sequence[int], action) -> int:
    code = EXIT_OK
    for job_id in ids:
        try:
            _say(f"job {job_id} {action(job_id)}")
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
    return _each_id(args.ids, lambda i: jobactions.apply_one(jobactions.RESUME, i))


def cmd_log(args, paths: Paths, settings) -> int:
    if Job.get_or_none(Job.id == args.id) is None:
        _complain(f"There is no job {args.id}.")
        return EXIT_FAILED
    path = paths.job_log(args.id)
    if not path.exists():
        _complain(f"job {args.id} has not written a log yet (it has not run).")
        return EXIT_OK
    sys.stdout.write(path.read_text(encoding="utf-8", errors="replace"))
    sys.stdout.flush()
    return EXIT_OK


def cmd_videos(args, paths, settings) -> int:
    videos = library.search_videos(args.search, limit=args.limit)
    if args.json:
        _print_json([video_json(v) for v in videos])
        return EXIT_OK
    for video in videos:
        state = "downloaded" if video.filepath else "known"
        _say(f"{video.id}\t{state:<10}\t{video.channel or '-'}\t{video.title or video.video_id}")
    return EXIT_OK


def cmd_migrate(args, paths: Paths, db) -> int:
    if args.action == "up":
        applied = database.migrate_up(db, paths.database, paths.backups)
        result: dict[str, Any] = {"applied": applied}
        text = "applied: " + (", ".join(applied) if applied else "nothing (up to date)")
    elif args.action == "down":
        rolled = database.migrate_down(db, paths.database, paths.backups)
        result = {"rolled_back": rolled}
        text = f"rolled back: {rolled}" if rolled else "nothing to roll back"
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


# -- parsing --------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ytdesk-cli", description=(
        "Queue downloads, run the queue and look at the library ytdesk shares with its window."))
    parser.add_argument("--version", action="version", version=f"ytdesk {__version__}")
    add_location_arguments(parser)
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
                     help="exit once nothing is queued, running or waiting")
    run.add_argument("--concurrency", type=int, metavar="N")
    run.set_defaults(handler=cmd_run)

    jobs = sub.add_parser("jobs", help="list jobs")
    jobs.add_argument("--status", choices=st.STATUSES)
    jobs.add_argument("--json", action="store_true")
    jobs.set_defaults(handler=cmd_jobs)

    for name, handler, text in (("retry", cmd_retry, "queue failed or cancelled jobs again"),
                                ("cancel", cmd_cancel, "cancel jobs"),
                                ("pause", cmd_pause, "pause jobs (partial files are kept)"),
                                ("resume", cmd_resume, "resume paused jobs")):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("ids", nargs="+", type=int, metavar="ID")
        cmd.set_defaults(handler=handler)

    show_log = sub.add_parser("log", help="print a job's log")
    show_log.add_argument("id", type=int, metavar="ID")
    show_log.set_defaults(handler=cmd_log)

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

    migrate = sub.add_parser("migrate", help="show or change the DB schema version")
    migrate.add_argument("action", choices=["status", "up", "down"])
    migrate.add_argument("--json", action="store_true")
    migrate.set_defaults(handler=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())
    if args.command == "run" and args.concurrency is not None and args.concurrency < 1:
        _complain("--concurrency must be at least 1.")
        return EXIT_BAD_INPUT
    paths = Paths(resolve_data_dir(args.data_dir)).ensure()
    db = database.open_database(paths.database)
    try:
        if args.command == "migrate":
            return cmd_migrate(args, paths, db)
        database.migrate_up(db, paths.database, paths.backups)
        override = download_dir_override(args.download_dir)
        settings = Settings({"download_dir": str(override) if override else None})
        return args.handler(args, paths, settings)
    finally:
        db.close()


if __name__ == "__main__":
    sys.exit(main())
