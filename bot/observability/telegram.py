"""The python-telegram-bot side of observability: counting, health facts, in-flight work.

- ``ObservedRequest``: the getUpdates HTTP client; each answer or failure feeds /healthz.
- ``ObservedRateLimiter``: wraps the rate limiter, so it sees every Bot API attempt: messages
  sent, failed and blocked, each 429 and its retry_after.
- ``instrument``: wraps every handler (metrics by command, latency, the chat id and command
  of log lines) and every job, and keeps the running ones so shutdown can cancel them.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, BaseRateLimiter, TypeHandler
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.observability.health import HealthState
from bot.observability.logs import reset_update_context, set_update_context
from bot.observability.metrics import Metrics

log = logging.getLogger(__name__)

MESSAGE_ENDPOINTS = frozenset({"sendMessage", "editMessageText"})
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s|$)")
HEALTH_GROUP = -1000
RESTARTING = "I am restarting and could not finish that. Please send it again in a minute."
NOTE_SECONDS = 1.5
CANCELLED = object()  # what InFlight.run returns for work that shutdown cancelled


class ObservedRequest(HTTPXRequest):
    """An HTTPXRequest that reports each getUpdates outcome to ``health``."""

    def __init__(self, health: HealthState, **kwargs: Any) -> None:
        kwargs.setdefault("connection_pool_size", 1)  # PTB's own default for getUpdates
        super().__init__(**kwargs)
        self.health = health

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        """The request, timed into the health state when it is a getUpdates."""
        polling = url.endswith("/getUpdates")
        if polling:
            self.health.polling_began()
        try:
            status, payload = await super().do_request(url, method, *args, **kwargs)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            if polling:
                self.health.polling_failed(type(error).__name__)
            raise
        if polling:
            if status == 200:
                self.health.update_received()
            else:
                self.health.polling_failed(f"HTTP {status}")
        return status, payload


def _retry_after_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class ObservedRateLimiter(BaseRateLimiter[Any]):
    """Delegates to ``inner`` (AIORateLimiter), counting every attempt it makes."""

    def __init__(self, inner: BaseRateLimiter[Any], metrics: Metrics) -> None:
        self.inner = inner
        self.metrics = metrics

    async def initialize(self) -> None:
        """Initialize the wrapped limiter."""
        await self.inner.initialize()

    async def shutdown(self) -> None:
        """Shut the wrapped limiter down."""
        await self.inner.shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> Any:
        """Run the request through the wrapped limiter; count each attempt's outcome."""
        metrics = self.metrics
        counts_messages = endpoint in MESSAGE_ENDPOINTS

        async def observed(*call_args: Any, **call_kwargs: Any) -> Any:
            try:
                result = await callback(*call_args, **call_kwargs)
            except RetryAfter as error:
                metrics.rate_limited.inc()
                metrics.retry_after_seconds.inc(_retry_after_seconds(error))
                raise
            except Forbidden:
                if counts_messages:
                    metrics.messages.labels("blocked").inc()
                raise
            except BadRequest as error:
                if counts_messages and "not modified" not in error.message.lower():
                    metrics.messages.labels("failed").inc()
                raise
            except TelegramError:
                if counts_messages:
                    metrics.messages.labels("failed").inc()
                raise
            if counts_messages:
                metrics.messages.labels("sent").inc()
            return result

        return await self.inner.process_request(
            observed, args, kwargs, endpoint, data, rate_limit_args
        )


def command_label(update: object, known: frozenset[str]) -> str:
    """A bounded label for an update: the command name, or its kind."""
    if not isinstance(update, Update):
        return "other"
    if update.callback_query is not None:
        return "button"
    if update.my_chat_member is not None:
        return "membership"
    if update.edited_message is not None:
        return "edited"
    message = update.message
    if message is None:
        return "other"
    text = message.text or ""
    match = _COMMAND.match(text)
    if match:
        name = match.group(1).lower()
        return name if name in known else "unknown"
    return "text" if text else "other"


class InFlight:
    """Handler and job tasks running now; ``cancel_all`` ends them at shutdown."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task[Any]] = set()
        self.cancelled = 0

    async def run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        """Run ``coroutine`` as its own task; a cancel by ``cancel_all`` ends it quietly."""
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if task.cancelled() and not (current is not None and current.cancelling()):
                return CANCELLED  # cancelled by shutdown: the caller goes on winding down
            task.cancel()
            raise

    def cancel_all(self) -> int:
        """Cancel every running task; how many there were."""
        pending = [task for task in self.tasks if not task.done()]
        for task in pending:
            task.cancel()
        self.cancelled += len(pending)
        return len(pending)


def _wrap_handler(
    callback: Callable[..., Awaitable[Any]],
    metrics: Metrics,
    inflight: InFlight,
    known: frozenset[str],
) -> Callable[..., Awaitable[Any]]:
    async def observed(update: object, context: Any) -> Any:
        command = command_label(update, known)
        chat = update.effective_chat if isinstance(update, Update) else None
        tokens = set_update_context(chat.id if chat is not None else None, command)
        started = time.perf_counter()
        try:
            result = await inflight.run(callback(update, context))
            if result is CANCELLED:
                await _say_restarting(context, chat.id if chat is not None else None)
                return None
            return result
        finally:
            metrics.observe_handler(command, time.perf_counter() - started)
            reset_update_context(tokens)

    return observed


async def _say_restarting(context: Any, chat_id: int | None) -> None:
    """Tell the chat its command was cut short by a restart (best effort, bounded)."""
    if chat_id is None:
        return
    try:
        await asyncio.wait_for(
            context.bot.send_message(chat_id, RESTARTING, parse_mode=None), NOTE_SECONDS
        )
    except Exception as error:
        log.info("could not tell chat %s about the restart: %s", chat_id, error)


def _wrap_job(callback: Callable[..., Awaitable[Any]], inflight: InFlight) -> Any:
    async def observed(context: Any) -> Any:
        result = await inflight.run(callback(context))
        return None if result is CANCELLED else result

    return observed


def instrument(
    application: Application,
    metrics: Metrics,
    health: HealthState,
    inflight: InFlight,
    known_commands: frozenset[str],
) -> None:
    """Wrap the handlers and jobs registered so far; mark health on every update."""
    for handlers in application.handlers.values():
        for handler in handlers:
            handler.callback = _wrap_handler(handler.callback, metrics, inflight, known_commands)
    if application.job_queue is not None:
        for job in application.job_queue.jobs():
            job.callback = _wrap_job(job.callback, inflight)

    async def mark_alive(update: object, context: Any) -> None:
        health.update_received()

    application.add_handler(TypeHandler(Update, mark_alive), group=HEALTH_GROUP)
