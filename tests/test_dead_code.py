"""Dead code stays out: vulture finds nothing (run by `make lint`), and its whitelist holds
only names that something vulture cannot see really uses."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import vulture

ROOT = Path(__file__).resolve().parents[1]
WHITELIST = ROOT / "vulture_whitelist.py"


def whitelisted() -> list[str]:
    tree = ast.parse(WHITELIST.read_text(encoding="utf-8"))
    names = [node.value.attr for node in tree.body
             if isinstance(node, ast.Expr) and isinstance(node.value, ast.Attribute)]
    assert len(names) == len(tree.body) - 1  # all but the docstring are `_.name` lines
    return names


def reported(paths: list[str]) -> set[str]:
    finder = vulture.Vulture()
    finder.scavenge([str(ROOT / path) for path in paths])
    return {item.name for item in finder.get_unused_code()}


def test_nothing_is_dead_and_every_whitelist_entry_is_still_needed():
    paths = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["vulture"]["paths"]
    assert "vulture_whitelist.py" in paths
    assert reported(paths) == set()
    without_whitelist = reported([path for path in paths if path != "vulture_whitelist.py"])
    names = whitelisted()
    assert len(names) == len(set(names)) > 30
    assert [name for name in names if name not in without_whitelist] == []
