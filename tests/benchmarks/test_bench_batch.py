"""A batch of 100 small direct-media links: `ytdesk-cli add --from-file` + `run --until-idle`
against `yt-dlp -a` on the same list, in the same run, both as fresh processes.

Run on purpose: `make bench` (or pytest -s tests/benchmarks/test_bench_batch.py).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from report import report
from support import make_home, subprocess_env

N = 100
ROUNDS = 3


def _yt_dlp(urls: Path, out: Path, env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "yt_dlp", "-q", "--no-progress", "-a", str(urls),
                    "-P", str(out), "-o", "%(title)s [%(id)s].%(ext)s"],
                   env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def _ytdesk(urls: Path, root: Path, env: dict, concurrency: int | None) -> float:
    home = make_home(root)
    home.db.close()
    cli = [sys.executable, "-m", "ytdesk.cli", *home.cli_args()]
    run = [*cli, "run", "--until-idle"]
    if concurrency:
        run += ["--concurrency", str(concurrency)]
    start = time.perf_counter()
    subprocess.run([*cli, "add", "--from-file", str(urls)], env=env, check=True,
                   capture_output=True)
    done = subprocess.run(run, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    assert done.returncode == 0, done.stderr[-2000:]
    files = [p for p in home.download_dir.rglob("*") if p.is_file()]
    assert len(files) == N, (len(files), done.stdout[-2000:])
    return elapsed


def _links(site, tmp_path) -> Path:
    tiny = site.media["audio"]  # ~90 KB each: the per-item cost is what is measured
    for i in range(N):
        site.add_file(f"item{i:03d}.m4a", tiny)
    urls = tmp_path / "urls.txt"
    urls.write_text("\n".join(site.file_url(f"item{i:03d}.m4a") for i in range(N)) + "\n")
    return urls


def test_100_small_links_against_yt_dlp_a(site, tmp_path):
    """On loopback: every item is CPU work (yt-dlp's own ~12 ms of Python each)."""
    _compare("batch_100_links", _links(site, tmp_path), tmp_path)


def test_100_links_from_a_server_20_ms_away_against_yt_dlp_a(site, tmp_path):
    """Each answer starts 20 ms late, as from a server far away: where parallel jobs
    should pay for themselves."""
    urls = _links(site, tmp_path)
    site.set_fault("/files/", "latency", seconds=0.02)
    _compare("batch_100_links_20ms_away", urls, tmp_path)


def _compare(name: str, urls: Path, tmp_path: Path) -> None:
    env = subprocess_env()

    _yt_dlp(urls, tmp_path / "warm", env)  # page cache and .pyc files for both
    plain, one, default = [], [], []
    for n in range(ROUNDS):  # interleaved, so drift on a shared machine hits all alike
        plain.append(_yt_dlp(urls, tmp_path / f"y{n}", env))
        one.append(_ytdesk(urls, tmp_path / f"c1-{n}", env, 1))
        default.append(_ytdesk(urls, tmp_path / f"cd-{n}", env, None))
    base = statistics.median(plain)
    report(name, yt_dlp_a_s=base, ytdesk_c1_s=statistics.median(one),
           ytdesk_default_s=statistics.median(default),
           ratio_c1=statistics.median(one) / base,
           ratio_default=statistics.median(default) / base)
