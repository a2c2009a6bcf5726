"""The subscription scheduler: a subscription is synced when it is due (from its last sync,
so it survives restarts), once however many intervals it missed while the computer slept,
never while the queue is paused or in quiet hours; due syncs are spread out."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta

import pytest
from support import job, wait_until_idle

from ytdesk.core import channels, day_periods, sync_plan
from ytdesk.core.jobstore import PRIORITIES
from ytdesk.core.models import Job, Subscription

HOUR = 3600.0


class FakeClock:
    """Wall and monotonic time the test moves; a sleeping computer moves only the wall."""

    def __init__(self, wall: float):
        self.now, self.mono = wall, 0.0

    def wall(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.mono


@pytest.fixture
def background(home):
    home.settings.set_many({"background_sync": True, "sync_spread_seconds": 0,
                            "sync_check_seconds": 0.05})
    return home


def syncs_of(followed) -> list[Job]:
    return [j for j in Job.select().where(Job.kind == "sync").order_by(Job.id)
            if json.loads(j.payload)["subscription_id"] == followed.id]


def looks(manager, qtbot, count: int = 3) -> None:
    """Let the scheduler look at the clock `count` more times (it sleeps 0.05 s at most)."""
    seen = []
    manager.syncPlanned.connect(seen.append)
    try:
        qtbot.waitUntil(lambda: len(seen) >= count, timeout=10_000)
    finally:
        manager.syncPlanned.disconnect(seen.append)


def writes_done(manager, qtbot) -> None:
    """Everything asked of the writer thread so far is done."""
    done = []
    manager.write(lambda: None, done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)


def make_manager(home, clock=None):
    from ytdesk.jobs.manager import JobManager

    manager = JobManager(home.paths, home.settings)
    if clock is not None:
        manager.sync_timer.set_clock(clock)
    return manager


def test_a_subscription_due_now_is_synced_once_and_one_due_later_is_not(background, site,
                                                                        qtbot):
    due = channels.subscribe(site.channel_url("testchannel"), "Test", backfill="none")
    later = channels.subscribe(site.channel_url("otherchannel"), "Other", backfill="none")
    synced_at = time.time()
    Subscription.update(last_synced_at=synced_at).where(Subscription.id == later.id).execute()
    manager = make_manager(background)
    manager.start()
    try:
        qtbot.waitUntil(lambda: channels.get(due.id).last_synced_at is not None, timeout=30_000)
        wait_until_idle(qtbot, manager)
        looks(manager, qtbot, 5)
        planned = []
        manager.syncPlanned.connect(planned.append)
        looks(manager, qtbot, 1)
    finally:
        manager.shutdown(timeout_s=10)
    assert [j.status for j in syncs_of(due)] == ["succeeded"]
    assert syncs_of(later) == []
    assert syncs_of(due)[0].priority == PRIORITIES["low"]
    # It sleeps until the later one is due: its last sync plus its interval.
    assert min(planned) == pytest.approx(synced_at + later.interval_s, abs=1)


def test_after_a_three_hour_sleep_an_overdue_subscription_is_synced_once(background, site,
                                                                         qtbot):
    real = time.time()
    clock = FakeClock(wall=real - 3 * HOUR)  # before the computer slept
    followed = channels.subscribe(site.channel_url("testchannel"), "Test", backfill="none",
                                  interval_s=HOUR)
    # Due half an hour after the moment the computer went to sleep.
    Subscription.update(last_synced_at=real - 3.5 * HOUR).where(
        Subscription.id == followed.id).execute()
    manager = make_manager(background, clock)
    slept = []
    manager.sync_timer.slept.connect(slept.append)
    manager.start()
    try:
        looks(manager, qtbot, 3)
        assert syncs_of(followed) == []  # not due yet
        clock.now += 3 * HOUR  # it slept: the wall clock moved, the monotonic one did not
        qtbot.waitUntil(lambda: bool(syncs_of(followed)), timeout=10_000)
        wait_until_idle(qtbot, manager)
        looks(manager, qtbot, 5)
    finally:
        manager.shutdown(timeout_s=10)
    # Overdue by 2.5 intervals: synced once, not once per missed interval.
    assert [j.status for j in syncs_of(followed)] == ["succeeded"]
    assert slept and slept[0] == pytest.approx(3 * HOUR, abs=5)


def test_pause_all_stops_scheduling_and_resume_all_restarts_it(background, site, qtbot):
    manager = make_manager(background)
    manager.start()
    try:
        manager.pause_all()
        assert manager.sync_timer.paused
        followed = channels.subscribe(site.channel_url("testchannel"), "Test",
                                      backfill="none")
        manager.subscriptionsChanged.emit()  # as the window says after subscribing
        writes_done(manager, qtbot)
        assert syncs_of(followed) == []
        manager.resume_all()
        qtbot.waitUntil(lambda: bool(syncs_of(followed)), timeout=10_000)
        wait_until_idle(qtbot, manager)
    finally:
        manager.shutdown(timeout_s=10)
    assert [j.status for j in syncs_of(followed)] == ["succeeded"]


def test_sync_all_now_queues_each_subscription_once(home, site, qtbot):
    first = channels.subscribe(site.channel_url("testchannel"), "Test", backfill="none")
    second = channels.subscribe(site.channel_url("otherchannel"), "Other", backfill="none")
    manager = make_manager(home)  # background syncs off: only what is asked
    added = []
    manager.jobAdded.connect(added.extend)
    manager.start()
    try:
        manager.sync_all_now()
        manager.sync_all_now()  # asked twice while the first are still queued or running
        writes_done(manager, qtbot)
        wait_until_idle(qtbot, manager)
    finally:
        manager.shutdown(timeout_s=10)
    assert [j.status for j in syncs_of(first)] == ["succeeded"]
    assert [j.status for j in syncs_of(second)] == ["succeeded"]
    assert len(added) == len(set(added))


def test_jitter_spreads_a_hundred_due_subscriptions(home):
    spread, interval = 600.0, 6 * HOUR
    offsets = sorted(sync_plan.jitter_s(i, interval, spread) for i in range(1, 101))
    assert len(set(offsets)) == 100
    assert offsets[0] >= 0 and offsets[-1] < spread
    per_minute = [sum(1 for o in offsets if m * 60 <= o < (m + 1) * 60) for m in range(10)]
    assert max(per_minute) <= 20 and min(per_minute) >= 3  # ~10 a minute, none bunched
    # The same after a restart, and never more than a tenth of a short interval.
    assert sync_plan.jitter_s(7, interval, spread) == sync_plan.jitter_s(7, interval, spread)
    assert sync_plan.jitter_s(7, 900, spread) < 90

    stamp = time.time()
    for n in range(100):
        channels.subscribe(f"https://example.com/c{n}", f"C{n}")
    Subscription.update(last_synced_at=stamp - interval - spread).execute()
    planned = sync_plan.queue_due(stamp - spread / 2, 2, spread)
    assert len(planned.queued) == 2 and planned.more_due  # a few at a time
    assert planned.next_due is not None and planned.next_due > stamp - spread / 2


def test_a_sleep_is_told_by_the_clocks_drifting_apart():
    clock = FakeClock(wall=1000.0)
    watch = sync_plan.SleepWatch(clock)
    clock.now += 30
    clock.mono += 30
    assert watch.look() == 0.0  # time passed, awake
    clock.now += 3 * HOUR
    assert watch.look() == pytest.approx(3 * HOUR)


def _period_around_now(minutes: int = 60) -> str:
    moment = datetime.now()
    start, end = moment - timedelta(minutes=minutes), moment + timedelta(minutes=minutes)
    return f"{start:%H:%M}-{end:%H:%M}"


def test_quiet_hours_hold_background_work(background, site, qtbot):
    background.settings.set("quiet_hours", _period_around_now())
    followed = channels.subscribe(site.channel_url("testchannel"), "Test", backfill="none")
    manager = make_manager(background)
    manager.start()
    try:
        mine = manager.enqueue("download", site.video_url("v1"))
        in_background = manager.enqueue("download", site.video_url("v3"),
                                        priority=PRIORITIES["low"])
        qtbot.waitUntil(lambda: job(mine).status == "succeeded", timeout=30_000)
        looks(manager, qtbot, 3)
        qtbot.waitUntil(lambda: not manager._scheduler.busy, timeout=10_000)
        assert job(in_background).status == "queued"
        assert syncs_of(followed) == []
        manager.save_settings({"quiet_hours": ""})  # the quiet hours are over
        manager.apply_settings()
        wait_until_idle(qtbot, manager)
        qtbot.waitUntil(lambda: bool(syncs_of(followed)), timeout=10_000)
        wait_until_idle(qtbot, manager)
    finally:
        manager.shutdown(timeout_s=10)
    assert job(in_background).status == "succeeded"
    assert [j.status for j in syncs_of(followed)] == ["succeeded"]


def test_periods_and_speed_schedules_are_read_or_refused_with_a_sentence(home):
    from ytdesk.core.settings import SettingError

    night = day_periods.parse("23:00-07:00")
    assert night is not None
    late = datetime(2026, 1, 1, 23, 30).timestamp()
    noon = datetime(2026, 1, 1, 12, 0).timestamp()
    assert night.contains(late) and not night.contains(noon)
    assert night.ends_after(late) == datetime(2026, 1, 2, 7, 0).timestamp()
    rules = day_periods.parse_schedule("09:00-18:00 500")
    assert day_periods.limit_at(rules, noon) == 500
    assert day_periods.limit_at(rules, late) == 0
    assert day_periods.next_change(rules, noon) == datetime(2026, 1, 1, 18, 0).timestamp()
    for bad in ("9-18", "25:00-07:00", "07:00-07:00"):
        with pytest.raises(SettingError, match="quiet_hours"):
            home.settings.set("quiet_hours", bad)
    with pytest.raises(SettingError, match="speed rule"):
        home.settings.set("speed_schedule", "09:00-18:00 fast")
    assert home.settings.get("quiet_hours") == ""  # a refusal changes nothing
