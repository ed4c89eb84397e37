"""Settings from the environment (and an optional ``.env`` file), checked once at start.

Bad configuration stops the program with one line that names the variable: never a traceback
and never a silent default. The checks of single values are in bot/config_checks.py.
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

from bot.config_checks import (
    DEFAULT_API_URL,
    FREE_BROADCAST_RATE,
    PAID_BROADCAST_RATE,
    ConfigError,
    check_api_url,
    check_database_url,
    check_port,
    check_timezone,
    check_user_agent,
    check_webhook_url,
    parse_admin_ids,
    parse_broadcast_rate,
    parse_chat_id,
    parse_count,
    parse_flag,
    parse_log_format,
    parse_log_level,
    parse_minutes,
    parse_number,
    parse_port,
    read_proxy,
)
from bot.telegram.redact import mask_credentials

if TYPE_CHECKING:
    from ingest.fetch import FetchOptions

DEFAULT_DATA_DIR = Path("data")
DEFAULT_WEBHOOK_LISTEN = "0.0.0.0"
DEFAULT_WEBHOOK_PORT = 8443
DEFAULT_FETCH_TIMEOUT = 30.0
DEFAULT_FETCH_CONNECT_TIMEOUT = 5.0
DEFAULT_FEED_EVERY_MINUTES = 15
DEFAULT_LINK_LIMIT = 10
DEFAULT_LINK_WINDOW_MINUTES = 10
TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,}$")


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
    paid_broadcast = parse_flag(
        environ.get("NEWSBOT_PAID_BROADCAST", ""), "NEWSBOT_PAID_BROADCAST"
    )
    # Paid broadcasts without a rate: the paid ceiling (paying for the free pace buys nothing).
    broadcast_rate = parse_broadcast_rate(
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
        telegram_api_url=check_api_url(get("TELEGRAM_API_URL", DEFAULT_API_URL)),
        database_url=check_database_url(database_url),
        admin_ids=parse_admin_ids(environ.get("NEWSBOT_ADMIN_IDS", "")),
        default_timezone=check_timezone(get("NEWSBOT_TZ", "UTC"), "NEWSBOT_TZ"),
        allow_private_urls=parse_flag(
            environ.get("NEWSBOT_ALLOW_PRIVATE_URLS", ""), "NEWSBOT_ALLOW_PRIVATE_URLS"
        ),
        data_dir=data_dir,
        database_configured=bool(get("DATABASE_URL")),
        webhook_url=webhook_url,
        webhook_listen=get("NEWSBOT_WEBHOOK_LISTEN", DEFAULT_WEBHOOK_LISTEN),
        webhook_port=check_port(webhook_port, "NEWSBOT_WEBHOOK_PORT"),
        proxy_url=read_proxy(environ),
        no_proxy=get("NO_PROXY") or get("no_proxy"),
        fetch_timeout=parse_number(
            get("NEWSBOT_FETCH_TIMEOUT", str(DEFAULT_FETCH_TIMEOUT)),
            "NEWSBOT_FETCH_TIMEOUT",
            1,
            600,
            "seconds",
        ),
        fetch_connect_timeout=parse_number(
            get("NEWSBOT_FETCH_CONNECT_TIMEOUT", str(DEFAULT_FETCH_CONNECT_TIMEOUT)),
            "NEWSBOT_FETCH_CONNECT_TIMEOUT",
            0.5,
            120,
            "seconds",
        ),
        user_agent=check_user_agent(get("NEWSBOT_USER_AGENT")),
        feed_every_minutes=parse_minutes(
            get("NEWSBOT_FEED_INTERVAL", str(DEFAULT_FEED_EVERY_MINUTES)), "NEWSBOT_FEED_INTERVAL"
        ),
        link_limit=parse_count(
            get("NEWSBOT_LINK_LIMIT", str(DEFAULT_LINK_LIMIT)), "NEWSBOT_LINK_LIMIT", 10_000
        ),
        link_window_minutes=parse_minutes(
            get("NEWSBOT_LINK_WINDOW", str(DEFAULT_LINK_WINDOW_MINUTES)), "NEWSBOT_LINK_WINDOW"
        ),
        warnings=tuple(warnings),
        log_level=parse_log_level(environ.get("LOG_LEVEL", "")),
        log_format=parse_log_format(environ.get("LOG_FORMAT", "")),
        error_chat_id=parse_chat_id(environ.get("NEWSBOT_ERROR_CHAT_ID", "")),
        http_port=parse_port(environ.get("NEWSBOT_HTTP_PORT", "")),
        http_host=environ.get("NEWSBOT_HTTP_HOST", "").strip() or "0.0.0.0",
        broadcast_rate=broadcast_rate,
        paid_broadcast=paid_broadcast,
    )
