"""Named sets of download options: the built-in ones (in code, never changed: a user
changes a copy) and the user's own (in the `preset` table). Names are short and stable,
for scripts (`ytdesk-cli add --preset audio-mp3`); titles are what people read."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import peewee as pw

from . import jobstates as st
from .clock import now
from .db import transaction
from .models import Job
from .models import Preset as PresetRow
from .preset_options import PresetError, PresetOptions, options_from_json

EXPORT_FORMAT = "ytdesk-presets"
EXPORT_VERSION = 1
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MAX_TITLE = 80


@dataclass(frozen=True)
class Preset:
    name: str  # short, stable, for scripts
    title: str  # what people read
    options: PresetOptions
    builtin: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "builtin": self.builtin,
                "options": self.options.to_json()}


def _builtin(name: str, title: str, **options: Any) -> Preset:
    return Preset(name, title, options_from_json(options), builtin=True)


_PODCAST_CUTS = {"sponsor": "remove", "selfpromo": "remove", "interaction": "remove"}
BUILTIN: tuple[Preset, ...] = (
    _builtin("best", "Best quality"),
    _builtin("compatible-1080", "1080p, plays everywhere", quality="1080", codec="h264",
             container="mp4"),
    _builtin("small-720", "720p small", quality="720"),
    _builtin("audio-m4a", "Audio — M4A with tags and cover", quality="audio",
             audio_format="m4a", embed_thumbnail=True, embed_metadata=True),
    _builtin("audio-mp3", "Audio — MP3", quality="audio", audio_format="mp3", audio_kbps=192,
             embed_thumbnail=True, embed_metadata=True),
    _builtin("podcast", "Podcast (audio, chapters, SponsorBlock removed)", quality="audio",
             audio_format="m4a", embed_chapters=True, embed_metadata=True,
             embed_thumbnail=True, sponsorblock=_PODCAST_CUTS),
    _builtin("archive", "Archive (best + subtitles + metadata + thumbnail + description + "
             "info JSON)", container="mkv", subtitles=["all"], embed_metadata=True,
             embed_chapters=True, embed_thumbnail=True, write_thumbnail=True,
             write_description=True, write_info_json=True),
)
_BUILTIN = {preset.name: preset for preset in BUILTIN}
DEFAULT = "best"


# -- reading ---------------------------------------------------------------------------------
def all_presets() -> list[Preset]:
    """The built-in presets, then the user's by title."""
    rows = PresetRow.select().order_by(pw.fn.lower(PresetRow.title), PresetRow.id)
    return [*BUILTIN, *(_from_row(row) for row in rows)]


def get(name: str) -> Preset:
    """The preset called `name`; PresetError when there is none."""
    if name in _BUILTIN:
        return _BUILTIN[name]
    row = PresetRow.get_or_none(PresetRow.name == name)
    if row is None:
        raise PresetError(f"There is no preset named '{name}'; `ytdesk-cli presets` lists "
                          "them.")
    return _from_row(row)


def usable(name: str | None) -> str:
    """`name` if such a preset exists, else the built-in default (a setting that names a
    preset deleted elsewhere, or a newer version's)."""
    return name if isinstance(name, str) and exists(name) else DEFAULT


def exists(name: str) -> bool:
    return name in _BUILTIN or PresetRow.select().where(PresetRow.name == name).exists()


def _from_row(row: PresetRow) -> Preset:
    try:
        options = options_from_json(json.loads(row.options))
    except (PresetError, json.JSONDecodeError):
        # A preset damaged outside ytdesk still lists (and can be fixed or deleted); it
        # downloads with the defaults rather than breaking every list it is in.
        options = PresetOptions()
    return Preset(row.name, row.title, options)


# -- changing ----------------------------------------------------------------------------------
def create(title: str, options: PresetOptions, name: str | None = None) -> Preset:
    """A new preset of the user's; its name is made from the title unless given."""
    title = _check_title(title)
    with transaction():
        if name is None:
            name = _free_name(_slug(title))
        else:
            _check_new_name(name)
        PresetRow.create(name=name, title=title, options=json.dumps(options.to_json()),
                         created_at=now(), updated_at=now())
    return Preset(name, title, options)


def duplicate(name: str, title: str | None = None) -> Preset:
    """An editable copy of any preset (how a built-in one is changed)."""
    source = get(name)
    return create(title or _free_title(f"{source.title} (copy)"), source.options)


