"""What ytdesk-cli prints is safe on a terminal and exact in JSON: control characters from
titles, errors, paths and logs are shown as escapes, `--json` keeps every character, the
listings are streamed, and a line of `add --from-file` that is not UTF-8 is refused by its
number."""

from __future__ import annotations

import json

import pytest
from support import job

from ytdesk.cli import main
from ytdesk.core import jobstore
from ytdesk.core.clock import iso
from ytdesk.core.models import Job, Video
from ytdesk.core.printable import printable

HOSTILE = "Red\x1b[31m alarm\x07 nul\x00 cr\rfake\nline\tcol \u202egpj.exe\u2066x\u2069\x9b2J"
# What a terminal must never receive raw: ESC, BEL, NUL, CR, LF, TAB (our column
# separator), the C1 CSI, and bidi overrides and isolates.
RAW = ["\x1b", "\x07", "\x00", "\r", "\u202e", "\u2066", "\u2069", "\x9b"]


def test_printable_shows_control_characters_as_escapes():
    assert printable(HOSTILE) == ("Red\\x1b[31m alarm\\x07 nul\\x00 cr\\rfake\\nline\\tcol "
                                  "\\u202egpj.exe\\u2066x\\u2069\\x9b2J")
    assert printable("Café 東京 — ok \\ path") == "Café 東京 — ok \\ path"


def _assert_safe(text: str) -> None:
    shown = [char for char in RAW if char in text]
    assert shown == [], f"raw control characters reached the terminal: {shown!r}"


