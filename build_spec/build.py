"""Build the frozen ytdesk from a clean venv and pack the Linux tarball (`make dist`).

    python build_spec/build.py              # fresh venv in build/venv, then everything
    python build_spec/build.py --keep-venv  # reuse build/venv's libraries (re-installs ytdesk)

Steps: a new venv (python -m venv), ytdesk installed into it non-editable plus PyInstaller,
PyInstaller on build_spec/ytdesk.spec (-> dist/ytdesk/), then on Linux the tarball
dist/ytdesk-<version>-linux-x86_64.tar.gz (the bundle, the .desktop file, the icon and an
install script for the desktop entry), then the size of each part of the bundle.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
DIST = ROOT / "dist"
BUNDLE = DIST / "ytdesk"
PYINSTALLER = "pyinstaller>=6.10"
MB = 1024 * 1024


def version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def run(*command: str | Path) -> None:
    print("+", " ".join(str(c) for c in command), flush=True)
    subprocess.run([str(c) for c in command], check=True, cwd=ROOT)


def make_venv(venv: Path, keep: bool) -> Path:
    python = venv_python(venv)
    if not (keep and python.exists()):
        shutil.rmtree(venv, ignore_errors=True)
        run(sys.executable, "-m", "venv", venv)
        run(python, "-m", "pip", "install", "-q", "--upgrade", "pip")
    # Non-editable: the bundle must freeze the installed package (with ytdesk.migrations and
    # ytdesk.resources as package data), never a path back into the source tree.
    run(python, "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", ".")
    run(python, "-m", "pip", "install", "-q", ".", PYINSTALLER)
    return python


def windows_icon(python: Path) -> None:
    """The .exe's icon, drawn from the SVG by Qt (its ICO writer) in the build venv."""
    target = BUILD / "icons" / "ytdesk.ico"
    target.parent.mkdir(parents=True, exist_ok=True)
    script = (
        "import sys; from PySide6.QtGui import QGuiApplication, QIcon, QImage;"
        "app = QGuiApplication([]);"
        "QIcon(sys.argv[1]).pixmap(256, 256).toImage().save(sys.argv[2], 'ICO')")
    run(python, "-c", script, ROOT / "resources" / "ytdesk.svg", target)


def freeze(python: Path) -> None:
    shutil.rmtree(BUNDLE, ignore_errors=True)
    run(python, "-m", "PyInstaller", "--noconfirm", "--clean", "--distpath", DIST,
        "--workpath", BUILD / "pyinstaller", ROOT / "build_spec" / "ytdesk.spec")


DESKTOP_INSTALLER = """#!/bin/sh
# Adds ytdesk to the desktop's application menu, pointing at this folder (run it again
# after moving the folder). Nothing is written outside ~/.local/share.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/scalable/apps"
mkdir -p "$apps" "$icons"
cp "$here/share/icons/hicolor/scalable/apps/ytdesk.svg" "$icons/ytdesk.svg"
sed "s|^Exec=ytdesk|Exec=\\"$here/ytdesk\\"|" "$here/share/applications/ytdesk.desktop" \\
    > "$apps/ytdesk.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database "$apps" || true
echo "ytdesk added to the application menu ($apps/ytdesk.desktop)"
"""


def desktop_entry(bundle: Path) -> None:
    """resources/ytdesk.desktop (its Exec line starts `ytdesk`: install-desktop-entry.sh
    puts the folder's absolute path there) and the icon, in the freedesktop layout."""
    apps = bundle / "share" / "applications"
    icons = bundle / "share" / "icons" / "hicolor" / "scalable" / "apps"
    apps.mkdir(parents=True, exist_ok=True)
    icons.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "resources" / "ytdesk.desktop", apps / "ytdesk.desktop")
    shutil.copy2(ROOT / "resources" / "ytdesk.svg", icons / "ytdesk.svg")


def linux_tarball(bundle: Path) -> Path:
    desktop_entry(bundle)
    installer = bundle / "install-desktop-entry.sh"
    installer.write_text(DESKTOP_INSTALLER, encoding="utf-8")
    installer.chmod(0o755)
    name = f"ytdesk-{version()}-linux-{platform.machine()}"
    tarball = DIST / f"{name}.tar.gz"
    print(f"packing {tarball.relative_to(ROOT)}", flush=True)
    with tarfile.open(tarball, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname=name)
    return tarball


