"""File-name templates: refused with a sentence when they reach outside the download folder,
are empty, cannot be formatted or name a field no site gives; the live example is the name
the download then gets."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import job, wait_until_idle

from ytdesk.core import presets
from ytdesk.core.preset_options import DEFAULT_TEMPLATE, PresetError, options_from_json
from ytdesk.ytdl import templates


@pytest.mark.parametrize(("template", "sentence"), [
    ("", "template is empty"),
    ("../%(title)s.%(ext)s", "outside the download folder"),
    ("/tmp/%(title)s.%(ext)s", "outside the download folder"),
    ("%(titel)s [%(id)s].%(ext)s", "names a field no site gives, “titel”"),
    ("%(title)s.%(ext)", "yt-dlp cannot read this file-name template"),
])
def test_a_template_that_cannot_be_used_is_refused(template, sentence):
    with pytest.raises(PresetError, match=sentence):
        templates.check(template)


@pytest.mark.parametrize("template", [
    DEFAULT_TEMPLATE,
    "%(upload_date>%Y)s/%(title).50s [%(id)s].%(ext)s",
    "%(playlist_index&{} - |)s%(title)s.%(ext)s",
    "%(channel,uploader|Unknown)s/Season %(upload_date>%Y)s/%(title)s.%(ext)s",
])
def test_ordinary_templates_are_accepted(template):
    assert templates.check(template) == template


def test_the_example_is_what_the_sample_video_would_be_named():
    assert templates.example(DEFAULT_TEMPLATE) == \
        "Kitchen Notes/How to bake bread [a1B2c3D4e5F].mp4"
    assert templates.example("%(upload_date>%Y)s/%(title)s.%(ext)s") == \
        "2026/How to bake bread.mp4"


def test_the_example_matches_the_name_the_download_gets(site, home, one_at_a_time, qtbot):
    template = "%(channel)s/%(upload_date>%Y)s - %(title)s [%(id)s].%(ext)s"
    mine = presets.create("Dated", options_from_json({"output_template": template}))
    job_id = one_at_a_time.enqueue("download", site.video_url("v3"), {"preset": mine.name})
    wait_until_idle(qtbot, one_at_a_time)
    assert job(job_id).status == "succeeded", job(job_id).error
    made = Path(job(job_id).output_path).relative_to(home.download_dir).as_posix()
    info = site.video_json(site.videos["v3"])
    assert templates.example(template, {**info, "ext": "mp4"}) == made