def test_a_hostile_title_is_escaped_in_every_human_listing_and_exact_in_json(site, home,
                                                                              capsys):
    site.add_video("evil", HOSTILE)
    main([*home.cli_args(), "add", site.video_url("evil")])
    capsys.readouterr()

    assert main([*home.cli_args(), "run", "--until-idle"]) == 0
    out = capsys.readouterr().out
    assert job(1).status == "succeeded"
    _assert_safe(out)
    assert "Red\\x1b[31m alarm\\x07" in out and "\\u202egpj.exe" in out
    assert all(line.startswith("job 1 ") for line in out.splitlines())  # no fake line

    for command in (["jobs"], ["videos"], ["log", "1"]):
        assert main([*home.cli_args(), *command]) == 0
        out = capsys.readouterr().out
        _assert_safe(out.replace("\n", "").replace("\t", ""))  # ours: row and column ends
        if command != ["log", "1"]:
            [row] = out.splitlines()
            assert "\\x1b[31m" in row and row.count("\t") == (4 if command == ["jobs"] else 3)

    assert main([*home.cli_args(), "jobs", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["title"] == HOSTILE
    assert main([*home.cli_args(), "videos", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["title"] == HOSTILE


def test_errors_on_stderr_are_escaped(home, capsys):
    assert main([*home.cli_args(), "add", "nope\x1b]0;owned\x07"]) == 2
    err = capsys.readouterr().err
    _assert_safe(err)
    assert "nope\\x1b]0;owned\\x07" in err


def test_a_line_that_is_not_utf8_is_rejected_by_its_number(home, tmp_path, capsys):
    listing = tmp_path / "urls.txt"
    listing.write_bytes(b"https://a.example/1\n# caf\xe9: a comment in Latin-1 is skipped\n"
                        b"https://b.example/caf\xe9\r\nhttps://c.example/3\n")
    code = main([*home.cli_args(), "add", "--from-file", str(listing)])
    captured = capsys.readouterr()
    assert code == 2  # like a line that is not a URL: the line is refused, the rest queued
    assert (f"rejected {listing}:3: line 3 is not UTF-8 text: its byte 22 (0xe9) cannot be "
            "read. Save the file as UTF-8"
            in captured.err)
    assert [j.url for j in Job.select().order_by(Job.id)] == ["https://a.example/1",
                                                              "https://c.example/3"]
    assert "\ufffd" not in captured.out + captured.err


def test_a_file_of_only_bad_lines_queues_nothing(home, tmp_path, capsys):
    listing = tmp_path / "urls.txt"
    listing.write_bytes(b"\xff\xfeh\x00t\x00t\x00p\x00\n")  # UTF-16, not UTF-8
    assert main([*home.cli_args(), "add", "--from-file", str(listing)]) == 2
    assert "line 1 is not UTF-8 text" in capsys.readouterr().err
    assert Job.select().count() == 0


def _jobs_as_before(status: str | None = None) -> str:
    """`jobs --json` as it was written before it was streamed (every row built, then one
    json.dumps of the lot): the streamed output must be the same text."""
    names = {10: "high", 0: "normal", -10: "low"}
    query = Job.select().order_by(Job.id)
    if status:
        query = query.where(Job.status == status)
    rows = [{"id": j.id, "kind": j.kind, "status": j.status, "url": j.url, "title": j.title,
             "priority": names.get(j.priority, j.priority), "attempts": j.attempts,
             "progress": j.progress, "error": j.error, "parent_id": j.parent_id,
             "created_at": iso(j.created_at), "finished_at": iso(j.finished_at)}
            for j in query]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def _videos_as_before() -> str:
    query = Video.select().order_by(Video.downloaded_at.desc(nulls="last"), Video.id.desc())
    rows = [{"id": v.id, "extractor": v.extractor, "video_id": v.video_id, "title": v.title,
             "channel": v.channel, "duration": v.duration, "upload_date": v.upload_date,
             "filepath": v.filepath, "downloaded_at": iso(v.downloaded_at),
             "watched": bool(v.watched)} for v in query]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("status", [None, "failed"])
def test_streamed_jobs_json_is_the_same_text_as_before(home, capsys, status):
    assert main([*home.cli_args(), "jobs", "--json"]) == 0
    assert capsys.readouterr().out == "[]\n" == _jobs_as_before()
    ids = jobstore.add_jobs([
        jobstore.NewJob("download", "https://example.com/a", {}, 10, title=HOSTILE),
        jobstore.NewJob("download", "https://example.com/b", {}, -10, title='say "hi" \\ é'),
        jobstore.NewJob("metadata", "https://example.com/c", {}, 3)])
    Job.update(status="failed", error="The site said no \u202e.", progress=0.12345678901,
               attempts=2, finished_at=1_767_225_600.5, parent=ids[0]).where(
        Job.id == ids[1]).execute()

    assert main([*home.cli_args(), "jobs", "--json", *(["--status", status] if status else [])
                 ]) == 0
    out = capsys.readouterr().out
    assert out == _jobs_as_before(status)
    shown = json.loads(out)
    assert [row["id"] for row in shown] == ([ids[1]] if status else ids)
    failed = next(row for row in shown if row["id"] == ids[1])
    assert failed["parent_id"] == ids[0] and failed["priority"] == "low"
    assert failed["progress"] == 0.12345678901 and failed["error"] == "The site said no \u202e."


def test_streamed_videos_json_is_the_same_text_as_before(home, capsys):
    Video.insert_many([
        {"extractor": "fakesite", "video_id": "a", "title": HOSTILE, "duration": 3.5,
         "filepath": "/v/a.mp4", "downloaded_at": 1_767_225_600.0, "watched": True},
        {"extractor": "fakesite", "video_id": "b", "title": None, "channel": "Chan \x1b"},
        {"extractor": "fakesite", "video_id": "c", "title": "Later", "filepath": "/v/c.mp4",
         "downloaded_at": 1_767_300_000.0}]).execute()
    assert main([*home.cli_args(), "videos", "--json"]) == 0
    out = capsys.readouterr().out
    assert out == _videos_as_before()
    assert [row["video_id"] for row in json.loads(out)] == ["c", "a", "b"]


def test_the_json_listing_is_written_row_by_row():
    """Each row is out before the next is read (what keeps `jobs --json` flat in memory)."""
    import io

    from ytdesk.core.listings import write_json_array

    out = io.StringIO()

    def rows():
        yield {"id": 1, "title": "first"}
        assert out.getvalue() == '[\n  {\n    "id": 1,\n    "title": "first"\n  }'
        yield {"id": 2, "title": None}

    write_json_array(rows(), out)
    assert json.loads(out.getvalue()) == [{"id": 1, "title": "first"}, {"id": 2, "title": None}]
