"""ytdesk-cli's channel commands: subscribe, unsubscribe, channels, sync, refresh and
subscriptions import/export. Registered by cli.build_parser; they print and exit as the
other commands do (cli.py's helpers and exit codes)."""

from __future__ import annotations

import argparse
import contextlib
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from ytdesk.cli import (EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, EXIT_QUEUE_PAUSED, _complain,
                        _print_json, _say, process_queue)
from ytdesk.core import channel_summary, channels, job_family
from ytdesk.core import jobstates as st
from ytdesk.core import jobstore, presets, subscription_import, subscription_videos
from ytdesk.core.channels import ChannelError
from ytdesk.core.clock import iso
from ytdesk.core.credentials import Logins
from ytdesk.core.jobstore import PRIORITIES, NewJob
from ytdesk.core.paths import Paths
from ytdesk.core.preset_options import PresetError
from ytdesk.core.printable import printable
from ytdesk.core.settings import Settings
from ytdesk.core.subscription_files import SubscriptionFileError
from ytdesk.core.urls import check_url

_TRUE, _FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")
_NUMBERS = ("min_duration_s", "max_duration_s")
_FLAGS = ("include_shorts", "include_live")


def only_reads(args) -> bool:
    """Commands that never write (a read-only library is opened read-only for them)."""
    if args.command == "channels":
        return True
    if args.command == "refresh":
        return bool(args.dry_run)
    if args.command == "subscriptions":
        return args.action == "export" or bool(args.dry_run)
    return False


# -- subscribe / unsubscribe ---------------------------------------------------------------------
def _filters_of(pairs: list[str]) -> dict[str, Any]:
    """NAME=VALUE pairs as typed values; a value that is not of its filter's type is kept as
    typed, so that channels.check_filters refuses it with its own sentence."""
    filters: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ChannelError(f"'{pair}' is not a filter; write it as NAME=VALUE, such as "
                               "max_duration_s=600. The filters are "
                               f"{', '.join(channels.FILTER_NAMES)}.")
        value: Any = text.strip()
        if name in _FLAGS and value.lower() in _TRUE + _FALSE:
            value = value.lower() in _TRUE
        elif name in _NUMBERS:
            with contextlib.suppress(ValueError):  # else refused below, in channels' words
                value = float(value)
        filters[name] = value
    return channels.check_filters(filters)


def cmd_subscribe(args, paths: Paths, settings: Settings) -> int:
    try:  # every setting is checked before anything is stored
        filters = _filters_of(args.filter or [])
        interval = channels.parse_interval(args.interval)
        backfill = channels.check_backfill(args.backfill)
        if args.preset is not None:
            presets.get(args.preset)
        folder = str(Path(args.folder).expanduser().resolve()) if args.folder else None
        if folder is not None and Path(folder).exists() and not Path(folder).is_dir():
            raise ChannelError(f"{folder} is a file, not a folder; choose a folder for this "
                               "subscription's videos.")
        followed = channels.subscribe(args.url, args.name, group=args.group or "",
                                      interval_s=interval, backfill=backfill,
                                      preset=args.preset, folder=folder, filters=filters,
                                      keep_newest=args.keep_newest,
                                      delete_watched_after_days=args.delete_watched_after)
    except (ChannelError, PresetError) as error:
        _complain(str(error))
        return EXIT_BAD_INPUT
    _say(f"{followed.id}\t{printable(followed.url)}")
    return EXIT_OK


def cmd_unsubscribe(args, paths: Paths, settings: Settings) -> int:
    try:
        followed = channels.get(args.id)
    except ChannelError as error:
        _complain(str(error))
        return EXIT_BAD_INPUT
    deleted = subscription_videos.unsubscribe(args.id, args.delete_files)
    if deleted is not None:
        _say(printable(deleted.sentence()))
        if deleted.problems:  # kept, so that running it again finishes the job
            _complain(f"still subscribed to {followed.title}: delete the files that are left, "
                      "then unsubscribe again.")
            return EXIT_FAILED
    _say(f"Unsubscribed from {printable(followed.title)}.")
    return EXIT_OK


