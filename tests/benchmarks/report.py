"""Benchmarks print their figures in one format, ready for the README's table."""

from __future__ import annotations

import json
import os
from pathlib import Path

RESULTS = Path(__file__).with_name("results.json")


def report(name: str, **figures) -> None:
    """Print a figure line and keep the latest figures in results.json (not committed)."""
    shown = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                      for k, v in figures.items())
    print(f"\nBENCH {name}: {shown}", flush=True)
    stored = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    stored[name] = {**figures, "machine": f"{os.cpu_count()} cores"}
    RESULTS.write_text(json.dumps(stored, indent=2) + "\n")
