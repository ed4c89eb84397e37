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
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.request import proxy_bypass_environment
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.telegram.redact import mask_credentials

if TYPE_CHECKING:
    from ingest.fetch import FetchOptions

DEFAULT_API_URL = "https://api.telegram.org"
DEFAULT_DATA_DIR = Path("data")
DEFAULT_WEBHOOK_LISTEN = "0.0.0.0"
DEFAULT_WEBHOOK_PORT = 8443
DEFAULT_FETCH_TIMEOUT = 30.0
DEFAULT_FETCH_CONNECT_TIMEOUT = 5.0
DEFAULT_FEED_EVERY_MINUTES = 15
DEFAULT_LINK_LIMIT = 10
DEFAULT_LINK_WINDOW_MINUTES = 10
MAX_FEED_EVERY_MINUTES = 7 * 24 * 60
MAX_USER_AGENT = 200
# Telegram's broadcast limits, messages a second: free, and with paid broadcasts (Stars).
FREE_BROADCAST_RATE = 30.0
PAID_BROADCAST_RATE = 1000.0
# httpx's schemes (socks5 needs httpx's socks extra, a declared dependency; socks5h resolves
# names at the proxy).
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")
PROXY_VARIABLES = ("NEWSBOT_PROXY", "HTTPS_PROXY", "https_proxy")
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
    # True when DATABASE_URL names the database (the console then never adds sample articles).
    database_configured: bool = False
    # Webhook mode when webhook_url is set (NEWSBOT_WEBHOOK_URL or `run --webhook`).
    webhook_url: str | None = None
    webhook_listen: str = DEFAULT_WEBHOOK_LISTEN
    webhook_port: int = DEFAULT_WEBHOOK_PORT
    # The proxy for outgoing HTTP (NEWSBOT_PROXY, else HTTPS_PROXY), and NO_PROXY's hosts.
    proxy_url: str | None = None
    no_proxy: str = ""
    # Fetching pages and feeds: the whole request's deadline, the connect timeout (seconds),
    # the User-Agent (empty: newsbot's own) and the default poll interval of a new feed.
    fetch_timeout: float = DEFAULT_FETCH_TIMEOUT
    fetch_connect_timeout: float = DEFAULT_FETCH_CONNECT_TIMEOUT
    user_agent: str = ""
    feed_every_minutes: int = DEFAULT_FEED_EVERY_MINUTES
    # Link summaries for everyone: at most this many page fetches per user (0: no limit) in
    # any window of this many minutes (admins are not limited).
    link_limit: int = DEFAULT_LINK_LIMIT
    link_window_minutes: int = DEFAULT_LINK_WINDOW_MINUTES
    # Things that work but an operator should know (printed as warnings at start).
    warnings: tuple[str, ...] = ()
    # Operations (bot/observability): logging, error alerts, the health and metrics port.
    log_level: str = "INFO"
    log_format: str = "text"
    error_chat_id: int | None = None
    http_port: int | None = None
    http_host: str = "0.0.0.0"
    # Digest fan-out: the overall pace (messages a second) and Telegram's paid broadcasts
    # (allow_paid_broadcast on digest sends, up to 1,000 a second).
    broadcast_rate: float = FREE_BROADCAST_RATE
    paid_broadcast: bool = False

    def __repr__(self) -> str:
        shown = "set" if self.telegram_token else "unset"
        api, db = mask_credentials(self.telegram_api_url), mask_credentials(self.database_url)
        return f"Settings(token={shown}, api={api}, db={db})"

    def fetch_options(self) -> FetchOptions:
        """How pages and feeds are fetched: limits, User-Agent and proxy from these settings."""
        from ingest.fetch import USER_AGENT, FetchLimits, FetchOptions

        limits = FetchLimits(
            connect_timeout=min(self.fetch_connect_timeout, self.fetch_timeout),
            read_timeout=min(FetchLimits().read_timeout, self.fetch_timeout),
            total_timeout=self.fetch_timeout,
        )
        return FetchOptions(
            limits=limits,
            user_agent=self.user_agent or USER_AGENT,
            proxy=self.proxy_url,
            no_proxy=self.no_proxy,
        )

    def proxy_for(self, url: str) -> str | None:
        """The proxy to reach ``url`` through: ``proxy_url`` unless NO_PROXY exempts its host."""
        if not self.proxy_url:
            return None
        host = urlsplit(url).hostname or ""
        if self.no_proxy and proxy_bypass_environment(host, {"no": self.no_proxy}):
            return None
        return self.proxy_url


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
            f"TELEGRAM_API_URL={mask_credentials(value)!r} is not an http(s) URL "
            f"(default {DEFAULT_API_URL})"
        )
    return value.rstrip("/")