def update(name: str, *, title: str | None = None,
           options: PresetOptions | None = None) -> Preset:
    """Rename (a new title; the short name stays, as scripts use it) or change options."""
    _refuse_builtin(name, "changed")
    current = get(name)
    new_title = _check_title(title) if title is not None else current.title
    new_options = options if options is not None else current.options
    with transaction():
        PresetRow.update(title=new_title, options=json.dumps(new_options.to_json()),
                         updated_at=now()).where(PresetRow.name == name).execute()
    return Preset(name, new_title, new_options)


def delete(name: str, default: str) -> None:
    """Delete a preset of the user's; refused, with the reason, when something uses it
    (`default`: the preset new downloads use, from the settings)."""
    _refuse_builtin(name, "deleted")
    with transaction():
        get(name)  # says so when there is none
        reason = in_use(name, default)
        if reason:
            raise PresetError(reason)
        PresetRow.delete().where(PresetRow.name == name).execute()


def in_use(name: str, default: str) -> str | None:
    """Why `name` cannot go now (a sentence), or None."""
    if default == name:
        return (f"'{get(name).title}' is the default preset; choose another default in "
                "Settings first.")
    waiting = (Job.select().where(Job.status.not_in(st.FINISHED)
                                  & (pw.fn.json_extract(Job.payload, "$.preset") == name))
               .count())
    if waiting:
        noun = "download that has not finished uses" if waiting == 1 else \
            "downloads that have not finished use"
        return (f"{waiting:,} {noun} '{get(name).title}'; let them finish or remove them "
                "first.")
    return None


# -- export and import ---------------------------------------------------------------------------
def export(names: list[str]) -> dict[str, Any]:
    """Presets as a JSON document (the README has its schema)."""
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION,
            "presets": [{"name": p.name, "title": p.title, "options": p.options.to_json()}
                        for p in map(get, names)]}


def import_presets(document: Any) -> list[Preset]:
    """Add every preset of an exported document, all or none (one bad preset refuses the
    file, saying which). A name or title already taken gets a number."""
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise PresetError("This file is not a ytdesk preset export (it has no "
                          f'"format": "{EXPORT_FORMAT}").')
    if not isinstance(document.get("version"), int) or document["version"] > EXPORT_VERSION:
        raise PresetError("This preset file was written by a newer ytdesk; update ytdesk to "
                          "import it.")
    items = document.get("presets")
    if not isinstance(items, list) or not items:
        raise PresetError("This preset file holds no presets.")
    checked = []
    for number, item in enumerate(items, 1):
        try:
            if not isinstance(item, dict):
                raise PresetError("it is not a JSON object.")
            title = _check_title(item.get("title"))
            options = options_from_json(item.get("options", {}))
        except PresetError as error:
            raise PresetError(f"Preset {number} in the file cannot be used: {error}") from None
        name = item.get("name")
        checked.append((name if isinstance(name, str) and _NAME.match(name) else None,
                        title, options))
    with transaction():
        return [create(_free_title(title), options,
                       _free_name(name or _slug(title)))
                for name, title, options in checked]


# -- names and titles ---------------------------------------------------------------------------
def _check_title(title: Any) -> str:
    if not isinstance(title, str) or not title.strip():
        raise PresetError("A preset needs a title, such as “Phone, 480p”.")
    title = " ".join(title.split())
    if len(title) > MAX_TITLE:
        raise PresetError(f"A preset's title is at most {MAX_TITLE} characters.")
    if any(ord(ch) < 32 for ch in title):
        raise PresetError("A preset's title cannot contain control characters.")
    return title


def _check_new_name(name: str) -> None:
    if not _NAME.match(name):
        raise PresetError(f"'{name}' cannot be a preset's name: use lower-case letters, "
                          "digits and dashes, up to 40.")
    if exists(name):
        raise PresetError(f"There is already a preset named '{name}'.")


def _slug(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-")
    return slug or "preset"


def _free_name(wanted: str) -> str:
    if not exists(wanted):
        return wanted
    number = 2
    while exists(f"{wanted[:36]}-{number}"):
        number += 1
    return f"{wanted[:36]}-{number}"


def _free_title(wanted: str) -> str:
    taken = {p.title for p in all_presets()}
    if wanted not in taken:
        return wanted
    number = 2
    while f"{wanted} {number}" in taken:
        number += 1
    return f"{wanted} {number}"


def _refuse_builtin(name: str, verb: str) -> None:
    if name in _BUILTIN:
        raise PresetError(f"'{_BUILTIN[name].title}' is built in and cannot be {verb}; "
                          "duplicate it and change the copy.")
