"""Building and running the Telegram Application: polling by default, webhook on request.

``build_application`` wires PTB v22 (HTML by default, link previews off, a rate limiter that
holds only the chat a 429 was for and retries after its retry_after, the handlers, digests and
feed polling jobs) around a core and a store; ``run_telegram`` is what ``newsbot run`` calls
with a token.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
import sys
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, BaseRateLimiter, Defaults

from bot import i18n
from bot.config import Settings
from bot.core.app import Core
from bot.observability.http import HttpPortError
from bot.observability.service import BOT_DATA_KEY as OBSERVABILITY_KEY
from bot.observability.service import Observability
from bot.telegram.channels import ChannelGate, TelegramChannels
from bot.telegram.chat_admins import TelegramChatAdmins
from bot.telegram.handlers import BOT_DATA_KEY, COMMAND_NAME, Adapter, register_handlers
from bot.telegram.jobs import FEED_POLL_SECONDS, install_digests, install_feed_polling
from bot.telegram.ratelimit import ChatRateLimiter
from bot.telegram.redact import hide_secrets, hide_url_credentials, scrub
from bot.telegram.replies import ReplySender
from bot.telegram.webhook import GuardedUpdater
from ingest.defaults import ensure_default_topics
from storage.store import Store
from summarizer.languages import load_detector

log = logging.getLogger(__name__)

# channel_post: only to keep a channel's title current; channel posts are never answered.
ALLOWED_UPDATES = [
    "message",
    "edited_message",
    "callback_query",
    "inline_query",
    "my_chat_member",
    "channel_post",
]
RATE_LIMIT_RETRIES = 5
CONCURRENT_UPDATES = 16
WEBHOOK_SECRET_ENV = "NEWSBOT_WEBHOOK_SECRET"
_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")


class NewsbotApplication(Application):  # type: ignore[type-arg]
    """PTB's Application, whose stop first cancels the fetches in flight.

    ``stop`` waits for every update being handled; an admin's /add of a server that drips its
    headers would hold it for the whole fetch deadline. Cancelled, the /add answers at once
    ("the bot is shutting down") and stopping takes no longer than the other handlers.
    """

    __slots__ = ()

    async def stop(self) -> None:
        adapter = self.bot_data.get(BOT_DATA_KEY)
        if adapter is not None:
            await asyncio.to_thread(adapter.core.ctx.ingestor.close)
        await super().stop()


def _menu(include_admin: bool, language: str = i18n.DEFAULT) -> list[BotCommand]:
    """The command menu: public commands (and admin ones for admins), as Telegram wants them."""
    return [
        BotCommand(name, description.strip() or name)
        for name, description in Core.menu_commands(
            include_admin=include_admin, language=language
        )
        if COMMAND_NAME.fullmatch(name)
    ][:100]


async def _set_commands(application: Application, settings: Settings) -> None:
    await application.bot.set_my_commands(_menu(include_admin=False))
    # Telegram shows users whose app speaks a language the menu registered for it.
    for language in i18n.LANGUAGES:
        if language != i18n.DEFAULT:
            await application.bot.set_my_commands(
                _menu(include_admin=False, language=language), language_code=language
            )
    for admin_id in sorted(settings.admin_ids):
        try:
            scope = BotCommandScopeChat(admin_id)
            await application.bot.set_my_commands(_menu(include_admin=True), scope=scope)
            for language in i18n.LANGUAGES:  # an admin whose Telegram speaks Russian
                if language != i18n.DEFAULT:
                    await application.bot.set_my_commands(
                        _menu(include_admin=True, language=language),
                        scope=scope,
                        language_code=language,
                    )
        except BadRequest as error:  # an admin who never opened a chat with the bot
            log.info("no admin command menu for %s yet: %s", admin_id, error)


def _prepare_store(store: Store) -> None:
    """Migrate the schema and make sure the default topics exist (no sample articles)."""
    store.upgrade()
    ensure_default_topics(store)


def build_application(
    settings: Settings,
    store: Store | None = None,
    *,
    core: Core | None = None,
    digests: bool = True,
    feeds: bool = True,
    feed_poll_seconds: float = FEED_POLL_SECONDS,
    concurrent_updates: int = CONCURRENT_UPDATES,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    poll_stale_after: float = 60.0,
    handle_signals: bool = False,
) -> Application:
    """A ready-to-run PTB Application for ``settings`` (token and API root from there).

    ``handle_signals``: SIGTERM/SIGINT stop it within a bounded time (``newsbot run``);
    ``poll_stale_after``: how long getUpdates may fail before /healthz answers 503.
    """
    if not settings.telegram_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    hide_secrets(settings.telegram_token)
    owns_store = store is None
    if store is None:
        store = Store(settings.database_url)
    core = core or Core(store, settings)
    owned_store = store
    observability = Observability.create(settings, poll_stale_after=poll_stale_after)

    async def post_init(application: Application) -> None:
        await asyncio.to_thread(_prepare_store, owned_store)
        # The language model takes a second to load: before the first update, not during it.
        await asyncio.to_thread(load_detector)
        core.ctx.bot_username = application.bot.username or ""
        await observability.start(application, signals=handle_signals)
        await _set_commands(application, settings)
        log.info("Telegram bot @%s is ready", application.bot.username)

    async def post_shutdown(application: Application) -> None:
        await observability.stop()
        engine = application.bot_data.get("digest_engine")
        if engine is not None:  # give up the delivery lease: a restart resumes at once
            try:
                await asyncio.wait_for(engine.close(), observability.remaining(default=None))
            except Exception as error:
                log.warning("stopping: the digest lease was not released (%s)", error)
        try:  # background jobs (a retag ...) get what is left of the shutdown bound
            await asyncio.wait_for(core.close(), observability.remaining(default=None))
        except TimeoutError:
            log.warning("stopping: background jobs did not finish in time")
        if owns_store:
            await asyncio.to_thread(owned_store.close)

    api = settings.telegram_api_url.rstrip("/")
    builder = Application.builder().application_class(NewsbotApplication)
    proxy = settings.proxy_for(api)
    if proxy:  # NEWSBOT_PROXY / HTTPS_PROXY (http, https or socks5), unless NO_PROXY exempts api
        builder = builder.proxy(proxy)  # getUpdates: the observed request below gets it too
    application = (
        builder.token(settings.telegram_token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(
            observability.rate_limiter(
                rate_limiter or ChatRateLimiter(max_retries=RATE_LIMIT_RETRIES)
            )
        )
        .get_updates_request(observability.get_updates_request(proxy=proxy or None))
        .concurrent_updates(concurrent_updates)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    if core.ctx.chat_admins is None:  # groups: only their administrators change them
        core.ctx.chat_admins = TelegramChatAdmins(application.bot)
    # PTB's webhook server reads a body before checking the secret; ours refuses on the headers
    # (bot/telegram/webhook.py). Polling is PTB's own, unchanged.
    application.updater = GuardedUpdater(application.bot, application.update_queue)
    channels = TelegramChannels(application.bot)
    core.ctx.channels = channels
    register_handlers(
        application,
        Adapter(core, store, settings, ReplySender(application.bot, store), channels),
    )
    if digests:
        gate = ChannelGate(application.bot, store, channels)
        install_digests(application, store, settings, gate=gate)
    if feeds:
        install_feed_polling(
            application, store, settings, feed_poll_seconds, observability.feeds_polled
        )
    observability.attach(application, store, [info.name for info in Core.commands()])
    return application


def webhook_secret() -> str:
    """The webhook secret: NEWSBOT_WEBHOOK_SECRET if set (checked), else a fresh random one."""
    configured = os.environ.get(WEBHOOK_SECRET_ENV, "").strip()
    if not configured:
        return secrets.token_urlsafe(32)
    if not _SECRET_PATTERN.fullmatch(configured):
        raise ValueError(f"{WEBHOOK_SECRET_ENV} must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    return configured


class _NoStartupTraceback(logging.Filter):
    """PTB logs a bad token or an unreachable API with a traceback; one line says it all."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record, without the traceback of those two expected failures."""
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, InvalidToken | NetworkError):
            record.exc_info, record.exc_text = None, None
        return True


