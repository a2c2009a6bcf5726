"""Helpers for tests (importable as `support`; conftest holds the fixtures)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ytdesk.core import db as database
from ytdesk.core import jobstore
from ytdesk.core.models import Job, JobEvent
from ytdesk.core.paths import Paths
from ytdesk.core.settings import Settings

# Tiny waits so retry and hold paths run in test time; the policy is the production one.
FAST_SETTINGS = {
    "retry_base_seconds": 0.05,
    "retry_cap_seconds": 0.2,
    "rate_limit_hold_seconds": 0.6,
    "rate_limit_hold_cap_seconds": 2.0,
    "socket_timeout": 5.0,
    # Subscriptions are synced when a test asks (tests of the scheduler turn it on), and a
    # sync's downloads make no polite pause.
    "background_sync": False,
    "site_hold_pause_seconds": 0.0,
    "tools_check_daily": False,  # tests of the tool channel turn it on, with a local index
}


@dataclass
class Home:
    """One user's ytdesk: a data dir with its DB, a download dir, settings."""

    paths: Paths
    download_dir: Path
    settings: Settings
    db: object

    def cli_args(self) -> list[str]:
        return ["--data-dir", str(self.paths.data_dir), "--download-dir", str(self.download_dir)]


def make_home(root: Path) -> Home:
    paths = Paths(root / "data").ensure()
    db = database.open_database(paths.database)
    database.migrate_up(db, paths.database, paths.backups)
    download_dir = root / "videos"
    settings = Settings({"download_dir": str(download_dir)})
    for name, value in FAST_SETTINGS.items():
        settings.set(name, value)
    return Home(paths, download_dir, settings, db)


def wait_until_idle(qtbot, manager, timeout_ms: int = 60_000) -> None:
    """Let the event loop run until no job is queued, running or waiting."""
    qtbot.waitUntil(lambda: not manager.running_ids and not jobstore.has_active_jobs(),
                    timeout=timeout_ms)


def events(job_id: int, kind: str | None = None) -> list[JobEvent]:
    query = JobEvent.select().where(JobEvent.job == job_id).order_by(JobEvent.id)
    if kind:
        query = query.where(JobEvent.kind == kind)
    return list(query)


def job(job_id: int) -> Job:
    return Job.get_by_id(job_id)


PLUGINS_DIR = Path(__file__).resolve().parent / "plugins"
CHILD_SITE_DIR = Path(__file__).resolve().parent / "child_site"  # this tree's migrations


def subprocess_env() -> dict[str, str]:
    """The environment for a ytdesk child process: offscreen, with the fake site's plugin
    and the migrations of the tree under test."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(CHILD_SITE_DIR), str(PLUGINS_DIR),
                                         env.get("PYTHONPATH", "")])
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env
