"""When digests are due: pure functions over local times, weekdays and IANA time zones.

A subscription names a local wall-clock time (daily) or a weekday and a time (weekly) in its
chat's time zone. The zone database decides the UTC instant, so 08:00 Europe/Berlin stays
08:00 local across daylight-saving changes. A local time that does not exist on a day (the
spring-forward gap) is delivered as many minutes after the gap as it fell into it (02:30 ->
03:30); a local time that happens twice (autumn) is delivered at its first occurrence.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime

from bot.core.timezones import zone_label
from bot.i18n import N_, _, current_language

DEFAULT_TIME = "08:00"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME_PATTERN = re.compile(r"^(\d{1,2}):(\d{2})$", re.ASCII)
_TIME_LIKE = re.compile(r"^\d{1,4}([:.h]\d{0,2})?\s*(am|pm|h)?$", re.ASCII)


class ScheduleError(ValueError):
    """A time, weekday or time zone a user gave that cannot be scheduled; the message says why."""


def parse_local_time(text: str) -> str:
    """Parse a 24-hour ``HH:MM`` (``8:05`` allowed) into the canonical ``08:05``."""
    value = text.strip()
    match = _TIME_PATTERN.match(value)
    if not match:
        raise ScheduleError(
            f"“{_clip(value)}” is not a time: use 24-hour HH:MM, e.g. 08:00 or 18:30"
        )
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ScheduleError(
            f"“{value}” is not a time of day: hours go 00–23 and minutes 00–59, e.g. 08:00"
        )
    return f"{hour:02d}:{minute:02d}"


def is_time(text: str) -> bool:
    """True when the text looks like an attempt at a clock time (``8:00``, ``25:00``, ``8am``)."""
    return bool(_TIME_LIKE.match(text.strip().lower()))


def parse_weekday(text: str) -> int:
    """Parse a weekday name or its 3-letter abbreviation (any case) into 0=Monday .. 6=Sunday."""
    value = text.strip().lower().rstrip(".")
    for index, name in enumerate(WEEKDAYS):
        if len(value) >= 3 and name.startswith(value):
            return index
    raise ScheduleError(
        f"“{_clip(text.strip())}” is not a weekday: use monday … sunday (or mon … sun)"
    )


def weekday_name(weekday: int) -> str:
    """The English name of weekday 0..6, capitalized."""
    return WEEKDAYS[weekday].capitalize()


def zone(name: str) -> ZoneInfo:
    """The IANA zone of that name, UTC when it is unknown (stored names were checked already)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _wall_time(local_time: str) -> time:
    hour, minute = (int(part) for part in parse_local_time(local_time).split(":"))
    return time(hour, minute)


def _at(day: date, wall: time, tz: ZoneInfo) -> datetime:
    # fold=0 picks the first of two ambiguous instants and shifts a nonexistent one forward.
    return datetime.combine(day, wall, tzinfo=tz).astimezone(UTC)


def next_due(local_time: str, weekday: int | None, timezone: str, after: datetime) -> datetime:
    """The first UTC instant strictly after ``after`` when this schedule is due."""
    if after.tzinfo is None:
        raise ValueError("after must be timezone-aware")
    tz = zone(timezone)
    wall = _wall_time(local_time)
    day = after.astimezone(tz).date() - timedelta(days=1)
    for _attempt in range(16):
        if weekday is None or day.weekday() == weekday:
            candidate = _at(day, wall, tz)
            if candidate > after:
                return candidate
        day += timedelta(days=1)
    raise AssertionError("no due instant within 16 days")  # unreachable: a week has 7 days


def previous_due(
    local_time: str, weekday: int | None, timezone: str, at_or_before: datetime
) -> datetime:
    """The last UTC instant at or before ``at_or_before`` when this schedule was due."""
    if at_or_before.tzinfo is None:
        raise ValueError("at_or_before must be timezone-aware")
    tz = zone(timezone)
    wall = _wall_time(local_time)
    day = at_or_before.astimezone(tz).date() + timedelta(days=1)
    for _attempt in range(16):
        if weekday is None or day.weekday() == weekday:
            candidate = _at(day, wall, tz)
            if candidate <= at_or_before:
                return candidate
        day -= timedelta(days=1)
    raise AssertionError("no due instant within 16 days")  # unreachable: a week has 7 days


def period_key(due_at: datetime, timezone: str, weekly: bool) -> str:
    """The delivery period of a due instant: local date ``2026-11-28``, or ISO week ``2026-W48``."""
    local = due_at.astimezone(zone(timezone)).date()
    if weekly:
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.isoformat()


# One phrase per weekday: languages inflect "every <day>" differently (каждый понедельник,
# каждую среду, каждое воскресенье).
_EVERY_WEEKDAY = (
    N_("every Monday at {time}"),
    N_("every Tuesday at {time}"),
    N_("every Wednesday at {time}"),
    N_("every Thursday at {time}"),
    N_("every Friday at {time}"),
    N_("every Saturday at {time}"),
    N_("every Sunday at {time}"),
)


def describe(local_time: str, weekday: int | None) -> str:
    """A human phrase for the schedule: ``daily at 08:00`` or ``every Monday at 08:00``."""
    if weekday is None:
        return _("daily at {time}").format(time=local_time)
    return _(_EVERY_WEEKDAY[weekday]).format(time=local_time)


def format_local(instant: datetime, timezone: str) -> str:
    """An instant in the zone, for people: ``Sat 28 Nov 08:00 (Europe/Berlin)``, in the reply
    language (Babel's CLDR day and month names)."""
    local = instant.astimezone(zone(timezone))
    shown = format_datetime(local, "EEE d MMM HH:mm", locale=current_language())
    return f"{shown} ({zone_label(timezone)})"


def _clip(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
