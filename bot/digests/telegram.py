"""Digests on Telegram: a PTB-backed Sender and the JobQueue job that runs the engine.

``install(application, store, settings)`` registers a repeating job (first run at start) that
delivers whatever is due according to the database. (The Telegram adapter keeps the chat
table current: my_chat_member updates and group-to-supergroup migrations.)
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
from bot.digests.delivery import (
    ChatBlocked,
    ChatMigrated,
    Clock,
    DeliveryEngine,
    PermanentSendError,
    RetryAfter,
    TransientSendError,
    utc_now,
)
from bot.digests.pacing import Pacer
from bot.telegram.ratelimit import BULK, chat_limiter_of, retry_after_seconds
from storage.store import Store

log = logging.getLogger(__name__)

JOB_NAME = "digests"
DEFAULT_INTERVAL = 20.0
# Below Telegram's 30 messages/s so evenly spaced sends never trip the overall limit.
OVERALL_PER_SECOND = 29.5
LEASE_RELEASE_SECONDS = 2.0
_BLOCKED_PHRASES = ("chat not found", "user is deactivated", "bot was kicked", "not a member")


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
            except tg_error.RetryAfter as error:
                raise RetryAfter(retry_after_seconds(error)) from error
            except tg_error.Forbidden as error:
                raise ChatBlocked(error.message) from error
            except tg_error.ChatMigrated as error:
                raise ChatMigrated(error.new_chat_id) from error
            except tg_error.BadRequest as error:
                if any(phrase in error.message.lower() for phrase in _BLOCKED_PHRASES):
                    raise ChatBlocked(error.message) from error
                raise PermanentSendError(error.message) from error
            except (tg_error.TimedOut, tg_error.NetworkError) as error:
                raise TransientSendError(str(error)) from error


def build_engine(
    application: Application, store: Store, *, clock: Clock | None = None, **options: Any
) -> DeliveryEngine:
    """A delivery engine sending through the application's bot."""
    options.setdefault("pacer", Pacer(overall_per_second=OVERALL_PER_SECOND))
    return DeliveryEngine(store, TelegramSender(application.bot), clock=clock or utc_now, **options)


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
    engine = build_engine(application, store, clock=clock, **options)
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
