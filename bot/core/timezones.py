"""Read the time zone a user types: an IANA name, a city (English or Russian), or an offset.

"Europe/Moscow", "moscow", "Москва" and "москва" all mean Europe/Moscow. City names come from
the IANA names themselves and from CLDR's exemplar cities (through Babel, in English and
Russian), so every zone is reachable by its city without a list of our own. "MSK", "UTC+3"
and "+03:00" are read as fixed offsets (IANA's Etc/GMT zones), with a note that a fixed offset
does not follow daylight saving time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale

# Capitals and big cities that share a zone named after another city: CLDR names only the
# zone's exemplar city, and a user in Beijing or St Petersburg types their own city.
_SHARED_ZONE_CITIES = {
    "beijing": "Asia/Shanghai",
    "пекин": "Asia/Shanghai",
    "peking": "Asia/Shanghai",
    "hong kong": "Asia/Hong_Kong",
    "saint petersburg": "Europe/Moscow",
    "st petersburg": "Europe/Moscow",
    "st. petersburg": "Europe/Moscow",
    "санкт-петербург": "Europe/Moscow",
    "петербург": "Europe/Moscow",
    "питер": "Europe/Moscow",
    "нижний новгород": "Europe/Moscow",
    "казань": "Europe/Moscow",
    "washington": "America/New_York",
    "вашингтон": "America/New_York",
    "нью-йорк": "America/New_York",
    "san francisco": "America/Los_Angeles",
    "сан-франциско": "America/Los_Angeles",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "kiev": "Europe/Kyiv",
}

# Abbreviations whose offset is unambiguous. CST (China or US Central), IST (India, Ireland,
# Israel) and BST (British Summer or Bangladesh) are left out on purpose: they would guess.
_ABBREVIATIONS = {
    "msk": 3,
    "мск": 3,
    "gmt": 0,
    "wet": 0,
    "cet": 1,
    "cest": 2,
    "eet": 2,
    "eest": 3,
    "est": -5,
    "edt": -4,
    "cdt": -5,
    "mst": -7,
    "mdt": -6,
    "pst": -8,
    "pdt": -7,
    "jst": 9,
    "kst": 9,
    "hkt": 8,
    "sgt": 8,
    "aest": 10,
    "nzst": 12,
}

_OFFSET = re.compile(r"^(?:utc|gmt|всв)?\s*([+\-−])\s*(\d{1,2})(?::?(\d{2}))?$")
_ETC_OFFSET = re.compile(r"^Etc/GMT([+-])(\d{1,2})$")


@dataclass(frozen=True, slots=True)
class ZoneChoice:
    """The IANA name to store, and a note for the user when the reading needs one.

    ``said`` is what the user typed when it was read as a fixed offset ("" otherwise).
    """

    name: str
    note: str = ""
    said: str = ""


def _key(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").replace("ё", "е").split())


def _valid(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Every spelling we accept (lower case, spaces for underscores) -> its IANA name."""
    zones = sorted(available_timezones())
    names: dict[str, str] = {}
    # Cities from CLDR first, then the IANA names themselves, so that a full IANA name
    # always wins over a city that happens to be spelled the same.
    for locale in ("en", "ru"):
        for zone, data in Locale.parse(locale).time_zones.items():
            city = data.get("city")
            if city and _valid(zone) and not zone.startswith("Etc/"):
                names.setdefault(_key(city), zone)
    for zone in zones:
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/")):
            names.setdefault(_key(zone.rsplit("/", 1)[1]), zone)
    names.update({city: zone for city, zone in _SHARED_ZONE_CITIES.items() if _valid(zone)})
    for zone in zones:
        names[_key(zone)] = zone
    names["utc"] = "UTC"
    names["z"] = "UTC"
    return names


def _fixed_offset(hours: int, minutes: int, said: str) -> ZoneChoice | None:
    if minutes or not -12 <= hours <= 14:
        return None
    if hours == 0:
        return ZoneChoice("UTC")
    # IANA's Etc zones count the other way round: Etc/GMT-3 is three hours ahead of UTC.
    name = f"Etc/GMT{-hours:+d}"
    note = (
        f"{said} is read as the fixed offset {zone_label(name)}, which does not change for "
        "daylight saving time. For local time, use a city, e.g. /settings tz Berlin."
    )
    return ZoneChoice(name, note, said)


def resolve_timezone(text: str) -> ZoneChoice | None:
    """The zone meant by ``text``, or None when it names none we know."""
    said = " ".join(text.split())[:64]
    key = _key(text)
    if not key:
        return None
    if key in _ABBREVIATIONS and key not in {"gmt"}:
        return _fixed_offset(_ABBREVIATIONS[key], 0, said.upper())
    found = _names().get(key)
    if found is not None:
        return ZoneChoice(found)
    offset = _OFFSET.match(key.replace(" ", ""))
    if offset:
        sign = -1 if offset.group(1) in "-−" else 1
        return _fixed_offset(sign * int(offset.group(2)), int(offset.group(3) or 0), said)
    return None


def zone_label(name: str) -> str:
    """How a stored zone is shown: Etc/GMT-3 reads as UTC+3, every other name as itself."""
    etc = _ETC_OFFSET.match(name)
    if etc is None:
        return name
    hours = int(etc.group(2))
    return "UTC" if hours == 0 else f"UTC{'-' if etc.group(1) == '+' else '+'}{hours}"
