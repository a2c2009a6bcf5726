"""Where ytdesk keeps its files: one helper, so no module invents a path of its own."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from . import private

APP_NAME = "ytdesk"
# A file of this name beside the frozen executable makes the install portable: the library,
# its settings (they live in the library DB) and the downloads stay in that folder.
PORTABLE_MARKER = "portable"


@dataclass(frozen=True)
class Paths:
    """The data dir holds the library DB, per-job logs and DB backups."""

    data_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "library.db"

    @property
    def job_logs(self) -> Path:
        return self.data_dir / "logs" / "jobs"

    @property
    def app_log(self) -> Path:
        return self.data_dir / "logs" / "ytdesk.log"

    @property
    def backups(self) -> Path:
        return self.data_dir / "backups"

    @property
    def locks(self) -> Path:
        return self.data_dir / "locks"

    @property
    def cookies(self) -> Path:
        """Cookies files given for downloads, kept by a digest of their content (user-only)."""
        return self.data_dir / "cookies"

    @property
    def credentials(self) -> Path:
        """The sites' logins taken out of the addresses people added (user-only)."""
        return self.data_dir / "credentials.json"

    @property
    def sockets(self) -> Path:
        """Where the single-instance socket lives when there is no private runtime dir."""
        return self.data_dir / "run"

    @property
    def thumbnails(self) -> Path:
        """Thumbnails and channel images fetched for the browser (safe to delete)."""
        return self.data_dir / "cache" / "thumbnails"

    def job_log(self, job_id: int) -> Path:
        return self.job_logs / f"{job_id}.log"

    def ensure(self) -> Paths:
        """Make the folders, user-only (0700, files 0600: see private.py); a data dir an
        older ytdesk left open is closed here."""
        private.tighten_folder(self.data_dir, every_file=True)
        for folder in (self.data_dir / "logs", self.job_logs, self.backups, self.locks):
            private.tighten_folder(folder)
        return self


def add_location_arguments(parser) -> None:
    """--data-dir and --download-dir, worded the same for ytdesk and ytdesk-cli."""
    parser.add_argument("--data-dir", help="where the library DB and logs live "
                        "(default: $YTDESK_DATA_DIR or the user data folder)")
    parser.add_argument("--download-dir", help="where videos are saved "
                        "(default: $YTDESK_DOWNLOAD_DIR or the setting)")


def portable_dir() -> Path | None:
    """The folder of a portable install (a frozen ytdesk with a `portable` file beside its
    executable), or None. Only a frozen app: from source the executable is Python's."""
    if not getattr(sys, "frozen", False):
        return None
    folder = Path(sys.executable).resolve().parent
    return folder if (folder / PORTABLE_MARKER).is_file() else None


def resolve_data_dir(cli_value: str | None = None) -> Path:
    """--data-dir wins over $YTDESK_DATA_DIR, which wins over a portable install's own
    `data` folder, which wins over the platform's user data dir."""
    chosen = cli_value or os.environ.get("YTDESK_DATA_DIR")
    if chosen:
        return Path(chosen).expanduser().resolve()
    portable = portable_dir()
    if portable is not None:
        return portable / "data"
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_download_dir() -> Path:
    """The user's Videos folder + ytdesk, where people look for their videos first; a
    portable install's `downloads` folder beside its executable."""
    portable = portable_dir()
    if portable is not None:
        return portable / "downloads"
    return Path(platformdirs.user_videos_dir()) / APP_NAME


def download_dir_override(cli_value: str | None = None) -> Path | None:
    """--download-dir or $YTDESK_DOWNLOAD_DIR, if given; they beat the stored setting."""
    chosen = cli_value or os.environ.get("YTDESK_DOWNLOAD_DIR")
    return Path(chosen).expanduser().resolve() if chosen else None
