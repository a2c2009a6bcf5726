"""Small real files for the player's tests, made with ytdesk's own ffmpeg: an H.264/AAC mp4
and a VP9/Opus webm (a moving test card with a tone), a sound-only m4a with its cover beside
it (named as yt-dlp names them), and a file that only pretends to be a video."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from fakesite.media import ffmpeg_exe

SECONDS = 10  # long enough to resume at 3 s (a position in the last 5 s starts over)
_PICTURE = ["-f", "lavfi", "-i", f"testsrc=size=320x180:rate=25:duration={SECONDS}"]
_TONE = ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={SECONDS}"]
RECIPES: dict[str, tuple[str, list[str]]] = {
    "mp4": ("Boats at sea [pm1].mp4", [
        *_PICTURE, *_TONE, "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        "-g", "25", "-c:a", "aac", "-b:a", "64k", "-shortest", "-movflags", "+faststart",
        "-f", "mp4"]),
    "webm": ("Boats at night [pm2].webm", [
        *_PICTURE, *_TONE, "-c:v", "libvpx-vp9", "-b:v", "150k", "-deadline", "realtime",
        "-g", "25", "-c:a", "libopus", "-b:a", "48k", "-shortest", "-f", "webm"]),
    "m4a": ("Sea shanty [pm3].m4a", [
        *_TONE, "-vn", "-c:a", "aac", "-b:a", "64k", "-f", "ipod"]),
    # Two languages to hear and two to read: the track menus and their remembered choice.
    "tracks": ("Boats in two languages [pm5].mp4", [
        *_PICTURE, *_TONE, "-f", "lavfi", "-i",
        f"sine=frequency=880:sample_rate=48000:duration={SECONDS}",
        "-i", "{dir}/en.srt", "-i", "{dir}/de.srt",
        "-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3", "-map", "4",
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac",
        "-b:a", "48k", "-c:s", "mov_text", "-metadata:s:a:0", "language=eng",
        "-metadata:s:a:1", "language=deu", "-metadata:s:s:0", "language=eng",
        "-metadata:s:s:1", "language=deu", "-shortest", "-f", "mp4"]),
    "cover": ("Sea shanty [pm3].jpg", [
        "-f", "lavfi", "-i", "testsrc=size=320x180:rate=1", "-frames:v", "1", "-f", "mjpeg"]),
}


def make_player_media(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for language, line in (("en", "Hello boats"), ("de", "Hallo Boote")):
        (folder / f"{language}.srt").write_text(f"1\n00:00:00,000 --> 00:00:09,000\n{line}\n")
    made = {}
    for name, (file_name, args) in RECIPES.items():
        out = folder / file_name
        if not out.is_file():
            part = folder / f".part-{name}"
            argv = [a.replace("{dir}", str(folder)) for a in args]
            proc = subprocess.run([ffmpeg_exe(), "-nostdin", "-y", "-loglevel", "error", *argv,
                                   str(part)], capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                raise RuntimeError(f"ffmpeg could not make {file_name}: {proc.stderr.strip()}")
            os.replace(part, out)
        made[name] = out
    corrupt = folder / "Broken [pm4].mp4"
    # An mp4's first box, then noise: it claims to be a video and is not one.
    corrupt.write_bytes(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
                        + bytes(range(256)) * 64)
    made["corrupt"] = corrupt
    return made
