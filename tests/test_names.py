"""The rules for safe file names (ytdl/names.py) on any input, and what they leave alone: an
ordinary title gets the very name plain yt-dlp gives it."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_hostile_names import problems
from yt_dlp import YoutubeDL

from ytdesk.core.preset_options import DEFAULT_TEMPLATE as OUTPUT_TEMPLATE
from ytdesk.core.preset_options import PresetOptions
from ytdesk.ytdl import names
from ytdesk.ytdl.options import build_options
from ytdesk.ytdl.warm import DesktopYoutubeDL

# Any text a site could send, lone surrogates and all, weighted towards what breaks names.
_NASTY = "\u202e\u202a\u2066\u2069\u200b\u200c\u200d\u2060\ufeff\u00ad\x00\x1b\x85\n\t -.:/\\"
TEXT = st.text(st.one_of(st.characters(), st.sampled_from(list(_NASTY)),
                         st.sampled_from(["é", "漢", "😀", "\u0301", "\U0001f1eb", "\ufe0f"])),
               max_size=400)
IDS = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=20)
EXTENSIONS = st.sampled_from(["mp4", "webm", "m4a", "en.vtt", "info.json", "f137.mp4"])
LIMITS = st.integers(min_value=24, max_value=names.NAME_BYTES)


@settings(max_examples=400, deadline=None)
@given(TEXT, LIMITS)
@example("NUL", names.LIMIT)
@example("aux.txt", names.LIMIT)
@example("LPT1 .mp4", names.LIMIT)
@example(" -- ", names.LIMIT)
@example("..", names.LIMIT)
@example("\u202e", names.LIMIT)
def test_any_text_becomes_a_name_valid_everywhere(text, limit):
    name = names.safe_name(text, limit=limit)
    assert problems(name) == []
    assert len(name.encode("utf-8")) <= limit


@settings(max_examples=400, deadline=None)
@given(TEXT, IDS, EXTENSIONS)
@example("é" * 150, "accent", "f137.mp4")
@example("漢" * 80, "cjk", "mp4")
@example("x" * 300, "long", "mp4")
@example("-- " + "\u202e" * 100, "rlo", "mp4")
def test_a_file_name_keeps_the_id_and_extension(title, video_id, extension):
    made = f"{title} [{video_id}].{extension}"
    name = names.safe_name(made, keep=video_id)
    assert problems(name) == []
    assert len(name.encode("utf-8")) <= names.NAME_BYTES - names.SUFFIX_ROOM
    assert name.endswith(f"[{video_id}].{extension}")
    # Shortening keeps the start of the title, never half a character of it.
    kept_title = name[:-len(f"[{video_id}].{extension}")].rstrip(" [")
    assert kept_title in names.clean_text(title).lstrip(" -") or kept_title == ""


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=4), IDS)
def test_every_part_of_a_path_is_a_safe_name(parts, video_id):
    path = names.safe_path("/".join([*parts, f"t [{video_id}].mp4"]), keep=video_id)
    assert all(problems(part) == [] for part in path.split("/"))
    assert path.endswith(f"[{video_id}].mp4")


def test_shortening_never_leaves_an_accent_or_an_emoji_half_cut():
    decomposed = names.safe_name("e\u0301" * 200 + " [v1].mp4", keep="v1")
    assert decomposed.endswith("e\u0301 [v1].mp4")
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    joined = names.safe_name(family * 30 + " [v1].mp4", keep="v1")
    assert joined.endswith(family + " [v1].mp4")
    flags = names.safe_name("a" + "\U0001f1eb\U0001f1f7" * 40 + " [v1].mp4", keep="v1")
    assert flags.endswith("\U0001f1eb\U0001f1f7 [v1].mp4")


def test_device_names_get_an_underscore_in_any_case_with_or_without_an_extension():
    assert [names.safe_name(n) for n in ("NUL", "com1", "aux.txt", "LPT1.mp4", "Con .tar.gz",
                                         "COM¹", "NULL", "CONSOLE.mp4", "nul [v1].mp4")] == \
        ["NUL_", "com1_", "aux_.txt", "LPT1_.mp4", "Con_ .tar.gz", "COM¹_", "NULL",
         "CONSOLE.mp4", "nul [v1].mp4"]


ORDINARY = [
    "Test Video 1", "Café crème — épisode 2", "東京の夜景 4K", "Привет, мир!", "مرحبا بالعالم",
    "What? Why: a \"quoted\" <title> | part 1/2", "AC/DC \\ live", "100% pure $HOME",
    "Emoji 😀 family \U0001f468\u200d\U0001f469\u200d\U0001f467 flag 🇫🇷 done",
    "Line one\nline two", "C:\\Windows", "a.b.c", ".NET in 10 minutes", "x" * 150,
]
# What only ytdesk changes: each is invalid on Windows or misleads a reader.
HOSTILE = {
    "Ends with a dot.": "Ends with a dot",
    "  spaced out ": "spaced out",
    "-- rm -rf": "rm -rf",
    "NUL": "NUL_",
    "evil\u202egpj.exe": "evilgpj.exe",
    "zero\u200bwidth": "zerowidth",
}


def _names(title: str, folder: Path) -> tuple[str, str]:
    """The path ytdesk and `yt-dlp -o TEMPLATE` give a video named `title` by a channel of
    the same name, relative to `folder`."""
    info = {"id": "abc123", "title": title, "ext": "mp4", "channel": title}
    ours = DesktopYoutubeDL(build_options(download_dir=folder, preset=PresetOptions(),
                                          logger=None))
    plain = YoutubeDL({"paths": {"home": str(folder)}, "outtmpl": {"default": OUTPUT_TEMPLATE}})
    return (Path(ours.prepare_filename(info)).relative_to(folder).as_posix(),
            Path(plain.prepare_filename(info)).relative_to(folder).as_posix())


@pytest.mark.parametrize("title", ORDINARY)
def test_an_ordinary_title_gets_the_name_plain_ytdlp_gives_it(title, tmp_path):
    ours, plain = _names(title, tmp_path)
    assert ours == plain


@pytest.mark.parametrize("title", HOSTILE)
def test_only_a_name_that_breaks_a_rule_differs_from_plain_ytdlp(title, tmp_path):
    ours, plain = _names(title, tmp_path)
    assert ours != plain
    folder, file = ours.split("/")
    assert folder == HOSTILE[title] and file.startswith(HOSTILE[title].rstrip("_"))
