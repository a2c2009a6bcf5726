"""Cleanup: what downloads leave behind and nobody needs any more, found and reported and,
unless it is a dry run, removed. Four kinds:

- leftovers: yt-dlp's unfinished files (`*.part`, `*.part-Frag<n>`, `*.ytdl`,
  `*.temp.<ext>`) in the download folder and every subscription's folder, that no job can
  still resume;
- missing: library videos whose file is gone are marked `missing_since` (their rows stay:
  the file may be on a drive that is not plugged in), and a video whose file came back is
  no longer marked;
- old logs: job logs (`<job id>.log`) last written more than 30 days ago;
- retention: what every subscription's retention rules delete (core/retention.py).

Which leftover is ytdesk's to remove. yt-dlp names a video's files "Title [id].ext"
(ytdesk's presets keep the "[id]"), and that id is how a leftover is told apart. One is
removed only if all of these hold:
1. it is a regular file under a download folder, reached without following a link, and
   not itself a link (nothing outside those folders is ever looked at or removed);
2. it was last written more than an hour ago (a running download writes to it all the
   time; one paused a moment ago may be resumed);
3. it is ytdesk's: what is in one of its name's "[...]" is the id of a video the library
   knows, or of a video some job was asked for (part of the job's address, or the id its
   playlist gave it). A download folder may be shared with other programs (a browser's
   "file.zip.part"): a name without "[...]", or with one ytdesk does not know, is kept;
4. no unfinished job (queued, running, waiting, paused) can resume it: none of its "[...]"
   is part of such a job's address or the id its playlist gave it, and its name does not
   start with such a job's title.
A real run makes the same plan a dry run makes and then acts on exactly that plan, so on
the same files and library it removes exactly what the dry run reported.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import jobstates as st
from . import retention
from .clock import now
from .db import transaction
from .importer import MEDIA
from .jobstore import CHUNK, chunks
from .models import Job, Subscription, Video
from .settings import Settings

LEFTOVER_QUIET_S = 3600  # a leftover written to within the last hour is never touched
LOG_AGE_S = 30 * retention.DAY_S
UNFINISHED = (st.QUEUED, st.RUNNING, st.WAITING, st.PAUSED)
_TEMP_EXTS = "|".join(sorted(ext.lstrip(".") for ext in MEDIA | {".jpg", ".png", ".webp"}))
_LEFTOVER = re.compile(r"(\.part|\.part-Frag\d+|\.ytdl|\.temp\.(" + _TEMP_EXTS + "))$",
                       re.IGNORECASE)
_BRACKETED = re.compile(r"\[([^\[\]]+)\]")
_JOB_LOG = re.compile(r"^(\d+)\.log$")
_URL_PARTS = re.compile(r"[^A-Za-z0-9_-]+")  # what separates an id from the rest of an address
DOWNLOADING_KINDS = ("download", "sync")

Stop = Callable[[], bool]


@dataclass
class Category:
    """One kind of thing cleanup found: how many, how many bytes it frees, which paths."""

    label: str
    count: int = 0
    bytes: int = 0
    paths: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"count": self.count, "bytes": self.bytes, "paths": list(self.paths)}


def _categories() -> dict[str, Category]:
    return {
        "leftovers": Category("Unfinished download files no job can resume"),
        "missing": Category("Videos whose files are gone (marked missing; kept in the library)"),
        "found_again": Category("Videos whose files are back (no longer marked missing)"),
        "old_logs": Category("Job logs older than 30 days"),
        "retention": Category("Videos the subscriptions' retention rules delete"),
    }


@dataclass
class CleanupReport:
    dry_run: bool
    categories: dict[str, Category] = field(default_factory=_categories)
    problems: list[str] = field(default_factory=list)

    def __getitem__(self, name: str) -> Category:
        return self.categories[name]

    @property
    def bytes(self) -> int:
        return sum(category.bytes for category in self.categories.values())

    @property
    def anything(self) -> bool:
        return any(category.count for category in self.categories.values())

    def as_json(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run,
                **{name: c.as_json() for name, c in self.categories.items()},
                "bytes": self.bytes, "problems": list(self.problems)}

    def sentence(self) -> str:
        c = self.categories
        verb = "Would remove" if self.dry_run else "Removed"
        mark = "would mark" if self.dry_run else "marked"
        text = (f"{verb} {_n(c['leftovers'].count, 'unfinished download file')}, "
                f"{_n(c['old_logs'].count, 'old job log')} and "
                f"{_n(c['retention'].count, 'video')} by retention "
                f"({c['leftovers'].bytes + c['old_logs'].bytes + c['retention'].bytes:,} bytes)"
                f"; {mark} {_n(c['missing'].count, 'video')} missing and "
                f"{c['found_again'].count:,} found again")
        if self.problems:
            text += f"; {_n(len(self.problems), 'item')} could not be removed: {self.problems[0]}"
        return text + "."


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


@dataclass
class Plan:
    """What a cleanup found: what a dry run reports and a real run then acts on."""

    roots: list[Path]
    logs_folder: Path
    leftovers: list[tuple[Path, int]] = field(default_factory=list)  # path, size
    missing: list[tuple[int, str]] = field(default_factory=list)  # video id, its file
    found_again: list[tuple[int, str]] = field(default_factory=list)
    old_logs: list[tuple[Path, int]] = field(default_factory=list)
    retention: list[retention.Doomed] = field(default_factory=list)


# -- finding -----------------------------------------------------------------------------------
def download_folders(settings: Settings) -> list[Path]:
    """The download folder and every subscription's own folder (one inside another once)."""
    base = settings.download_dir()
    folders = [base]
    chosen = (Subscription.select(Subscription.folder)
              .where(Subscription.folder.is_null(False)).distinct())
    for folder in chosen.scalars():
        path = Path(folder).expanduser()
        folders.append(path if path.is_absolute() else base / path)
    real = sorted({os.path.realpath(folder): folder for folder in folders}.items())
    kept: list[tuple[str, Path]] = []
    for resolved, folder in real:  # sorted: a folder comes before the ones inside it
        if not any(_inside(resolved, outer) for outer, _ in kept):
            kept.append((resolved, folder))
    return [folder for _, folder in kept]


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


