"""File and folder names that are safe on every OS: the pure string rules (no yt-dlp here).

yt-dlp already replaces the characters Windows forbids in a field (`a: b?` -> `a： b？`) and
drops ASCII control characters. It keeps what reads one way and is named another (U+202E
turns `evil\u202egpj.exe` into what looks like `evilexe.jpg`), invisible characters, names
that start with a dash or a space, names Windows keeps for devices (`NUL`, `COM1`, `aux.txt`)
and names too long for the disk (255 bytes on ext4 and APFS: 150 accented letters, or 80
CJK ones plus ` [id].f137.mp4.part`). These rules apply to every folder and file name a
download makes, after yt-dlp's own; a name that needs none of them is left exactly as
yt-dlp made it.
"""

from __future__ import annotations

import re
import unicodedata

NAME_BYTES = 255  # ext4, btrfs, APFS: bytes of UTF-8; NTFS, exFAT: 255 UTF-16 units (fewer)
# Left free for what a download adds to a name on the way: `.f<format id>` (`.f137`,
# `.fhls-1080p`), `.temp`, `.part`, `.ytdl`, `.part-Frag12345.part`, or `.en.vtt` for `.mp4`.
SUFFIX_ROOM = 60
LIMIT = NAME_BYTES - SUFFIX_ROOM

# Windows forbids these in a name; yt-dlp's look-alikes for them, so a literal from an
# output template reads the same as a field yt-dlp replaced.
_LOOK_ALIKES = {**{c: chr(ord(c) + 0xFEE0) for c in '"*:<>?|'}, "/": "\u29f8", "\\": "\u29f9"}
# Device names on Windows, with or without an extension, in any case ("aux.txt", "Nul").
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                       *(f"{port}{n}" for port in ("COM", "LPT") for n in "0123456789¹²³")})
_JOINER = "\u200d"
_VARIATION = "\ufe0f"
_TAGS = range(0xE0020, 0xE0080)  # the tags of a subdivision flag (🏴 + tags + cancel tag)
_LEADING = re.compile(r"^[\s\-]+")
_TRAILING = re.compile(r"[\s.]+$")
_SEPARATOR_CHARS = " [(_-"  # what stands between a title and its id: " [", " - ", "_("
_EXTENSION = re.compile(r"(?:\.[0-9A-Za-z_-]{1,12}){1,2}$")  # ".mp4", ".en.vtt", ".info.json"


def _is_emoji(char: str) -> bool:
    return unicodedata.category(char) == "So" or char == _VARIATION


def _dropped(text: str, at: int) -> bool:
    """Whether the character at `at` goes: controls, lone surrogates and invisible format
    characters (bidi controls, zero-width spaces, joiners, word joiner, BOM, soft hyphen),
    except the joiner inside an emoji sequence (👨‍👩‍👧) and a flag's tags."""
    char = text[at]
    category = unicodedata.category(char)
    if category in ("Cc", "Cs"):
        return True
    if category != "Cf":
        return False
    if char == _JOINER:
        return not (0 < at < len(text) - 1 and _is_emoji(text[at - 1])
                    and _is_emoji(text[at + 1]))
    if ord(char) in _TAGS:
        before = text[at - 1] if at else ""
        return not (before == "\U0001f3f4" or (before and ord(before) in _TAGS))
    return True


def clean_text(text: str) -> str:
    """`text` without the characters no name should hold, and with the ones Windows forbids
    replaced by yt-dlp's look-alikes. Line and paragraph separators become spaces."""
    kept = []
    for at, char in enumerate(text):
        if _dropped(text, at):
            continue
        if unicodedata.category(char) in ("Zl", "Zp"):
            char = " "
        kept.append(_LOOK_ALIKES.get(char, char))
    return "".join(kept)


def _byte_length(text: str) -> int:
    return len(text.encode("utf-8"))


def _cut(text: str, budget: int) -> str:
    """The longest start of `text` that fits in `budget` bytes and ends between two whole
    characters as a reader sees them: never inside a character, before a combining accent,
    around an emoji's joiner or inside a flag's pair of letters."""
    end, used = 0, 0
    for char in text:
        size = _byte_length(char)
        if used + size > budget:
            break
        used += size
        end += 1
    while 0 < end < len(text) and _splits_a_cluster(text, end):
        end -= 1
    return text[:end]


def _splits_a_cluster(text: str, end: int) -> bool:
    after, before = text[end], text[end - 1]
    if unicodedata.category(after).startswith("M") or after in (_JOINER, _VARIATION):
        return True
    if before == _JOINER or ord(after) in _TAGS:
        return True
    regional = range(0x1F1E6, 0x1F200)
    if ord(before) in regional and ord(after) in regional:
        run = len(text[:end]) - len(text[:end].rstrip("".join(map(chr, regional))))
        return run % 2 == 1  # the flag's first letter would be left alone
    return False


def _trim(name: str, keep: str, limit: int) -> str:
    """`name` in at most `limit` bytes: the end from `keep` (the video's id) on, or else the
    extension, is kept whole, and the text before it is shortened."""
    if _byte_length(name) <= limit:
        return name
    at = name.rfind(keep) if keep else -1
    separator = ""
    if at >= 0:
        head = name[:at]
        separator = head[len(head.rstrip(_SEPARATOR_CHARS)):]  # " [" before "id].mp4"
    else:
        found = _EXTENSION.search(name)
        at = found.start() if found else len(name)
    head, tail = name[:at], name[at:]
    if _byte_length(separator + tail) > limit // 2:  # an id or extension too long to keep
        return _cut(name, limit)
    body = head[:len(head) - len(separator)]
    budget = limit - _byte_length(separator) - _byte_length(tail)
    return _cut(body, budget).rstrip() + separator + tail


def _not_a_device(name: str) -> str:
    stem = name.split(".")[0]
    if stem.rstrip(" ").upper() in _RESERVED:
        bare = len(stem.rstrip(" "))
        return name[:bare] + "_" + name[bare:]
    return name


def safe_name(name: str, *, keep: str = "", limit: int = LIMIT) -> str:
    """One folder or file name, valid and unchanged on Windows, macOS and Linux, in at most
    `limit` bytes of UTF-8, never empty; `keep` (the video's id) and the extension stay
    whole when the name is shortened. A name that breaks no rule comes back as it is."""
    keep = clean_text(keep)
    name = clean_text(name)
    for _ in range(8):  # a step can expose what another one fixes; two or three settle it
        before = name
        name = _LEADING.sub("", name)
        name = _TRAILING.sub("", name)
        name = _not_a_device(name or "_")
        name = _trim(name, keep, limit)
        if name == before:
            break
    return name


def safe_path(path: str, *, keep: str = "", limit: int = LIMIT) -> str:
    """Every folder and file name of a relative path made safe (`safe_name`); `keep` applies
    to the last one, the file. Empty parts (`a//b`) are dropped."""
    parts = [part for part in re.split(r"[/\\]", path) if part]
    if not parts:
        return safe_name("", limit=limit)
    *folders, file = parts
    return "/".join([*(safe_name(folder, limit=limit) for folder in folders),
                     safe_name(file, keep=keep, limit=limit)])