PARTS = (  # (part, test on the path relative to _internal/), first match wins
    ("Qt (PySide6, shiboken6)", lambda p: p.startswith(("PySide6", "shiboken6", "libQt6",
                                                         "Qt6", "libicu"))),
    ("ffmpeg + ffprobe", lambda p: p.startswith("ffbin")),
    ("deno", lambda p: p.startswith("bin")),
    ("yt-dlp + yt-dlp-ejs", lambda p: p.startswith(("yt_dlp", "yt-dlp"))),
    ("Python (interpreter, stdlib)", lambda p: p.startswith(
        ("libpython", "python3", "base_library.zip", "lib-dynload", "Python"))),
)


def part_sizes(bundle: Path) -> dict[str, int]:
    internal = bundle / "_internal"
    sizes = dict.fromkeys([name for name, _ in PARTS] + ["executables (Python code archive)",
                                                         "the rest"], 0)
    for path in bundle.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        size = path.stat().st_size
        if internal not in path.parents:
            key = ("executables (Python code archive)" if path.parent == bundle
                   and path.stem in ("ytdesk", "ytdesk-cli") else "the rest")
            sizes[key] += size
            continue
        rel = path.relative_to(internal).as_posix()
        key = next((name for name, test in PARTS if test(rel)), "the rest")
        sizes[key] += size
    return sizes


def biggest_files(bundle: Path, count: int = 8) -> list[tuple[int, str]]:
    files = [(p.stat().st_size, p.relative_to(bundle).as_posix())
             for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    return sorted(files, reverse=True)[:count]


# The Python code (yt-dlp's included) is one compressed archive inside each executable; its
# reader comes with PyInstaller, so it runs in the build venv.
ARCHIVE_SHARES = r"""
import json, sys
from collections import Counter
from PyInstaller.archive.readers import CArchiveReader
pyz = CArchiveReader(sys.argv[1]).open_embedded_archive("PYZ.pyz")
shares = Counter()
for name, (_kind, _offset, length) in pyz.toc.items():
    shares[name.split(".")[0]] += length
print(json.dumps(shares))
"""


def archive_shares(python: Path, executable: Path) -> dict[str, int]:
    done = subprocess.run([str(python), "-c", ARCHIVE_SHARES, str(executable)],
                          capture_output=True, text=True, check=False)
    return json.loads(done.stdout) if done.returncode == 0 else {}


def report(bundle: Path, tarball: Path | None, python: Path | None) -> None:
    sizes = part_sizes(bundle)
    total = sum(sizes.values())
    print("\nbundle size by part (unpacked):")
    for name, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
        print(f"  {name:36} {size / MB:8.1f} MB")
    print(f"  {'total':36} {total / MB:8.1f} MB   (target <= 500 MB)")
    shares = archive_shares(python, bundle / "ytdesk-cli") if python else {}
    if shares:
        top = sorted(shares.items(), key=lambda kv: -kv[1])[:5]
        print("Python code archive in each executable (compressed): " + ", ".join(
            f"{name} {size / MB:.1f} MB" for name, size in top))
    if tarball is not None:
        print(f"tarball {tarball.name}: {tarball.stat().st_size / MB:.1f} MB compressed "
              "(target <= 200 MB)")
    print("biggest files:")
    for size, rel in biggest_files(bundle):
        print(f"  {size / MB:8.1f} MB  {rel}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=BUILD / "venv")
    parser.add_argument("--keep-venv", action="store_true",
                        help="reuse the build venv's libraries (faster; ytdesk is reinstalled)")
    parser.add_argument("--sizes-only", action="store_true",
                        help="only report the sizes of an existing dist/ytdesk")
    args = parser.parse_args(argv)
    python: Path | None = venv_python(args.venv.resolve())
    if not args.sizes_only:
        python = make_venv(args.venv.resolve(), args.keep_venv)
        if sys.platform == "win32":
            windows_icon(python)
        freeze(python)
    tarball = None
    if sys.platform.startswith("linux"):
        tarball = linux_tarball(BUNDLE) if not args.sizes_only else next(
            iter(sorted(DIST.glob("ytdesk-*-linux-*.tar.gz"))), None)
    report(BUNDLE, tarball, python if python and python.exists() else None)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
