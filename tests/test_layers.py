"""Imports point down only: ui -> jobs -> ytdl -> core (cli beside ui; app on top). core never
loads Qt, only ytdl imports yt_dlp, and the window starts without paying for yt-dlp.

Every import statement counts, also one inside a function or under TYPE_CHECKING: the rule is
about which package may depend on which. So jobs importing ytdesk.ytdl inside a function (on
a pool thread, as the job kinds and the preview do) is fine, and ui importing yt_dlp is not,
wherever it stands."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import subprocess_env

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ytdesk"

# What each part of ytdesk may import from ytdesk (itself included). `ytdesk` alone is the
# package's __init__ (its version), which anyone may read.
MAY_IMPORT = {
    "core": {"core"},
    "ytdl": {"ytdl", "core"},
    "jobs": {"jobs", "ytdl", "core"},
    "ui": {"ui", "jobs", "ytdl", "core"},
    "cli": {"cli", "jobs", "ytdl", "core"},
    "app": {"app", "ui", "cli", "jobs", "ytdl", "core"},
    "__main__": {"app", "cli"},  # `python -m ytdesk` is the CLI
}
# Outside libraries only some parts may import (a prefix names a package and its modules).
ONLY_IN = {
    "yt_dlp": {"ytdl"},
    "yt_dlp_plugins": {"ytdl"},
    "PySide6.QtWidgets": {"ui", "app"},
    "PySide6.QtGui": {"ui", "app"},
    "PySide6": {"jobs", "ui", "cli", "app"},  # core and ytdl stay Qt-free
    "shiboken6": {"jobs", "ui", "cli", "app"},
    "peewee": {"core", "cli", "app", "jobs"},  # widgets get rows, never the DB
    "qasync": {"app"},
}


@dataclass(frozen=True)
class Import:
    source: Path
    line: int
    target: str  # absolute dotted name


def part_of(module: str) -> str | None:
    """The part a ytdesk module belongs to: "core", "ui"... ("ytdesk" itself: None)."""
    names = module.split(".")
    if names[0] != "ytdesk" or len(names) == 1:
        return None
    if names[1].startswith("cli_"):  # cli_channels.py...: the CLI's commands, beside cli.py
        return "cli"
    return names[1]


def module_name(source: Path) -> str:
    relative = source.relative_to(ROOT).with_suffix("")
    names = list(relative.parts)
    if names[-1] == "__init__":
        names.pop()
    return ".".join(names)


def imports_in(source: Path) -> list[Import]:
    """Every import in a file, at any depth, as absolute names (relative ones resolved), plus
    importlib.import_module("...") with a literal name."""
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    package = module_name(source).split(".")
    if source.name != "__init__.py":
        package.pop()
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(source, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if node.module is None or node.level:
                # `from . import runner` imports the module ytdesk.jobs.runner
                found += [Import(source, node.lineno, f"{module}.{alias.name}".strip("."))
                          for alias in node.names]
            else:
                found.append(Import(source, node.lineno, module))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append(Import(source, node.lineno, node.args[0].value))
    return found


def sources() -> list[Path]:
    found = sorted(PACKAGE.rglob("*.py"))
    assert len(found) > 40
    return found


def where(item: Import) -> str:
    return f"{item.source.relative_to(ROOT)}:{item.line}"


def broken_rules(items: list[Import]) -> list[str]:
    broken = []
    for item in items:
        part = part_of(module_name(item.source))
        if part is None:  # ytdesk/__init__.py: the version only
            if item.target.startswith("ytdesk"):
                broken.append(f"{where(item)}: the package's __init__ imports {item.target}")
            continue
        target_part = part_of(item.target) if item.target.startswith("ytdesk.") else None
        if target_part is not None and target_part not in MAY_IMPORT[part]:
            broken.append(f"{where(item)}: {part} imports {item.target} ({target_part} is "
                          f"above it or beside it)")
        for prefix, parts in ONLY_IN.items():
            if (item.target == prefix or item.target.startswith(prefix + ".")) \
                    and part not in parts:
                broken.append(f"{where(item)}: {part} imports {item.target}")
                break
    return broken


def test_every_part_imports_only_what_is_below_it():
    items = [item for source in sources() for item in imports_in(source)]
    assert {part_of(module_name(s)) for s in sources()} == set(MAY_IMPORT) | {None}
    assert broken_rules(items) == []


@pytest.mark.parametrize("code, line, broken", [
    # An upward import, even inside a function, is found and named.
    ("def f():\n    from ytdesk.ui.main_window import MainWindow\n", 2,
     "core imports ytdesk.ui.main_window (ui is above it or beside it)"),
    ("from ..jobs import manager\n", 1,
     "core imports ytdesk.jobs.manager (jobs is above it or beside it)"),
    ("import PySide6.QtCore\n", 1, "core imports PySide6.QtCore"),
    ("if True:\n    import yt_dlp.utils\n", 2, "core imports yt_dlp.utils"),
    ("import importlib\nimportlib.import_module('ytdesk.ytdl.engine')\n", 2,
     "core imports ytdesk.ytdl.engine (ytdl is above it or beside it)"),
])
def test_the_rules_catch_what_they_are_about(tmp_path, monkeypatch, code, line, broken):
    """The checker itself: a core module that reaches up or out is reported."""
    fake_root = tmp_path / "root"
    source = fake_root / "ytdesk" / "core" / "bad.py"
    source.parent.mkdir(parents=True)
    source.write_text(code, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", fake_root)
    assert broken_rules(imports_in(source)) == [f"ytdesk/core/bad.py:{line}: {broken}"]


def test_down_and_sideways_imports_are_allowed(tmp_path, monkeypatch):
    fake_root = tmp_path / "root"
    source = fake_root / "ytdesk" / "jobs" / "fine.py"
    source.parent.mkdir(parents=True)
    source.write_text("from PySide6.QtCore import QObject\nfrom . import worker\n"
                      "from ytdesk import __version__\n"
                      "def run():\n    from ytdesk.ytdl.engine import Engine\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", fake_root)
    assert [i.target for i in imports_in(source)] == [
        "PySide6.QtCore", "ytdesk.jobs.worker", "ytdesk", "ytdesk.ytdl.engine"]
    assert broken_rules(imports_in(source)) == []


def loaded_after_importing(modules: list[str], watched: list[str]) -> dict[str, list[str]]:
    """In a fresh interpreter, import `modules` one by one; for each, which of `watched`
    (top-level packages) were loaded once it was imported."""
    script = (
        "import importlib, json, sys\n"
        f"watched = {watched!r}\n"
        "seen = {}\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    seen[name] = sorted({m.split('.')[0] for m in sys.modules} & set(watched))\n"
        "print(json.dumps(seen))\n")
    done = subprocess.run([sys.executable, "-c", script], env=subprocess_env(), cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


QT = ["PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2"]


def test_core_and_ytdl_load_no_qt_even_through_what_they_import():
    names = [module_name(s) for s in sources()
             if part_of(module_name(s)) in ("core", "ytdl") and s.name != "__init__.py"]
    assert len(names) > 15
    loaded = loaded_after_importing(names, QT)
    # The first module after which Qt is loaded is the one that pulled it in.
    assert next(((name, qt) for name, qt in loaded.items() if qt), None) is None


def test_the_window_and_the_app_start_without_yt_dlp():
    loaded = loaded_after_importing(["ytdesk.ui.main_window", "ytdesk.app"],
                                    ["yt_dlp", "PySide6"])
    assert loaded == {"ytdesk.ui.main_window": ["PySide6"], "ytdesk.app": ["PySide6"]}
