"""The small rules everything else leans on: URL checks, job transitions, failure kinds,
the retry policy and settings."""

from __future__ import annotations

import errno
import random

import pytest

from ytdesk.core import jobactions
from ytdesk.core import jobstates as st
from ytdesk.core import jobstore
from ytdesk.core.retry import RetryPolicy
from ytdesk.core.settings import SettingError
from ytdesk.core.urls import check_url, find_urls, site_of
from ytdesk.ytdl.errors import (LOCAL, PERMANENT, RATE_LIMITED, TRANSIENT, OutsideDownloadDir,
                                classify)


def test_find_urls_in_prose_keeps_order_and_drops_punctuation():
    text = ("Watch https://www.youtube.com/watch?v=abc, then (https://example.com/a_(b)) "
            "and http://x.org/p. Not ftp://no.example or javascript:alert(1). "
            "Again: https://www.youtube.com/watch?v=abc")
    assert find_urls(text) == ["https://www.youtube.com/watch?v=abc",
                               "https://example.com/a_(b)", "http://x.org/p"]


def test_sites_join_aliases_and_subdomains():
    assert site_of("https://www.youtube.com/watch?v=1") == "youtube.com"
    assert site_of("https://youtu.be/1") == "youtube.com"
    assert site_of("https://m.youtube.com/x") == "youtube.com"
    assert site_of("http://127.0.0.1:8000/watch/v1") == "127.0.0.1"


@pytest.mark.parametrize("text", ["http://", "https:///path", "http://exa mple.com",
                                  "https://example.com:99999/"])
def test_malformed_urls_are_refused(text):
    checked = check_url(text)
    assert not checked.ok and checked.reason.endswith(".")


def test_every_status_change_is_listed_and_enforced(home):
    [job_id] = jobstore.add_jobs([jobstore.NewJob("download", "https://example.com/v")])
    assert not jobstore.move(job_id, st.SUCCEEDED)  # queued -> succeeded skips running
    with pytest.raises(st.TransitionError, match="is queued; it cannot be retried"):
        jobactions.apply_one(jobactions.RETRY, job_id)
    assert jobstore.move(job_id, st.CANCELLED)
    assert jobactions.apply_one(jobactions.RETRY, job_id) == st.QUEUED
    assert jobstore.move(job_id, st.PAUSED)
    with pytest.raises(st.TransitionError, match="There is no job 999"):
        jobactions.apply_one(jobactions.RETRY, 999)
    assert all(target in st.STATUSES for targets in st.TRANSITIONS.values() for target in targets)
    assert st.TRANSITIONS[st.SUCCEEDED] == frozenset()


def test_claim_takes_highest_priority_then_oldest_and_respects_site_limits(home):
    ids = jobstore.add_jobs([
        jobstore.NewJob("download", "https://a.example/1"),
        jobstore.NewJob("download", "https://a.example/2", priority=10),
        jobstore.NewJob("download", "https://b.example/3"),
        jobstore.NewJob("download", "https://a.example/4", priority=10),
    ])
    taken = [jobstore.claim_next("me", 30, per_site_limit=2) for _ in range(4)]
    assert [j.id if j else None for j in taken] == [ids[1], ids[3], ids[2], None]
    assert jobstore.claim_next("other", 30, per_site_limit=3).id == ids[0]


def test_a_held_site_is_skipped_until_its_hold_ends(home):
    from ytdesk.core import site_holds
    from ytdesk.core.models import SiteHold

    ids = jobstore.add_jobs([jobstore.NewJob("download", "https://a.example/1"),
                             jobstore.NewJob("download", "https://b.example/2"),
                             jobstore.NewJob("download", "https://a.example/3")])
    first = site_holds.hold("a.example", 60, 600, "429")
    assert first.new
    assert jobstore.claim_next("me", 30, 2).id == ids[1]
    assert jobstore.claim_next("me", 30, 2) is None
    # Its other running jobs failing the same way join the hold: no new strike, no notice.
    joined = site_holds.hold("a.example", 60, 600, "429 again")
    assert (joined.until, joined.new) == (first.until, False)
    # The hold ran out: one job of the site at a time until one gets through.
    SiteHold.update(until=0).execute()
    assert jobstore.claim_next("me", 30, 2).id == ids[0]
    assert jobstore.claim_next("me", 30, 2) is None
    second = site_holds.hold("a.example", 60, 600, "429 again")
    assert second.new and second.until - first.until == pytest.approx(60, abs=1)  # doubled
    assert site_holds.holds_of("a.example") == 2


def test_failures_are_classified_into_plain_sentences():
    from yt_dlp.utils import DownloadError, ExtractorError

    assert classify(DownloadError("ERROR: [x] 1: Unable to download JSON metadata: "
                                  "HTTP Error 404: Not Found")).kind == PERMANENT
    assert classify(ExtractorError("HTTP Error 429: Too Many Requests")).kind == RATE_LIMITED
    assert classify(DownloadError("ERROR: [youtube] x: Sign in to confirm you're not a bot"
                                  )).kind == RATE_LIMITED
    assert classify(DownloadError("ERROR: Unsupported URL: https://e.com")).kind == PERMANENT
    assert classify(DownloadError("ERROR: [youtube] x: Private video")).sentence == \
        "This video is private."
    assert classify(DownloadError("ERROR: HTTP Error 503: Service Unavailable")).kind == TRANSIENT
    assert classify(DownloadError("ERROR: The read operation timed out")).kind == TRANSIENT
    full = classify(OSError(errno.ENOSPC, "No space left on device", "/videos/a.mp4"))
    assert full.kind == LOCAL and full.sentence.startswith("The disk is full (/videos/a.mp4)")
    assert classify(PermissionError(errno.EACCES, "Permission denied", "/v")).kind == LOCAL
    assert classify(OutsideDownloadDir("outside the download folder")).kind == PERMANENT
    offline = classify(DownloadError(
        "ERROR: [generic] x: Unable to download webpage: HTTPSConnection(host='example.org', "
        "port=443): Failed to resolve 'example.org' ([Errno -2] Name or service not known)"))
    assert offline.kind == TRANSIENT
    assert offline.sentence.startswith("Could not reach example.org: its name did not resolve.")


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    policy = RetryPolicy(attempts=5, base_seconds=5, factor=2, cap_seconds=300)
    rng = random.Random(7)
    for attempt, full in [(1, 5), (2, 10), (3, 20), (4, 40), (9, 300)]:
        delays = [policy.delay(attempt, rng) for _ in range(200)]
        assert all(full / 2 <= d <= full for d in delays)
        assert max(delays) - min(delays) > full / 4  # jittered, not all the same
    assert policy.gives_up_after(5) and not policy.gives_up_after(4)


def test_settings_are_typed_validated_and_default(home):
    settings = home.settings
    assert settings.get("concurrency") == 3
    settings.set("concurrency", "4")
    assert settings.get("concurrency") == 4
    with pytest.raises(SettingError, match="at least 1"):
        settings.set("concurrency", 0)
    with pytest.raises(SettingError, match="must be a bool"):
        settings.set("ask_before_adding", "maybe")
    with pytest.raises(SettingError, match="no setting called"):
        settings.get("colour")
    assert settings.get("concurrency") == 4  # a refused value changed nothing
    assert settings.download_dir() == home.download_dir  # --download-dir wins
