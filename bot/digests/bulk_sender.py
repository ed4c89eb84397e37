"""The lean digest sender: prepared sendMessage JSON over one shared, kept-alive HTTP client.

PTB's ``bot.send_message`` costs 2.5-7 ms of CPU a message (issue 14): building Telegram
objects, inserting defaults, serialising them, its rate limiter, and parsing every answer into
a ``Message``. A digest goes out unchanged to thousands of chats, so this sender renders and
encodes each message once, splices only the chat id into the prepared body, posts it with one
shared ``aiohttp.ClientSession`` over kept-alive connections, and parses an answer only when it
is not a success. Errors are read by PTB's own rules (bot/digests/telegram_errors.py), so the
engine sees exactly what the PTB sender raises.

Why aiohttp and not httpx (PTB's HTTP library): measured with ``newsbot bench sender``, one
httpx.AsyncClient costs about 3 ms of CPU a request with 32 in flight (httpcore scans its whole
pool for every request and retries a failing ``import sniffio`` on each one), aiohttp about
0.2 ms (a C HTTP parser). aiohttp has no SOCKS proxies, so with a ``socks5://`` proxy the
sender posts through httpx[socks] instead, exactly as the bot's own requests go.

PTB keeps handling updates and replies. Beside the bot, the sender still yields to replies:
given the bot's ``ChatRateLimiter`` it waits while replies wait, honours its flood holds, shares
its overall bucket at the free rate, and tells it of the 429s it gets.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import aiohttp
import httpx
from telegram import error as tg_error

from bot.core.render import HtmlPart, render_html
from bot.core.types import Keyboard, Message
from bot.digests.telegram_errors import ptb_error, raise_typed
from bot.telegram.ratelimit import retry_after_seconds
from bot.telegram.redact import hide_secrets, scrub

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.telegram.ratelimit import ChatRateLimiter

log = logging.getLogger(__name__)

JSON_HEADERS = {"Content-Type": "application/json"}
# PTB's HTTPXRequest defaults (5 s to connect, to write, to read), but a longer wait for a
# pooled connection: the engine, not the pool, bounds how many sends are in flight.
IO_SECONDS = 5.0
POOL_SECONDS = 30.0
DEFAULT_CONNECTIONS = 64
# Prepared bodies of the most recent messages: a fan-out sends a handful of variants at a time.
PREPARED_CACHE = 64


def _keyboard_json(keyboard: Keyboard) -> dict[str, Any] | None:
    if not keyboard:
        return None
    return {
        "inline_keyboard": [
            [
                {"text": button.label, "callback_data": button.callback_data}
                if button.callback_data is not None
                else {"text": button.label, "url": button.url}
                for button in row
            ]
            for row in keyboard
        ]
    }


def _part_fields(part: HtmlPart, paid_broadcast: bool) -> bytes:
    """A part's sendMessage fields without the chat id: ``"text":...}`` (the rest of a body)."""
    fields: dict[str, Any] = {
        "text": part.text,
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": not part.link_preview},
    }
    markup = _keyboard_json(part.keyboard)
    if markup is not None:
        fields["reply_markup"] = markup
    if paid_broadcast:
        fields["allow_paid_broadcast"] = True
    encoded = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
    return encoded[1:]  # without the "{": the chat id goes first


class _AiohttpTransport:
    """POSTs over one aiohttp session (direct, or through an http:// or https:// proxy)."""

    def __init__(self, url: str, proxy: str | None, connections: int) -> None:
        # A proxy's user:password@ becomes its Proxy-Authorization header (aiohttp's doing).
        self._url, self._proxy, self._connections = url, proxy, connections
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    def _open(self) -> aiohttp.ClientSession:
        if self._closed:
            raise RuntimeError("the digest sender is closed")
        # Made on the first send: a session belongs to the event loop it was made in.
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self._connections, limit_per_host=0),
            timeout=aiohttp.ClientTimeout(
                total=None, connect=POOL_SECONDS, sock_connect=IO_SECONDS, sock_read=IO_SECONDS
            ),
        )
        return self._session

    async def post(self, body: bytes) -> tuple[int, bytes]:
        session = self._session or self._open()
        try:
            async with session.post(
                self._url, data=body, headers=JSON_HEADERS, proxy=self._proxy
            ) as response:
                return response.status, await response.read()  # read: the connection is kept
        except TimeoutError as error:
            raise tg_error.TimedOut(scrub(f"aiohttp.{type(error).__name__}: {error}")) from error
        except aiohttp.ClientError as error:
            raise tg_error.NetworkError(
                scrub(f"aiohttp.{type(error).__name__}: {error}")
            ) from error

    async def aclose(self) -> None:
        self._closed = True
        if self._session is not None:
            await self._session.close()

    @property
    def closed(self) -> bool:
        return self._closed


