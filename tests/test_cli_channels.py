"""ytdesk-cli's channel commands, run in this process against a real library and the local
fake site: what a user reads, the exit code, and what is (or is not) stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ytdesk.cli import main
from ytdesk.core import channels, library
from ytdesk.core.models import Job, Subscription, SubscriptionEntry, Video
from ytdesk.jobs.kinds import KINDS

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "subscriptions"
SYNC_LANDED = pytest.mark.skipif("sync" not in KINDS,
                                 reason="the `sync` job kind has not landed on this branch yet")


def cli(home, *args: str) -> int:
    return main([*home.cli_args(), *args])


def library_bytes(home) -> bytes:
    """The library as it is on disk: its file and its write-ahead log, if any."""
    data = home.paths.database.read_bytes()
    wal = Path(str(home.paths.database) + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


# -- subscribe ----------------------------------------------------------------------------------
def test_subscribe_stores_every_setting_and_prints_the_id(home, tmp_path, capsys):
    folder = tmp_path / "music"
    code = cli(home, "subscribe", "https://example.com/c/one", "--name", "One", "--group",
               "Music", "--interval", "2h", "--backfill", "all", "--preset", "audio-m4a",
               "--folder", str(folder), "--filter", "include_shorts=no",
               "--filter", "max_duration_s=600", "--filter", "title_matches=(?i)live",
               "--filter", "published_after=2026-01-31", "--keep-newest", "3",
               "--delete-watched-after", "7")
    out = capsys.readouterr().out
    assert code == 0
    [row] = Subscription.select()
    assert out == f"{row.id}\thttps://example.com/c/one\n"
    followed = channels.get(row.id)
    assert (followed.title, followed.group, followed.interval_s, followed.backfill) == (
        "One", "Music", 7200.0, "all")
    assert followed.preset == "audio-m4a" and followed.folder == str(folder.resolve())
    assert followed.filters == {"include_shorts": False, "max_duration_s": 600.0,
                                "title_matches": "(?i)live", "published_after": "2026-01-31"}
    assert (followed.keep_newest, followed.delete_watched_after_days) == (3, 7)


@pytest.mark.parametrize("args,sentence", [
    (["--filter", "colour=red"], "There is no filter called 'colour'"),
    (["--filter", "title_matches=(unclosed"], "is not a valid regular expression"),
    (["--filter", "include_live=maybe"], "include_live is true or false"),
    (["--filter", "min_duration_s=long"], "min_duration_s is a number of seconds"),
    (["--filter", "published_after=yesterday"], "is not a date; write it as 2026-01-31"),
    (["--filter", "max_duration_s"], "is not a filter; write it as NAME=VALUE"),
    (["--interval", "soon"], "is not an interval; write it as 30m, 6h or 2d"),
    (["--interval", "5m"], "at most every 15 minutes"),
    (["--backfill", "some"], "is not a back-catalogue choice"),
    (["--keep-newest", "0"], "needs a number of them from 1 up"),
    (["--delete-watched-after", "-3"], "needs a number of days from 1 up"),
    (["--preset", "no-such-preset"], "no-such-preset"),
], ids=["filter-name", "regex", "bool", "number", "date", "no-equals", "interval",
        "too-often", "backfill", "keep-newest", "delete-after", "preset"])
def test_a_setting_that_cannot_be_used_is_refused_and_nothing_is_stored(home, capsys, args,
                                                                        sentence):
    code = cli(home, "subscribe", "https://example.com/c/one", *args)
    captured = capsys.readouterr()
    assert code == 2
    assert sentence in captured.err and captured.err.startswith("ytdesk-cli: ")
    assert "Traceback" not in captured.err and captured.out == ""
    assert Subscription.select().count() == 0


def test_an_address_or_a_twin_is_refused(home, capsys):
    assert cli(home, "subscribe", "file:///etc/passwd") == 2
    assert "only http and https links" in capsys.readouterr().err
    assert cli(home, "subscribe", "https://example.com/c/one") == 0
    assert cli(home, "subscribe", "https://example.com/c/one", "--keep-newest", "2") == 2
    assert "You already follow https://example.com/c/one" in capsys.readouterr().err
    [row] = Subscription.select()
    assert row.keep_newest is None  # the refused twin changed nothing


# -- channels -----------------------------------------------------------------------------------
def _listed(subscription_id: int, *videos: tuple[str, str | None]) -> list[int]:
    """Library videos (id, file or None) that this subscription's listing showed."""
    ids = []
    for video_id, filepath in videos:
        key = ("fakesite", video_id, "")
        if library.find_video(*key) is None:
            library.upsert_videos([{"extractor_key": "Fakesite", "id": video_id,
                                    "title": f"Video {video_id}"}])
        row = library.find_video(*key)
        if filepath:
            Video.update(filepath=filepath).where(Video.id == row.id).execute()
        SubscriptionEntry.insert(subscription=subscription_id, video=row.id).execute()
        ids.append(row.id)
    return ids


