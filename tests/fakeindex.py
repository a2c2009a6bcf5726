"""A local stand-in for the Python package index (its JSON API and its files), on 127.0.0.1,
for the tool channel's tests, and the wheels it serves: a copy of the installed yt-dlp with a
bumped version, or a tiny `yt_dlp` that is broken on purpose."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
import zipfile
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yt_dlp


@dataclass
class Wheel:
    name: str
    version: str
    path: Path
    sha256: str  # what the index publishes (a test may make it wrong)


class FakeIndex:
    def __init__(self) -> None:
        self.wheels: dict[str, list[Wheel]] = {}
        self.requests: Counter[str] = Counter()
        self.answering = threading.Event()  # cleared: JSON answers wait until it is set
        self.answering.set()
        index = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                index.requests[self.path] += 1
                parts = self.path.strip("/").split("/")
                if len(parts) == 3 and parts[0] == "pypi" and parts[2] == "json":
                    index.answering.wait(30)
                    self._send(json.dumps(index.document(parts[1])).encode(),
                               "application/json")
                elif len(parts) == 2 and parts[0] == "files":
                    for wheel in (w for ws in index.wheels.values() for w in ws):
                        if wheel.path.name == parts[1]:
                            self._send(wheel.path.read_bytes(), "application/octet-stream")
                            return
                    self.send_error(404)
                else:
                    self.send_error(404)

            def _send(self, body: bytes, kind: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/pypi"

    def add(self, wheel: Wheel) -> None:
        self.wheels.setdefault(wheel.name, []).append(wheel)

    def document(self, name: str) -> dict:
        base = f"http://127.0.0.1:{self.server.server_port}/files/"
        releases = {w.version: [{"filename": w.path.name, "url": base + w.path.name,
                                 "packagetype": "bdist_wheel", "yanked": False,
                                 "digests": {"sha256": w.sha256}}]
                    for w in self.wheels.get(name, [])}
        latest = max(releases, default="0")
        return {"info": {"name": name, "version": latest}, "releases": releases}

    def __enter__(self) -> FakeIndex:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.answering.set()
        self.server.shutdown()
        self.server.server_close()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _dist_info(archive: zipfile.ZipFile, distribution: str, version: str,
               requires: list[str]) -> None:
    info = f"{distribution.replace('-', '_')}-{version}.dist-info"
    metadata = ["Metadata-Version: 2.1", f"Name: {distribution}", f"Version: {version}",
                *[f"Requires-Dist: {r}" for r in requires]]
    archive.writestr(f"{info}/METADATA", "\n".join(metadata) + "\n")
    archive.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\n"
                     "Tag: py3-none-any\n")
    archive.writestr(f"{info}/RECORD", "")


def yt_dlp_wheel(folder: Path, version: str) -> Wheel:
    """The installed yt-dlp, as a wheel of `version` (its version.py says so too)."""
    source = Path(yt_dlp.__file__).parent
    path = folder / f"yt_dlp-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for file in sorted(source.rglob("*")):
            if file.is_dir() or "__pycache__" in file.parts:
                continue
            name = "yt_dlp/" + file.relative_to(source).as_posix()
            if name == "yt_dlp/version.py":
                text = file.read_text(encoding="utf-8")
                text = text.replace(f"__version__ = '{yt_dlp.version.__version__}'",
                                    f"__version__ = '{version}'")
                assert version in text
                archive.writestr(name, text)
            else:
                archive.write(file, name)
        _dist_info(archive, "yt-dlp", version,
                   ['yt-dlp-ejs==0.8.0; extra == "default"'])
    return Wheel("yt-dlp", version, path, _sha256(path))


def ejs_wheel(folder: Path, version: str) -> Wheel:
    """The installed yt-dlp-ejs (its solver scripts), as a wheel of `version`."""
    import yt_dlp_ejs

    source = Path(yt_dlp_ejs.__file__).parent
    path = folder / f"yt_dlp_ejs-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(source.rglob("*")):
            if file.is_dir() or "__pycache__" in file.parts:
                continue
            name = "yt_dlp_ejs/" + file.relative_to(source).as_posix()
            if name == "yt_dlp_ejs/_version.py":
                text = file.read_text(encoding="utf-8").replace(
                    f"version = '{yt_dlp_ejs.version}'", f"version = '{version}'")
                assert f"'{version}'" in text
                archive.writestr(name, text)
            else:
                archive.write(file, name)
        _dist_info(archive, "yt-dlp-ejs", version, [])
    return Wheel("yt-dlp-ejs", version, path, _sha256(path))


def broken_yt_dlp_wheel(folder: Path, version: str) -> Wheel:
    """A `yt_dlp` that imports but has no extractors: its self-check must fail."""
    path = folder / f"yt_dlp-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("yt_dlp/__init__.py", "class YoutubeDL:\n    pass\n")
        archive.writestr("yt_dlp/version.py", f"__version__ = '{version}'\n")
        archive.writestr("yt_dlp/extractor/__init__.py",
                         "def gen_extractor_classes():\n    return []\n")
        _dist_info(archive, "yt-dlp", version, [])
    return Wheel("yt-dlp", version, path, _sha256(path))


def files_under(folder: Path) -> list[str]:
    """Every file and folder under `folder`, relative, sorted (to compare before/after)."""
    if not folder.exists():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def copy_wheel(wheel: Wheel, folder: Path) -> Wheel:
    target = folder / wheel.path.name
    shutil.copy(wheel.path, target)
    return Wheel(wheel.name, wheel.version, target, wheel.sha256)