# -- channels -----------------------------------------------------------------------------------
def _when(stamp: float | None) -> str:
    if stamp is None:
        return "never"
    return datetime.fromtimestamp(stamp).astimezone().strftime("%Y-%m-%d %H:%M")


def cmd_channels(args, paths: Paths, settings: Settings) -> int:
    listed = channel_summary.summaries()
    if args.json:
        _print_json([{"id": s.followed.id, "url": s.followed.url, "title": s.followed.title,
                      "group": s.followed.group, "enabled": s.followed.enabled,
                      "last_synced_at": iso(s.followed.last_synced_at),  # as jobs --json
                      "video_count": s.video_count, "downloaded_count": s.downloaded_count,
                      "last_error": s.followed.last_error} for s in listed])
        return EXIT_OK
    if not listed:
        _complain("You follow no channels yet; add one with: ytdesk-cli subscribe URL")
        return EXIT_OK
    rows = [("ID", "GROUP", "TITLE", "VIDEOS", "DOWNLOADED", "LAST SYNC", "STATE")]
    for s in listed:
        f = s.followed
        state = "error: " + f.last_error if f.last_error else ("on" if f.enabled else "off")
        rows.append((str(f.id), printable(f.group) or "-", printable(f.title),
                     str(s.video_count), str(s.downloaded_count), _when(f.last_synced_at),
                     printable(state)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    right = {0, 3, 4}  # numbers line up on the right
    for row in rows:
        cells = [cell.rjust(width) if i in right else cell.ljust(width)
                 for i, (cell, width) in enumerate(zip(row, widths, strict=False))]
        _say("  ".join([*cells, row[-1]]))
    return EXIT_OK


# -- sync ---------------------------------------------------------------------------------------
def cmd_sync(args, paths: Paths, settings: Settings) -> int:
    if bool(args.ids) == bool(args.all):
        _complain("name the subscriptions to sync (their ids, see `ytdesk-cli channels`), or "
                  "pass --all; not both.")
        return EXIT_BAD_INPUT
    ids = args.ids or [f.id for f in channels.all_followed() if f.enabled]
    if not ids:
        _complain("There is no enabled subscription to sync.")
        return EXIT_OK
    try:
        job_ids = channels.queue_syncs(ids, PRIORITIES["normal"])
    except ChannelError as error:
        _complain(str(error))
        return EXIT_BAD_INPUT

    def settled() -> bool:  # the syncs, and every download they queued, have ended
        return not any(s in st.ACTIVE for s in job_family.statuses(job_ids).values())

    # Other queued jobs run meanwhile too (one queue, its limits per site); the run ends
    # when these syncs and their downloads are done, and the rest waits for the next run.
    ran = process_queue(args, paths, settings, until_idle=False, done=settled)
    for subscription_id, job_id in zip(ids, job_ids, strict=True):
        outline = jobstore.outline(job_id)
        title, url, failure, result = outline if outline else (None, "", None, None)
        with contextlib.suppress(ChannelError):  # else unsubscribed meanwhile: the job's
            title = channels.get(subscription_id).title  # as the sync may have renamed it
        status = jobstore.status_of(job_id) or "gone"
        said = result if status == st.SUCCEEDED else failure
        _say(f"{subscription_id}\t{printable(title or url)}\t{status}"
             + (f": {printable(said)}" if said else ""))
    if ran.paused:
        return EXIT_QUEUE_PAUSED
    if st.FAILED in job_family.statuses(job_ids).values():
        return EXIT_FAILED
    return EXIT_OK


# -- refresh ------------------------------------------------------------------------------------
def cmd_refresh(args, paths: Paths, settings: Settings) -> int:
    from ytdesk.jobs import metadata  # yt-dlp only for this command

    if bool(args.url) == (args.channel is not None):
        _complain("refresh takes a URL or --channel ID (see `ytdesk-cli channels`), not both.")
        return EXIT_BAD_INPUT
    if args.channel is not None:
        try:
            url = channels.get(args.channel).url
        except ChannelError as error:
            _complain(str(error))
            return EXIT_BAD_INPUT
    else:
        checked = check_url(args.url)
        if not checked.ok:
            _complain(checked.reason)
            return EXIT_BAD_INPUT
        url = checked.url
    if args.dry_run:
        # In this process, not as a queued job: a dry run promises that nothing is written,
        # and a job row is a write (one a window on the same library would show, and
        # might run itself). It reads the site as the real job does, with the same code.
        return _preview(metadata, url, args, paths, settings)
    return _refresh_as_job(metadata, url, args, paths, settings)


def _warn(level: int, message: str) -> None:
    if level >= logging.WARNING:  # the entries that could not be read; yt-dlp's chatter not
        _complain(message)


def _preview(metadata, url: str, args, paths: Paths, settings: Settings) -> int:
    try:
        refreshed = metadata.preview(url, settings, log=_warn, logins=paths.credentials)
    except KeyboardInterrupt:
        _complain("stopped; nothing was written.")
        return EXIT_FAILED
    except Exception as exc:  # the site's or the network's failure, as one sentence
        from ytdesk.ytdl.errors import classify

        _complain(classify(exc).sentence)
        return EXIT_FAILED
    return _tell(refreshed or metadata.Refreshed(), args, dry_run=True, job_id=None)


def _refresh_as_job(metadata, url: str, args, paths: Paths, settings: Settings) -> int:
    # The real refresh is a `metadata` job, as in the window: it has a log (`ytdesk-cli
    # log ID`), and it keeps the queue's limits per site and its holds after a "slow
    # down" (a channel's refresh opens every video's page). It runs here, now, first.
    [clean] = Logins(paths.credentials).take_out([url])
    payload = {metadata.SUBSCRIPTION_ID: args.channel} if args.channel is not None else {}
    [job_id] = jobstore.add_jobs([NewJob("metadata", clean, payload, PRIORITIES["high"])])

    def settled() -> bool:
        return jobstore.status_of(job_id) not in st.ACTIVE

    # With --json, stdout is the JSON alone: what the job does goes to stderr.
    ran = process_queue(args, paths, settings, until_idle=False, done=settled,
                        say=_complain if args.json else _say)
    status = jobstore.status_of(job_id)
    outline = jobstore.outline(job_id)
    if ran.paused and status in st.ACTIVE:
        return EXIT_QUEUE_PAUSED
    if status != st.SUCCEEDED or outline is None:
        _complain(f"the refresh (job {job_id}) did not finish: "
                  + (outline[2] if outline and outline[2] else f"it is {status}") + ".")
        return EXIT_FAILED
    refreshed = metadata.counts_in(outline[3])
    if refreshed is None:
        _complain(f"job {job_id} finished, but its result cannot be read: {outline[3]}")
        return EXIT_FAILED
    return _tell(refreshed, args, dry_run=False, job_id=job_id)


def _tell(refreshed, args, *, dry_run: bool, job_id: int | None) -> int:
    counts = refreshed.counts
    if args.json:
        _print_json({"dry_run": dry_run, "job": job_id, **refreshed.as_json()})
        return EXIT_OK
    if dry_run:
        _say(f"would add {counts.inserted}, update {counts.updated}, leave {counts.unchanged} "
             "unchanged (dry run: nothing was written)")
    else:
        _say(f"added {counts.inserted}, updated {counts.updated}, {counts.unchanged} "
             "unchanged")
    if refreshed.unread:
        _say(f"{refreshed.unread} could not be read (see the lines above)")
    return EXIT_OK


# -- subscriptions import / export ----------------------------------------------------------------
def cmd_subscriptions(args, paths: Paths, settings: Settings) -> int:
    if args.action == "export":
        try:
            written = subscription_import.export_file(Path(args.file).expanduser())
        except subscription_import.ExportError as error:
            _complain(str(error))
            return EXIT_BAD_INPUT
        _say(f"wrote {written} subscriptions to {printable(args.file)}")
        return EXIT_OK
    try:  # the same preview as the window's, read by content whatever the file's name
        preview = subscription_import.preview_file(Path(args.file).expanduser())
    except SubscriptionFileError as error:
        _complain(str(error))
        return EXIT_BAD_INPUT
    if args.dry_run:
        for item in preview.fresh:
            _say("\t".join(["would add", printable(item.group or "-"), printable(item.title),
                            printable(item.url)]))
        _say(f"{preview.format}: would add {len(preview.fresh)}, skip "
             f"{len(preview.followed)} followed already (dry run: nothing was added)")
        return EXIT_OK
    try:
        added, skipped = channels.import_listed(preview.items)
    except ChannelError as error:
        _complain(str(error))
        return EXIT_BAD_INPUT
    for followed in added:
        _say(f"added\t{followed.id}\t{printable(followed.title)}\t{printable(followed.url)}")
    _say(f"{preview.format}: added {len(added)}, skipped {skipped} followed already")
    return EXIT_OK


# -- parsing --------------------------------------------------------------------------------
def add_commands(sub: argparse._SubParsersAction) -> None:
    """The channel commands, beside cli.py's."""
    subscribe = sub.add_parser("subscribe", help="follow a channel, playlist or feed (no "
                               "network until its first sync); prints its id")
    subscribe.add_argument("url", metavar="URL")
    subscribe.add_argument("--name", metavar="NAME", help="its title (default: the URL "
                           "until the first sync)")
    subscribe.add_argument("--group", metavar="GROUP", help="free text, such as Music")
    subscribe.add_argument("--interval", default="6h", metavar="INTERVAL",
                           help="how often it is synced: 30m, 6h, 2d (default 6h)")
    subscribe.add_argument("--backfill", default=channels.DEFAULT_BACKFILL, metavar="N|all|none",
                           help="how much of the back catalogue the first sync downloads "
                           f"(default {channels.DEFAULT_BACKFILL})")
    subscribe.add_argument("--preset", metavar="NAME", help="download with this preset")
    subscribe.add_argument("--folder", metavar="DIR", help="download into this folder")
    subscribe.add_argument("--filter", action="append", metavar="NAME=VALUE",
                           help=f"one of {', '.join(channels.FILTER_NAMES)}; repeatable")
    subscribe.add_argument("--keep-newest", type=int, metavar="N",
                           help="keep only the newest N downloads")
    subscribe.add_argument("--delete-watched-after", type=int, metavar="DAYS",
                           help="delete watched videos after DAYS days (not favourites)")
    subscribe.set_defaults(handler=cmd_subscribe)

    unsubscribe = sub.add_parser("unsubscribe", help="stop following a subscription")
    unsubscribe.add_argument("id", type=int, metavar="ID")
    unsubscribe.add_argument("--delete-files", action="store_true",
                             help="also delete the downloads no other subscription lists")
    unsubscribe.set_defaults(handler=cmd_unsubscribe)

    listing = sub.add_parser("channels", help="list subscriptions with their counts")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_channels)

    sync = sub.add_parser("sync", help="sync subscriptions now and download what is new, "
                          "in the foreground")
    sync.add_argument("ids", nargs="*", type=int, metavar="ID")
    sync.add_argument("--all", action="store_true", help="every enabled subscription")
    sync.set_defaults(handler=cmd_sync)

    refresh = sub.add_parser("refresh", help="re-read a video's, playlist's or channel's "
                             "metadata into the library (no download)")
    refresh.add_argument("url", nargs="?", metavar="URL")
    refresh.add_argument("--channel", type=int, metavar="ID",
                         help="a subscription: refresh its URL and list the videos under it")
    refresh.add_argument("--dry-run", action="store_true",
                         help="count what would change; write nothing")
    refresh.add_argument("--json", action="store_true")
    refresh.set_defaults(handler=cmd_refresh)

    subs = sub.add_parser("subscriptions", help="import or export subscription lists")
    actions = subs.add_subparsers(dest="action", metavar="ACTION", required=True)
    load = actions.add_parser("import", help="follow the channels of an OPML, NewPipe, "
                              "FreeTube or Google Takeout file (read by content)")
    load.add_argument("file", metavar="FILE")
    load.add_argument("--dry-run", action="store_true",
                      help="list what would be added; add nothing")
    save = actions.add_parser("export", help="write the subscriptions as OPML")
    save.add_argument("file", metavar="FILE")
    subs.set_defaults(handler=cmd_subscriptions, dry_run=False)
