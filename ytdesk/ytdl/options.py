"""The one place that builds yt-dlp's options."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .ffmpeg import ffmpeg_path

if TYPE_CHECKING:  # the manager imports this module at start-up; presets are read later
    from ytdesk.core.preset_options import PresetOptions


# yt-dlp picks the best streams within the limit and merges video+audio with ffmpeg;
# the fallbacks keep a video downloadable when only a single muxed file exists.
def _video_format(height: int | None) -> str:
    if height is None:
        return "bv*+ba/b"
    return f"bv*[height<={height}]+ba/b[height<={height}]/bv*+ba/b"


AUDIO_FIRST_CHOICE = {"m4a": "ba[ext=m4a]/ba/b", "mp3": "ba/b", "opus": "ba[acodec^=opus]/ba/b",
                      "flac": "ba/b"}
# The sort a codec preference adds in front of yt-dlp's own (-S): within the height limit,
# that codec first. "h264" pairs it with AAC audio: the "plays everywhere" pair.
CODEC_SORT = {"h264": "vcodec:h264,acodec:aac", "av1": "vcodec:av01", "vp9": "vcodec:vp9"}
# What a preset decides, taken from yt-dlp's own reading of the equivalent command line;
# everything else (retries, timeouts, where files go) is ytdesk's, below.
PRESET_PARAMS = (
    "format", "format_sort", "postprocessors", "merge_output_format", "final_ext",
    "writesubtitles", "writeautomaticsub", "subtitleslangs", "subtitlesformat",
    "writethumbnail", "writedescription", "writeinfojson", "ratelimit", "proxy",
    "cookiesfrombrowser", "sleep_interval", "max_sleep_interval", "outtmpl",
)


@functools.cache
def deno_path() -> str | None:
    return find_deno()


def find_deno() -> str | None:
    """The deno wheel's binary, looked up now (None when it is missing)."""
    try:
        import deno
        return deno.find_deno_bin()
    except (ImportError, FileNotFoundError, RuntimeError):
        return None


def js_runtimes() -> dict[str, dict[str, str]]:
    """The deno wheel's binary: yt-dlp needs a JavaScript runtime for YouTube."""
    path = deno_path()
    return {"deno": {"path": path}} if path else {"deno": {}}


def find_tools() -> None:
    """Look up ffmpeg and deno once, on the calling thread: their finders read
    `sysconfig`, whose first use is not thread-safe (it returned None to a pool thread)."""
    ffmpeg_path()
    deno_path()


def media_server_template() -> str:
    # Imported when asked: media_server imports yt-dlp, and this module is imported at
    # start-up (the manager looks up ffmpeg through it).
    from .media_server import TEMPLATE

    return TEMPLATE