def test_channels_json_has_the_documented_shape_and_counts(home, capsys):
    music = channels.subscribe("https://example.com/c/m", "Tunes", group="Music")
    plain = channels.subscribe("https://example.com/c/p", "Cooking")
    _listed(music.id, ("a", "/videos/a.mp4"), ("b", None), ("c", "/videos/c.mp4"))
    assert cli(home, "channels", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in shown] == [plain.id, music.id]  # by group, then title
    assert set(shown[0]) == {"id", "url", "title", "group", "enabled", "last_synced_at",
                             "video_count", "downloaded_count", "last_error"}
    assert shown[1] == {"id": music.id, "url": "https://example.com/c/m", "title": "Tunes",
                        "group": "Music", "enabled": True, "last_synced_at": None,
                        "video_count": 3, "downloaded_count": 2, "last_error": None}


def test_channels_json_gives_the_last_sync_as_a_date_and_the_sentence_of_its_error(home,
                                                                                   capsys):
    followed = channels.subscribe("https://example.com/c/m", "Tunes")
    Subscription.update(last_synced_at=1_780_000_000.5, last_error="The site said no.").where(
        Subscription.id == followed.id).execute()
    assert cli(home, "channels", "--json") == 0
    [shown] = json.loads(capsys.readouterr().out)
    assert shown["last_synced_at"] == "2026-05-28T20:26:40+00:00"
    assert shown["last_error"] == "The site said no."
    assert cli(home, "channels") == 0
    assert capsys.readouterr().out.splitlines()[1].endswith("error: The site said no.")


def test_channels_lines_up_its_columns(home, capsys):
    channels.subscribe("https://example.com/c/m", "Tunes with a longer title", group="Music")
    channels.subscribe("https://example.com/c/p", "Cooking")
    assert cli(home, "channels") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "GROUP", "TITLE", "VIDEOS", "DOWNLOADED", "LAST",
                                "SYNC", "STATE"]
    assert "Cooking" in lines[1] and "Tunes with a longer title" in lines[2]
    for header in ("TITLE", "LAST SYNC", "STATE"):  # text starts in line
        column = lines[0].index(header)
        assert all(line[column - 1] == " " and line[column] != " " for line in lines[1:]), \
            header
    end = lines[0].index("DOWNLOADED") + len("DOWNLOADED")  # numbers end in line
    assert all(line[end - 1] == "0" and line[end] == " " for line in lines[1:])
    assert "never" in lines[1] and lines[1].endswith("on")


def test_channels_with_none_says_how_to_add_one(home, capsys):
    assert cli(home, "channels") == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "ytdesk-cli subscribe URL" in captured.err


# -- unsubscribe --------------------------------------------------------------------------------
def test_unsubscribe_deletes_only_the_files_no_other_subscription_lists(home, tmp_path,
                                                                          capsys):
    files = {}
    for name in ("own", "shared", "sidecar"):
        files[name] = tmp_path / f"{name} [{name}].mp4"
        files[name].write_bytes(b"x" * 1000)
    (tmp_path / "own [own].info.json").write_text("{}")
    leaving = channels.subscribe("https://example.com/c/leaving", "Leaving")
    staying = channels.subscribe("https://example.com/c/staying", "Staying")
    _listed(leaving.id, ("own", str(files["own"])), ("shared", str(files["shared"])),
            ("known", None))
    _listed(staying.id, ("shared", str(files["shared"])))

    assert cli(home, "unsubscribe", str(leaving.id), "--delete-files") == 0
    out = capsys.readouterr().out
    assert out == "Deleted 1 video (2 files, 0.0 MB).\nUnsubscribed from Leaving.\n"
    assert not files["own"].exists() and not (tmp_path / "own [own].info.json").exists()
    assert files["shared"].exists()
    assert [f.id for f in channels.all_followed()] == [staying.id]
    own = library.find_video("fakesite", "own")
    assert own.filepath is None and own.deleted_at is not None  # never fetched again


