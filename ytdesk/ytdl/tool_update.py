"""Updating yt-dlp and yt-dlp-ejs from the Python package index, without an app release.

One update: read the index's JSON (`<index>/<name>/json`), pick the newest wheel of the
channel (stable, or pre-release too), download it to a temporary folder while hashing it,
refuse it unless its sha256 is the one the index publishes, unpack it beside the other copies,
run a self-check of it in a separate process (a fixed command line: import, extractor count,
an offline extraction of a bundled page), and only then switch the pointer. A failure at any
step leaves the copy in use as it was and says why in one sentence.
Nothing here imports yt-dlp: the copy being checked must not be the one this process runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ytdesk.core.tool_store import CHECKED_MARK, MODULES, TOOLS, Pointer, ToolStore

DEFAULT_INDEX = "https://pypi.org/pypi"
CHANNELS = ("stable", "pre-release")
MAX_WHEEL_BYTES = 64 * 1024 * 1024  # yt-dlp's wheel is ~3 MB; anything this big is wrong
CHECK_EVERY_S = 24 * 3600
LAST_CHECK = "last-check"
NETWORK_TIMEOUT_S = 30.0
SELF_CHECK_TIMEOUT_S = 180.0


class UpdateRefused(Exception):
    """An update that was not made; the message is the sentence to show."""


@dataclass(frozen=True)
class Release:
    name: str
    version: str
    url: str
    filename: str
    sha256: str


@dataclass(frozen=True)
class Outcome:
    name: str
    version: str | None  # the version switched to; None: nothing changed
    sentence: str


# -- versions ---------------------------------------------------------------------------------
def _version_key(version: str) -> tuple[tuple[int, ...], int, tuple[int, ...]]:
    """Order of versions as the index uses them, for the forms these packages publish
    (2026.10.26, 2026.10.26.232834.dev0, 0.8.0, 1.0rc1): release numbers, then a final
    release after its pre-releases."""
    match = re.match(r"v?(\d+(?:\.\d+)*)(.*)$", version.strip().lower())
    if not match:
        return ((), 0, ())
    release = tuple(int(part) for part in match.group(1).split("."))
    while len(release) > 1 and release[-1] == 0:
        release = release[:-1]
    rest = match.group(2)
    extra = tuple(int(n) for n in re.findall(r"\d+", rest))
    return (release, 0 if rest else 1, extra)


def is_pre_release(version: str) -> bool:
    return bool(re.search(r"(a|b|rc|dev|alpha|beta|pre)", version.lower()))


def newer(version: str, than: str | None) -> bool:
    return than is None or _version_key(version) > _version_key(than)


# -- the index ----------------------------------------------------------------------------------
def _read_json(url: str) -> dict:
    try:
        with urllib.request.urlopen(url, timeout=NETWORK_TIMEOUT_S) as answer:
            return json.loads(answer.read(8 * 1024 * 1024))
    except urllib.error.HTTPError as error:
        raise UpdateRefused(f"The package index answered {error.code} for {url}; try again "
                            "later, or check the index address setting.") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise UpdateRefused(f"The package index at {url} could not be reached ({reason}); "
                            "check the connection and try again.") from None
    except ValueError:
        raise UpdateRefused(f"The package index at {url} did not answer with JSON; check the "
                            "index address setting.") from None


def latest_release(index: str, name: str, channel: str = "stable",
                   version: str | None = None) -> Release | None:
    """The newest universal wheel of `name` on `channel` (or exactly `version`)."""
    data = _read_json(f"{index.rstrip('/')}/{name}/json")
    releases = data.get("releases") or {}
    if not isinstance(releases, dict):
        releases = {}
    if not releases and isinstance(data.get("urls"), list):  # an index that lists one
        releases = {str(data.get("info", {}).get("version")): data["urls"]}
    candidates = []
    for found, files in releases.items():
        if version is not None and found != version:
            continue
        if version is None and channel != "pre-release" and is_pre_release(found):
            continue
        for file in files or []:
            filename = str(file.get("filename", ""))
            digest = (file.get("digests") or {}).get("sha256")
            if (filename.endswith("-py3-none-any.whl") and digest and not file.get("yanked")
                    and file.get("url")):
                candidates.append(Release(name, found, str(file["url"]), filename,
                                          str(digest).lower()))
                break
    if not candidates:
        return None
    return max(candidates, key=lambda release: _version_key(release.version))


def _download(release: Release, into: Path) -> Path:
    """The wheel, in `into`, after its sha256 matched the index's (else UpdateRefused)."""
    target = into / Path(release.filename).name
    digest = hashlib.sha256()
    size = 0
    try:
        with urllib.request.urlopen(release.url, timeout=NETWORK_TIMEOUT_S) as answer, \
                target.open("wb") as out:
            while chunk := answer.read(1024 * 1024):
                size += len(chunk)
                if size > MAX_WHEEL_BYTES:
                    raise UpdateRefused(f"{release.filename} is larger than "
                                        f"{MAX_WHEEL_BYTES // 2**20} MB; it was not used.")
                digest.update(chunk)
                out.write(chunk)
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise UpdateRefused(f"{release.filename} could not be downloaded ({reason}); try "
                            "again later.") from None
    if digest.hexdigest() != release.sha256:
        raise UpdateRefused(
            f"{release.filename} does not match the sha256 the package index publishes for it "
            "(it may have been damaged or tampered with on the way); it was not used and "
            "nothing changed. Try again later.")
    return target


