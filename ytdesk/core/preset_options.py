"""What a preset holds: a named set of download options, checked field by field.

Pure data (no yt-dlp, no Qt): ytdl/options.py is the only place that turns these into
yt-dlp's params. Every field has a default, so a preset stored by an older version reads
with the newer fields at their defaults; a field this version does not know (stored by a
newer one) is kept aside in `extra`, written back unchanged, and otherwise ignored.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

QUALITIES = ("best", "2160", "1440", "1080", "720", "480", "360", "audio")
CONTAINERS = ("keep", "mp4", "mkv", "webm")
CODECS = ("any", "h264", "av1", "vp9")
AUDIO_FORMATS = ("m4a", "mp3", "opus", "flac")
SUBTITLE_MODES = ("embed", "beside")
LAYOUTS = ("plain", "media-server")  # media-server: Channel/Season YYYY/... with .nfo files
# yt-dlp's SponsorBlock categories (SponsorBlockPP.CATEGORIES), and what can be done with one.
SPONSORBLOCK_CATEGORIES = ("sponsor", "intro", "outro", "selfpromo", "preview", "filler",
                           "interaction", "music_offtopic", "hook", "poi_highlight", "chapter")
SPONSORBLOCK_ACTIONS = ("mark", "remove")
BROWSERS = ("brave", "chrome", "chromium", "edge", "firefox", "opera", "safari", "vivaldi",
            "whale")
# The folder is the channel; for a feed or playlist that names none (a podcast), the list's
# title; for a bare file, its site. library._columns reads the same names for the row.
DEFAULT_TEMPLATE = ("%(channel,uploader,playlist_uploader,playlist_title,webpage_url_domain"
                    "|Unknown channel)s/%(title)s [%(id)s].%(ext)s")
_LANGUAGE = re.compile(r"^[A-Za-z0-9_.*+?\-\[\]()|^$]{1,40}$")  # a code or yt-dlp's regex
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)(?:i?B)?(?:/s)?\s*$")


class PresetError(ValueError):
    """A preset or an option that cannot be used; the message says why, in a sentence."""


@dataclass(frozen=True)
class PresetOptions:
    # Format
    quality: str = "best"  # the highest video height, or "audio" for audio only
    container: str = "keep"  # what a merged download is saved as ("keep": mp4, else mkv)
    codec: str = "any"  # the video codec preferred; h264 + mp4 is "plays everywhere"
    audio_format: str = "m4a"  # audio-only downloads
    audio_kbps: int = 0  # 0: the best the source has (no re-encoding when it can be kept)
    # Subtitles
    subtitles: tuple[str, ...] = ()  # languages ("en", "all", or yt-dlp's regex "en.*")
    auto_subtitles: bool = False  # include the site's automatic captions
    subtitles_mode: str = "embed"
    subtitles_srt: bool = False  # convert to SRT
    # Chapters and SponsorBlock
    embed_chapters: bool = False
    split_chapters: bool = False
    sponsorblock: tuple[tuple[str, str], ...] = ()  # (category, "mark" | "remove")
    # Embedding and files beside the video
    embed_thumbnail: bool = False
    embed_metadata: bool = False
    write_thumbnail: bool = False
    write_description: bool = False
    write_info_json: bool = False
    # Names
    output_template: str = DEFAULT_TEMPLATE
    layout: str = "plain"  # "media-server": the folders and sidecar files media servers read
    # Network
    limit_rate: int = 0  # bytes per second; 0: no limit
    polite_pause_s: float = 0.0  # pause between two downloads (with jitter)
    proxy: str = ""
    cookies_from_browser: str = ""  # "firefox" or "firefox:PROFILE"
    cookies_file: str = ""  # the name of a kept cookies.txt (core/cookies.py), never a path
    # One download's exact choice from the add dialog's list of formats ("137+ba"); empty:
    # the quality and codec above decide. Not offered in the preset editor.
    format_spec: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("extra")
        data["subtitles"] = list(self.subtitles)
        data["sponsorblock"] = {category: action for category, action in self.sponsorblock}
        return {**self.extra, **data}

    def changed(self, **values: Any) -> PresetOptions:
        """A copy with some options changed, checked like any other."""
        return options_from_json({**self.to_json(), **values})


_KNOWN = {f.name for f in fields(PresetOptions)} - {"extra"}


def options_from_json(data: Any) -> PresetOptions:
    """Options from their JSON form, each checked; raises PresetError with the reason."""
    if not isinstance(data, dict):
        raise PresetError("A preset's options must be a JSON object of names and values.")
    defaults = PresetOptions()
    values: dict[str, Any] = {}
    for name in _KNOWN:
        if name in data:
            values[name] = _CHECKS[name](name, data[name])
    extra = {k: v for k, v in data.items() if k not in _KNOWN}
    return replace(defaults, **values, extra=extra)


def parse_rate(text: str | int | float) -> int:
    """A speed limit as people write it ("500K", "2M", "1.5MB/s", or bytes per second)
    in bytes per second; 0 is no limit."""
    if isinstance(text, bool):
        raise PresetError("A speed limit is a number such as 500K or 2M.")
    if isinstance(text, (int, float)):
        if text < 0:
            raise PresetError("A speed limit cannot be negative.")
        return int(text)
    match = _RATE.match(text or "")
    if not match:
        raise PresetError(f"'{text}' is not a speed limit; write it as 500K or 2M "
                          "(bytes per second), or 0 for no limit.")
    number, unit = float(match.group(1)), match.group(2).upper()
    return int(number * {"": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3}[unit])


# -- one check per field: each returns the value to keep or raises PresetError --------------
def _choice(choices: tuple[str, ...], what: str):
    def check(name: str, value: Any) -> str:
        if value not in choices:
            raise PresetError(f"'{value}' is not a {what}; choose one of {', '.join(choices)}.")
        return value
    return check


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise PresetError(f"{name} must be true or false, not {value!r}.")
    return value


def _kbps(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not (value == 0
                                                                     or 32 <= value <= 512):
        raise PresetError("The audio bitrate must be between 32 and 512 kbit/s, or 0 for the "
                          "best the source has.")
    return value


def _languages(name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise PresetError("Subtitle languages are a list such as en, de or en.*.")
    for language in value:
        if not _LANGUAGE.match(language):
            raise PresetError(f"'{language}' is not a subtitle language; write a code such as "
                              "en or pt-BR, a pattern such as en.*, or all.")
        try:
            re.compile(language)
        except re.error:
            raise PresetError(f"'{language}' is not a valid pattern of languages.") from None
    return tuple(dict.fromkeys(value))


def _sponsorblock(name: str, value: Any) -> tuple[tuple[str, str], ...]:
    if isinstance(value, (list, tuple)):  # [[category, action], ...] is accepted too
        try:
            value = dict(value)
        except (TypeError, ValueError):
            value = None
    if not isinstance(value, dict):
        raise PresetError("SponsorBlock settings map a category to mark or remove, such as "
                          '{"sponsor": "remove"}.')
    for category, action in value.items():
        if category not in SPONSORBLOCK_CATEGORIES:
            raise PresetError(f"'{category}' is not a SponsorBlock category; the categories are "
                              f"{', '.join(SPONSORBLOCK_CATEGORIES)}.")
        if action not in SPONSORBLOCK_ACTIONS:
            raise PresetError(f"A SponsorBlock {category} segment can be marked as a chapter "
                              f"(mark) or cut out (remove), not '{action}'.")
    return tuple(sorted(value.items()))


def check_template(template: Any) -> str:
    """The shape of an output template; ytdl checks its fields against yt-dlp's."""
    if not isinstance(template, str) or not template.strip():
        raise PresetError("The file-name template is empty; it needs at least a name such as "
                          "%(title)s [%(id)s].%(ext)s.")
    if "\x00" in template or "\n" in template:
        raise PresetError("The file-name template cannot contain control characters.")
    for path in (PurePosixPath(template), PureWindowsPath(template)):
        if path.is_absolute() or path.drive or ".." in path.parts:
            raise PresetError("The file-name template would put files outside the download "
                              "folder; use a path inside it, such as "
                              "%(channel)s/%(title)s.%(ext)s.")
    if template.rstrip().endswith(("/", "\\")):
        raise PresetError("The file-name template names a folder, not a file; end it with a "
                          "file name such as %(title)s.%(ext)s.")
    return template


