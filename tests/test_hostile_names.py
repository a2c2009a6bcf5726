"""Titles and channel names chosen to break file names, downloaded for real from the fake site:
every file lands under a name that is valid on Windows, macOS and Linux, keeps the video's id
and extension, and is what the library row and the job say it is."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from support import job, wait_until_idle

from ytdesk.core.models import Job, Video

# Checked here without ytdesk's own rules, so a wrong rule cannot pass its own test.
_WINDOWS_FORBIDDEN = set('<>:"/\\|?*')
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
             *(f"{port}{n}" for port in ("COM", "LPT") for n in "0123456789¹²³")}
_INVISIBLE = {"\u061c", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff",
              *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}


def problems(name: str) -> list[str]:
    """Why `name` (one folder or file name) would not copy unchanged to Windows, macOS and
    Linux disks, or would mislead a reader: an empty list when it is safe."""
    found = []
    if not name or name in (".", ".."):
        found.append("empty or a dot name")
    if len(name.encode("utf-8", "surrogatepass")) > 255:
        found.append("longer than 255 bytes")
    if any(c in _WINDOWS_FORBIDDEN for c in name):
        found.append("a character Windows forbids")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in name):
        found.append("a control character or a lone surrogate")
    if any(c in _INVISIBLE for c in name):
        found.append("a bidi control or an invisible character")
    if name[:1].isspace() or name[:1] == "-":
        found.append("a leading space or dash")
    if name[-1:].isspace() or name[-1:] == ".":
        found.append("a trailing space or dot")
    if name.split(".")[0].rstrip(" ").upper() in _RESERVED:
        found.append("a name Windows reserves for a device")
    return found


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


# (id, title, channel, media): each breaks a rule; "split" media leaves .f<format>.mp4.part
# files on the way, the longest names a download makes.
HOSTILE = [
    ("rlo", "Holiday photos \u202egpj.exe", "Test Channel", "muxed"),
    ("bidi", "\u2066isolated\u2069 \u200fmarked\u200e \u061carabic", "Test Channel", "muxed"),
    ("zw", "Zero\u200bwidth\u200c joiner\u200d word\u2060joiner\ufeff", "Test Channel", "muxed"),
    ("ctl", "bell\x07 escape\x1b[31m red\x85 next\x7f", "Test Channel", "muxed"),
    ("nul", "NUL", "NUL", "muxed"),
    ("com1", "COM1", "com1", "muxed"),
    ("aux", "aux", "aux.txt", "muxed"),
    ("lpt1", "LPT1.mp4", "LPT1.mp4", "muxed"),
    ("dash", "-- rm -rf", "  -leading", "muxed"),
    ("dots", "Trailing dots...", "Channel Inc. ", "muxed"),
    ("marks", 'What? A: "quote" <b>|*', "AC/DC \\ Back", "muxed"),
    ("accent", "é" * 150, "Test Channel", "split"),
    ("cjk", "漢" * 80, "日本語のチャンネル" * 12, "split"),
    ("long", "x" * 300, "Test Channel", "split"),
    ("mixed", "ab😀" * 60 + "\u0301", "e\u0301" * 100, "muxed"),
    ("lone", "half an emoji \ud83d cut", "Test Channel", "muxed"),  # a surrogate pair's half
]


def test_hostile_titles_become_names_safe_everywhere(site, home, manager, qtbot):
    for video_id, title, channel, media in HOSTILE:
        site.add_video(video_id, title, channel=channel, channel_id=video_id, media=media)
    site.add_playlist("hostile", "Hostile names", [h[0] for h in HOSTILE])
    parent = manager.enqueue("download", site.playlist_url("hostile"))
    wait_until_idle(qtbot, manager)

    assert job(parent).status == "succeeded", job(parent).error
    children = {c.url.rsplit("/", 1)[1]: c for c in Job.select().where(Job.parent == parent)}
    failed = {i: c.error for i, c in children.items() if c.status != "succeeded"}
    assert failed == {}
    saved = files_in(home.download_dir)
    assert len(saved) == len(HOSTILE)  # one file each, nothing left half-written
    for video_id, title, _, _ in HOSTILE:
        video = Video.get(Video.video_id == video_id)
        path = Path(video.filepath)
        assert path in saved, (video_id, path)
        assert children[video_id].output_path == video.filepath
        # The row keeps the real title (only the name is made safe), all that UTF-8 can hold.
        assert video.title == title.replace("\ud83d", "\ufffd")
        relative = path.relative_to(home.download_dir)
        assert len(relative.parts) == 2  # a channel's folder, then the file
        for name in relative.parts:
            assert problems(name) == [], (video_id, name)
            # Room for the .part, .ytdl and .f<format> suffixes a download adds on the way.
            assert len(name.encode()) <= 255 - 60, (video_id, name)
        assert path.name.endswith(f"[{video_id}].mp4"), path.name


def test_a_download_folder_with_a_colon_is_used_as_it_is(site, home, manager, qtbot):
    """Only the names ytdesk makes are changed, never the folder the user chose (yt-dlp's
    `windowsfilenames` turned `Videos: mine.` into `Videos# mine#` on Linux)."""
    chosen = home.download_dir / "Videos: mine."
    job_id = manager.enqueue("download", site.video_url("v1"), {"download_dir": str(chosen)})
    wait_until_idle(qtbot, manager)

    assert job(job_id).status == "succeeded", job(job_id).error
    [saved] = files_in(home.download_dir)
    assert saved == chosen / "Test Channel" / "Test Video 1 [v1].mp4"
    assert job(job_id).output_path == str(saved)