def test_unsubscribe_keeps_files_unless_asked_and_refuses_an_unknown_id(home, tmp_path,
                                                                        capsys):
    video = tmp_path / "v [v].mp4"
    video.write_bytes(b"x")
    followed = channels.subscribe("https://example.com/c/one", "One")
    _listed(followed.id, ("v", str(video)))
    assert cli(home, "unsubscribe", "99") == 2
    assert "There is no subscription 99." in capsys.readouterr().err
    assert cli(home, "unsubscribe", str(followed.id)) == 0
    assert capsys.readouterr().out == "Unsubscribed from One.\n"
    assert video.exists() and Subscription.select().count() == 0


# -- refresh ------------------------------------------------------------------------------------
def test_refresh_dry_run_writes_nothing_and_the_real_run_writes_what_it_predicted(
        site, home, capsys):
    url = site.channel_url("testchannel")
    library.upsert_videos([{"extractor_key": "Fakesite", "id": "v1", "title": "Old title",
                            "webpage_url": site.video_url("v1")}])
    home.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    before = library_bytes(home)

    assert cli(home, "refresh", url, "--dry-run", "--json") == 0
    predicted = json.loads(capsys.readouterr().out)
    assert library_bytes(home) == before  # not a byte: no video, no channel, no job
    assert Job.select().count() == 0
    assert predicted["dry_run"] is True and predicted["job"] is None
    # the channel's Videos and Shorts tabs list 5 videos and 2 shorts; v1 was known
    assert (predicted["inserted"], predicted["updated"], predicted["unchanged"]) == (6, 1, 0)

    assert cli(home, "refresh", url, "--json") == 0
    done = json.loads(capsys.readouterr().out)  # stdout is the JSON alone
    assert {k: done[k] for k in ("inserted", "updated", "unchanged", "unread")} == {
        k: predicted[k] for k in ("inserted", "updated", "unchanged", "unread")}
    assert done["dry_run"] is False and Job.get_by_id(done["job"]).kind == "metadata"
    assert library.find_video("fakesite", "v1").title == "Test Video 1"

    site.add_video("v2", "Renamed on the site", upload_date="20260102")
    assert cli(home, "refresh", url, "--dry-run") == 0
    assert capsys.readouterr().out == ("would add 0, update 1, leave 6 unchanged "
                                       "(dry run: nothing was written)\n")
    assert cli(home, "refresh", url) == 0
    out = capsys.readouterr().out
    assert out.endswith("added 0, updated 1, 6 unchanged\n") and "succeeded" in out


def test_refresh_of_a_channel_lists_its_videos_under_it_newest_first(site, home, capsys):
    followed = channels.subscribe(site.channel_url("testchannel"), "Test Channel")
    assert cli(home, "refresh", "--channel", str(followed.id), "--dry-run") == 0
    assert SubscriptionEntry.select().count() == 0 and Video.select().count() == 0
    capsys.readouterr()

    assert cli(home, "refresh", "--channel", str(followed.id)) == 0
    newest_first = [e.video.video_id for e in SubscriptionEntry.select()
                    .where(SubscriptionEntry.subscription == followed.id)
                    .order_by(SubscriptionEntry.id.desc())]
    assert newest_first == ["v5", "v4", "v3", "v2", "v1", "s2", "s1"]  # as listed
    capsys.readouterr()
    assert cli(home, "channels", "--json") == 0
    assert json.loads(capsys.readouterr().out)[0]["video_count"] == 7
    assert cli(home, "refresh", "--channel", str(followed.id)) == 0  # again: no twins
    assert SubscriptionEntry.select().count() == 7


@pytest.mark.parametrize("args,sentence", [
    ([], "refresh takes a URL or --channel ID"),
    (["https://example.com/c", "--channel", "1"], "refresh takes a URL or --channel ID"),
    (["--channel", "7"], "There is no subscription 7."),
    (["not a url"], "is not a web address"),
    (["not a url", "--dry-run"], "is not a web address"),
], ids=["nothing", "both", "unknown-channel", "bad-url", "bad-url-dry"])
def test_refresh_refuses_bad_input_and_queues_nothing(home, capsys, args, sentence):
    assert cli(home, "refresh", *args) == 2
    assert sentence in capsys.readouterr().err
    assert Job.select().count() == 0


