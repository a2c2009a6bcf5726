"""The `import` job: a folder of videos already downloaded (yt-dlp's names and info JSON
files) taken into the library, off the GUI thread; its log names every file left out."""

from __future__ import annotations

import logging
from pathlib import Path

from ytdesk.core.importer import import_folder
from ytdesk.ytdl.errors import CannotDownload, JobStopped

from .context import JobContext


def run(ctx: JobContext) -> str:
    folder = Path(ctx.url)
    if not folder.is_dir():
        raise CannotDownload(f"{folder} is not a folder ytdesk can read; nothing was imported.")
    ctx.set_title(f"Import {folder.name or folder}")
    report = import_folder(folder, note=lambda line: ctx.log(logging.INFO, line),
                           stop=lambda: ctx.stop_reason() is not None)
    stopped = ctx.stop_reason()
    if stopped:  # paused or quitting: what was registered stays, the rest comes next run
        raise JobStopped(stopped)
    return report.sentence()
