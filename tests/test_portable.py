"""Portable mode: a `portable` file beside the frozen executable keeps the library, its
settings and the downloads in that folder, and nothing is written anywhere else.

Unfrozen here (sys.frozen and sys.executable faked, the rest of ytdesk real); the packaging
test (test_packaging.py) checks the same with the real frozen bundle."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from ytdesk.cli import main
from ytdesk.core import paths

# Where a user's programs write: each points at an empty folder that must stay empty.
HOME_VARIABLES = ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
                  "XDG_STATE_HOME", "XDG_RUNTIME_DIR", "APPDATA", "LOCALAPPDATA", "TMPDIR")


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.fixture
def empty_homes(tmp_path, monkeypatch):
    """Every per-user folder of the environment set to an empty folder of its own."""
    homes = {}
    for name in HOME_VARIABLES:
        folder = tmp_path / "homes" / name.lower()
        folder.mkdir(parents=True)
        folder.chmod(0o700)
        monkeypatch.setenv(name, str(folder))
        homes[name] = folder
    for name in ("YTDESK_DATA_DIR", "YTDESK_DOWNLOAD_DIR"):
        monkeypatch.delenv(name, raising=False)
    return homes


@pytest.fixture
def unpacked(tmp_path, monkeypatch):
    """A frozen ytdesk's folder (faked: sys.frozen and sys.executable), not yet portable."""
    folder = tmp_path / "ytdesk-portable"
    folder.mkdir()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(folder / "ytdesk-cli"))
    return folder


def test_without_the_marker_a_frozen_app_uses_the_user_folders(unpacked, empty_homes):
    assert paths.portable_dir() is None
    assert paths.resolve_data_dir() == empty_homes["XDG_DATA_HOME"] / "ytdesk"


def test_from_source_the_marker_beside_python_is_ignored(tmp_path, monkeypatch, empty_homes):
    (tmp_path / "portable").touch()
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    assert paths.portable_dir() is None


def test_the_data_dir_and_downloads_live_beside_the_executable(unpacked, empty_homes):
    (unpacked / "portable").touch()
    assert paths.resolve_data_dir() == unpacked.resolve() / "data"
    assert paths.default_download_dir() == unpacked.resolve() / "downloads"
    # An explicit choice still wins over the marker.
    assert paths.resolve_data_dir(str(unpacked / "elsewhere")) == unpacked.resolve() / "elsewhere"


def test_a_portable_download_writes_nothing_outside_its_folder(unpacked, empty_homes, site,
                                                                 capsys):
    (unpacked / "portable").touch()

    assert main(["add", site.file_url("clip.mp4")]) == 0
    assert main(["run", "--until-idle"]) == 0
    out = capsys.readouterr().out
    assert "succeeded" in out, out

    created = files_under(unpacked)
    assert "data/library.db" in created
    assert any(name.startswith("downloads/") and name.endswith(".mp4") for name in created), \
        created
    outside = {name: files_under(folder) for name, folder in empty_homes.items()}
    assert outside == {name: [] for name in HOME_VARIABLES}, outside
    assert not os.environ.get("YTDESK_DATA_DIR")