def _unpack(wheel: Path, into: Path) -> None:
    """Unpack the wheel; a member that would land outside `into` refuses the whole wheel."""
    into.mkdir(parents=True)
    root = into.resolve()
    try:
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.infolist():
                destination = (root / member.filename).resolve()
                if not destination.is_relative_to(root) or member.filename.startswith("/"):
                    raise UpdateRefused(f"{wheel.name} holds a file outside its own folder "
                                        f"({member.filename}); it was not used.")
            archive.extractall(root)
    except zipfile.BadZipFile:
        raise UpdateRefused(f"{wheel.name} is not a wheel (a zip file); it was not used.") from None


def required_ejs(copy: Path) -> str | None:
    """The yt-dlp-ejs version a yt-dlp copy pins (its scripts are checked against it)."""
    for metadata in copy.glob("*.dist-info/METADATA"):
        text = metadata.read_text(encoding="utf-8", errors="replace")
        match = re.search(r"^Requires-Dist:\s*yt-dlp-ejs\s*==\s*([\w.]+)", text, re.MULTILINE)
        if match:
            return match.group(1)
    return None


# -- the self-check ---------------------------------------------------------------------------
def self_check_command(folders: list[Path]) -> list[str]:
    """A fixed command line (no user text): this program checking the copies in `folders`.
    Frozen, the check runs through ytdesk-cli, which sits beside both executables."""
    if getattr(sys, "frozen", False):
        cli = Path(sys.executable).with_name("ytdesk-cli" + (".exe" if sys.platform == "win32"
                                                             else ""))
        return [str(cli), "tools", "self-check", *map(str, folders)]
    return [sys.executable, "-m", "ytdesk.ytdl.self_check", *map(str, folders)]


