"""The tool channel's copies of yt-dlp and yt-dlp-ejs in the data dir, and which one runs.

Sites change weekly; an app release takes longer. So ytdesk can run a newer yt-dlp (and the
yt-dlp-ejs scripts that go with it) than the one it was built with: each updated copy is an
unpacked wheel in `tools/<name>/<version>/`, and `tools/<name>/current` (JSON, written
atomically) names the copy in use and the one before it. No pointer, or a copy that is not
there, means the bundled version: it is always the last fallback.

`activate` puts the chosen copies first on sys.path; it must run before yt-dlp is first
imported (yt-dlp is imported lazily, on a pool thread). A chosen copy that then fails to
import is dropped (`fall_back`) and the bundled one is imported instead.
No Qt and no yt-dlp here: only paths, the pointer files and sys.path.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

TOOLS = ("yt-dlp", "yt-dlp-ejs")
MODULES = {"yt-dlp": "yt_dlp", "yt-dlp-ejs": "yt_dlp_ejs"}
POINTER = "current"
CHECKED_MARK = "self-checked"  # written into a copy once its self-check passed


@dataclass(frozen=True)
class Pointer:
    current: str | None = None  # the version in use; None: the bundled one
    previous: str | None = None  # what `rollback` goes back to; None: the bundled one
    skipped: str | None = None  # rolled back from: the daily check leaves it alone

    def as_json(self) -> dict[str, str | None]:
        return {"current": self.current, "previous": self.previous, "skipped": self.skipped}


class ToolStore:
    """The `tools/` folder of one data dir."""

    def __init__(self, data_dir: Path):
        self.root = data_dir / "tools"

    def folder(self, name: str) -> Path:
        return self.root / name

    def copy(self, name: str, version: str) -> Path:
        return self.folder(name) / version

    def is_usable(self, name: str, version: str | None) -> bool:
        """A copy that passed its self-check and still has its package."""
        if not version:
            return False
        copy = self.copy(name, version)
        return ((copy / CHECKED_MARK).is_file()
                and (copy / MODULES[name] / "__init__.py").is_file())

    def pointer(self, name: str) -> Pointer:
        try:
            data = json.loads((self.folder(name) / POINTER).read_text(encoding="utf-8"))
            return Pointer(data.get("current"), data.get("previous"), data.get("skipped"))
        except (OSError, ValueError, AttributeError):
            return Pointer()  # no pointer, or a damaged one: the bundled version

    def set_pointer(self, name: str, pointer: Pointer) -> None:
        """Write the pointer so a crash leaves the old one or the new one, never half."""
        folder = self.folder(name)
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".current-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(pointer.as_json(), out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, folder / POINTER)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def chosen(self, name: str) -> Path | None:
        """The updated copy to run, or None for the bundled one."""
        current = self.pointer(name).current
        return self.copy(name, current) if current and self.is_usable(name, current) else None

    def rollback(self, name: str) -> str:
        """Go back to the copy used before (the bundled one if there was none); a sentence
        says what runs now. The copy rolled back from is kept but not picked again by the
        daily check."""
        pointer = self.pointer(name)
        if pointer.current is None:
            return (f"{name} already runs the version bundled with ytdesk; there is nothing "
                    "to roll back.")
        back = pointer.previous if pointer.previous and self.is_usable(name, pointer.previous) \
            else None
        self.set_pointer(name, Pointer(current=back, previous=None, skipped=pointer.current))
        now = f"version {back}" if back else "the version bundled with ytdesk"
        return f"{name} goes back from {pointer.current} to {now} (from the next start)."


# What `activate` put first on sys.path this process (name -> copy), and why a copy was
# dropped, if one was.
ACTIVE: dict[str, Path] = {}
FELL_BACK: list[str] = []
PLUGIN_FOLDERS: list[Path] = []  # the data dir's plugins/ folder, when it has one


def activate(data_dir: Path) -> dict[str, Path]:
    """Put the chosen updated copies first on sys.path (before yt-dlp is first imported)."""
    store = ToolStore(data_dir)
    plugins = plugins_folder(data_dir)
    if plugins.is_dir() and plugins not in PLUGIN_FOLDERS:
        PLUGIN_FOLDERS.append(plugins)
    for name in TOOLS:
        copy = store.chosen(name)
        if copy is None or name in ACTIVE:
            continue
        if MODULES[name] in sys.modules:  # too late for this process (a test, say)
            log.warning("%s was imported before its updated copy could be chosen", name)
        else:
            sys.path.insert(0, str(copy))
            ACTIVE[name] = copy
            log.info("using %s from %s", name, copy)
    return dict(ACTIVE)


def fall_back(reason: str) -> bool:
    """Drop the updated copies (one failed to import: `reason`) so the bundled ones are
    imported instead. False when no updated copy was in use (nothing to fall back to)."""
    if not ACTIVE:
        return False
    dropped = {str(path) for path in ACTIVE.values()}
    sys.path[:] = [entry for entry in sys.path if entry not in dropped]
    for module in list(sys.modules):
        if module.split(".")[0] in MODULES.values():
            del sys.modules[module]
    names = ", ".join(sorted(ACTIVE))
    ACTIVE.clear()
    sentence = (f"The updated {names} could not be loaded ({reason}); ytdesk uses the version "
                "bundled with it. Run `ytdesk-cli tools update` to fetch a fresh copy.")
    FELL_BACK.append(sentence)
    log.info("%s", sentence)  # shown by whoever asked (the CLI's stderr, the About box)
    return True


def plugins_folder(data_dir: Path) -> Path:
    """yt-dlp plugins (e.g. PO-token providers) the user puts here are loaded by ytdesk's
    yt-dlp: each a folder holding `yt_dlp_plugins/`, or a .zip/.whl of one."""
    return data_dir / "plugins"


def import_or_fall_back(module: str):
    """`importlib.import_module(module)`; if an updated copy breaks the import, the bundled
    copies are imported instead (and `FELL_BACK` says so)."""
    import importlib

    try:
        return importlib.import_module(module)
    except Exception as error:
        if not fall_back(f"{type(error).__name__}: {error}".splitlines()[0]):
            raise
    return importlib.import_module(module)


def bundled_version(name: str) -> str | None:
    """The version of `name` ytdesk was built with (read from its package metadata, outside
    the tools folder), without importing it."""
    from importlib import metadata

    ours = {str(path) for path in ACTIVE.values()}
    search = [entry for entry in sys.path if entry not in ours and "/tools/" + name not in
              entry.replace(os.sep, "/")]
    for distribution in metadata.distributions(name=name, path=search):
        return distribution.version
    return None
