"""The doctor: does each part ytdesk needs actually run here? One result per part: ok or not,
its version, and for a failure one sentence of what is wrong and how to fix it.

Programs are run with fixed argument lists (`ffmpeg -version`, `deno --version`), never with
user text. Slow (seconds: it imports yt-dlp and starts three programs): run it off the GUI
thread."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from ytdesk.core import tool_store
from ytdesk.core.paths import Paths

from . import ffmpeg, options, versions

REINSTALL = "reinstall ytdesk (or the package that provides it) to get it back"


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    version: str = ""
    problem: str = ""  # for a failure: what is wrong and how to fix it, one sentence

    def line(self) -> str:
        state = "ok  " if self.ok else "FAIL"
        text = f"{state}  {self.name:<20} {self.version}".rstrip()
        return f"{text}\n      {self.problem}" if self.problem else text


def _program(name: str, path: str | None, version_of: Callable[[str | None], str | None],
             where: str) -> Finding:
    if path is None:
        return Finding(name, False, problem=f"{name} was not found ({where}); {REINSTALL}.")
    version = version_of(path)
    if version is None:
        return Finding(name, False, problem=f"{name} at {path} does not run (asked its version, "
                       f"it gave none); {REINSTALL}.")
    return Finding(name, True, version)


def check_ffmpeg(tool: str) -> Finding:
    folder = ffmpeg.folder()
    where = f"looked in {folder}" if folder else "no folder of bundled binaries"
    return _program(tool, ffmpeg.find(tool), ffmpeg.version_of, where)


def check_deno() -> Finding:
    return _program("deno", options.find_deno(), versions.deno_version_of,
                    "the deno package gave no binary")


def check_yt_dlp() -> Finding:
    from . import self_check

    try:
        version = versions.yt_dlp_version()
        problems = self_check.check([])
    except Exception as error:
        return Finding("yt-dlp", False, problem=(
            f"yt-dlp does not load ({type(error).__name__}: {error}); run `ytdesk-cli tools "
            "rollback` or `ytdesk-cli tools update`, or reinstall ytdesk.").splitlines()[0])
    copy = versions.copy_in_use("yt-dlp")
    if problems:
        return Finding("yt-dlp", False, f"{version} ({copy})", (
            f"yt-dlp failed its self-check ({problems[0]}); run `ytdesk-cli tools rollback` "
            "or `ytdesk-cli tools update`."))
    return Finding("yt-dlp", True, f"{version} ({copy})")


def check_solver(deno: Finding) -> Finding:
    """YouTube's challenges need both deno and yt-dlp-ejs's scripts."""
    name = "JS challenge solver"
    version = versions.ejs_version()
    if version == versions.NOT_FOUND:
        return Finding(name, False, problem="yt-dlp-ejs is missing, so YouTube's challenges "
                       f"cannot be solved; run `ytdesk-cli tools update` or {REINSTALL}.")
    try:
        solver = tool_store.import_or_fall_back("yt_dlp_ejs.yt.solver")
        ready = bool(solver.core().strip() and solver.lib().strip())
    except (ImportError, OSError):
        ready = False
    label = f"yt-dlp-ejs {version} ({versions.copy_in_use('yt-dlp-ejs')})"
    if not ready:
        return Finding(name, False, label, "yt-dlp-ejs's solver scripts are missing, so "
                       f"YouTube's challenges cannot be solved; {REINSTALL}.")
    if not deno.ok:
        return Finding(name, False, label, "no working deno, so YouTube's challenges cannot "
                       f"be solved; {REINSTALL}.")
    return Finding(name, True, f"{label}, deno {deno.version}")


def check_data_dir(paths: Paths) -> Finding:
    name = "data folder"
    try:
        paths.data_dir.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=paths.data_dir, prefix=".doctor-")
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        return Finding(name, False, str(paths.data_dir), (
            f"ytdesk cannot write in {paths.data_dir} ({error.strerror or error}); make it "
            "writable for your user, or start with --data-dir pointing at another folder."))
    return Finding(name, True, str(paths.data_dir))


def check_library(paths: Paths) -> Finding:
    from ytdesk.core.library_health import LibraryProblem, open_library

    name = "library"
    if not paths.database.exists():
        return Finding(name, True, "not made yet (the first start makes it)")
    try:
        opened = open_library(paths, reading=True, migrate=False)
    except LibraryProblem as problem:
        return Finding(name, False, str(paths.database), problem.sentence)
    opened.db.close()
    return Finding(name, True, str(paths.database))


def check_plugins(data_dir: Path) -> Finding:
    folder = tool_store.plugins_folder(data_dir)
    found = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    text = f"{folder} ({len(found)} installed)" if folder.is_dir() else f"{folder} (none)"
    return Finding("plugins folder", True, text)


def examine(paths: Paths) -> list[Finding]:
    """Every check, in the order a person would fix things."""
    deno = check_deno()
    return [check_ffmpeg("ffmpeg"), check_ffmpeg("ffprobe"), deno, check_yt_dlp(),
            check_solver(deno), check_data_dir(paths), check_library(paths),
            check_plugins(paths.data_dir)]


def as_json(findings: list[Finding]) -> dict:
    return {"ok": all(f.ok for f in findings), "components": [asdict(f) for f in findings]}
