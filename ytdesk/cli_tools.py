"""ytdesk-cli's tool commands: `--version`, `doctor` and `tools status|check|update|rollback`
(the tool channel: yt-dlp and yt-dlp-ejs updated without an app release). Registered by
cli.build_parser; they print and exit as the other commands do."""

from __future__ import annotations

import argparse
import time

import PySide6
from PySide6.QtCore import qVersion

from ytdesk import __version__
from ytdesk.core import tool_store
from ytdesk.core.paths import Paths, resolve_data_dir
from ytdesk.core.printable import printable
from ytdesk.core.settings import Settings

EXIT_OK, EXIT_FAILED = 0, 1


def _say(text: str) -> None:
    print(text, flush=True)


def _complain(text: str) -> None:
    import sys

    print(f"ytdesk-cli: {printable(text)}", file=sys.stderr, flush=True)


def version_lines() -> list[str]:
    from ytdesk.ytdl.versions import tool_lines

    return [f"ytdesk {__version__}", *tool_lines(),
            f"Qt {qVersion()}, PySide6 {PySide6.__version__}"]


class VersionAction(argparse.Action):
    """`--version`: every part's version, with the yt-dlp the data dir's tool channel picks
    (so --data-dir before --version counts)."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="print the versions of ytdesk and its tools, then exit")

    def __call__(self, parser, namespace, values, _option_string=None):
        tool_store.activate(resolve_data_dir(getattr(namespace, "data_dir", None)))
        for line in version_lines():
            _say(line)
        for sentence in tool_store.FELL_BACK:
            _complain(sentence)
        parser.exit()


def _bundled() -> dict[str, str | None]:
    return {name: tool_store.bundled_version(name) for name in tool_store.TOOLS}


def _channel(args, paths: Paths, settings: Settings | None):
    from ytdesk.ytdl.tool_update import ToolChannel

    index = getattr(args, "index", None) or (settings.get("tools_index_url") if settings
                                             else None)
    channel = "pre-release" if getattr(args, "pre", False) else (
        settings.get("tools_channel") if settings else "stable")
    return ToolChannel(paths.data_dir, index or "", channel)


def cmd_doctor(args, paths: Paths) -> int:
    import json

    from ytdesk.ytdl import doctor

    findings = doctor.examine(paths)
    if args.json:
        _say(json.dumps(doctor.as_json(findings), indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            for line in finding.line().splitlines():
                _say(printable(line))
        for sentence in tool_store.FELL_BACK:
            _complain(sentence)
    return EXIT_OK if all(f.ok for f in findings) else EXIT_FAILED


def _status(channel) -> dict:
    store = channel.store
    tools = {}
    for name in tool_store.TOOLS:
        pointer = store.pointer(name)
        tools[name] = {"in_use": channel.version_in_use(name),
                       "bundled": tool_store.bundled_version(name),
                       "previous": pointer.previous, "skipped": pointer.skipped}
    try:
        last = float((store.root / "last-check").read_text(encoding="utf-8"))
        checked = time.strftime("%Y-%m-%d %H:%M", time.localtime(last))
    except (OSError, ValueError):
        checked = None
    return {"tools": tools, "last_check": checked, "index": channel.index,
            "channel": channel.channel,
            "plugins": str(tool_store.plugins_folder(store.root.parent))}


def cmd_tools(args, paths: Paths, settings: Settings | None) -> int:
    import json

    from ytdesk.ytdl.tool_update import UpdateRefused, latest_release

    channel = _channel(args, paths, settings)
    names = [args.name] if args.name else list(tool_store.TOOLS)
    try:
        if args.tools_action == "status":
            status = _status(channel)
            if args.json:
                _say(json.dumps(status, indent=2))
                return EXIT_OK
            for name, tool in status["tools"].items():
                using = tool["in_use"] or f"{tool['bundled']} (bundled)"
                back = tool["previous"] or "bundled"
                line = f"{name:<11} {using}"
                if tool["in_use"]:
                    line += f"  (bundled {tool['bundled']}; rollback goes to {back})"
                _say(line)
            _say(f"last check  {status['last_check'] or 'never'} ({status['channel']}, "
                 f"{status['index']})")
            _say(f"plugins     {status['plugins']}")
            return EXIT_OK
        if args.tools_action == "check":
            for name in names:
                found = latest_release(channel.index, name, channel.channel)
                using = channel.version_in_use(name) or tool_store.bundled_version(name)
                newest = found.version if found else "none"
                _say(f"{name:<11} in use {using}, newest {channel.channel} {newest}")
            channel.mark_checked()
            return EXIT_OK
        if args.tools_action == "update":
            if args.name:
                outcomes = [channel.update(args.name, tool_store.bundled_version(args.name),
                                           say=_say)]
            else:
                outcomes = channel.update_all(_bundled(), say=_say)
            channel.mark_checked()
            for outcome in outcomes:
                _say(outcome.sentence)
            return EXIT_OK
        # rollback
        for name in names:
            _say(channel.store.rollback(name))
        return EXIT_OK
    except UpdateRefused as refused:
        _complain(str(refused))
        return EXIT_FAILED


def self_check(folders: list[str]) -> int:
    from ytdesk.ytdl import self_check as checking

    return checking.main(folders)


def add_commands(sub) -> None:
    doctor = sub.add_parser("doctor", help="check that ffmpeg, ffprobe, deno, yt-dlp, the "
                            "JS challenge solver, the data folder and the library work here")
    doctor.add_argument("--json", action="store_true")
    doctor.set_defaults(handler=None)

    tools = sub.add_parser("tools", help="yt-dlp and yt-dlp-ejs updates without a new "
                           "ytdesk: status, check, update, rollback")
    tools.add_argument("tools_action", choices=["status", "check", "update", "rollback",
                                                "self-check"], metavar="ACTION",
                       help="status, check, update or rollback")
    tools.add_argument("name", nargs="?", metavar="NAME",
                       help="yt-dlp or yt-dlp-ejs (default: both)")
    tools.add_argument("folders", nargs="*", help=argparse.SUPPRESS)
    tools.add_argument("--pre", action="store_true",
                       help="check/update: follow pre-releases this time")
    tools.add_argument("--index", metavar="URL",
                       help="the package index's JSON API (default: the setting)")
    tools.add_argument("--json", action="store_true")
    tools.set_defaults(handler=cmd_tools)


def check_name(args) -> str | None:
    """A sentence when `tools` was given a NAME that is not a tool."""
    if args.tools_action != "self-check" and args.name and args.name not in tool_store.TOOLS:
        return f"ytdesk updates only {' and '.join(tool_store.TOOLS)}, not {args.name}."
    return None
