"""`ytdesk-cli jobs --json` on 100,000 jobs (it took 5 s and 478 MB when every row was built
first), against Python's sqlite3 writing the same rows as JSON (`SELECT json_object(...)`)
in the same run: time and peak memory of each process, and their ratios.

Run on purpose: `make bench` (or pytest -s tests/benchmarks/test_bench_cli_listing.py).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from report import report
from support import subprocess_env

from ytdesk.core import jobstore
from ytdesk.core.models import Job

N = 100_000
ROUNDS = 3

# The same rows and fields as `jobs --json`, made by SQLite itself: the floor for any
# listing of this table from Python.
BASELINE = r"""
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
rows = con.execute(
    "SELECT json_object('id', id, 'kind', kind, 'status', status, 'url', url, "
    "'title', title, 'priority', CASE priority WHEN 10 THEN 'high' WHEN 0 THEN 'normal' "
    "WHEN -10 THEN 'low' ELSE priority END, 'attempts', attempts, 'progress', progress, "
    "'error', error, 'parent_id', parent_id, "
    "'created_at', strftime('%Y-%m-%dT%H:%M:%S+00:00', created_at, 'unixepoch'), "
    "'finished_at', strftime('%Y-%m-%dT%H:%M:%S+00:00', finished_at, 'unixepoch')) "
    "FROM job ORDER BY id")
out = sys.stdout
out.write("[")
first = True
for (row,) in rows:
    out.write(row if first else ",\n" + row)
    first = False
out.write("]\n")
"""
# Each process says its own peak at the end (VmHWM: this program's memory only, not what
# the forking test process had when it started it, which ru_maxrss of a child counts).
PEAK = ("\nout.flush()\nsys.stderr.write([l for l in open('/proc/self/status') "
        "if l.startswith('VmHWM')][0])\n")
OURS = ("import sys\nfrom ytdesk.cli import main\ncode = main(sys.argv[1:])\nout = sys.stdout"
        + PEAK + "sys.exit(code)\n")


def _measure(command: list[str], output: Path) -> tuple[float, float]:
    """Wall time (s) and peak memory (MB) of one process writing to `output`."""
    with output.open("w") as out:
        start = time.perf_counter()
        done = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, text=True,
                              env=subprocess_env(), check=True)
        elapsed = time.perf_counter() - start
    peak_kb = int(done.stderr.rsplit("VmHWM:", 1)[1].split()[0])
    return elapsed, peak_kb / 1024


@pytest.mark.timeout(1800)
def test_jobs_json_on_100000_jobs_against_sqlite_json(home, tmp_path):
    jobstore.add_jobs([jobstore.NewJob("download", f"https://example.com/watch?v={i:06d}",
                                       {}, title=f"A video with a fairly ordinary title {i}")
                       for i in range(N)])
    Job.update(status="failed", progress=0.5, attempts=5, finished_at=Job.created_at + 60,
               error="The site says there is nothing at this address (HTTP 404): the video "
                     "may have been removed.").where(Job.id % 10 == 0).execute()
    home.db.close()
    ours_cmd = [sys.executable, "-c", OURS, "--data-dir", str(home.paths.data_dir), "jobs",
                "--json"]
    base_cmd = [sys.executable, "-c", BASELINE + PEAK, str(home.paths.database)]
    ours_out, base_out = tmp_path / "ours.json", tmp_path / "sqlite.json"

    # The same command listing nothing (no job has succeeded): what ytdesk-cli costs
    # before the first row, so what the 100,000 rows add is seen apart.
    empty_cmd = [*ours_cmd, "--status", "succeeded"]

    ours, base, empty = [], [], []
    for _ in range(ROUNDS):  # alternate, so drift on a shared machine hits both alike
        ours.append(_measure(ours_cmd, ours_out))
        base.append(_measure(base_cmd, base_out))
        empty.append(_measure(empty_cmd, tmp_path / "empty.json"))

    shown = json.loads(ours_out.read_text())
    assert len(shown) == N and shown == json.loads(base_out.read_text())  # the same rows

    ours_s = statistics.median(t for t, _ in ours)
    base_s = statistics.median(t for t, _ in base)
    ours_mb = statistics.median(m for _, m in ours)
    base_mb = statistics.median(m for _, m in base)
    empty_mb = statistics.median(m for _, m in empty)
    report("cli_jobs_json_100000", ours_s=ours_s, sqlite_json_s=base_s,
           time_ratio=ours_s / base_s, ours_peak_mb=ours_mb, sqlite_json_peak_mb=base_mb,
           rss_ratio=ours_mb / base_mb, ours_listing_nothing_peak_mb=empty_mb,
           ours_s_listing_nothing=statistics.median(t for t, _ in empty),
           output_mb=ours_out.stat().st_size / 2**20)