def run_self_check(folders: list[Path], timeout_s: float = SELF_CHECK_TIMEOUT_S) -> str | None:
    """None when the copies pass; else what went wrong (the check's last line)."""
    try:
        done = subprocess.run(self_check_command(folders), capture_output=True, text=True,
                              timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        return f"it did not finish within {timeout_s:g} s"
    except OSError as error:
        return f"it could not be started ({error.strerror or error})"
    if done.returncode == 0:
        return None
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    return lines[-1] if lines else f"it ended with code {done.returncode}"


# -- updating -----------------------------------------------------------------------------------
Progress = Callable[[str], None]


class ToolChannel:
    """Updates and rollbacks for one data dir, from one package index."""

    def __init__(self, data_dir: Path, index: str = DEFAULT_INDEX, channel: str = "stable",
                 self_check: Callable[[list[Path]], str | None] = run_self_check):
        self.store = ToolStore(data_dir)
        # A mirror (or a test's local index) can be named for every process at once.
        self.index = index or os.environ.get("YTDESK_TOOLS_INDEX_URL") or DEFAULT_INDEX
        self.channel = channel if channel in CHANNELS else "stable"
        self.self_check = self_check

    def version_in_use(self, name: str) -> str | None:
        """The updated version the next start runs (None: the bundled one)."""
        pointer = self.store.pointer(name)
        return pointer.current if self.store.is_usable(name, pointer.current) else None

    def update(self, name: str, bundled: str | None, version: str | None = None,
               automatic: bool = False, say: Progress = lambda text: None) -> Outcome:
        """Fetch, verify, self-check and switch to the newest `name` (or `version`)."""
        if name not in TOOLS:
            raise UpdateRefused(f"ytdesk updates only {', '.join(TOOLS)}, not {name}.")
        release = latest_release(self.index, name, self.channel, version)
        in_use = self.version_in_use(name) or bundled
        if release is None:
            wanted = f"version {version}" if version else f"{self.channel} wheel"
            return Outcome(name, None, f"The package index has no {wanted} of {name}; "
                           f"{name} {in_use or '(bundled)'} stays.")
        pointer = self.store.pointer(name)
        if version is None and (not newer(release.version, in_use)
                                or (automatic and release.version == pointer.skipped)):
            return Outcome(name, None, f"{name} {in_use} is up to date.")
        if release.version == in_use:
            return Outcome(name, None, f"{name} {in_use} is already in use.")
        if self.store.is_usable(name, release.version):  # fetched and checked before
            return self._switch(name, release.version)
        say(f"downloading {release.filename}")
        with tempfile.TemporaryDirectory(prefix="ytdesk-wheel-") as temporary:
            wheel = _download(release, Path(temporary))
            return self._install(release, wheel, say)

    def _install(self, release: Release, wheel: Path, say: Progress) -> Outcome:
        name, version = release.name, release.version
        final = self.store.copy(name, version)
        partial = final.with_name(f".{version}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        shutil.rmtree(final, ignore_errors=True)  # an earlier copy that never passed
        try:
            _unpack(wheel, partial)
            if not (partial / MODULES[name] / "__init__.py").is_file():
                raise UpdateRefused(f"{release.filename} holds no {MODULES[name]} package; "
                                    "it was not used.")
            say(f"checking {name} {version}")
            problem = self.self_check(self._folders_with(name, partial))
            if problem is not None:
                raise UpdateRefused(f"{name} {version} failed its self-check ({problem}); "
                                    "ytdesk keeps the version it has.")
            (partial / CHECKED_MARK).write_text(time.strftime("%Y-%m-%dT%H:%M:%S%z\n"),
                                                encoding="utf-8")
            partial.rename(final)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            self._tidy(name)
            raise
        return self._switch(name, version)

    def _folders_with(self, name: str, candidate: Path) -> list[Path]:
        """The candidate, with the other tool as it would run beside it."""
        folders = [candidate]
        for other in TOOLS:
            chosen = self.store.chosen(other) if other != name else None
            if chosen is not None:
                folders.append(chosen)
        return folders

    def _switch(self, name: str, version: str) -> Outcome:
        before = self.store.pointer(name)
        self.store.set_pointer(name, Pointer(current=version, previous=before.current))
        self._tidy(name)
        was = before.current or "the bundled version"
        return Outcome(name, version, f"{name} {version} passed its self-check and is used "
                       f"from the next start (was {was}; `ytdesk-cli tools rollback` goes back).")

    def _tidy(self, name: str) -> None:
        """Keep the copy in use and the one before it; older ones only take space."""
        pointer = self.store.pointer(name)
        keep = {pointer.current, pointer.previous}
        folder = self.store.folder(name)
        if not folder.is_dir():
            return
        for copy in folder.iterdir():
            if copy.is_dir() and copy.name not in keep and not copy.name.startswith("."):
                shutil.rmtree(copy, ignore_errors=True)
        if not any(folder.iterdir()):
            folder.rmdir()

    def update_all(self, bundled: dict[str, str | None], automatic: bool = False,
                   say: Progress = lambda text: None) -> list[Outcome]:
        """yt-dlp first, then the yt-dlp-ejs version it pins (its scripts are checked
        against that version), or the newest one when it pins none."""
        outcomes = [self.update("yt-dlp", bundled.get("yt-dlp"), automatic=automatic, say=say)]
        copy = self.store.chosen("yt-dlp")
        pinned = required_ejs(copy) if copy is not None else None
        in_use = self.version_in_use("yt-dlp-ejs") or bundled.get("yt-dlp-ejs")
        if pinned is not None and pinned == in_use:
            outcomes.append(Outcome("yt-dlp-ejs", None,
                                    f"yt-dlp-ejs {in_use} is the version yt-dlp asks for."))
        else:
            outcomes.append(self.update("yt-dlp-ejs", bundled.get("yt-dlp-ejs"), pinned,
                                        automatic=automatic, say=say))
        return outcomes

    # -- the daily check --------------------------------------------------------------------
    def due(self, now: float | None = None) -> bool:
        """At most one automatic check a day (a clock set back counts as due)."""
        try:
            last = float((self.store.root / LAST_CHECK).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return True
        elapsed = (time.time() if now is None else now) - last
        return elapsed >= CHECK_EVERY_S or elapsed < 0

    def mark_checked(self, now: float | None = None) -> None:
        self.store.root.mkdir(parents=True, exist_ok=True)
        (self.store.root / LAST_CHECK).write_text(f"{time.time() if now is None else now}\n",
                                                  encoding="utf-8")

    def check_if_due(self, bundled: dict[str, str | None]) -> list[Outcome] | None:
        """The daily check: None when one ran within the day; else its outcomes (a refusal
        is an outcome too, said once and tried again tomorrow)."""
        if not self.due():
            return None
        self.mark_checked()
        try:
            return self.update_all(bundled, automatic=True)
        except UpdateRefused as refused:
            return [Outcome("yt-dlp", None, str(refused))]
