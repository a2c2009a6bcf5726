"""Being polite and staying unblocked: a site that answers 429, a bot check or a 403 after
it worked holds all its jobs (other sites go on), says so once per hold, is asked a handful
of times at most meanwhile, and goes on afterwards; the banner's fix (cookies) is used by
the site's next request; sync downloads pause between each other, longer for a site that
held us back; running downloads follow the speed-limit schedule."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from fakesite.media import make_big_file
from support import events, job, wait_until_idle

from ytdesk.core import site_holds
from ytdesk.core.clock import now
from ytdesk.core.models import Job, SiteHold
from ytdesk.jobs.download import polite_pause_of
from ytdesk.ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

SECRET = "s1d-5ecret"
SITE = "127.0.0.1"


def cookies_txt(path, host: str) -> None:
    path.write_text("# Netscape HTTP Cookie File\n"
                    f"{host}\tFALSE\t/\tFALSE\t2147483647\tSID\t{SECRET}\n")


def starts(job_id: int) -> list[float]:
    return [e.at for e in events(job_id) if e.to_status == "running"]


@pytest.fixture
def two_at_a_time(home, qtbot):
    from ytdesk.jobs.manager import JobManager

    home.settings.set_many({"rate_limit_hold_seconds": 2.0, "rate_limit_hold_cap_seconds": 8.0})
    made = JobManager(home.paths, home.settings, concurrency=2)
    made.start()
    yield made
    made.shutdown(timeout_s=10)


def test_a_429_holds_the_site_once_while_another_site_goes_on(site, home, two_at_a_time,
                                                             qtbot):
    manager = two_at_a_time
    site.set_fault("/api/video/", "429")  # until the hold is noticed
    held = []

    def on_hold(*hold) -> None:
        held.append(hold)
        site.clear_faults()  # the site forgives us at once: only the hold keeps us away

    manager.siteHeld.connect(on_hold)
    released = []
    manager.siteReleased.connect(released.append)
    mine = [manager.enqueue("download", site.video_url(f"v{n}")) for n in range(1, 6)]
    others = [manager.enqueue("download", site.file_url(name, host="localhost"))
              for name in ("clip.mp4", "clip2.mp4", "clip.mp4?b", "clip2.mp4?b")]
    qtbot.waitUntil(lambda: bool(held), timeout=30_000)
    wait_until_idle(qtbot, manager)

    [(where, sentence, until)] = held  # one hold, said once
    assert where == SITE and "too many requests" in sentence
    assert all(job(i).status == "succeeded" for i in mine + others)
    # During the hold no job of the held site started, but for the one that may have been
    # claimed as the hold was being written (two run at once); the other site's went on.
    began = until - 2.0
    assert len([s for i in mine for s in starts(i) if began <= s < until]) <= 1
    assert any(began <= s < until for i in others for s in starts(i))
    # A handful of requests: one per video, plus the few that met the 429.
    assert len(site.requests("/api/video/")) <= len(mine) + 3
    assert SiteHold.select().count() == 0  # a success forgave the site
    qtbot.waitUntil(lambda: released == [SITE], timeout=5_000)  # and the banner hears it


def test_a_403_holds_a_site_only_after_it_worked(site, home, one_at_a_time, qtbot):
    held = []
    one_at_a_time.siteHeld.connect(lambda *hold: held.append(hold))
    site.set_fault("/api/video/v1", "403", times=1)
    first = one_at_a_time.enqueue("download", site.video_url("v1"))
    wait_until_idle(qtbot, one_at_a_time)
    assert job(first).status == "succeeded" and held == []  # a plain retry: never worked

    site.set_fault("/api/video/v3", "403", times=1)
    second = one_at_a_time.enqueue("download", site.video_url("v3"))
    qtbot.waitUntil(lambda: bool(held), timeout=30_000)
    wait_until_idle(qtbot, one_at_a_time)
    assert held[0][0] == SITE and "allowed before (HTTP 403)" in held[0][1]
    assert job(second).status == "succeeded"


def test_the_bot_check_banner_offers_cookies_and_the_next_request_carries_them(
        site, home, one_at_a_time, qtbot, tmp_path):
    home.settings.set_many({"rate_limit_hold_seconds": 600.0})  # only the fix ends it
    window = MainWindow(one_at_a_time, home.settings, home.paths)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    banner = window.site_hold_banner
    qtbot.waitUntil(lambda: window.browsers_looked_up, timeout=10_000)
    banner.set_browsers(["firefox", "chrome"])  # as if both were installed
    site.set_fault("/api/video/", "bot_check", unless_cookie=f"SID={SECRET}")

    blocked = one_at_a_time.enqueue("download", site.video_url("v1"))
    waiting = one_at_a_time.enqueue("download", site.video_url("v3"))
    qtbot.waitUntil(banner.isVisible, timeout=30_000)
    assert banner.label.text().startswith(f"{SITE} is held until ")
    assert "asked to confirm you are not a bot" in banner.label.text()
    names = [b.accessibleName() for b in banner.browser_buttons]
    assert names == ["Use cookies from Firefox", "Use cookies from Chrome"]
    assert banner.file_button.accessibleName() == "Use a cookies file"
    assert banner.wait_button.accessibleName() == "Wait"
    assert "Ctrl+Shift+W" in banner.wait_button.toolTip()
    assert job(blocked).status == "waiting" and job(waiting).status == "queued"
    asked = len(site.requests("/api/video/"))

    given = tmp_path / "cookies.txt"
    cookies_txt(given, SITE)
    banner.use_file(str(given))  # what "Use a cookies file…" does with the chosen file
    qtbot.waitUntil(banner.isHidden, timeout=5_000)
    wait_until_idle(qtbot, one_at_a_time)
    assert job(blocked).status == "succeeded" and job(waiting).status == "succeeded"
    # The bot check spares only requests that carry the cookie: the next ones did.
    statuses = [r[3] for r in site.requests("/api/video/")[asked:]]
    assert statuses == [200, 200]
    assert site_holds.cookies_of(SITE).file  # kept for the site's later jobs


def test_a_syncs_downloads_pause_politely_longer_after_holds(home):
    home.settings.set("site_hold_pause_seconds", 5.0)

    def ctx(**payload):
        return SimpleNamespace(payload=dict(payload), settings=home.settings, site="a.example",
                               kind="download")

    assert polite_pause_of(ctx()) == 0  # the user's own download
    assert polite_pause_of(ctx(subscription_id=1)) == 5.0
    for _ in range(2):
        site_holds.hold("a.example", 60, 600, "429")
        SiteHold.update(until=0).execute()
    assert polite_pause_of(ctx(subscription_id=1)) == 20.0


def test_a_pause_asked_during_the_polite_wait_stops_it_at_once(site, home, one_at_a_time,
                                                               qtbot):
    home.settings.set("site_hold_pause_seconds", 600.0)
    lines = []
    one_at_a_time.jobLog.connect(lambda job_id, level, line: lines.append(line))
    job_id = one_at_a_time.enqueue("download", site.video_url("v1"), {"subscription_id": 1})
    qtbot.waitUntil(lambda: any("to be polite to 127.0.0.1" in line for line in lines),
                    timeout=30_000)
    one_at_a_time.pause(job_id)
    qtbot.waitUntil(lambda: job(job_id).status == "paused", timeout=10_000)
    assert site.requests("/media/") == []  # nothing downloaded during the wait


def test_a_running_download_follows_the_speed_schedule(site, home, one_at_a_time, qtbot,
                                                       tmp_path):
    moment = datetime.now()
    around = (f"{moment - timedelta(hours=1):%H:%M}-{moment + timedelta(hours=1):%H:%M}")
    home.settings.set("speed_schedule", f"{around} 64")
    site.add_big_file("big.bin", make_big_file(tmp_path / "big.bin", 4 * 1024 * 1024))
    site.add_video("big1", "Big", media="big", big_file="big.bin")
    job_id = one_at_a_time.enqueue("download", site.video_url("big1"))
    qtbot.waitUntil(lambda: (job(job_id).downloaded_bytes or 0) > 0, timeout=30_000)
    context = one_at_a_time._running.get(job_id)
    assert context.speed_limit_of(now()) == 64 * 1024
    engine_params = context.set_rate_limit.__self__.ydl.params
    assert engine_params["ratelimit"] == 64 * 1024  # what yt-dlp reads for each block

    one_at_a_time.save_settings({"speed_schedule": ""})  # the limited period is over
    one_at_a_time.apply_settings()
    assert engine_params["ratelimit"] is None
    wait_until_idle(qtbot, one_at_a_time)
    assert job(job_id).status == "succeeded"
    assert Job.get_by_id(job_id).total_bytes == 4 * 1024 * 1024


def test_a_hold_made_before_the_start_is_said_and_shown(site, home, qtbot):
    from ytdesk.jobs.manager import JobManager

    sentence = "The site said too many requests (HTTP 429). ytdesk leaves it alone."
    until = site_holds.hold(SITE, 600, 600, sentence).until  # by an earlier run
    manager = JobManager(home.paths, home.settings)
    held = []
    manager.siteHeld.connect(lambda *hold: held.append(hold))
    manager.start()
    try:
        qtbot.waitUntil(lambda: bool(held), timeout=10_000)
        assert held == [(SITE, sentence, until)]
        window = MainWindow(manager, home.settings, home.paths)  # opened afterwards
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        assert window.site_hold_banner.isVisible()
        assert sentence in window.site_hold_banner.label.text()
    finally:
        manager.shutdown(timeout_s=10)