def preset_argv(preset: PresetOptions, sponsorblock_api: str | None = None) -> list[str]:
    """The yt-dlp command line that asks for what `preset` holds (every value checked
    when the preset was read; handed to yt-dlp's parser in this process, never a shell)."""
    media_server = preset.layout == "media-server"
    # The media-server layout names files its own way and needs each video's thumbnail.
    argv = ["-o", media_server_template() if media_server else preset.output_template]
    if media_server:
        argv += ["--write-thumbnail", "--convert-thumbnails", "jpg"]
    audio_only = preset.quality == "audio"
    if preset.format_spec:  # picked from the video's own list, for this download
        argv += ["-f", preset.format_spec]
    elif audio_only:
        argv += ["-f", AUDIO_FIRST_CHOICE[preset.audio_format]]
    else:
        argv += ["-f", _video_format(None if preset.quality == "best" else int(preset.quality))]
        if preset.codec in CODEC_SORT:
            argv += ["-S", CODEC_SORT[preset.codec]]
    if audio_only:
        argv += ["-x", "--audio-format", preset.audio_format]
        if preset.audio_kbps:
            argv += ["--audio-quality", f"{preset.audio_kbps}K"]
    elif preset.container != "keep":
        argv += ["--merge-output-format", preset.container, "--remux-video", preset.container]
    if preset.subtitles:
        # --embed-subs fetches them itself and deletes them once inside; --write-subs with it
        # would keep the files too.
        argv += ["--embed-subs" if preset.subtitles_mode == "embed" else "--write-subs",
                 "--sub-langs", ",".join(preset.subtitles)]
        if preset.auto_subtitles:
            argv.append("--write-auto-subs")
        if preset.subtitles_srt:
            argv += ["--convert-subs", "srt"]
    if preset.embed_chapters:
        argv.append("--embed-chapters")
    if preset.split_chapters:
        # One file per chapter, in the video's own folder (yt-dlp's default chapter name).
        folder = preset.output_template.rpartition("/")[0]
        argv += ["--split-chapters", "-o", "chapter:" + (f"{folder}/" if folder else "")
                 + "%(title)s - %(section_number)03d %(section_title)s [%(id)s].%(ext)s"]
    marked = [category for category, action in preset.sponsorblock if action == "mark"]
    removed = [category for category, action in preset.sponsorblock if action == "remove"]
    if marked:
        argv += ["--sponsorblock-mark", ",".join(marked)]
    if removed:
        argv += ["--sponsorblock-remove", ",".join(removed)]
    if (marked or removed) and sponsorblock_api:
        argv += ["--sponsorblock-api", sponsorblock_api]
    if preset.embed_thumbnail and not media_server:
        # As JPEG: yt-dlp turns other thumbnails (YouTube's WebP) into PNG to embed them,
        # and the Linux build of the bundled ffmpeg has no PNG encoder; JPEG covers show
        # in every player.
        argv += ["--convert-thumbnails", "jpg"]
    for wanted, flag in ((preset.embed_thumbnail, "--embed-thumbnail"),
                         (preset.embed_metadata, "--embed-metadata"),
                         (preset.write_thumbnail, "--write-thumbnail"),
                         (preset.write_description, "--write-description"),
                         (preset.write_info_json, "--write-info-json")):
        if wanted:
            argv.append(flag)
    if preset.limit_rate:
        argv += ["--limit-rate", str(preset.limit_rate)]
    if preset.polite_pause_s:
        argv += ["--sleep-interval", f"{preset.polite_pause_s:g}",
                 "--max-sleep-interval", f"{preset.polite_pause_s * 1.5:g}"]
    if preset.proxy:
        argv += ["--proxy", preset.proxy]
    if preset.cookies_from_browser:
        argv += ["--cookies-from-browser", preset.cookies_from_browser]
    return argv


@functools.lru_cache(maxsize=64)
def _parsed(argv: tuple[str, ...]) -> dict[str, Any]:
    # yt-dlp's own parser (3.5 ms), so the post-processors, their order and their
    # arguments are exactly what `yt-dlp ARGS` would run. With arguments given, it reads
    # no configuration file.
    from yt_dlp import parse_options
    params = parse_options(list(argv)).ydl_opts
    return {name: params[name] for name in PRESET_PARAMS if params.get(name) is not None}


def preset_params(preset: PresetOptions, sponsorblock_api: str | None = None) -> dict[str, Any]:
    """yt-dlp's params for what `preset` decides (a fresh copy: yt-dlp changes them)."""
    return copy.deepcopy(_parsed(tuple(preset_argv(preset, sponsorblock_api))))


def build_options(*, download_dir: Path, preset: PresetOptions, logger: Any,
                  progress_hook: Callable[[dict], None] | None = None,
                  postprocessor_hook: Callable[[dict], None] | None = None,
                  archive: Any = None, socket_timeout: float = 20.0,
                  sponsorblock_api: str | None = None,
                  cookie_file: Path | None = None) -> dict[str, Any]:
    options: dict[str, Any] = {
        "logger": logger,
        "noprogress": True,
        "quiet": False,
        "no_warnings": False,
        "color": {"stdout": "no_color", "stderr": "no_color"},
        "paths": {"home": str(download_dir)},
        "merge_output_format": "mp4/mkv",
        "continuedl": True,
        "nopart": False,
        "overwrites": False,
        "retries": 3,
        "fragment_retries": 3,
        "file_access_retries": 1,
        "socket_timeout": socket_timeout,
        # Names valid on every OS come from DesktopYoutubeDL (names.safe_path), not from
        # `windowsfilenames` (it also rewrote the user's own folder on Linux: `Videos: mine.`
        # became `Videos# mine#`) nor `trim_file_name` (it counts characters, not bytes, over
        # the whole relative path, and cut the video's id off long titles).
        "js_runtimes": js_runtimes(),
        "noplaylist": False,
        "ignoreerrors": False,
        **preset_params(preset, sponsorblock_api),
    }
    ffmpeg = ffmpeg_path()
    if ffmpeg:
        options["ffmpeg_location"] = ffmpeg
    if progress_hook is not None:
        options["progress_hooks"] = [progress_hook]
    if postprocessor_hook is not None:
        options["postprocessor_hooks"] = [postprocessor_hook]
    if archive is not None:
        options["download_archive"] = archive
    if cookie_file is not None:
        options["cookiefile"] = str(cookie_file)
    return options
