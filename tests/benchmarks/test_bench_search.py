"""Library search over 100,000 videos: the median time of `library.search_videos` (what
`ytdesk-cli videos --search` and the window run) against a bare FTS5 MATCH with sqlite3 on
the same file, in the same run.

Run on purpose: `make bench` (or pytest -s tests/benchmarks/test_bench_search.py).
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import time

from report import report

from ytdesk.core import library

N = 100_000
WORDS = [
    "bread", "garden", "cooking", "travel", "music", "guitar", "piano", "review", "unboxing",
    "tutorial", "python", "painting", "running", "cycling", "chess", "history", "science",
    "space", "ocean", "mountain", "city", "night", "coffee", "camera", "drone", "build",
    "repair", "vintage"
]
QUERIES = ["bread", "gard", "music review", "pyth", "space ocean", "cycl", "vintage camera",
           "chess", "tutorial python", "night city"]


def _fill(path) -> None:
    rng = random.Random(7)
    rows = []
    for n in range(N):
        words = rng.sample(WORDS, 6)
        rows.append(("fakesite", f"v{n:06d}", "", " ".join(words[:3]).title(),
                     f"A video about {' and '.join(words[3:5])}.", f"Channel {n % 1000}",
                     words[5], 0, 0, 0.0, 0.0))
    con = sqlite3.connect(path)
    with con:  # the triggers keep the index, as for every row ytdesk writes
        con.executemany("INSERT INTO video (extractor, video_id, id_scope, title, description, "
                        "channel, tags, watched, play_position, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.close()


def _median_ms(run, rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        for text in QUERIES:
            start = time.perf_counter()
            run(text)
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def test_search_over_100000_videos(home):
    _fill(home.paths.database)
    raw = sqlite3.connect(home.paths.database)

    def bare(text: str) -> None:
        raw.execute("SELECT v.* FROM video v WHERE v.id IN (SELECT rowid FROM video_fts "
                    "WHERE video_fts MATCH ?) ORDER BY v.id DESC LIMIT 200",
                    (library.fts_query(text),)).fetchall()

    ours = _median_ms(lambda text: library.search_videos(text))
    baseline = _median_ms(bare)
    raw.close()
    report("search_100000_videos", ytdesk_median_ms=ours, bare_fts_median_ms=baseline,
           ratio=ours / baseline)
