"""Everything observability adds to one Telegram bot, created with it and started with it.

``Observability.create`` comes before the PTB builder (the getUpdates client and the rate
limiter wrapper go into the builder), ``attach`` after the handlers and jobs are registered,
``start`` in post_init (HTTP server, error alerts, signal handlers) and ``stop`` in
post_shutdown.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from telegram.ext import Application, BaseRateLimiter

from bot.config import Settings
from bot.observability.errors import ErrorReporter
from bot.observability.health import POLL_STALE_AFTER, HealthState, health_report
from bot.observability.http import ObservabilityServer
from bot.observability.metrics import Metrics
from bot.observability.shutdown import BoundedShutdown
from bot.observability.telegram import (
    InFlight,
    ObservedRateLimiter,
    ObservedRequest,
    instrument,
)
from bot.telegram.redact import hide_secrets
from ingest.pipeline import add_observer
from storage.store import Store

log = logging.getLogger(__name__)

BOT_DATA_KEY = "observability"
GAUGE_TIMEOUT = 5.0


@dataclass
class Observability:
    """Metrics, health and the optional HTTP server of one bot."""

    settings: Settings
    metrics: Metrics = field(default_factory=Metrics)
    health: HealthState = field(default_factory=HealthState)
    inflight: InFlight = field(default_factory=InFlight)
    server: ObservabilityServer | None = None
    shutdown: BoundedShutdown | None = None
    reporter: ErrorReporter | None = None
    store: Store | None = None
    application: Application | None = None
    _undo: list[Callable[[], None]] = field(default_factory=list)

    @classmethod
    def create(
        cls, settings: Settings, *, poll_stale_after: float = POLL_STALE_AFTER
    ) -> Observability:
        """The bundle for ``settings``; the HTTP server only when NEWSBOT_HTTP_PORT is set."""
        password = urlsplit(settings.database_url).password
        hide_secrets(password)
        self = cls(settings, health=HealthState(stale_after=poll_stale_after))
        if settings.http_port is not None:
            self.server = ObservabilityServer(
                settings.http_host, settings.http_port, self.healthz, self.metrics_body
            )
        return self

    def get_updates_request(self, **kwargs: Any) -> ObservedRequest:
        """The getUpdates HTTP client for the builder (reports to /healthz)."""
        return ObservedRequest(self.health, **kwargs)

    def rate_limiter(self, inner: BaseRateLimiter[Any]) -> ObservedRateLimiter:
        """``inner`` wrapped so that every Bot API attempt is counted."""
        return ObservedRateLimiter(inner, self.metrics)

    def attach(self, application: Application, store: Store, known_commands: Sequence[str]) -> None:
        """Instrument the handlers and jobs registered so far; hook digests and ingestion."""
        self.application = application
        self.store = store
        instrument(application, self.metrics, self.health, self.inflight, frozenset(known_commands))
        engine = application.bot_data.get("digest_engine")
        if engine is not None and hasattr(engine, "report_hooks"):
            engine.report_hooks.append(
                lambda report: self.metrics.observe_digest_report(
                    sent=report.sent,
                    empty=report.empty,
                    failed=report.failed,
                    blocked=report.blocked,
                    resumed=report.resumed,
                )
            )
        pacer = getattr(engine, "pacer", None)
        if pacer is not None and hasattr(pacer, "rate"):
            self.metrics.digest_pace.set_function(lambda: float(pacer.rate))
        # Digests sent past PTB (the lean sender) are counted like the bot's own requests.
        sender = getattr(engine, "sender", None)
        if sender is not None and hasattr(sender, "outcome_hooks"):
            sender.outcome_hooks.append(self.metrics.observe_send)
        application.bot_data[BOT_DATA_KEY] = self

    def feeds_polled(self, results: Sequence[Any]) -> None:
        """The feed job's results: one poll each, errors counted."""
        self.metrics.feed_polls.inc(len(results))
        errors = sum(getattr(result, "status", "") == "error" for result in results)
        if errors:
            self.metrics.feed_errors.inc(errors)

    def share_port_with_webhook(self, updater: Any) -> None:
        """Serve /healthz and /metrics from the webhook's server (same port) instead."""
        if self.server is not None and hasattr(updater, "extra_routes"):
            updater.extra_routes.extend(self.server.routes())
            self.server = None

    def bind(self) -> None:
        """Take the HTTP port now (HttpPortError if it cannot be served)."""
        if self.server is not None:
            self.server.bind()

    async def start(self, application: Application, *, signals: bool = False) -> None:
        """In post_init: serve HTTP, send error alerts, handle stop signals (``signals``)."""
        self._undo.append(add_observer(self.metrics.observe_ingest))
        if self.server is not None:
            self.server.start()
        chat_id = self.settings.error_chat_id
        if chat_id is not None:

            async def send(text: str) -> object:
                return await application.bot.send_message(chat_id, text, parse_mode=None)

            self.reporter = ErrorReporter(send, asyncio.get_running_loop())
            logging.getLogger().addHandler(self.reporter)
        if signals:
            self.shutdown = BoundedShutdown(application, self.inflight)
            engine = application.bot_data.get("digest_engine")
            if engine is not None:
                self.shutdown.on_stopping.append(lambda: setattr(engine, "stopping", True))
            self.shutdown.install()

    async def stop(self) -> None:
        """In post_shutdown: stop serving, stop alerts, unhook ingestion."""
        if self.reporter is not None:
            logging.getLogger().removeHandler(self.reporter)
            self.reporter = None
        if self.server is not None:
            await self.server.stop()
        while self._undo:
            self._undo.pop()()

    def remaining(self, default: float | None) -> float | None:
        """Seconds left for a step of shutdown (``default`` when no signal bound applies)."""
        return self.shutdown.remaining() if self.shutdown and self.shutdown.started_at else default

    async def _due(self) -> int:
        assert self.store is not None
        store = self.store
        return await asyncio.wait_for(
            asyncio.to_thread(store.count_due_subscriptions, datetime.now(UTC)), GAUGE_TIMEOUT
        )

    async def healthz(self) -> tuple[int, dict[str, Any]]:
        """GET /healthz."""
        store = self.store
        if store is None:
            return 503, {"status": "starting", "failing": ["startup"]}
        status, body = await health_report(
            self.health, store.count_due_subscriptions, self._scheduler_running
        )
        if body.get("due_digests") is not None:
            self.metrics.due_digests.set(body["due_digests"])
        return status, body

    async def metrics_body(self) -> tuple[bytes, str]:
        """GET /metrics (refreshes the due-digest gauge first)."""
        if self.store is not None:
            try:
                self.metrics.due_digests.set(await self._due())
            except Exception as error:  # keep the last value; /healthz reports the database
                log.debug("due-digest gauge not refreshed: %s", error)
        return self.metrics.render(), self.metrics.content_type

    def _scheduler_running(self) -> bool:
        application = self.application
        if application is None or application.job_queue is None:
            return False
        return bool(application.job_queue.scheduler.running)