@dataclass
class _Unfinished:
    """What ytdesk knows of the unfinished jobs' videos, to tell their leftovers."""

    addresses: str = ""  # every address, one a line: an id is searched in it
    entry_ids: set[str] = field(default_factory=set)
    titles: list[str] = field(default_factory=list)
    log_ids: set[int] = field(default_factory=set)

    def owns(self, name: str, ids: list[str]) -> bool:
        if any(title and name.startswith(title) for title in self.titles):
            return True
        return any(i in self.entry_ids or i in self.addresses for i in ids)


def _unfinished() -> _Unfinished:
    found = _Unfinished()
    addresses = []
    for job_id, kind, url, title, payload in (
            Job.select(Job.id, Job.kind, Job.url, Job.title, Job.payload)
            .where(Job.status.in_(UNFINISHED)).tuples().iterator()):
        found.log_ids.add(job_id)
        if kind not in DOWNLOADING_KINDS:
            continue
        addresses.append(url)
        if title:
            found.titles.append(title)
        entry_id = _entry_id(payload)
        if entry_id:
            found.entry_ids.add(entry_id)
    found.addresses = "\n".join(addresses)
    return found


def _known_ids(ids: set[str]) -> set[str]:
    """Which of these ids are ytdesk's: a library video's, or one a job was asked for."""
    known: set[str] = set()
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start:start + CHUNK]
        known.update(Video.select(Video.video_id).where(Video.video_id.in_(chunk)).scalars())
    rest = ids - known
    if rest:  # read every job only when the library does not know them all
        for url, payload in (Job.select(Job.url, Job.payload)
                             .where(Job.kind.in_(DOWNLOADING_KINDS)).tuples().iterator()):
            known.update(rest.intersection(_URL_PARTS.split(url)))
            entry_id = _entry_id(payload)
            if entry_id in rest:
                known.add(entry_id)
    return known


def _entry_id(payload: str) -> str | None:
    try:
        listed = json.loads(payload).get("from_list") or {}
        entry_id = (listed.get("entry") or {}).get("id")
    except (ValueError, AttributeError):
        return None
    return str(entry_id) if entry_id else None


def _leftover_files(root: Path, stop: Stop) -> Iterator[tuple[Path, os.stat_result]]:
    """Every regular file under `root` named like a leftover; links (to files or folders)
    are never followed."""
    for folder, dirs, files in os.walk(root):  # os.walk does not follow linked folders
        if stop():
            return
        dirs.sort()
        for name in sorted(files):
            if not _LEFTOVER.search(name):  # by name first: a stat for leftovers only
                continue
            path = Path(folder) / name
            try:
                info = path.lstat()
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                yield path, info


def find_leftovers(roots: list[Path], stop: Stop = lambda: False) -> list[tuple[Path, int]]:
    jobs = _unfinished()
    quiet_since = now() - LEFTOVER_QUIET_S
    candidates = []
    for root in roots:
        for path, info in _leftover_files(root, stop):
            ids = _BRACKETED.findall(path.name)
            if ids and info.st_mtime < quiet_since and not jobs.owns(path.name, ids):
                candidates.append((path, info.st_size, ids))
    known = _known_ids({i for _, _, ids in candidates for i in ids}) if candidates else set()
    return [(path, size) for path, size, ids in candidates if known.intersection(ids)]


def find_missing(stop: Stop = lambda: False) -> tuple[list[tuple[int, str]],
                                                      list[tuple[int, str]]]:
    """(videos whose file is gone and are not marked yet, marked videos whose file is back),
    in one pass over the downloaded videos."""
    gone, back = [], []
    query = (Video.select(Video.id, Video.filepath, Video.missing_since)
             .where(Video.filepath.is_null(False)).order_by(Video.id).tuples())
    for count, (video_id, filepath, missing_since) in enumerate(query.iterator()):
        if count % 1000 == 0 and stop():
            break
        there = os.path.exists(filepath)
        if not there and missing_since is None:
            gone.append((video_id, filepath))
        elif there and missing_since is not None:
            back.append((video_id, filepath))
    return gone, back


