"""ytdesk-cli's contract, as scripts and other tools use it."""

from __future__ import annotations

import json

import pytest
from support import job

from ytdesk.cli import main
from ytdesk.core.models import Job

BAD_INPUTS = [
    ("not a url", "is not a web address"),
    ("file:///etc/passwd", "only http and https links"),
    ("javascript:alert(1)", "is not a web address"),
    ("", "The address is empty"),
    ("https://example.com/" + "a" * 100_000, "a real link is at most"),
]


@pytest.mark.parametrize("text,reason", BAD_INPUTS, ids=["prose", "file", "javascript", "empty",
                                                        "100k-chars"])
def test_bad_input_is_named_with_a_reason_and_creates_no_job(home, capsys, text, reason):
    code = main([*home.cli_args(), "add", text])
    err = capsys.readouterr().err
    assert code == 2
    assert reason in err and "rejected argument" in err
    assert len(err) < 400  # the 100,000-character input is not echoed back whole
    assert Job.select().count() == 0


def test_valid_urls_are_queued_even_beside_bad_ones(home, capsys):
    code = main([*home.cli_args(), "add", "https://example.com/watch?v=1", "ftp://x/y",
                 "http://example.org/video", "--priority", "high", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 2
    assert out["rejected"] == 1 and len(out["queued"]) == 2
    jobs = list(Job.select().order_by(Job.id))
    assert [j.url for j in jobs] == ["https://example.com/watch?v=1", "http://example.org/video"]
    assert all(j.priority == 10 and j.status == "queued" for j in jobs)


def test_add_from_file_reads_one_url_a_line(home, tmp_path, capsys):
    listing = tmp_path / "urls.txt"
    listing.write_text("# my list\nhttps://a.example/1\n\nnope\nhttps://b.example/2\n")
    code = main([*home.cli_args(), "add", "--from-file", str(listing), "--audio-only"])
    captured = capsys.readouterr()
    assert code == 2
    assert f"rejected {listing}:4" in captured.err
    assert len(captured.out.splitlines()) == 2
    assert all(json.loads(j.payload)["overrides"] == {"quality": "audio"} for j in Job.select())


def test_jobs_json_has_the_documented_shape(home, capsys):
    main([*home.cli_args(), "add", "https://example.com/v"])
    capsys.readouterr()
    assert main([*home.cli_args(), "jobs", "--json"]) == 0
    [shown] = json.loads(capsys.readouterr().out)
    assert set(shown) == {"id", "kind", "status", "url", "title", "priority", "attempts",
                          "progress", "error", "parent_id", "created_at", "finished_at"}
    assert shown["status"] == "queued" and shown["priority"] == "normal"


def test_run_until_idle_downloads_and_videos_lists_them(site, home, capsys):
    main([*home.cli_args(), "add", site.playlist_url("pl1"), site.video_url("gone")])
    capsys.readouterr()

    code = main([*home.cli_args(), "run", "--until-idle"])
    out = capsys.readouterr().out
    assert code == 1  # the 404 failed
    assert "job 2 failed" in out and "HTTP 404" in out
    assert "job 1 succeeded" in out

    assert main([*home.cli_args(), "videos", "--json"]) == 0
    videos = json.loads(capsys.readouterr().out)
    assert sorted(v["video_id"] for v in videos) == ["v1", "v2", "v3"]
    assert set(videos[0]) == {"id", "extractor", "video_id", "title", "channel", "duration",
                              "upload_date", "filepath", "downloaded_at", "watched"}
    assert main([*home.cli_args(), "videos", "--search", "video 2", "--json"]) == 0
    assert [v["video_id"] for v in json.loads(capsys.readouterr().out)] == ["v2"]


def test_retry_cancel_and_log(site, home, capsys):
    main([*home.cli_args(), "add", site.video_url("gone"), site.video_url("v1")])
    main([*home.cli_args(), "cancel", "2"])
    assert main([*home.cli_args(), "run", "--until-idle"]) == 1
    capsys.readouterr()
    assert job(2).status == "cancelled"

    assert main([*home.cli_args(), "log", "1"]) == 0
    log_text = capsys.readouterr().out
    assert "HTTP 404" in log_text and log_text[:4].isdigit()  # timestamped lines

    site.add_video("gone", "Back again")
    assert main([*home.cli_args(), "retry", "1", "2"]) == 0
    assert main([*home.cli_args(), "run", "--until-idle"]) == 0
    assert job(1).status == job(2).status == "succeeded"
    assert main([*home.cli_args(), "retry", "1"]) == 1
    assert "it cannot be retried" in capsys.readouterr().err


def test_migrate_status_and_down_up(home, capsys):
    assert main([*home.cli_args(), "migrate", "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["pending"] == [] and status["applied"][0] == "001_initial"
    assert main([*home.cli_args(), "migrate", "down", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rolled_back"] == status["applied"][-1]
    assert main([*home.cli_args(), "migrate", "up", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["applied"] == [status["applied"][-1]]
