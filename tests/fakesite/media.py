"""Small, real media files for the fake video site.

Everything is generated locally with the ffmpeg binary bundled by
imageio-ffmpeg, so the tests need neither network access nor a system ffmpeg.
The files are deliberately a few hundred KB (noisy video, high bitrates) so
that throttling and dropping a connection mid-file actually happen mid-file.
"""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import imageio_ffmpeg

DURATION = 3  # seconds; matches the default `duration` in the catalogue

# name -> (file name, ffmpeg arguments between the binary and the output path).
# `noise` makes testsrc hard to compress so -b:v is actually reached.
_RECIPES: dict[str, tuple[str, list[str]]] = {
    'muxed': ('muxed.mp4', [
        '-f', 'lavfi', '-i', f'testsrc=size=320x180:rate=25:duration={DURATION}',
        '-f', 'lavfi', '-i', f'sine=frequency=440:sample_rate=44100:duration={DURATION}',
        '-vf', 'noise=alls=30:allf=t',
        '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '600k', '-pix_fmt', 'yuv420p',
        '-c:a', 'aac', '-b:a', '128k', '-shortest', '-movflags', '+faststart',
    ]),
    'video': ('video.mp4', [
        '-f', 'lavfi', '-i', f'testsrc=size=640x360:rate=25:duration={DURATION}',
        '-vf', 'noise=alls=30:allf=t', '-an',
        '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '600k', '-pix_fmt', 'yuv420p',
        '-movflags', '+faststart',
    ]),
    'audio': ('audio.m4a', [
        '-f', 'lavfi', '-i', f'sine=frequency=660:sample_rate=48000:duration={DURATION}',
        '-vn', '-ac', '2', '-c:a', 'aac', '-b:a', '384k', '-movflags', '+faststart',
    ]),
    'thumb': ('thumb.jpg', [
        '-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=1',
        '-frames:v', '1', '-q:v', '5',
    ]),
}


def ffmpeg_exe() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


def make_media(dirpath) -> dict[str, Path]:
    """Create (once) muxed.mp4, video.mp4, audio.m4a and thumb.jpg in `dirpath`.

    Returns {'muxed': Path, 'video': Path, 'audio': Path, 'thumb': Path}.
    Existing non-empty files are reused, so a cache directory may be shared.
    """
    dirpath = Path(dirpath)
    dirpath.mkdir(parents=True, exist_ok=True)
    exe = ffmpeg_exe()
    result = {}
    for name, (filename, args) in _RECIPES.items():
        out = dirpath / filename
        if not (out.is_file() and out.stat().st_size > 0):
            # Write to a temporary name first so an interrupted run never
            # leaves a truncated file that would be "reused" next time.
            tmp = out.with_name(f'.partial-{out.name}')
            argv = [exe, '-nostdin', '-y', '-loglevel', 'error', *args, '-f', _muxer(out), str(tmp)]
            proc = subprocess.run(argv, capture_output=True, text=True, check=False)
            if proc.returncode != 0 or not tmp.is_file():
                raise RuntimeError(f'ffmpeg failed to build {filename}: {proc.stderr.strip()}')
            os.replace(tmp, out)
        result[name] = out
    return result


def _muxer(path: Path) -> str:
    # The temporary file name hides the real extension from ffmpeg.
    return {'.mp4': 'mp4', '.m4a': 'ipod', '.jpg': 'mjpeg'}[path.suffix]


def make_big_file(path, size_bytes: int, seed: int = 1234) -> Path:
    """Write `size_bytes` of deterministic pseudo-random bytes to `path`.

    Meant for throughput benchmarks: the content is not valid media. Random
    (incompressible) data keeps any transparent compression honest. Reuses an
    existing file of the right size.
    """
    path = Path(path)
    if path.is_file() and path.stat().st_size == size_bytes:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    chunk = 1 << 20
    tmp = path.with_name(f'.partial-{path.name}')
    with open(tmp, 'wb') as f:
        remaining = size_bytes
        while remaining > 0:
            n = min(chunk, remaining)
            f.write(rng.randbytes(n))
            remaining -= n
    os.replace(tmp, path)
    return path