def find_old_logs(logs_folder: Path, keep: set[int]) -> list[tuple[Path, int]]:
    """Job logs not written for 30 days, except those of unfinished jobs (`keep`)."""
    old_before = now() - LOG_AGE_S
    try:
        names = sorted(os.listdir(logs_folder))
    except OSError:
        return []
    found = []
    for name in names:
        named = _JOB_LOG.match(name)
        if not named or int(named.group(1)) in keep:
            continue
        path = logs_folder / name
        try:
            info = path.lstat()
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode) and info.st_mtime < old_before:
            found.append((path, info.st_size))
    return found


def find(settings: Settings, logs_folder: Path, stop: Stop = lambda: False) -> Plan:
    """Look; change nothing. `logs_folder`: where the job logs are (`Paths.job_logs`)."""
    plan = Plan(roots=download_folders(settings), logs_folder=logs_folder)
    plan.leftovers = find_leftovers(plan.roots, stop)
    if not stop():
        plan.missing, plan.found_again = find_missing(stop)
    if not stop():
        plan.old_logs = find_old_logs(plan.logs_folder, _unfinished().log_ids)
    if not stop():
        plan.retention = retention.plan(None)
    return plan


# -- acting ------------------------------------------------------------------------------------
def carry_out(plan: Plan, *, dry_run: bool, stop: Stop = lambda: False,
              note: Callable[[str], None] = lambda line: None) -> CleanupReport:
    """Report the plan and, unless it is a dry run, act on exactly it; `note` gets a line for
    each item. Stopped midway, what was done stays done and is what the report says."""
    report = CleanupReport(dry_run=dry_run)
    real_roots = [os.path.realpath(root) for root in plan.roots]
    verb = "would remove" if dry_run else "removed"
    for path, size in plan.leftovers:
        if stop():
            return report
        if dry_run or _remove(path, real_roots, report):
            _add(report["leftovers"], str(path), size)
            note(f"{verb} unfinished download file {path} ({size:,} bytes)")
    for path, size in plan.old_logs:
        if stop():
            return report
        if dry_run or _remove(path, [os.path.realpath(plan.logs_folder)], report):
            _add(report["old_logs"], str(path), size)
            note(f"{verb} job log {path} ({size:,} bytes)")
    if stop():
        return report
    _mark(plan, report, dry_run, note)
    if stop():
        return report
    deleted = retention.delete(plan.retention, dry_run=dry_run)
    by_rules = report["retention"]
    by_rules.count, by_rules.bytes, by_rules.paths = deleted.videos, deleted.bytes, deleted.paths
    for item in deleted.which:
        note(f"retention ({item.reason}) {'would delete' if dry_run else 'deleted'} "
             f"video {item.video_id} {item.filepath}")
    report.problems.extend(deleted.problems)
    return report


def _mark(plan: Plan, report: CleanupReport, dry_run: bool,
          note: Callable[[str], None]) -> None:
    if not dry_run:
        stamp = now()
        with transaction():
            for chunk in chunks([video_id for video_id, _ in plan.missing]):
                (Video.update(missing_since=stamp)
                 .where(Video.id.in_(chunk) & Video.missing_since.is_null()).execute())
            for chunk in chunks([video_id for video_id, _ in plan.found_again]):
                (Video.update(missing_since=None)
                 .where(Video.id.in_(chunk) & Video.missing_since.is_null(False)).execute())
    for video_id, filepath in plan.missing:
        _add(report["missing"], filepath, 0)
        note(f"{'would mark' if dry_run else 'marked'} video {video_id} missing: "
             f"{filepath} is gone")
    for video_id, filepath in plan.found_again:
        _add(report["found_again"], filepath, 0)
        note(f"video {video_id}'s file {filepath} is back: "
             f"{'would be' if dry_run else 'is'} no longer marked missing")


def _add(category: Category, path: str, size: int) -> None:
    category.count += 1
    category.bytes += size
    category.paths.append(path)


def _remove(path: Path, real_roots: list[str], report: CleanupReport) -> bool:
    """Remove one planned file, if it still is a regular file inside one of the folders."""
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return False
    except FileNotFoundError:
        return False  # gone meanwhile: not removed by this run
    except OSError as exc:
        report.problems.append(f"{path}: {exc.strerror or exc}")
        return False
    if not any(_inside(os.path.realpath(path), root) for root in real_roots):
        return False  # a folder on the way became a link: never act outside
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        report.problems.append(f"{path}: ytdesk may not delete it ({exc.strerror or exc}); "
                               "is it open in another program?")
        return False
    return True


def clean_up(settings: Settings, logs_folder: Path, *, dry_run: bool,
             stop: Stop = lambda: False,
             note: Callable[[str], None] = lambda line: None) -> CleanupReport:
    """Find, report and (unless `dry_run`) remove; the one entry point the job, the CLI
    and the window's preview share."""
    return carry_out(find(settings, logs_folder, stop), dry_run=dry_run, stop=stop, note=note)
