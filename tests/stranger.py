"""Another local user, for tests of what ytdesk lets them see or do (importable as
`stranger`). Made with `useradd` when the tests run as root and it works; otherwise the
tests that need one are skipped with the reason."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

NAME = "ytdesk-stranger"


@dataclass(frozen=True)
class Stranger:
    uid: int
    gid: int
    python: str  # one the other user may run (the test's own may be in root's home)

    def run(self, script: str, *args: str, **popen) -> subprocess.Popen:
        """Python running `script` as this user (no ytdesk import needed: plain sockets)."""
        return subprocess.Popen([self.python, "-c", script, *args], user=self.uid,
                                group=self.gid, extra_groups=[], cwd="/",
                                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


def get_stranger() -> Stranger:
    """The other user, made if missing; skips the test when that cannot be done."""
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("a second local user can only be made by root")
    if shutil.which("useradd") is None:
        pytest.skip("no useradd on this machine to make a second local user")
    try:
        entry = pwd.getpwnam(NAME)
    except KeyError:
        made = subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                               "/usr/sbin/nologin", NAME], capture_output=True, text=True)
        if made.returncode != 0:
            pytest.skip(f"useradd could not make a second local user: {made.stderr.strip()}")
        entry = pwd.getpwnam(NAME)
    python = _python_for_everyone()
    if python is None:
        pytest.skip("no Python that a second local user may run")
    return Stranger(entry.pw_uid, entry.pw_gid, python)


def _python_for_everyone() -> str | None:
    for candidate in (sys.executable, "/usr/bin/python3", "/usr/local/bin/python3"):
        path = Path(candidate).resolve()
        if path.is_file() and all(os.stat(folder).st_mode & 0o001
                                  for folder in [path, *path.parents]):
            return str(path)
    return None


@contextmanager
def shared_folder() -> Iterator[Path]:
    """A folder in /tmp that every user can enter (pytest's tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="ytdesk-shared-"))
    folder.chmod(0o1777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
