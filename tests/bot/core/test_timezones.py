"""Time zones by IANA name, by city (English and Russian, any case), and as fixed offsets."""

from __future__ import annotations

import pytest

from bot.core.app import Core
from bot.core.timezones import resolve_timezone, zone_label
from storage.store import Store
from tests.bot.core.conftest import PRIVATE, reply_text, send


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Moscow", "Europe/Moscow"),
        ("europe/moscow", "Europe/Moscow"),
        ("Moscow", "Europe/Moscow"),
        ("MOSCOW", "Europe/Moscow"),
        ("москва", "Europe/Moscow"),
        ("Москва", "Europe/Moscow"),
        ("Санкт-Петербург", "Europe/Moscow"),
        ("New York", "America/New_York"),
        ("new_york", "America/New_York"),
        ("Нью-Йорк", "America/New_York"),
        ("Пекин", "Asia/Shanghai"),
        ("Beijing", "Asia/Shanghai"),
        ("Tokyo", "Asia/Tokyo"),
        ("Токио", "Asia/Tokyo"),
        ("Kolkata", "Asia/Kolkata"),
        ("Владивосток", "Asia/Vladivostok"),
        ("Kyiv", "Europe/Kyiv"),
        ("utc", "UTC"),
    ],
)
def test_names_and_cities(typed: str, zone: str) -> None:
    choice = resolve_timezone(typed)
    assert choice is not None and choice.name == zone and choice.note == ""


@pytest.mark.parametrize(
    ("typed", "zone", "label"),
    [
        ("MSK", "Etc/GMT-3", "UTC+3"),
        ("мск", "Etc/GMT-3", "UTC+3"),
        ("UTC+3", "Etc/GMT-3", "UTC+3"),
        ("utc+03:00", "Etc/GMT-3", "UTC+3"),
        ("GMT-5", "Etc/GMT+5", "UTC-5"),
        ("+8", "Etc/GMT-8", "UTC+8"),
        ("EST", "Etc/GMT+5", "UTC-5"),
    ],
)
def test_abbreviations_and_offsets_are_fixed_offsets_with_a_note(
    typed: str, zone: str, label: str
) -> None:
    choice = resolve_timezone(typed)
    assert choice is not None and choice.name == zone
    assert zone_label(choice.name) == label
    assert "fixed offset" in choice.note and "daylight saving" in choice.note


@pytest.mark.parametrize(
    "typed", ["Mars/Olympus", "", "   ", "CST", "UTC+5:30", "UTC+15", "x" * 500, "IST"]
)
def test_unknown_or_ambiguous_zones_are_refused(typed: str) -> None:
    assert resolve_timezone(typed) is None


async def test_settings_by_russian_city_name(core: Core, store: Store) -> None:
    answer = reply_text(await send(core, "/settings tz москва"))
    assert "Time zone set to Europe/Moscow." in answer
    assert store.get_chat(PRIVATE.id).timezone == "Europe/Moscow"  # type: ignore[union-attr]


async def test_settings_city_with_a_space(core: Core, store: Store) -> None:
    answer = reply_text(await send(core, "/settings tz New York"))
    assert "Time zone set to America/New_York." in answer


async def test_settings_msk_says_it_is_a_fixed_offset(core: Core, store: Store) -> None:
    answer = reply_text(await send(core, "/settings tz MSK"))
    assert "Time zone set to UTC+3." in answer and "Time zone: UTC+3" in answer
    assert "fixed offset" in answer
    assert "Etc/GMT" not in answer
    assert store.get_chat(PRIVATE.id).timezone == "Etc/GMT-3"  # type: ignore[union-attr]


async def test_a_digest_time_shows_the_offset_label(core: Core) -> None:
    await send(core, "/settings tz UTC+3")
    answer = reply_text(await send(core, "/subscribe china-russia 07:30"))
    assert "(UTC+3)" in answer and "Etc/GMT" not in answer


async def test_unknown_zone_suggests_a_city(core: Core) -> None:
    answer = reply_text(await send(core, "/settings tz Mars/Olympus"))
    assert "is not a time zone I know" in answer and "Moscow" in answer