def test_refresh_of_an_address_that_fails_says_so_in_a_sentence(site, home, capsys):
    assert cli(home, "refresh", site.video_url("gone"), "--dry-run") == 1
    err = capsys.readouterr().err
    assert "HTTP 404" in err and "Traceback" not in err
    assert cli(home, "refresh", site.video_url("gone")) == 1
    err = capsys.readouterr().err
    assert "the refresh (job 1) did not finish" in err and "HTTP 404" in err


# -- subscriptions import / export ----------------------------------------------------------------
def test_import_preview_adds_nothing_then_import_adds_and_skips_twins(home, capsys):
    opml = str(FIXTURES / "podcasts.opml")
    assert cli(home, "subscriptions", "import", opml, "--dry-run") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "OPML: would add 3, skip 0 followed already (dry run: nothing was added)"
    assert out[0].startswith("would add\tNews\tThe Daily Fake\thttps://")
    assert Subscription.select().count() == 0

    assert cli(home, "subscriptions", "import", opml) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "OPML: added 3, skipped 0 followed already"
    assert cli(home, "subscriptions", "import", opml, "--dry-run") == 0
    assert capsys.readouterr().out == ("OPML: would add 0, skip 3 followed already (dry "
                                         "run: nothing was added)\n")
    assert cli(home, "subscriptions", "import", opml) == 0
    assert capsys.readouterr().out.endswith("added 0, skipped 3 followed already\n")
    assert Subscription.select().count() == 3


@pytest.mark.parametrize("name", ["newpipe_subscriptions.json", "subscriptions.csv",
                                  "freetube-profiles.db"])
def test_each_format_is_read_by_content_whatever_its_name(home, tmp_path, capsys, name):
    renamed = tmp_path / "list.txt"
    renamed.write_bytes((FIXTURES / name).read_bytes())
    assert cli(home, "subscriptions", "import", str(renamed)) == 0
    assert Subscription.select().count() > 0


def test_a_file_that_is_no_subscription_list_is_refused(home, tmp_path, capsys):
    junk = tmp_path / "notes.txt"
    junk.write_text("buy bread\n")
    assert cli(home, "subscriptions", "import", str(junk)) == 2
    assert capsys.readouterr().err.startswith("ytdesk-cli: ")
    assert cli(home, "subscriptions", "import", str(tmp_path / "missing.opml")) == 2
    assert "missing.opml cannot be read" in capsys.readouterr().err
    assert Subscription.select().count() == 0


def test_export_then_import_elsewhere_gives_the_same_subscriptions(home, tmp_path, capsys):
    from support import make_home

    channels.subscribe("https://example.com/c/a", "Alpha & Co", group="Music")
    channels.subscribe("https://example.com/c/b", "Beta <b>")
    target = tmp_path / "out.opml"
    target.write_text("the file as it was")
    assert cli(home, "subscriptions", "export", str(target)) == 0
    assert capsys.readouterr().out == f"wrote 2 subscriptions to {target}\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    mine = {(f.url, f.title, f.group) for f in channels.all_followed()}

    other = make_home(tmp_path / "other")
    try:
        assert main([*other.cli_args(), "subscriptions", "import", str(target)]) == 0
        assert {(f.url, f.title, f.group) for f in channels.all_followed()} == mine
    finally:
        other.db.close()


def test_export_to_a_folder_that_is_not_there_writes_nothing(home, tmp_path, capsys):
    assert cli(home, "subscriptions", "export", str(tmp_path / "no" / "x.opml")) == 2
    assert "x.opml cannot be written" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()


# -- videos --search ----------------------------------------------------------------------------
def test_videos_search_finds_a_description_word_a_tag_and_a_prefix(home, capsys):
    library.upsert_videos([
        {"extractor_key": "Fakesite", "id": "a", "title": "Bread at home",
         "description": "Sourdough without a mixer", "tags": ["baking", "fermentation"]},
        {"extractor_key": "Fakesite", "id": "b", "title": "Tomatoes",
         "description": "Growing them on a balcony", "tags": ["gardening"]}])
    for text, expected in (("sourdough", ["a"]), ("sour", ["a"]), ("ferment", ["a"]),
                           ("garden", ["b"]), ("bread balcony", [])):
        assert cli(home, "videos", "--search", text, "--json") == 0
        assert [v["video_id"] for v in json.loads(capsys.readouterr().out)] == expected, text