class _HttpxTransport:
    """POSTs over one httpx client: for SOCKS proxies, which aiohttp cannot use."""

    def __init__(self, url: str, proxy: str | None, connections: int) -> None:
        self._url = url
        self._client = httpx.AsyncClient(
            proxy=proxy,
            timeout=httpx.Timeout(IO_SECONDS, pool=POOL_SECONDS),
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        )

    async def post(self, body: bytes) -> tuple[int, bytes]:
        try:
            response = await self._client.post(self._url, content=body, headers=JSON_HEADERS)
        except httpx.TimeoutException as error:
            raise tg_error.TimedOut(scrub(f"httpx.{type(error).__name__}: {error}")) from error
        except httpx.HTTPError as error:
            raise tg_error.NetworkError(scrub(f"httpx.{type(error).__name__}: {error}")) from error
        return response.status_code, response.content

    async def aclose(self) -> None:
        await self._client.aclose()

    @property
    def closed(self) -> bool:
        return self._client.is_closed


class BulkSender:
    """A digest ``Sender`` posting prepared JSON (see the module); ``aclose`` at shutdown."""

    def __init__(
        self,
        token: str,
        api_url: str,
        *,
        proxy: str | None = None,
        paid_broadcast: bool = False,
        connections: int = DEFAULT_CONNECTIONS,
        limiter: ChatRateLimiter | None = None,
    ) -> None:
        hide_secrets(token)
        self.paid_broadcast = paid_broadcast
        url = f"{api_url.rstrip('/')}/bot{token}/sendMessage"
        self._limiter = limiter
        # The bot's proxy (NEWSBOT_PROXY / HTTPS_PROXY unless NO_PROXY exempts the API).
        socks = proxy is not None and proxy.lower().startswith("socks")
        transport = _HttpxTransport if socks else _AiohttpTransport
        self._transport: _AiohttpTransport | _HttpxTransport = transport(url, proxy, connections)
        self._prepared: dict[int, tuple[Message, list[bytes]]] = {}
        # (outcome, retry_after) of every send: 'sent', 'blocked', 'failed' or 'rate_limited'
        # (bot/observability counts them into its message metrics).
        self.outcome_hooks: list[Callable[[str, float], None]] = []

    @classmethod
    def for_settings(
        cls,
        settings: Settings,
        *,
        connections: int = DEFAULT_CONNECTIONS,
        limiter: ChatRateLimiter | None = None,
    ) -> BulkSender:
        """A sender for the configured bot: token, API root, proxy and paid broadcasts."""
        if not settings.telegram_token:
            raise ValueError("a digest sender needs TELEGRAM_BOT_TOKEN")
        api = settings.telegram_api_url.rstrip("/")
        return cls(
            settings.telegram_token,
            api,
            proxy=settings.proxy_for(api),
            paid_broadcast=settings.paid_broadcast,
            connections=connections,
            limiter=limiter,
        )

    async def __aenter__(self) -> BulkSender:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the kept-alive connections (at shutdown)."""
        await self._transport.aclose()

    @property
    def closed(self) -> bool:
        """True once ``aclose`` ran."""
        return self._transport.closed

    def prepared(self, message: Message) -> list[bytes]:
        """The message's parts as body tails, rendered and encoded once per message."""
        # By identity: the engine sends one Message object to every chat of a digest variant,
        # and hashing a whole digest for every send would cost what the cache saves.
        cached = self._prepared.get(id(message))
        if cached is not None and cached[0] is message:
            return cached[1]
        tails = [_part_fields(part, self.paid_broadcast) for part in render_html(message)]
        if len(self._prepared) >= PREPARED_CACHE:
            self._prepared.pop(next(iter(self._prepared)))
        self._prepared[id(message)] = (message, tails)  # holds it: its id stays unique
        return tails

    async def send(self, chat_id: int, message: Message) -> None:
        """Send the message (one Telegram message per rendered part)."""
        for tail in self.prepared(message):
            if self._limiter is not None:
                await self._limiter.bulk_turn(chat_id, overall=not self.paid_broadcast)
            body = b'{"chat_id":%d,%s' % (chat_id, tail)
            try:
                status, answer = await self._transport.post(body)
                if not 200 <= status <= 299:
                    raise ptb_error(status, answer)
            except tg_error.TelegramError as error:
                self._note_failure(chat_id, error)
                raise_typed(error)
            self._observe("sent")

    def _note_failure(self, chat_id: int, error: tg_error.TelegramError) -> None:
        """Count a refused send as the bot's request wrapper counts PTB's (metrics), and tell
        the reply limiter of a 429, so that replies to that chat wait too."""
        if isinstance(error, tg_error.RetryAfter):
            if self._limiter is not None:
                self._limiter.note_bulk_429(chat_id, error)
            self._observe("rate_limited", retry_after_seconds(error))
        elif isinstance(error, tg_error.Forbidden):
            self._observe("blocked")
        else:
            self._observe("failed")

    def _observe(self, outcome: str, retry_after: float = 0.0) -> None:
        for hook in self.outcome_hooks:
            hook(outcome, retry_after)
