"""The webhook server: refuses a request on its headers, before reading a byte of its body.

PTB's own webhook server (``telegram.ext._utils.webhookhandler``) reads the whole body (up to
tornado's default of 100 MB) and only then checks the secret header, so anyone who can reach
the port can make the bot hold hundreds of megabytes. PTB offers no public way to change its
handler or its server's ``max_body_size``, so ``GuardedUpdater`` (a PTB ``Updater``; its
``start_webhook``/``stop`` are PTB's public interface, used by ``Application.run_webhook``)
serves updates with a tornado handler of its own:

- the handler streams the body (``stream_request_body``), so ``prepare`` runs once the headers
  are in: a missing or wrong ``X-Telegram-Bot-Api-Secret-Token`` is answered 403 and the
  connection is closed without reading the body;
- a body over ``MAX_BODY_BYTES`` (1 MB; Telegram's updates are a few KB) is answered 413 when
  its Content-Length says so, and the connection is cut when a chunked body grows past it;
- the server times out idle connections and slow bodies.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import ssl
from collections.abc import Sequence
from http import HTTPStatus
from pathlib import Path
from socket import socket
from typing import Any

import tornado.web
from telegram import Bot, Update
from telegram.error import NetworkError
from telegram.ext import ExtBot, Updater
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_unix_socket

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
IDLE_CONNECTION_SECONDS = 60.0
BODY_SECONDS = 30.0


@tornado.web.stream_request_body
class UpdateHandler(tornado.web.RequestHandler):
    """One POSTed update: checked on its headers, read in chunks up to the cap, then queued."""

    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, bot: Bot, update_queue: asyncio.Queue[object], secret: str | None) -> None:
        """Tornado's per-request set-up: what the handler needs from the updater."""
        self.bot = bot
        self.update_queue = update_queue
        self.secret = secret
        self.body = bytearray()

    def set_default_headers(self) -> None:
        """Every answer is JSON (as Telegram expects from a webhook)."""
        self.set_header("Content-Type", 'application/json; charset="utf-8"')

    def prepare(self) -> None:
        """Runs on the headers alone: refuse a stranger or an oversized body before reading it."""
        if self.secret is not None:
            given = self.request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), self.secret.encode()):
                raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN, reason="Wrong secret token")
        declared = self.request.headers.get("Content-Length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        content_type = self.request.headers.get("Content-Type", "").split(";")[0].strip()
        if content_type != "application/json":
            raise tornado.web.HTTPError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
        # A chunked body has no Content-Length: tornado cuts the connection past this size.
        self.request.connection.set_max_body_size(MAX_BODY_BYTES)  # type: ignore[union-attr]

    def data_received(self, chunk: bytes) -> None:
        """Collect the body (never more than the cap: tornado enforces it per connection)."""
        self.body += chunk

    async def post(self) -> None:
        """Parse the update and hand it to PTB's update queue."""
        try:
            update = Update.de_json(json.loads(self.body.decode("utf-8")), self.bot)
        except Exception as error:
            log.warning("webhook: refused a body that is not an update (%s)", type(error).__name__)
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST, reason="Not an update") from None
        self.body = bytearray()
        if update is None:
            return
        if isinstance(self.bot, ExtBot):
            self.bot.insert_callback_data(update)
        await self.update_queue.put(update)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A short JSON error, never a traceback."""
        self.finish(json.dumps({"ok": False, "error_code": status_code}))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        """Refusals are routine (scanners, strangers): one debug line, no traceback."""
        log.debug("webhook: %s refused: %s", self.request.remote_ip, value)


class _Application(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """No access log: our own logging covers what matters."""


class GuardedWebhookServer:
    """A tornado HTTP server for one webhook path, with body and time limits."""

    def __init__(
        self,
        path: str,
        bot: Bot,
        update_queue: asyncio.Queue[object],
        secret: str | None,
        ssl_context: ssl.SSLContext | None = None,
        extra_routes: Sequence[Any] = (),
    ) -> None:
        path = "/" + path.strip("/")
        options = {"bot": bot, "update_queue": update_queue, "secret": secret}
        application = _Application([(rf"{path}/?", UpdateHandler, options), *extra_routes])
        self._server = HTTPServer(
            application,
            ssl_options=ssl_context,
            max_body_size=MAX_BODY_BYTES,
            idle_connection_timeout=IDLE_CONNECTION_SECONDS,
            body_timeout=BODY_SECONDS,
        )
        self.running = False

    def listen(self, listen: str, port: int, unix: str | Path | socket | None = None) -> None:
        """Start accepting connections (a TCP port, or a unix socket for a reverse proxy)."""
        if isinstance(unix, socket):
            self._server.add_socket(unix)
        elif unix:
            self._server.add_socket(bind_unix_socket(str(unix)))
        else:
            self._server.listen(port, address=listen)
        self.running = True

    async def shutdown(self) -> None:
        """Stop accepting and close open connections."""
        if not self.running:
            return
        self.running = False
        self._server.stop()
        await self._server.close_all_connections()


def _ssl_context(cert: str | Path | None, key: str | Path | None) -> ssl.SSLContext | None:
    if cert is None or key is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


class GuardedUpdater(Updater):
    """PTB's Updater (polling unchanged) whose webhook is served by ``GuardedWebhookServer``."""

    def __init__(self, bot: Bot, update_queue: asyncio.Queue[object]) -> None:
        super().__init__(bot, update_queue)
        self._guarded: GuardedWebhookServer | None = None
        # More tornado routes on the webhook's port (/healthz and /metrics when they share it).
        self.extra_routes: list[Any] = []

    @property
    def running(self) -> bool:
        """True while polling or while our webhook server runs."""
        return self._guarded is not None or super().running

    async def start_webhook(  # type: ignore[override]
        self,
        listen: Any = "127.0.0.1",
        port: Any = 80,
        url_path: str = "",
        cert: str | Path | None = None,
        key: str | Path | None = None,
        bootstrap_retries: int = 0,
        webhook_url: str | None = None,
        allowed_updates: Sequence[str] | None = None,
        drop_pending_updates: bool | None = None,
        ip_address: str | None = None,
        max_connections: int = 40,
        secret_token: str | None = None,
        unix: str | Path | socket | None = None,
    ) -> asyncio.Queue[object]:
        """Serve the webhook and register it with Telegram (PTB's signature and meaning)."""
        if self.running:
            raise RuntimeError("This Updater is already running!")
        listen = listen if isinstance(listen, str) else "127.0.0.1"
        port = port if isinstance(port, int) else 80
        context = _ssl_context(cert, key)
        server = GuardedWebhookServer(
            url_path, self.bot, self.update_queue, secret_token, context, self.extra_routes
        )
        if not webhook_url:
            scheme = "https" if context else "http"
            webhook_url = f"{scheme}://{listen}:{port}/{url_path.strip('/')}"
        attempts = bootstrap_retries + 1 if bootstrap_retries >= 0 else None
        while True:
            try:
                await self.bot.set_webhook(
                    url=webhook_url,
                    certificate=Path(cert).read_bytes() if cert else None,
                    allowed_updates=allowed_updates,
                    ip_address=ip_address,
                    drop_pending_updates=drop_pending_updates,
                    max_connections=max_connections,
                    secret_token=secret_token,
                )
                break
            except NetworkError:
                if attempts is not None:
                    attempts -= 1
                    if attempts <= 0:
                        raise
                await asyncio.sleep(1.0)
        server.listen(listen, port, unix)
        self._guarded = server
        log.debug("webhook server listening on %s:%s", listen, port)
        return self.update_queue

    async def stop(self) -> None:
        """Stop the webhook server (or polling, through PTB)."""
        server, self._guarded = self._guarded, None
        if server is not None:
            await server.shutdown()
            return
        await super().stop()
