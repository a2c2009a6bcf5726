"""How numbers read in the window: sizes, speeds, durations, times, counts."""

from __future__ import annotations

from datetime import date, datetime


def size(n: float | None) -> str:
    if n is None or n < 0:
        return ""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return ""


def speed(bytes_per_second: float | None) -> str:
    return f"{size(bytes_per_second)}/s" if bytes_per_second and bytes_per_second > 0 else ""


def duration(seconds: float | None) -> str:
    if seconds is None or seconds < 0:
        return ""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def eta(seconds: float | None) -> str:
    """Time left; nothing when it is unknown or over (a "0:00" that never moves misleads),
    and at least one second while something is left."""
    if seconds is None or seconds <= 0:
        return ""
    return duration(max(1.0, seconds))


def when(timestamp: float | None) -> str:
    """A moment in full: the time alone for today, the date and time otherwise."""
    if not timestamp:
        return ""
    moment = datetime.fromtimestamp(timestamp)
    if moment.date() == datetime.now().date():
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def added(timestamp: float | None, today: date | None = None) -> str:
    """A moment in a list: short, and never a bare time for another day."""
    if not timestamp:
        return ""
    today = today or date.today()
    moment = datetime.fromtimestamp(timestamp)
    day = moment.date()
    if day == today:
        return moment.strftime("%H:%M")
    if day.year == today.year and day < today:
        return f"{day.day} {moment.strftime('%b %H:%M')}"
    return moment.strftime("%Y-%m-%d")


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (words or word + 's')}"
