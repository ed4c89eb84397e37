"""Settings from the environment (and an optional ``.env`` file), checked once at start.

Bad configuration stops the program with one line that names the variable: never a traceback
and never a silent default.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_API_URL = "https://api.telegram.org"
DEFAULT_DATA_DIR = Path("data")
TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,}$")


class ConfigError(Exception):
    """A configuration value is wrong; the message names the variable and what is expected."""


@dataclass(frozen=True)
class Settings:
    """The checked configuration; its repr hides the token and any database password."""

    telegram_token: str | None
    telegram_api_url: str
    database_url: str
    admin_ids: frozenset[int]
    default_timezone: str
    allow_private_urls: bool
    data_dir: Path
    extra: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        shown = "set" if self.telegram_token else "unset"
        db = _without_password(self.database_url)
        return f"Settings(token={shown}, api={self.telegram_api_url}, db={db})"


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _check_timezone(name: str, variable: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{variable}={name!r} is not an IANA time zone (try UTC or Europe/Moscow)"
        ) from None
    return name


def _check_api_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(
            f"TELEGRAM_API_URL={value!r} is not an http(s) URL (default {DEFAULT_API_URL})"
        )
    return value.rstrip("/")


def _check_database_url(value: str) -> str:
    if not re.match(r"^(sqlite|postgresql|postgres)(\+\w+)?://", value):
        raise ConfigError(
            f"DATABASE_URL={value!r} is not a SQLite or PostgreSQL URL "
            "(e.g. sqlite:///data/newsbot.db or postgresql://user@host/db)"
        )
    return value


def _parse_admin_ids(value: str) -> frozenset[int]:
    ids: set[int] = set()
    for item in filter(None, (part.strip() for part in value.split(","))):
        if not re.fullmatch(r"-?\d{1,20}", item):
            raise ConfigError(
                f"NEWSBOT_ADMIN_IDS has {item!r}: expected numeric Telegram user ids, "
                "comma-separated"
            )
        ids.add(int(item))
    return frozenset(ids)


def _parse_flag(value: str, variable: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"", "0", "false", "no", "off"}:
        return False
    if lowered in {"1", "true", "yes", "on"}:
        return True
    raise ConfigError(f"{variable}={value!r}: expected 1 or 0")


def load_settings(
    environ: Mapping[str, str] | None = None, *, env_file: Path | None = Path(".env")
) -> Settings:
    """Read settings from ``environ`` (default os.environ), after loading ``env_file`` if any."""
    if environ is None:
        if env_file is not None and env_file.is_file():
            from dotenv import load_dotenv

            load_dotenv(env_file, override=False)
        environ = os.environ
    token = environ.get("TELEGRAM_BOT_TOKEN", "").strip() or None
    if token is not None and not TOKEN_PATTERN.match(token):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then letters)"
        )
    data_dir = Path(environ.get("NEWSBOT_DATA_DIR", "").strip() or DEFAULT_DATA_DIR)
    database_url = environ.get("DATABASE_URL", "").strip() or f"sqlite:///{data_dir / 'newsbot.db'}"
    return Settings(
        telegram_token=token,
        telegram_api_url=_check_api_url(
            environ.get("TELEGRAM_API_URL", "").strip() or DEFAULT_API_URL
        ),
        database_url=_check_database_url(database_url),
        admin_ids=_parse_admin_ids(environ.get("NEWSBOT_ADMIN_IDS", "")),
        default_timezone=_check_timezone(
            environ.get("NEWSBOT_TZ", "").strip() or "UTC", "NEWSBOT_TZ"
        ),
        allow_private_urls=_parse_flag(
            environ.get("NEWSBOT_ALLOW_PRIVATE_URLS", ""), "NEWSBOT_ALLOW_PRIVATE_URLS"
        ),
        data_dir=data_dir,
    )
