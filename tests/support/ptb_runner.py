"""Run a PTB Application in the test's event loop against the fake server: polling or webhook.

``running_polling`` and ``running_webhook`` are async context managers that do what
``run_polling``/``run_webhook`` do (initialize, post_init, start the updater, start) but
return control to the test, and undo it all on exit.
"""

from __future__ import annotations

import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ContextTypes, TypeHandler

TRACKING_GROUP = 10_000


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unthrottled() -> AIORateLimiter:
    """A rate limiter without flood limits (they only slow tests down); 429s still retried."""
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3)


def track_processed(application: Application) -> set[int]:
    """Ids of updates the application finished (all handler groups ran), filled as it goes.

    With ``concurrent_updates=1`` updates are processed in order, so the newest id in the set
    tells a test that everything before it was answered too.
    """
    processed: set[int] = set()

    async def mark(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update):
            processed.add(update.update_id)

    application.add_handler(TypeHandler(object, mark), group=TRACKING_GROUP)
    return processed


async def _start(application: Application) -> None:
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)


async def _stop(application: Application) -> None:
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    if application.post_stop is not None:
        await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)


@asynccontextmanager
async def running_polling(
    application: Application, *, poll_timeout: float = 0.5
) -> AsyncIterator[Application]:
    """The application polls the fake server (long polls of ``poll_timeout`` seconds)."""
    await _start(application)
    try:
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0, timeout=poll_timeout)
        await application.start()
        yield application
    finally:
        await _stop(application)


@asynccontextmanager
async def running_webhook(
    application: Application, *, secret_token: str | None = None, port: int | None = None
) -> AsyncIterator[str]:
    """The application serves a webhook on 127.0.0.1 (set on the fake server); yields its URL."""
    port = port or free_port()
    secret = secret_token or secrets.token_urlsafe(24)
    url = f"http://127.0.0.1:{port}/telegram"
    await _start(application)
    try:
        assert application.updater is not None
        await application.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="telegram",
            webhook_url=url,
            secret_token=secret,
        )
        await application.start()
        yield url
    finally:
        await _stop(application)