def _template(name: str, value: Any) -> str:
    return check_template(value)


def _rate(name: str, value: Any) -> int:
    return parse_rate(value)


def _pause(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 3600:
        raise PresetError("The pause between downloads is a number of seconds from 0 to 3600.")
    return float(value)


def _proxy(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise PresetError("A proxy is an address such as socks5://127.0.0.1:1080.")
    value = value.strip()
    if value and not re.match(r"^(https?|socks4a?|socks5h?)://[^\s/]+(:\d+)?/?$", value):
        raise PresetError(f"'{value}' is not a proxy address; write it as "
                          "http://HOST:PORT or socks5://HOST:PORT.")
    return value


def _browser(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise PresetError("Cookies from a browser are named by the browser, such as firefox.")
    value = value.strip()
    if value and value.split(":", 1)[0].lower() not in BROWSERS:
        raise PresetError(f"ytdesk cannot read cookies from '{value.split(':', 1)[0]}'; it "
                          f"can read {', '.join(BROWSERS)}.")
    return value


def _kept_cookies(name: str, value: Any) -> str:
    if not isinstance(value, str) or not re.match(r"^([0-9a-f]{16})?$", value):
        raise PresetError("A preset names a kept cookies file by ytdesk's own name for it; "
                          "choose the file again in the preset editor.")
    return value


def _format_spec(name: str, value: Any) -> str:
    if not isinstance(value, str) or not re.match(r"^[A-Za-z0-9_.+\-]{0,80}$", value):
        raise PresetError("A format choice is a yt-dlp format id such as 137+ba.")
    return value


_CHECKS = {
    "quality": _choice(QUALITIES, "quality"),
    "container": _choice(CONTAINERS, "container"),
    "codec": _choice(CODECS, "video codec"),
    "audio_format": _choice(AUDIO_FORMATS, "audio format"),
    "audio_kbps": _kbps,
    "subtitles": _languages,
    "auto_subtitles": _flag,
    "subtitles_mode": _choice(SUBTITLE_MODES, "way to keep subtitles"),
    "subtitles_srt": _flag,
    "embed_chapters": _flag,
    "split_chapters": _flag,
    "sponsorblock": _sponsorblock,
    "embed_thumbnail": _flag,
    "embed_metadata": _flag,
    "write_thumbnail": _flag,
    "write_description": _flag,
    "write_info_json": _flag,
    "output_template": _template,
    "layout": _choice(LAYOUTS, "layout"),
    "limit_rate": _rate,
    "polite_pause_s": _pause,
    "proxy": _proxy,
    "cookies_from_browser": _browser,
    "cookies_file": _kept_cookies,
    "format_spec": _format_spec,
}
assert set(_CHECKS) == _KNOWN, "every option has its check"
