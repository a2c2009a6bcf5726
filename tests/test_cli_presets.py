"""The CLI's presets: listed by stable short names (also as JSON), exported and imported,
used by `add --preset` with per-download changes; a bad name, rate or file queues nothing
and exits 2 with a sentence."""

from __future__ import annotations

import json

from ytdesk.cli import main
from ytdesk.core.models import Job


def test_presets_are_listed_with_their_short_names(home, capsys):
    assert main([*home.cli_args(), "presets"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [
        "best", "compatible-1080", "small-720", "audio-m4a", "audio-mp3", "podcast", "archive"]
    assert lines[0].endswith("Best quality (default)")
    assert main([*home.cli_args(), "presets", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert set(listed[0]) == {"name", "title", "builtin", "options"}
    assert listed[4]["options"]["audio_format"] == "mp3"


def test_add_with_a_preset_and_a_rate_limit(home, capsys):
    code = main([*home.cli_args(), "add", "https://a.example/v", "--preset", "audio-mp3",
                 "--limit-rate", "500K"])
    assert code == 0
    payload = json.loads(Job.get().payload)
    assert payload["preset"] == "audio-mp3"
    assert payload["overrides"] == {"limit_rate": 512_000}


def test_an_unknown_preset_or_a_bad_rate_queues_nothing(home, capsys):
    assert main([*home.cli_args(), "add", "https://a.example/v", "--preset", "nope"]) == 2
    assert "There is no preset named 'nope'" in capsys.readouterr().err
    assert main([*home.cli_args(), "add", "https://a.example/v", "--limit-rate", "fast"]) == 2
    assert "'fast' is not a speed limit" in capsys.readouterr().err
    assert Job.select().count() == 0


def test_export_and_import_round_trip(home, tmp_path, capsys):
    exported = tmp_path / "mine.json"
    assert main([*home.cli_args(), "presets", "export", "podcast", "audio-mp3",
                 str(exported)]) == 0
    assert main([*home.cli_args(), "presets", "import", str(exported)]) == 0
    out = capsys.readouterr().out
    assert "added podcast-2\tPodcast (audio, chapters, SponsorBlock removed) 2" in out
    assert main([*home.cli_args(), "presets", "--json"]) == 0
    listed = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    assert listed["podcast-2"]["options"] == listed["podcast"]["options"]
    assert listed["podcast-2"]["builtin"] is False

    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert main([*home.cli_args(), "presets", "import", str(broken)]) == 2
    assert "is not a JSON file of presets" in capsys.readouterr().err