# -- sync ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("args,sentence", [
    ([], "name the subscriptions to sync"),
    (["1", "--all"], "name the subscriptions to sync"),
    (["42"], "There is no subscription 42."),
], ids=["nothing", "both", "unknown"])
def test_sync_refuses_bad_input_and_queues_nothing(home, capsys, args, sentence):
    channels.subscribe("https://example.com/c/one", "One")
    assert cli(home, "sync", *args) == 2
    assert sentence in capsys.readouterr().err
    assert Job.select().count() == 0


@SYNC_LANDED
def test_sync_downloads_the_back_catalogue_asked_for_and_says_what_it_did(site, home,
                                                                          capsys):
    followed = channels.subscribe(site.channel_url("testchannel"), "Test Channel",
                                  backfill="2")
    assert cli(home, "sync", str(followed.id)) == 0
    out = capsys.readouterr().out.splitlines()
    [summary] = [line for line in out if line.startswith(f"{followed.id}\t")]
    assert summary.startswith(f"{followed.id}\tTest Channel\tsucceeded: 2 new of ")
    downloads = Job.select().where(Job.kind == "download")
    assert downloads.count() == 2 and all(j.status == "succeeded" for j in downloads)
    assert Job.select().where(Job.status.in_(("queued", "running", "waiting"))).count() == 0
    assert len(list(home.download_dir.rglob("*.mp4"))) == 2


@SYNC_LANDED
def test_sync_all_syncs_every_enabled_subscription_and_a_failure_is_exit_1(site, home,
                                                                           capsys):
    good = channels.subscribe(site.channel_url("otherchannel"), "Other", backfill="none")
    bad = channels.subscribe(site.channel_url("nosuchchannel"), "Gone", backfill="none")
    assert cli(home, "sync", "--all") == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{good.id}\tOther\tsucceeded: 0 new of 3 seen; 3 listing requests." in out
    [gone] = [line for line in out if line.startswith(f"{bad.id}\t")]
    assert gone.startswith(f"{bad.id}\tGone\tfailed: ") and "HTTP 404" in gone


@SYNC_LANDED
def test_sync_waits_for_its_downloads_and_one_that_fails_is_exit_1(site, home, capsys):
    followed = channels.subscribe(site.channel_url("testchannel"), "Test Channel",
                                  backfill="2")
    site.set_fault("/media/v5/", "404")
    assert cli(home, "sync", str(followed.id)) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{followed.id}\tTest Channel\tsucceeded: 2 new of 3 seen; 3 listing requests." \
        in out  # the sync did its part; one of its downloads did not
    statuses = sorted(j.status for j in Job.select().where(Job.kind == "download"))
    assert statuses == ["failed", "succeeded"]


def test_a_run_that_waits_for_a_job_sees_another_process_finish_it(home, capsys):
    """The window may be the one that runs what `sync` or `refresh` waits for: its end
    reaches no signal here, so the wait also looks at the library."""
    import sqlite3
    import threading
    from argparse import Namespace

    from ytdesk.cli import process_queue
    from ytdesk.core import jobstore

    [job_id, _] = jobstore.add_jobs([jobstore.NewJob("metadata", "https://example.com/c"),
                                     jobstore.NewJob("download", "https://example.com/v")])
    # Both due in a day: this run's own manager leaves them alone, as it would leave
    # another process's running jobs; the second one keeps the queue from being idle.
    Job.update(status="waiting", scheduled_at=Job.created_at + 86_400).execute()

    def other_process_finishes_it() -> None:
        other = sqlite3.connect(home.paths.database, timeout=30)
        with other:
            other.execute("UPDATE job SET status = 'succeeded' WHERE id = ?", (job_id,))
        other.close()

    finisher = threading.Timer(0.3, other_process_finishes_it)
    finisher.start()
    ran = process_queue(Namespace(data_dir=str(home.paths.data_dir)), home.paths,
                        home.settings, until_idle=False,
                        done=lambda: jobstore.status_of(job_id) == "succeeded")
    finisher.join()
    assert ran.paused is None and jobstore.status_of(job_id) == "succeeded"
