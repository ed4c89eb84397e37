"""Background work on the Telegram Application's JobQueue: scheduled digests, feed polling.

Digests come from ``bot.digests.telegram.install`` (the digests' own module); this file only
hooks them in and tells them when a command changed a subscription.
"""

from __future__ import annotations

import asyncio
import logging

from telegram.ext import Application, ContextTypes

from bot.config import Settings
from bot.telegram.handlers import BOT_DATA_KEY, Adapter
from storage.store import Store

log = logging.getLogger(__name__)

FEED_POLL_SECONDS = 60.0


def install_digests(application: Application, store: Store, settings: Settings) -> bool:
    """Hook for scheduled digests (bot.digests.telegram.install); False if not available."""
    try:
        from bot.digests.telegram import install, trigger_now
    except ImportError:
        return False
    install(application, store, settings)
    adapter: Adapter = application.bot_data[BOT_DATA_KEY]
    adapter.core.ctx.on_subscriptions_changed = lambda _chat_id: trigger_now(application)
    return True


def install_feed_polling(
    application: Application, store: Store, settings: Settings, interval: float
) -> bool:
    """A repeating job that polls the RSS/Atom feeds that are due."""
    try:
        from ingest.feeds import poll_due_feeds
    except ImportError:
        return False
    if application.job_queue is None:
        return False

    async def poll(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await asyncio.to_thread(
                poll_due_feeds, store, allow_private_urls=settings.allow_private_urls
            )
        except Exception:
            log.exception("feed polling failed")

    application.job_queue.run_repeating(
        poll,
        interval=interval,
        first=interval,
        name="feeds",
        job_kwargs={"max_instances": 1, "coalesce": True},
    )
    return True
