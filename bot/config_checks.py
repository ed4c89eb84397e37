"""Checks of single configuration values: text from the environment to a checked value.

Each check either returns the value in the form Settings holds it or raises ConfigError with
one line that names the variable and what is expected (bot/config.py reads the environment and
puts the results together). Nothing here reads the environment itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.telegram.redact import mask_credentials

DEFAULT_API_URL = "https://api.telegram.org"
MAX_FEED_EVERY_MINUTES = 7 * 24 * 60
MAX_USER_AGENT = 200
# Telegram's broadcast limits, messages a second: free, and with paid broadcasts (Stars).
FREE_BROADCAST_RATE = 30.0
PAID_BROADCAST_RATE = 1000.0
# httpx's schemes (socks5 needs httpx's socks extra, a declared dependency; socks5h resolves
# names at the proxy).
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")
PROXY_VARIABLES = ("NEWSBOT_PROXY", "HTTPS_PROXY", "https_proxy")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")


class ConfigError(Exception):
    """A configuration value is wrong; the message names the variable and what is expected."""


def check_timezone(name: str, variable: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{variable}={name!r} is not an IANA time zone (try UTC or Europe/Moscow)"
        ) from None
    return name


def check_api_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(
            f"TELEGRAM_API_URL={mask_credentials(value)!r} is not an http(s) URL "
            f"(default {DEFAULT_API_URL})"
        )
    return value.rstrip("/")


def check_database_url(value: str) -> str:
    if not re.match(r"^(sqlite|postgresql|postgres)(\+\w+)?://", value):
        raise ConfigError(
            f"DATABASE_URL={mask_credentials(value)!r} is not a SQLite or PostgreSQL URL "
            "(e.g. sqlite:///data/newsbot.db or postgresql://user@host/db)"
        )
    return value


def parse_admin_ids(value: str) -> frozenset[int]:
    ids: set[int] = set()
    for item in filter(None, (part.strip() for part in value.split(","))):
        if not re.fullmatch(r"-?\d{1,20}", item):
            raise ConfigError(
                f"NEWSBOT_ADMIN_IDS has {item!r}: expected numeric Telegram user ids, "
                "comma-separated"
            )
        ids.add(int(item))
    return frozenset(ids)


def check_webhook_url(value: str, variable: str = "NEWSBOT_WEBHOOK_URL") -> tuple[str, str | None]:
    """(the URL, a warning or None); not an absolute http(s) URL with a host is a ConfigError.

    Telegram itself only calls https webhooks; plain http works with a self-hosted Bot API
    server or on loopback, so it is allowed with a warning that says so.
    """
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        parts = parts._replace(netloc="")
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(
            f"{variable}={mask_credentials(value)!r} is not an absolute http(s) URL "
            "(e.g. https://bot.example.org/telegram)"
        )
    if parts.scheme == "http":
        return value, (
            f"{variable} is plain http: Telegram only calls https webhooks, so this works only "
            "with a self-hosted Bot API server or on loopback"
        )
    return value, None


def check_port(value: str, variable: str) -> int:
    """A TCP port 1-65535 from text; anything else is a ConfigError naming ``variable``."""
    text = value.strip()
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ConfigError(f"{variable}={value!r} is not a port number (1-65535)")
    return int(text)


def read_proxy(environ: Mapping[str, str]) -> str | None:
    for variable in PROXY_VARIABLES:
        value = environ.get(variable, "").strip()
        if not value:
            continue
        parts = urlsplit(value)
        if parts.scheme.lower() not in PROXY_SCHEMES or not parts.hostname:
            shown = mask_credentials(value)  # a proxy password never reaches the message
            raise ConfigError(
                f"{variable}={shown!r} is not a proxy URL this bot can use: the scheme must be "
                "http://, https://, socks5:// or socks5h:// followed by a host"
            )
        return value
    return None


def parse_number(value: str, variable: str, low: float, high: float, unit: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not low <= number <= high:  # also false for nan
        raise ConfigError(
            f"{variable}={value!r}: expected a number of {unit} from {low:g} to {high:g}"
        )
    return number


def parse_minutes(value: str, variable: str) -> int:
    if not value.isdigit() or not 1 <= int(value[:9]) <= MAX_FEED_EVERY_MINUTES:
        raise ConfigError(
            f"{variable}={value!r}: expected whole minutes from 1 to {MAX_FEED_EVERY_MINUTES}"
        )
    return int(value)


def parse_count(value: str, variable: str, high: int) -> int:
    if not value.isdigit() or int(value[:9]) > high:
        raise ConfigError(f"{variable}={value!r}: expected a whole number from 0 to {high}")
    return int(value)


def check_user_agent(value: str) -> str:
    # It goes into a header as is: printable ASCII only, so nothing can split the header.
    if len(value) > MAX_USER_AGENT or not all(" " <= char <= "~" for char in value):
        raise ConfigError(
            f"NEWSBOT_USER_AGENT: expected printable ASCII text of at most {MAX_USER_AGENT} "
            "characters"
        )
    return value


def parse_flag(value: str, variable: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"", "0", "false", "no", "off"}:
        return False
    if lowered in {"1", "true", "yes", "on"}:
        return True
    raise ConfigError(f"{variable}={value!r}: expected 1 or 0")


def parse_log_level(value: str) -> str:
    level = value.strip().upper() or "INFO"
    if level == "WARN":
        level = "WARNING"
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL={value!r}: expected one of {', '.join(LOG_LEVELS)}")
    return level


def parse_log_format(value: str) -> str:
    fmt = value.strip().lower() or "text"
    if fmt not in LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT={value!r}: expected text or json")
    return fmt


def parse_broadcast_rate(value: str, paid: bool) -> float:
    """NEWSBOT_BROADCAST_RATE: a pace above 0 and within Telegram's limit for the mode."""
    ceiling = PAID_BROADCAST_RATE if paid else FREE_BROADCAST_RATE
    try:
        rate = float(value)
    except ValueError:
        rate = float("nan")
    if not 0 < rate <= PAID_BROADCAST_RATE:  # also false for nan and inf
        raise ConfigError(
            f"NEWSBOT_BROADCAST_RATE={value!r}: expected messages a second above 0, "
            f"at most {FREE_BROADCAST_RATE:g} (or {PAID_BROADCAST_RATE:,.0f} with "
            "NEWSBOT_PAID_BROADCAST=1)"
        )
    if rate > ceiling:
        raise ConfigError(
            f"NEWSBOT_BROADCAST_RATE={value!r} is above Telegram's free limit of "
            f"{FREE_BROADCAST_RATE:g} messages a second: set NEWSBOT_PAID_BROADCAST=1 to pay "
            f"for up to {PAID_BROADCAST_RATE:,.0f} (paid in Stars), or lower the rate"
        )
    return rate


def parse_chat_id(value: str) -> int | None:
    if not value.strip():
        return None
    if not re.fullmatch(r"-?\d{1,20}", value.strip()):
        raise ConfigError(
            f"NEWSBOT_ERROR_CHAT_ID={value!r} is not a chat id (a number such as 11111111, "
            "or -1001234567890 for a group)"
        )
    return int(value.strip())


def parse_port(value: str) -> int | None:
    return check_port(value, "NEWSBOT_HTTP_PORT") if value.strip() else None
