"""Times of day: quiet hours ("23:00-07:00": nothing in the background) and the speed-limit
schedule ("09:00-18:00 500": 500 KB/s in working hours, no limit otherwise), read from
their settings. A period may run past midnight; times are the computer's local time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

_PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_DAY = 24 * 60


class PeriodError(ValueError):
    """A period or schedule that cannot be read; the message says why."""


@dataclass(frozen=True)
class Period:
    start: int  # minutes after midnight
    end: int  # minutes after midnight; before start: the period runs past midnight

    def contains(self, stamp: float) -> bool:
        minute = _minute_of(stamp)
        if self.start <= self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end

    def ends_after(self, stamp: float) -> float:
        """When the period that holds `stamp` ends (the next `end` time of day)."""
        return _next_time_of_day(stamp, self.end)

    def next_change(self, stamp: float) -> float:
        """The next moment the period starts or ends."""
        return min(_next_time_of_day(stamp, self.start), _next_time_of_day(stamp, self.end))


def _minute_of(stamp: float) -> int:
    moment = datetime.fromtimestamp(stamp)
    return moment.hour * 60 + moment.minute


def _next_time_of_day(stamp: float, minute: int) -> float:
    moment = datetime.fromtimestamp(stamp)
    today = moment.replace(hour=minute // 60, minute=minute % 60, second=0, microsecond=0)
    if today <= moment:
        today += timedelta(days=1)
    return today.timestamp()


def parse(text: str) -> Period | None:
    """"HH:MM-HH:MM", or None for an empty text (off)."""
    if not text.strip():
        return None
    found = _PERIOD.match(text)
    if not found:
        raise PeriodError(f"'{text}' is not a time period; write it as 23:00-07:00.")
    hour1, minute1, hour2, minute2 = (int(part) for part in found.groups())
    if hour1 > 23 or hour2 > 23 or minute1 > 59 or minute2 > 59:
        raise PeriodError(f"'{text}' has a time that does not exist; hours go from 00 to 23.")
    start, end = hour1 * 60 + minute1, hour2 * 60 + minute2
    if start == end:
        raise PeriodError(f"'{text}' starts and ends at the same time.")
    return Period(start, end)


def check_period(text: str) -> str:
    parse(text)
    return text.strip()


@dataclass(frozen=True)
class SpeedRule:
    period: Period
    kbps: int


def parse_schedule(text: str) -> list[SpeedRule]:
    """"09:00-18:00 500; 22:00-23:00 100": the limit in KB/s during each period."""
    rules = []
    for part in (p for p in text.split(";") if p.strip()):
        when, _, limit = part.strip().rpartition(" ")
        if not when or not limit.isdigit():
            raise PeriodError(f"'{part.strip()}' is not a speed rule; write it as "
                              "09:00-18:00 500 (KB/s).")
        period = parse(when)
        assert period is not None
        rules.append(SpeedRule(period, int(limit)))
    return rules


def check_schedule(text: str) -> str:
    parse_schedule(text)
    return text.strip()


def limit_at(rules: list[SpeedRule], stamp: float) -> int:
    """The scheduled limit in KB/s at `stamp` (the first rule that holds); 0: none."""
    for rule in rules:
        if rule.period.contains(stamp):
            return rule.kbps
    return 0


def next_change(rules: list[SpeedRule], stamp: float) -> float | None:
    return min((rule.period.next_change(stamp) for rule in rules), default=None)
