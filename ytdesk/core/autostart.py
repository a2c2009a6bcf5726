"""Start ytdesk when the user logs in: the one entry each system reads at login, written or
removed here (no Qt). Linux and other XDG desktops: a .desktop file in the autostart folder;
macOS: a LaunchAgent plist; Windows: a value under HKCU's Run key. Each starts
`ytdesk --minimized`, the running executable when frozen (PyInstaller), else the `ytdesk`
entry point.

Where things are written is injected (the folder, the registry), so every platform's content
is tested on any platform; the real registry is only touched on Windows."""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

APP_NAME = "ytdesk"
MINIMIZED = "--minimized"
DESKTOP_FILE = "ytdesk.desktop"
LAUNCH_AGENT = "org.ytdesk.ytdesk"  # the plist's Label, and its file name
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE = "ytdesk"


class AutostartError(OSError):
    """Starting with the system could not be turned on or off; the message says why."""


def launch_command(frozen: bool | None = None, executable: str | None = None,
                   which: Callable[[str], str | None] = shutil.which) -> list[str]:
    """What starts ytdesk minimised: the bundle's executable when frozen, else the `ytdesk`
    entry point (next to this Python first: a venv's is not on the login session's PATH),
    else this Python running the package."""
    frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    executable = executable or sys.executable
    if frozen:
        return [executable, MINIMIZED]
    beside = Path(executable).with_name("ytdesk.exe" if os.name == "nt" else "ytdesk")
    if beside.is_file():
        return [str(beside), MINIMIZED]
    found = which("ytdesk")
    if found:
        return [found, MINIMIZED]
    return [executable, "-m", "ytdesk", MINIMIZED]


# -- Linux and other XDG desktops ---------------------------------------------------------------
def xdg_autostart_dir(environ: dict[str, str] | None = None) -> Path:
    environ = dict(os.environ) if environ is None else environ
    config = environ.get("XDG_CONFIG_HOME") or ""
    base = Path(config) if config and Path(config).is_absolute() else Path.home() / ".config"
    return base / "autostart"


def _desktop_quote(argument: str) -> str:
    """One Exec argument, quoted as the Desktop Entry spec says (and '%' doubled: a lone
    one is a field code)."""
    argument = argument.replace("%", "%%")
    if argument and not any(c in argument for c in ' \t\n"\'\\><~|&;$*?#()`'):
        return argument
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in argument)
    return f'"{escaped}"'


def desktop_entry(command: Sequence[str]) -> str:
    # The spec also escapes backslashes once more in a string value: Exec is one.
    exec_line = " ".join(_desktop_quote(arg) for arg in command).replace("\\", "\\\\")
    return ("[Desktop Entry]\n"
            "Type=Application\n"
            f"Name={APP_NAME}\n"
            "Comment=Keep subscribed channels up to date in the background\n"
            f"Exec={exec_line}\n"
            f"Icon={APP_NAME}\n"
            "Terminal=false\n"
            "X-GNOME-Autostart-enabled=true\n")


# -- macOS ----------------------------------------------------------------------------------------
def launch_agents_dir(home: Path | None = None) -> Path:
    return (home or Path.home()) / "Library" / "LaunchAgents"


def launch_agent(command: Sequence[str]) -> bytes:
    return plistlib.dumps({"Label": LAUNCH_AGENT, "ProgramArguments": list(command),
                           "RunAtLoad": True, "ProcessType": "Interactive"})


# -- Windows --------------------------------------------------------------------------------------
class RunKey(Protocol):
    """HKCU's Run key: one string value per program started at login."""

    def set(self, name: str, command_line: str) -> None: ...

    def delete(self, name: str) -> None: ...  # no error when it is not there

    def get(self, name: str) -> str | None: ...


class WindowsRunKey:
    """The real registry (Windows only)."""

    def set(self, name: str, command_line: str) -> None:
        import winreg  # type: ignore[import-not-found,unused-ignore]  # Windows only

        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:  # type: ignore[attr-defined,unused-ignore]
            winreg.SetValueEx(key, name, 0, winreg.REG_SZ, command_line)  # type: ignore[attr-defined,unused-ignore]

    def delete(self, name: str) -> None:
        import winreg  # type: ignore[import-not-found,unused-ignore]  # Windows only

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0,  # type: ignore[attr-defined,unused-ignore]
                                winreg.KEY_SET_VALUE) as key:  # type: ignore[attr-defined,unused-ignore]
                winreg.DeleteValue(key, name)  # type: ignore[attr-defined,unused-ignore]
        except FileNotFoundError:
            pass

    def get(self, name: str) -> str | None:
        import winreg  # type: ignore[import-not-found,unused-ignore]  # Windows only

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:  # type: ignore[attr-defined,unused-ignore]
                return str(winreg.QueryValueEx(key, name)[0])  # type: ignore[attr-defined,unused-ignore]
        except FileNotFoundError:
            return None


def run_value(command: Sequence[str]) -> str:
    return subprocess.list2cmdline(list(command))  # Windows' own quoting rules


# -- one switch for every platform ---------------------------------------------------------------
def _write_atomically(path: Path, data: bytes) -> None:
    """The whole file or the old one: a login never reads half an entry."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


class Autostart:
    """Turns starting at login on and off for one platform ("linux", "darwin", "win32";
    anything else is treated as an XDG desktop, as the BSDs are)."""

    def __init__(self, platform: str | None = None, *, autostart_dir: Path | None = None,
                 agents_dir: Path | None = None, run_key: RunKey | None = None,
                 command: Sequence[str] | None = None):
        self.platform = platform or sys.platform
        self._autostart_dir = autostart_dir
        self._agents_dir = agents_dir
        self._run_key = run_key
        self.command = list(command) if command else launch_command()

    def entry_path(self) -> Path | None:
        """The file that starts ytdesk at login (None on Windows: a registry value)."""
        if self.platform == "win32":
            return None
        if self.platform == "darwin":
            return (self._agents_dir or launch_agents_dir()) / f"{LAUNCH_AGENT}.plist"
        return (self._autostart_dir or xdg_autostart_dir()) / DESKTOP_FILE

    def _registry(self) -> RunKey:
        return self._run_key or WindowsRunKey()

    def enabled(self) -> bool:
        if self.platform == "win32":
            return self._registry().get(RUN_VALUE) is not None
        path = self.entry_path()
        return path is not None and path.is_file()

    def set_enabled(self, on: bool) -> None:
        """Write or remove the entry; AutostartError (a sentence) when the system refused."""
        try:
            if self.platform == "win32":
                if on:
                    self._registry().set(RUN_VALUE, run_value(self.command))
                else:
                    self._registry().delete(RUN_VALUE)
                return
            path = self.entry_path()
            assert path is not None
            if not on:
                path.unlink(missing_ok=True)
            elif self.platform == "darwin":
                _write_atomically(path, launch_agent(self.command))
            else:
                _write_atomically(path, desktop_entry(self.command).encode("utf-8"))
        except OSError as error:
            where = self.entry_path() or f"the registry ({RUN_KEY})"
            verb = "start with the system" if on else "stop starting with the system"
            raise AutostartError(
                f"ytdesk could not {verb}: {where} could not be changed "
                f"({error.strerror or error}). Check that you may write there, then try "
                "again.") from None
