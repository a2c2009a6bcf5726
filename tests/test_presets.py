"""Presets: the built-in ones are fixed and copyable; the user's own are created, renamed,
changed, duplicated and deleted (refused while something uses them), exported and imported
whole; every option is checked, and what a newer version stored is kept, not fatal."""

from __future__ import annotations

import json

import pytest

from ytdesk.core import jobstore, presets
from ytdesk.core.jobstore import NewJob
from ytdesk.core.models import Preset as PresetRow
from ytdesk.core.preset_options import (DEFAULT_TEMPLATE, PresetError, PresetOptions,
                                        options_from_json, parse_rate)

BUILTIN_NAMES = ["best", "compatible-1080", "small-720", "audio-m4a", "audio-mp3", "podcast",
                 "archive"]


def test_the_built_in_presets_have_stable_names_and_cannot_be_changed(home):
    assert [p.name for p in presets.all_presets()] == BUILTIN_NAMES
    assert all(p.builtin for p in presets.all_presets())
    compatible = presets.get("compatible-1080").options
    assert (compatible.quality, compatible.codec, compatible.container) == ("1080", "h264", "mp4")
    podcast = presets.get("podcast").options
    assert podcast.quality == "audio" and podcast.embed_chapters
    assert dict(podcast.sponsorblock)["sponsor"] == "remove"
    with pytest.raises(PresetError, match="built in and cannot be changed; duplicate it"):
        presets.update("best", title="Mine")
    with pytest.raises(PresetError, match="cannot be deleted"):
        presets.delete("archive", default="best")


def test_create_rename_change_duplicate_and_delete(home):
    phone = presets.create("Phone, 480p", options_from_json({"quality": "480"}))
    assert phone.name == "phone-480p" and not phone.builtin
    assert presets.get("phone-480p").options.quality == "480"

    renamed = presets.update("phone-480p", title="  Old   phone ")
    assert renamed.title == "Old phone" and renamed.name == "phone-480p"  # scripts keep working
    changed = presets.update("phone-480p", options=renamed.options.changed(quality="360"))
    assert presets.get("phone-480p").options.quality == changed.options.quality == "360"

    copy = presets.duplicate("audio-mp3")
    assert copy.title == "Audio — MP3 (copy)" and not copy.builtin
    assert copy.options == presets.get("audio-mp3").options
    assert presets.duplicate("audio-mp3").title == "Audio — MP3 (copy) 2"

    presets.delete("phone-480p", default="best")
    with pytest.raises(PresetError, match="There is no preset named 'phone-480p'"):
        presets.get("phone-480p")


def test_a_preset_in_use_is_not_deleted_and_says_why(home):
    mine = presets.create("Mine", PresetOptions())
    with pytest.raises(PresetError, match="is the default preset; choose another default"):
        presets.delete(mine.name, default=mine.name)
    [job_id] = jobstore.add_jobs([NewJob("download", "https://a.example/v",
                                         {"preset": mine.name})])
    with pytest.raises(PresetError, match="1 download that has not finished uses 'Mine'"):
        presets.delete(mine.name, default="best")
    assert presets.exists(mine.name)
    jobstore.move(job_id, "cancelled")
    presets.delete(mine.name, default="best")
    assert not presets.exists(mine.name)


def test_export_then_import_round_trips_and_a_bad_file_adds_nothing(home, tmp_path):
    presets.create("Phone", options_from_json({"quality": "480", "subtitles": ["en", "de.*"],
                                               "sponsorblock": {"sponsor": "mark"},
                                               "limit_rate": "500K"}))
    document = json.loads(json.dumps(presets.export(["phone", "audio-mp3"])))
    assert document["format"] == "ytdesk-presets" and document["version"] == 1
    added = presets.import_presets(document)
    assert [(p.name, p.title) for p in added] == [("phone-2", "Phone 2"),
                                                  ("audio-mp3-2", "Audio — MP3 2")]
    assert added[0].options == presets.get("phone").options
    assert added[0].options.limit_rate == 500 * 1024
    assert added[1].options == presets.get("audio-mp3").options

    before = PresetRow.select().count()
    broken = {**document, "presets": [*document["presets"],
                                      {"title": "Bad", "options": {"quality": "8k"}}]}
    with pytest.raises(PresetError, match="Preset 3 in the file cannot be used: '8k' is not"):
        presets.import_presets(broken)
    with pytest.raises(PresetError, match="not a ytdesk preset export"):
        presets.import_presets({"presets": []})
    with pytest.raises(PresetError, match="newer ytdesk"):
        presets.import_presets({**document, "version": 99})
    assert PresetRow.select().count() == before


def test_an_option_from_a_newer_version_is_kept_and_a_damaged_row_still_lists(home):
    options = options_from_json({"quality": "720", "hdr_tone_map": "auto"})
    assert options.quality == "720" and options.extra == {"hdr_tone_map": "auto"}
    kept = presets.create("From the future", options)
    assert presets.get(kept.name).options.to_json()["hdr_tone_map"] == "auto"
    PresetRow.update(options="{not json").where(PresetRow.name == kept.name).execute()
    assert presets.get(kept.name).options == PresetOptions()


@pytest.mark.parametrize(("values", "sentence"), [
    ({"quality": "8k"}, "'8k' is not a quality"),
    ({"audio_kbps": 5}, "between 32 and 512"),
    ({"subtitles": ["en", "((("]}, "is not a"),
    ({"sponsorblock": {"ads": "remove"}}, "'ads' is not a SponsorBlock category"),
    ({"sponsorblock": {"sponsor": "skip"}}, "marked as a chapter (mark) or cut out (remove)"),
    ({"output_template": ""}, "template is empty"),
    ({"output_template": "../%(title)s.%(ext)s"}, "outside the download folder"),
    ({"output_template": "/etc/%(title)s.%(ext)s"}, "outside the download folder"),
    ({"output_template": "C:\\videos\\%(title)s.%(ext)s"}, "outside the download folder"),
    ({"output_template": "%(channel)s/"}, "names a folder, not a file"),
    ({"limit_rate": "fast"}, "'fast' is not a speed limit"),
    ({"proxy": "ftp://x"}, "not a proxy address"),
    ({"cookies_from_browser": "netscape"}, "cannot read cookies from 'netscape'"),
    ({"embed_metadata": "yes"}, "must be true or false"),
    ({"polite_pause_s": -1}, "from 0 to 3600"),
    ([1, 2], "must be a JSON object"),
])
def test_every_bad_option_is_refused_with_a_sentence(values, sentence):
    with pytest.raises(PresetError, match=sentence.replace("(", r"\(").replace(")", r"\)")):
        options_from_json(values)


def test_speed_limits_read_as_people_write_them():
    assert parse_rate("500K") == 512_000
    assert parse_rate("2M") == 2 * 1024 ** 2
    assert parse_rate("1.5MB/s") == int(1.5 * 1024 ** 2)
    assert parse_rate("0") == 0 and parse_rate(1000) == 1000
    assert PresetOptions().output_template == DEFAULT_TEMPLATE
