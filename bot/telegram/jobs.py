"""Background work on the Telegram Application's JobQueue: scheduled digests, feed polling.

Digests come from ``bot.digests.telegram.install`` (the digests' own module); this file hooks
them in and tells them when a command changed a chat's subscriptions or time zone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram.ext import Application, ContextTypes

from bot.config import Settings
from bot.digests.telegram import install, trigger_now
from bot.telegram.handlers import BOT_DATA_KEY, Adapter
from ingest.feeds import FeedPollResult, poll_due_feeds
from storage.store import Store

log = logging.getLogger(__name__)

FEED_POLL_SECONDS = 60.0


def install_digests(application: Application, store: Store, settings: Settings) -> None:
    """Schedule digest deliveries; a subscription or time-zone change replans that chat at once."""
    install(application, store, settings)
    adapter: Adapter = application.bot_data[BOT_DATA_KEY]
    adapter.core.ctx.on_subscriptions_changed = lambda chat_id: trigger_now(application, chat_id)


def install_feed_polling(
    application: Application,
    store: Store,
    settings: Settings,
    interval: float,
    on_polled: Callable[[list[FeedPollResult]], None] | None = None,
) -> bool:
    """A repeating job that polls the RSS/Atom feeds that are due (``on_polled``: metrics)."""
    if application.job_queue is None:
        return False

    async def poll(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            results = await asyncio.to_thread(
                poll_due_feeds, store, allow_private_urls=settings.allow_private_urls
            )
        except Exception:
            log.exception("feed polling failed")
            return
        if on_polled is not None:
            on_polled(results)

    application.job_queue.run_repeating(
        poll,
        interval=interval,
        first=interval,
        name="feeds",
        job_kwargs={"max_instances": 1, "coalesce": True},
    )
    return True