def _serve(
    application: Application, webhook_url: str | None, listen: str, port: int, secret: str | None
) -> None:
    # stop_signals=None: bot.observability.shutdown handles SIGTERM/SIGINT (a bounded stop).
    if not webhook_url:
        application.run_polling(allowed_updates=ALLOWED_UPDATES, stop_signals=None)
        return
    path = urlsplit(webhook_url).path.strip("/")
    log.info("serving a webhook on %s:%s/%s", listen, port, path)
    application.run_webhook(
        listen=listen,
        port=port,
        url_path=path,
        webhook_url=webhook_url,
        secret_token=secret,
        allowed_updates=ALLOWED_UPDATES,
        stop_signals=None,
    )


def _fail(message: str, code: int) -> int:
    print(f"newsbot: {scrub(message)}", file=sys.stderr)
    return code


def run_telegram(
    settings: Settings, webhook_url: str | None = None, listen: str = "0.0.0.0", port: int = 8443
) -> int:
    """Run the bot until interrupted: long polling, or a webhook at ``webhook_url``."""
    hide_secrets(settings.telegram_token)
    hide_url_credentials(settings.telegram_api_url, settings.database_url, settings.proxy_url)
    try:
        secret = webhook_secret() if webhook_url else None
    except ValueError as error:
        return _fail(f"configuration error: {error}", 1)
    hide_secrets(secret)
    logging.getLogger("telegram.ext").addFilter(_NoStartupTraceback())
    asyncio.set_event_loop(asyncio.new_event_loop())  # run_* close their loop when done
    application = build_application(settings, handle_signals=True)
    observability: Observability = application.bot_data[OBSERVABILITY_KEY]
    observability.health.mode = "webhook" if webhook_url else "polling"
    if webhook_url and settings.http_port == port:
        observability.share_port_with_webhook(application.updater)
    try:
        observability.bind()
    except HttpPortError as error:
        return _fail(str(error), 1)
    try:
        _serve(application, webhook_url, listen, port, secret)
    except InvalidToken:
        return _fail("Telegram refused TELEGRAM_BOT_TOKEN (check it with @BotFather)", 2)
    except NetworkError as error:
        return _fail(
            f"cannot reach the Telegram Bot API at {settings.telegram_api_url}: {error}", 1
        )
    except TelegramError as error:
        return _fail(f"Telegram error at start: {error}", 1)
    except OSError as error:
        return _fail(f"cannot serve the webhook on {listen}:{port}: {error}", 1)
    if observability.shutdown is not None:
        return observability.shutdown.finish(0)
    return 0
