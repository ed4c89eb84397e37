"""Background work on the Telegram Application's JobQueue: scheduled digests, feed polling.

Digests come from ``bot.digests.telegram.install`` (the digests' own module); this file hooks
them in and tells them when a command changed a chat's subscriptions or time zone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Future

from telegram.ext import Application, ContextTypes

from bot.config import Settings
from bot.digests.delivery import SendGate
from bot.digests.telegram import install, trigger_now
from bot.telegram.handlers import BOT_DATA_KEY, Adapter
from ingest.feeds import FeedPoller, FeedPollResult
from storage.store import Store

log = logging.getLogger(__name__)

FEED_POLL_SECONDS = 60.0


def install_digests(
    application: Application, store: Store, settings: Settings, *, gate: SendGate | None = None
) -> None:
    """Schedule digest deliveries; a subscription or time-zone change replans that chat at once.

    ``gate``: checked before each digest (a channel's rights; bot/telegram/channels.py).
    """
    install(application, store, settings, gate=gate)
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
    # One long-lived poller sharing the core's ingestor: a tick only starts the due feeds'
    # polls and returns, so a stuck feed never delays the others (or the next tick).
    adapter: Adapter = application.bot_data[BOT_DATA_KEY]
    poller = FeedPoller(store, ingestor=adapter.core.ctx.ingestor)
    shutdown = application.post_shutdown

    async def close_poller(app: Application) -> None:
        if shutdown is not None:
            await shutdown(app)
        poller.close(wait=False)

    application.post_shutdown = close_poller

    async def poll(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            futures = await asyncio.to_thread(poller.start_due)
        except Exception:
            log.exception("feed polling failed")
            return
        if on_polled is not None:
            # Each poll is counted when it ends (in its worker thread; the counters are
            # thread-safe): the tick does not wait for the feeds it started.
            for future in futures:
                future.add_done_callback(lambda done: _report(on_polled, done))

    application.job_queue.run_repeating(
        poll,
        interval=interval,
        first=interval,
        name="feeds",
        job_kwargs={"max_instances": 1, "coalesce": True},
    )
    return True


def _report(
    on_polled: Callable[[list[FeedPollResult]], None], done: Future[FeedPollResult]
) -> None:
    if done.cancelled() or done.exception() is not None:
        return
    try:
        on_polled([done.result()])
    except Exception:
        log.exception("feed poll observer failed")
