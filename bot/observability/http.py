"""The health and metrics HTTP server (NEWSBOT_HTTP_PORT): GET /healthz and GET /metrics.

Tornado, because python-telegram-bot's webhook server is tornado already (no new
dependency), and because the webhook handler can then share this server when the webhook
and the health port are the same (``extra_routes``). The port is bound before the bot
starts, so a port in use stops the bot at once with one line.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import tornado.web
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

log = logging.getLogger(__name__)

HealthProbe = Callable[[], Awaitable[tuple[int, dict[str, Any]]]]
MetricsProbe = Callable[[], Awaitable[tuple[bytes, str]]]


class HttpPortError(Exception):
    """The port cannot be served (in use, not permitted); the message says which and why."""


class _HealthHandler(tornado.web.RequestHandler):
    def initialize(self, probe: HealthProbe) -> None:
        self.probe = probe

    async def get(self) -> None:
        status, body = await self.probe()
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body))


class _MetricsHandler(tornado.web.RequestHandler):
    def initialize(self, probe: MetricsProbe) -> None:
        self.probe = probe

    async def get(self) -> None:
        payload, content_type = await self.probe()
        self.set_header("Content-Type", content_type)
        self.finish(payload)


class _Application(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """Probes hit these paths every few seconds: log only failures, at debug level."""
        if handler.get_status() >= 500:
            log.debug(
                "%s %s -> %s", handler.request.method, handler.request.path, handler.get_status()
            )


class ObservabilityServer:
    """GET /healthz and /metrics on ``host:port``; ``bind`` early, ``start`` in the loop."""

    def __init__(
        self,
        host: str,
        port: int,
        health: HealthProbe,
        metrics: MetricsProbe,
        extra_routes: Sequence[tuple[str, type[tornado.web.RequestHandler], dict[str, Any]]] = (),
    ) -> None:
        self.host = host
        self.port = port
        self._routes: list[Any] = [
            (r"/healthz/?", _HealthHandler, {"probe": health}),
            (r"/metrics/?", _MetricsHandler, {"probe": metrics}),
            *extra_routes,
        ]
        self._sockets: list[socket.socket] = []
        self._server: HTTPServer | None = None

    def bind(self) -> None:
        """Take the port now (HttpPortError when it is in use or not allowed)."""
        if self._sockets:
            return
        try:
            self._sockets = bind_sockets(self.port, self.host or None)
        except OSError as error:
            reason = error.strerror or str(error)
            raise HttpPortError(
                f"NEWSBOT_HTTP_PORT={self.port}: cannot listen on {self.host}:{self.port} "
                f"({reason})"
            ) from None

    def routes(self) -> list[Any]:
        """The tornado routes, for a server that shares the port (the webhook's)."""
        return list(self._routes)

    def start(self) -> None:
        """Serve on the bound sockets (call with the event loop running)."""
        self.bind()
        if self._server is not None:
            return
        self._server = HTTPServer(_Application(self._routes))
        self._server.add_sockets(self._sockets)
        log.info("health and metrics on http://%s:%s/healthz and /metrics", self.host, self.port)

    async def stop(self) -> None:
        """Stop listening and close open connections."""
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None
        else:
            for sock in self._sockets:
                sock.close()
        self._sockets = []
