"""Digests on Telegram: the engine the bot runs, its JobQueue job, and the PTB-backed Sender.

``build_engine`` gives the bot's engine the lean ``BulkSender`` (bot/digests/bulk_sender.py),
paced by ``NEWSBOT_BROADCAST_RATE``; ``TelegramSender`` (PTB's ``send_message``) remains for
the benchmarks' baselines. ``install(application, store, settings)`` registers a repeating job
(first run at start) that delivers whatever is due according to the database. (The Telegram
adapter keeps the chat table current: my_chat_member updates and group-to-supergroup
migrations.)
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram import error as tg_error
from telegram.constants import ParseMode
from telegram.ext import Application, ContextTypes

from bot.config import Settings
from bot.core.render import render_html
from bot.core.types import Keyboard, Message
from bot.digests.bulk_sender import BulkSender
from bot.digests.delivery import Clock, DeliveryEngine, utc_now
from bot.digests.pacing import Pacer, claim_sizes, in_flight_for
from bot.digests.telegram_errors import raise_typed
from bot.telegram.ratelimit import BULK, chat_limiter_of
from storage.store import Store

log = logging.getLogger(__name__)

JOB_NAME = "digests"
DEFAULT_INTERVAL = 20.0
# The PTB sender's pace (bench baselines): below Telegram's free 30 messages/s.
OVERALL_PER_SECOND = 29.5
LEASE_RELEASE_SECONDS = 2.0


def _markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(button.label, callback_data=button.callback_data)
                if button.callback_data is not None
                else InlineKeyboardButton(button.label, url=button.url)
                for button in row
            ]
            for row in keyboard
        ]
    )


class TelegramSender:
    """Sends core messages as Telegram HTML and translates PTB errors into typed ones.

    Digests are bulk sends: under ``ChatRateLimiter`` they yield to replies to users and pause
    first when flood control looks global (bot/telegram/ratelimit.py).
    """

    def __init__(self, bot: Any) -> None:
        self.bot = bot
        self._limits: dict[str, Any] = (
            {"rate_limit_args": BULK} if chat_limiter_of(bot) is not None else {}
        )

    async def send(self, chat_id: int, message: Message) -> None:
        """Send the message (one Telegram message per rendered part)."""
        for part in render_html(message):
            try:
                await self.bot.send_message(
                    chat_id,
                    part.text,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=LinkPreviewOptions(is_disabled=not part.link_preview),
                    reply_markup=_markup(part.keyboard),
                    **self._limits,
                )
            except tg_error.TelegramError as error:
                raise_typed(error)


def build_engine(
    application: Application,
    store: Store,
    settings: Settings,
    *,
    clock: Clock | None = None,
    **options: Any,
) -> DeliveryEngine:
    """A delivery engine for the bot: the lean sender, paced by the settings.

    Digests go through ``BulkSender`` (prepared JSON on its own kept-alive connections, behind
    the bot's replies); the caller closes it with ``engine.sender.aclose()`` at shutdown
    (``install`` does).
    """
    in_flight = in_flight_for(settings.broadcast_rate)
    options.setdefault("pacer", Pacer(overall_per_second=settings.broadcast_rate))
    options.setdefault("concurrency", in_flight)
    batch, lanes = claim_sizes(settings.broadcast_rate)
    options.setdefault("batch_size", batch)
    options.setdefault("lanes", lanes)
    sender = BulkSender.for_settings(
        settings, connections=in_flight, limiter=chat_limiter_of(application.bot)
    )
    return DeliveryEngine(store, sender, clock=clock or utc_now, **options)


def install(
    application: Application,
    store: Store,
    settings: Settings,
    *,
    clock: Clock | None = None,
    interval: float = DEFAULT_INTERVAL,
    **options: Any,
) -> DeliveryEngine:
    """Schedule digest delivery on the application's JobQueue (first run at start)."""
    engine = build_engine(application, store, settings, clock=clock, **options)
    if application.job_queue is None:
        raise RuntimeError("digests need PTB's JobQueue: install python-telegram-bot[job-queue]")

    async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
        report = await engine.run_once()
        if report.sent or report.blocked or report.failed or report.resumed:
            log.info(
                "digests: %d sent, %d resumed, %d blocked, %d failed, %d retries after 429",
                report.sent,
                report.resumed,
                report.blocked,
                report.failed,
                report.retries,
            )

    application.job_queue.run_repeating(
        tick,
        interval=interval,
        first=0,
        name=JOB_NAME,
        # A long pass (a big fan-out) outlives several ticks; the engine skips overlapping
        # passes itself, so APScheduler need not warn about them.
        job_kwargs={"max_instances": 3, "coalesce": True, "misfire_grace_time": None},
    )
    application.bot_data["digest_engine"] = engine
    application.bot_data["digest_tick"] = tick
    _release_lease_at_stop(application, engine)

    return engine


def _release_lease_at_stop(application: Application, engine: DeliveryEngine) -> None:
    """A clean stop gives the digest lease up, so another process may resume at once."""
    previous = application.post_stop

    async def post_stop(app: Application) -> None:
        if previous is not None:
            await previous(app)
        try:
            await asyncio.wait_for(engine.close(), LEASE_RELEASE_SECONDS)
        except Exception:  # the lease then simply expires
            log.warning("could not release the digest lease at stop", exc_info=True)

    application.post_stop = post_stop
    previous_shutdown = application.post_shutdown

    async def post_shutdown(app: Application) -> None:
        if previous_shutdown is not None:
            await previous_shutdown(app)
        sender = engine.sender
        if isinstance(sender, BulkSender):  # its kept-alive connections, after the last send
            await sender.aclose()

    application.post_shutdown = post_shutdown


def trigger_now(application: Application, chat_id: int | None = None) -> None:
    """Run a delivery pass soon (a chat's subscriptions or time zone changed).

    With ``chat_id``, that chat's upcoming digests are first re-planned in its current zone.
    """
    tick = application.bot_data.get("digest_tick")
    engine = application.bot_data.get("digest_engine")
    if tick is None or engine is None or application.job_queue is None:
        return

    async def replan_then_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
        if chat_id is not None:
            await engine.replan(chat_id)
        await tick(context)

    application.job_queue.run_once(replan_then_tick, 0, name=f"{JOB_NAME}-now")
