"""The self-check of a yt-dlp / yt-dlp-ejs copy, run in a separate process before ytdesk
switches to it: `python -m ytdesk.ytdl.self_check FOLDER...` (frozen: `ytdesk-cli tools
self-check FOLDER...`). It puts the folders first on sys.path, then imports yt-dlp from there,
counts its extractors, and extracts a page bundled here from a local file (no network).
Exit 0 when all is well; otherwise the last line says what failed."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

MIN_EXTRACTORS = 500  # yt-dlp has ~1,800; a copy with far fewer is broken
CLIP_URL = "https://example.invalid/ytdesk-self-check.mp4"
PAGE = f"""<!DOCTYPE html>
<html><head><title>ytdesk self-check</title></head>
<body><video controls><source src="{CLIP_URL}" type="video/mp4"></video></body></html>
"""


def _inside(module_file: str | None, folder: Path) -> bool:
    return module_file is not None and Path(module_file).resolve().is_relative_to(
        folder.resolve())


def check(folders: Sequence[Path]) -> list[str]:
    """What is wrong with the copies in `folders` (empty: nothing)."""
    sys.path[:0] = [str(folder) for folder in folders]
    problems: list[str] = []
    import yt_dlp  # from the first folder that has it (the candidate, when it is yt-dlp)
    from yt_dlp.extractor import gen_extractor_classes

    for folder in folders:
        if (folder / "yt_dlp").is_dir() and not _inside(yt_dlp.__file__, folder):
            problems.append(f"yt_dlp was imported from {yt_dlp.__file__}, not from {folder}")
    count = len(list(gen_extractor_classes()))
    if count < MIN_EXTRACTORS:
        problems.append(f"it has only {count} extractors")
    if problems:  # not the copy meant, or a gutted one: nothing more is worth trying
        return problems
    with tempfile.TemporaryDirectory(prefix="ytdesk-self-check-") as temporary:
        page = Path(temporary) / "page.html"
        page.write_text(PAGE, encoding="utf-8")
        options = {"enable_file_urls": True, "quiet": True, "no_warnings": True,
                   "skip_download": True}
        with yt_dlp.YoutubeDL(options) as ydl:
            info = ydl.extract_info(page.as_uri(), download=False, process=False)
    urls = [f.get("url") for f in (info or {}).get("formats") or []]
    if not info or CLIP_URL not in urls:
        problems.append("it did not find the video in the test page")
    for folder in folders:
        if (folder / "yt_dlp_ejs").is_dir():
            import yt_dlp_ejs.yt.solver as solver  # type: ignore[import-untyped]

            if not _inside(solver.__file__, folder):
                problems.append(f"yt_dlp_ejs was imported from {solver.__file__}")
            elif not (solver.core().strip() and solver.lib().strip()):
                problems.append("its challenge-solver scripts are empty")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    folders = [Path(arg) for arg in (sys.argv[1:] if argv is None else argv)]
    try:
        problems = check(folders)
    except Exception as error:  # any failure of the copy is a failed check, said in one line
        print(f"{type(error).__name__}: {error}".splitlines()[0], flush=True)
        return 1
    for problem in problems:
        print(problem, flush=True)
    if not problems:
        print("self-check passed", flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
