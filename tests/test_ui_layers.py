"""Widgets get rows and view models: nothing in ytdesk/ui reaches into the DB or a job's raw
payload (the UI would break, or block, the day the storage changes)."""

from __future__ import annotations

import re
from pathlib import Path

UI = Path(__file__).resolve().parents[1] / "ytdesk" / "ui"
FORBIDDEN = {
    r"\bimport peewee\b|\bfrom peewee\b": "imports peewee",
    r"ytdesk\.core\.models|from \.+core\.models|core\.models import": "imports the DB models",
    r"_meta\.database": "reaches the DB through a model",
    r"\.get_or_none\(|\.get_by_id\(|\b[A-Z]\w*\.(select|update|delete|insert)\(": "runs a query",
    r"\.payload\b": "reads a job's raw payload",
}


def test_no_widget_touches_the_db_or_a_raw_payload():
    found = []
    sources = sorted(UI.rglob("*.py"))
    assert len(sources) > 10
    for source in sources:
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
            for pattern, what in FORBIDDEN.items():
                if re.search(pattern, line):
                    found.append(f"{source.relative_to(UI)}:{number} {what}: {line.strip()}")
    assert found == []
