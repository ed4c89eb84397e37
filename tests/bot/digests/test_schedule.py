"""Unit tests of digest scheduling: local times across DST, weekly schedules, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.digests.schedule import (
    ScheduleError,
    describe,
    is_time,
    next_due,
    parse_local_time,
    parse_weekday,
    period_key,
    previous_due,
)

BERLIN = "Europe/Berlin"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_daily_later_today_and_tomorrow() -> None:
    assert next_due("08:00", None, "UTC", utc(2026, 11, 28, 7, 59)) == utc(2026, 11, 28, 8, 0)
    assert next_due("08:00", None, "UTC", utc(2026, 11, 28, 8, 0)) == utc(2026, 11, 29, 8, 0)


def test_zone_is_applied() -> None:
    # Moscow is UTC+3 all year.
    assert next_due("08:00", None, "Europe/Moscow", utc(2026, 11, 28, 0, 0)) == utc(
        2026, 11, 28, 5, 0
    )


def test_berlin_spring_forward_stays_at_8_local() -> None:
    before = next_due("08:00", None, BERLIN, utc(2026, 3, 28, 6, 0))
    after = next_due("08:00", None, BERLIN, before)
    assert before == utc(2026, 3, 28, 7, 0)  # CET, UTC+1
    assert after == utc(2026, 3, 29, 6, 0)  # CEST, UTC+2: 23 hours later
    assert after - before == timedelta(hours=23)
    for instant in (before, after):
        assert instant.astimezone(ZoneInfo(BERLIN)).hour == 8


def test_berlin_fall_back_stays_at_8_local() -> None:
    before = next_due("08:00", None, BERLIN, utc(2026, 10, 24, 5, 0))
    after = next_due("08:00", None, BERLIN, before)
    assert before == utc(2026, 10, 24, 6, 0)
    assert after == utc(2026, 10, 25, 7, 0)
    assert after - before == timedelta(hours=25)


def test_nonexistent_local_time_shifts_forward_once() -> None:
    due = next_due("02:30", None, BERLIN, utc(2026, 3, 28, 12, 0))
    assert due == utc(2026, 3, 29, 1, 30)  # 03:30 CEST
    assert period_key(due, BERLIN, weekly=False) == "2026-03-29"
    following = next_due("02:30", None, BERLIN, due)
    assert period_key(following, BERLIN, weekly=False) == "2026-03-30"


def test_ambiguous_local_time_is_first_occurrence_only() -> None:
    due = next_due("02:30", None, BERLIN, utc(2026, 10, 24, 12, 0))
    assert due == utc(2026, 10, 25, 0, 30)  # 02:30 CEST, the first of the two
    following = next_due("02:30", None, BERLIN, due)
    assert following == utc(2026, 10, 26, 1, 30)  # not the second 02:30 (CET) the same night
    assert period_key(due, BERLIN, False) != period_key(following, BERLIN, False)


def test_weekly() -> None:
    # 2026-11-28 is a Saturday; Monday=0.
    due = next_due("09:15", 0, "UTC", utc(2026, 11, 28, 10, 0))
    assert due == utc(2026, 11, 30, 9, 15)
    assert next_due("09:15", 0, "UTC", due) == utc(2026, 12, 7, 9, 15)
    assert period_key(due, "UTC", weekly=True) == "2026-W49"
    same_day = next_due("23:00", 5, "UTC", utc(2026, 11, 28, 10, 0))
    assert same_day == utc(2026, 11, 28, 23, 0)


def test_period_key_uses_local_date() -> None:
    # 23:30 UTC on the 28th is already the 29th in Tokyo.
    assert period_key(utc(2026, 11, 28, 23, 30), "Asia/Tokyo", weekly=False) == "2026-11-29"


@pytest.mark.parametrize(
    "text, expected",
    [("08:00", "08:00"), ("8:05", "08:05"), ("23:59", "23:59"), (" 00:00 ", "00:00")],
)
def test_parse_time(text: str, expected: str) -> None:
    assert parse_local_time(text) == expected


@pytest.mark.parametrize(
    "text", ["25:00", "24:00", "12:60", "8am", "8", "08-00", "", "noon", "８:００"]
)
def test_parse_time_rejects(text: str) -> None:
    with pytest.raises(ScheduleError, match=r"HH:MM|00–23"):
        parse_local_time(text)


def test_is_time_recognizes_attempts() -> None:
    assert all(is_time(text) for text in ["8am", "25:00", "8", "8:00", "18h", "8.30"])
    assert not any(is_time(text) for text in ["china", "tech", "monday", "g7"])


@pytest.mark.parametrize(
    "text, expected", [("Monday", 0), ("mon", 0), ("SUN", 6), ("fri.", 4), ("thursday", 3)]
)
def test_parse_weekday(text: str, expected: int) -> None:
    assert parse_weekday(text) == expected


@pytest.mark.parametrize("text", ["mo", "funday", "", "7"])
def test_parse_weekday_rejects(text: str) -> None:
    with pytest.raises(ScheduleError, match="weekday"):
        parse_weekday(text)


def test_describe() -> None:
    assert describe("08:00", None) == "daily at 08:00"
    assert describe("18:30", 4) == "every Friday at 18:30"


def test_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError):
        next_due("08:00", None, "UTC", datetime(2026, 1, 1))


def test_previous_due_is_the_inverse_of_next_due() -> None:
    due = next_due("08:00", None, BERLIN, utc(2026, 3, 28, 12, 0))
    assert previous_due("08:00", None, BERLIN, due) == due
    assert previous_due("08:00", None, BERLIN, due + timedelta(minutes=3)) == due
    earlier = previous_due("08:00", None, BERLIN, due - timedelta(seconds=1))
    assert earlier == utc(2026, 3, 28, 7, 0)
    weekly = previous_due("09:15", 0, "UTC", utc(2026, 11, 28, 10, 0))
    assert weekly == utc(2026, 11, 23, 9, 15)
