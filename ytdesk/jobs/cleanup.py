"""The `cleanup` job (payload {"dry_run": bool}): unfinished download files no job can
resume, videos whose files are gone, old job logs and the retention rules (core/cleanup.py),
off the GUI thread; its result is one sentence and its log names every item."""

from __future__ import annotations

import logging

from ytdesk.core.cleanup import clean_up
from ytdesk.ytdl.errors import JobStopped

from .context import JobContext


def run(ctx: JobContext) -> str:
    dry_run = bool(ctx.payload.get("dry_run"))
    ctx.set_title("Clean up (dry run)" if dry_run else "Clean up")
    # Every item goes to the log file; the window is told the summary (a line per item
    # would be thousands of signals for a big library).
    report = clean_up(ctx.settings, ctx.log_path.parent, dry_run=dry_run,
                      stop=lambda: ctx.stop_reason() is not None,
                      note=lambda line: ctx.log(logging.DEBUG, line))
    stopped = ctx.stop_reason()
    if stopped:  # paused or quitting: what was removed stays removed, the rest comes next run
        raise JobStopped(stopped)
    for problem in report.problems:
        ctx.log(logging.WARNING, problem)
    return report.sentence()
