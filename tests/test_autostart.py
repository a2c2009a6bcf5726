"""Start with the system: the entry each platform reads at login, written and removed. Linux
for real (a temporary XDG_CONFIG_HOME, the file a session's autostart reads); macOS's plist
and Windows' Run value by their content (the registry is a stand-in here)."""

from __future__ import annotations

import configparser
import plistlib
import subprocess
import sys

import pytest

from ytdesk.core import autostart
from ytdesk.core.autostart import Autostart, AutostartError, launch_command


def _entry(path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


def test_linux_writes_and_removes_the_xdg_autostart_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    switch = Autostart("linux", command=["/opt/ytdesk/ytdesk", "--minimized"])
    expected = tmp_path / "config" / "autostart" / "ytdesk.desktop"
    assert switch.entry_path() == expected and not switch.enabled()

    switch.set_enabled(True)
    entry = _entry(expected)
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "/opt/ytdesk/ytdesk --minimized"
    assert entry["Name"] == "ytdesk"
    assert switch.enabled()
    assert not list(expected.parent.glob("*.tmp"))  # written whole, nothing left beside it

    switch.set_enabled(False)
    assert not expected.exists() and not switch.enabled()
    switch.set_enabled(False)  # off twice is still off


def test_linux_exec_line_quotes_a_path_with_spaces_and_percent(tmp_path):
    switch = Autostart("linux", autostart_dir=tmp_path,
                       command=["/home/a b/100% $HOME/ytdesk", "--minimized"])
    switch.set_enabled(True)
    exec_line = _entry(tmp_path / "ytdesk.desktop")["Exec"]
    # The spec: quoted, with $ escaped and % doubled; a string value escapes \ once more.
    assert exec_line == '"/home/a b/100%% \\\\$HOME/ytdesk" --minimized'


def test_xdg_config_home_that_is_not_absolute_is_ignored(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert autostart.xdg_autostart_dir({"XDG_CONFIG_HOME": "relative"}) == \
        tmp_path / ".config" / "autostart"


def test_a_folder_that_cannot_be_written_gets_a_sentence_and_no_file(tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    switch = Autostart("linux", autostart_dir=blocked / "autostart", command=["ytdesk"])
    with pytest.raises(AutostartError, match="could not start with the system.*try again"):
        switch.set_enabled(True)
    assert not switch.enabled()


def test_macos_launch_agent_plist(tmp_path):
    switch = Autostart("darwin", agents_dir=tmp_path / "LaunchAgents",
                       command=["/Applications/ytdesk.app/Contents/MacOS/ytdesk", "--minimized"])
    switch.set_enabled(True)
    path = tmp_path / "LaunchAgents" / "org.ytdesk.ytdesk.plist"
    agent = plistlib.loads(path.read_bytes())
    assert agent["Label"] == "org.ytdesk.ytdesk"
    assert agent["ProgramArguments"] == ["/Applications/ytdesk.app/Contents/MacOS/ytdesk",
                                         "--minimized"]
    assert agent["RunAtLoad"] is True
    assert switch.enabled()
    switch.set_enabled(False)
    assert not path.exists()


class FakeRunKey:
    """HKCU\\...\\Run as a dict."""

    def __init__(self):
        self.values: dict[str, str] = {}

    def set(self, name, command_line):
        self.values[name] = command_line

    def delete(self, name):
        self.values.pop(name, None)

    def get(self, name):
        return self.values.get(name)


def test_windows_run_value_is_a_quoted_command_line():
    key = FakeRunKey()
    switch = Autostart("win32", run_key=key,
                       command=[r"C:\Program Files\ytdesk\ytdesk.exe", "--minimized"])
    assert switch.entry_path() is None and not switch.enabled()
    switch.set_enabled(True)
    assert key.values == {"ytdesk": r'"C:\Program Files\ytdesk\ytdesk.exe" --minimized'}
    assert switch.enabled()
    switch.set_enabled(False)
    assert key.values == {} and not switch.enabled()


def test_windows_registry_refusal_is_a_sentence():
    class Refusing(FakeRunKey):
        def set(self, name, command_line):
            raise PermissionError(13, "Access is denied")

    with pytest.raises(AutostartError, match=r"the registry \(Software.*Run\).*Access is denied"):
        Autostart("win32", run_key=Refusing(), command=["ytdesk"]).set_enabled(True)


def test_frozen_starts_the_bundle_itself():
    assert launch_command(frozen=True, executable="/opt/ytdesk/ytdesk") == \
        ["/opt/ytdesk/ytdesk", "--minimized"]


def test_not_frozen_starts_the_entry_point_beside_python(tmp_path):
    python = tmp_path / "bin" / "python"
    python.parent.mkdir()
    python.touch()
    (tmp_path / "bin" / "ytdesk").touch()
    assert launch_command(frozen=False, executable=str(python), which=lambda _: None) == \
        [str(tmp_path / "bin" / "ytdesk"), "--minimized"]
    (tmp_path / "bin" / "ytdesk").unlink()
    assert launch_command(frozen=False, executable=str(python), which=lambda _: "/usr/bin/ytdesk"
                          ) == ["/usr/bin/ytdesk", "--minimized"]
    assert launch_command(frozen=False, executable=str(python), which=lambda _: None) == \
        [str(python), "-m", "ytdesk", "--minimized"]


def test_the_written_command_parses_back_to_the_same_arguments(tmp_path):
    """The Exec line, read as a desktop would (unescape the string, then split as a shell
    does for the spec's quoting), gives back the command."""
    command = [sys.executable, "-m", "ytdesk", "--minimized"]
    Autostart("linux", autostart_dir=tmp_path, command=command).set_enabled(True)
    exec_line = _entry(tmp_path / "ytdesk.desktop")["Exec"].replace("\\\\", "\\")
    import shlex

    assert shlex.split(exec_line.replace("%%", "%")) == command
    assert subprocess.list2cmdline(command)  # Windows' quoting takes the same list