def _check_database_url(value: str) -> str:
    if not re.match(r"^(sqlite|postgresql|postgres)(\+\w+)?://", value):
        raise ConfigError(
            f"DATABASE_URL={mask_credentials(value)!r} is not a SQLite or PostgreSQL URL "
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


def _read_proxy(environ: Mapping[str, str]) -> str | None:
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


def _parse_number(value: str, variable: str, low: float, high: float, unit: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not low <= number <= high:  # also false for nan
        raise ConfigError(
            f"{variable}={value!r}: expected a number of {unit} from {low:g} to {high:g}"
        )
    return number


def _parse_minutes(value: str, variable: str) -> int:
    if not value.isdigit() or not 1 <= int(value[:9]) <= MAX_FEED_EVERY_MINUTES:
        raise ConfigError(
            f"{variable}={value!r}: expected whole minutes from 1 to {MAX_FEED_EVERY_MINUTES}"
        )
    return int(value)


def _parse_count(value: str, variable: str, high: int) -> int:
    if not value.isdigit() or int(value[:9]) > high:
        raise ConfigError(f"{variable}={value!r}: expected a whole number from 0 to {high}")
    return int(value)


def _check_user_agent(value: str) -> str:
    # It goes into a header as is: printable ASCII only, so nothing can split the header.
    if len(value) > MAX_USER_AGENT or not all(" " <= char <= "~" for char in value):
        raise ConfigError(
            f"NEWSBOT_USER_AGENT: expected printable ASCII text of at most {MAX_USER_AGENT} "
            "characters"
        )
    return value


def _parse_flag(value: str, variable: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"", "0", "false", "no", "off"}:
        return False
    if lowered in {"1", "true", "yes", "on"}:
        return True
    raise ConfigError(f"{variable}={value!r}: expected 1 or 0")


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")


def _parse_log_level(value: str) -> str:
    level = value.strip().upper() or "INFO"
    if level == "WARN":
        level = "WARNING"
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL={value!r}: expected one of {', '.join(LOG_LEVELS)}")
    return level


def _parse_log_format(value: str) -> str:
    fmt = value.strip().lower() or "text"
    if fmt not in LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT={value!r}: expected text or json")
    return fmt


def _parse_broadcast_rate(value: str, paid: bool) -> float:
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


def _parse_chat_id(value: str) -> int | None:
    if not value.strip():
        return None
    if not re.fullmatch(r"-?\d{1,20}", value.strip()):
        raise ConfigError(
            f"NEWSBOT_ERROR_CHAT_ID={value!r} is not a chat id (a number such as 11111111, "
            "or -1001234567890 for a group)"
        )
    return int(value.strip())


def _parse_port(value: str) -> int | None:
    return check_port(value, "NEWSBOT_HTTP_PORT") if value.strip() else None


def load_settings(
    environ: Mapping[str, str] | None = None, *, env_file: Path | None = Path(".env")
) -> Settings:
    """Read settings from ``environ`` (default os.environ), after loading ``env_file`` if any."""
    if environ is None:
        if env_file is not None and env_file.is_file():
            from dotenv import load_dotenv

            load_dotenv(env_file, override=False)
        environ = os.environ

    def get(variable: str, default: str = "") -> str:
        return environ.get(variable, "").strip() or default

    token = get("TELEGRAM_BOT_TOKEN") or None
    if token is not None and not TOKEN_PATTERN.match(token):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then letters)"
        )
    data_dir = Path(get("NEWSBOT_DATA_DIR") or DEFAULT_DATA_DIR)
    database_url = get("DATABASE_URL", f"sqlite:///{data_dir / 'newsbot.db'}")
    warnings: list[str] = []
    webhook_url = get("NEWSBOT_WEBHOOK_URL") or None
    if webhook_url is not None:
        webhook_url, warning = check_webhook_url(webhook_url)
        warnings += [warning] if warning else []
    webhook_port = get("NEWSBOT_WEBHOOK_PORT", str(DEFAULT_WEBHOOK_PORT))
    paid_broadcast = _parse_flag(
        environ.get("NEWSBOT_PAID_BROADCAST", ""), "NEWSBOT_PAID_BROADCAST"
    )
    # Paid broadcasts without a rate: the paid ceiling (paying for the free pace buys nothing).
    broadcast_rate = _parse_broadcast_rate(
        get(
            "NEWSBOT_BROADCAST_RATE",
            f"{PAID_BROADCAST_RATE if paid_broadcast else FREE_BROADCAST_RATE:g}",
        ),
        paid_broadcast,
    )
    if paid_broadcast and broadcast_rate <= FREE_BROADCAST_RATE:
        warnings.append(
            f"NEWSBOT_PAID_BROADCAST=1 with NEWSBOT_BROADCAST_RATE={broadcast_rate:g}: paid "
            f"broadcasts, no faster than the free limit ({FREE_BROADCAST_RATE:g}/s) allows"
        )
    return Settings(
        telegram_token=token,
        telegram_api_url=_check_api_url(get("TELEGRAM_API_URL", DEFAULT_API_URL)),
        database_url=_check_database_url(database_url),
        admin_ids=_parse_admin_ids(environ.get("NEWSBOT_ADMIN_IDS", "")),
        default_timezone=_check_timezone(get("NEWSBOT_TZ", "UTC"), "NEWSBOT_TZ"),
        allow_private_urls=_parse_flag(
            environ.get("NEWSBOT_ALLOW_PRIVATE_URLS", ""), "NEWSBOT_ALLOW_PRIVATE_URLS"
        ),
        data_dir=data_dir,
        database_configured=bool(get("DATABASE_URL")),
        webhook_url=webhook_url,
        webhook_listen=get("NEWSBOT_WEBHOOK_LISTEN", DEFAULT_WEBHOOK_LISTEN),
        webhook_port=check_port(webhook_port, "NEWSBOT_WEBHOOK_PORT"),
        proxy_url=_read_proxy(environ),
        no_proxy=get("NO_PROXY") or get("no_proxy"),
        fetch_timeout=_parse_number(
            get("NEWSBOT_FETCH_TIMEOUT", str(DEFAULT_FETCH_TIMEOUT)),
            "NEWSBOT_FETCH_TIMEOUT",
            1,
            600,
            "seconds",
        ),
        fetch_connect_timeout=_parse_number(
            get("NEWSBOT_FETCH_CONNECT_TIMEOUT", str(DEFAULT_FETCH_CONNECT_TIMEOUT)),
            "NEWSBOT_FETCH_CONNECT_TIMEOUT",
            0.5,
            120,
            "seconds",
        ),
        user_agent=_check_user_agent(get("NEWSBOT_USER_AGENT")),
        feed_every_minutes=_parse_minutes(
            get("NEWSBOT_FEED_INTERVAL", str(DEFAULT_FEED_EVERY_MINUTES)), "NEWSBOT_FEED_INTERVAL"
        ),
        link_limit=_parse_count(
            get("NEWSBOT_LINK_LIMIT", str(DEFAULT_LINK_LIMIT)), "NEWSBOT_LINK_LIMIT", 10_000
        ),
        link_window_minutes=_parse_minutes(
            get("NEWSBOT_LINK_WINDOW", str(DEFAULT_LINK_WINDOW_MINUTES)), "NEWSBOT_LINK_WINDOW"
        ),
        warnings=tuple(warnings),
        log_level=_parse_log_level(environ.get("LOG_LEVEL", "")),
        log_format=_parse_log_format(environ.get("LOG_FORMAT", "")),
        error_chat_id=_parse_chat_id(environ.get("NEWSBOT_ERROR_CHAT_ID", "")),
        http_port=_parse_port(environ.get("NEWSBOT_HTTP_PORT", "")),
        http_host=environ.get("NEWSBOT_HTTP_HOST", "").strip() or "0.0.0.0",
        broadcast_rate=broadcast_rate,
        paid_broadcast=paid_broadcast,
    )
