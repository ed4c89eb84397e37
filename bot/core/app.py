"""The core: dispatches a Request to its command handler and always returns a safe Reply.

The command modules of ``bot.core.commands`` are imported here (the one place they are wired);
handlers never see transport details and never leak a traceback, SQL or a token to a chat.
"""

from __future__ import annotations

import difflib
import importlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.core import registry
from bot.core.channels import handle_for_channel
from bot.core.context import Context, SubscriptionsHook, utc_now
from bot.core.errors import error_text
from bot.core.types import CommandInfo, Reply, Request, Text, bold
from bot.i18n import AUTO, N_, _, resolve_language, set_language, use_language
from ingest.pipeline import IngestError, Ingestor
from ingest.tagging import RuleError
from storage import StorageError
from summarizer import SummarizerError

if TYPE_CHECKING:
    from bot.core.commands.inline import InlineAnswer
    from bot.core.permissions import ChatAdmins
    from storage.store import Store

log = logging.getLogger(__name__)

# Imported in this order, so /help lists the commands the way a user reads them.
COMMAND_MODULES = (
    "bot.core.commands.general",
    "bot.core.commands.articles",
    "bot.core.commands.topics",
    "bot.core.commands.subscriptions",
    "bot.core.commands.subscription_buttons",
    "bot.core.commands.stories",
    "bot.core.commands.chat_settings",
    "bot.core.commands.add_article",
    "bot.core.commands.admin",
    "bot.core.commands.feeds",
    "bot.core.commands.opml",
)

APOLOGY = N_("Sorry, something went wrong on our side. Please try again in a moment.")

# Exceptions whose message is written for users: shown as they are, never as an apology.
USER_ERRORS: tuple[type[Exception], ...] = (StorageError, SummarizerError, IngestError, RuleError)


def load_command_modules() -> None:
    """Import every command module; importing one registers its commands."""
    for name in COMMAND_MODULES:
        importlib.import_module(name)


class Core:
    """Command logic shared by the Telegram and console front ends."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        ingestor: Ingestor | None = None,
        *,
        now: Callable[[], datetime] = utc_now,
        on_subscriptions_changed: SubscriptionsHook | None = None,
        bot_username: str = "",
        chat_admins: ChatAdmins | None = None,
    ) -> None:
        load_command_modules()
        self._owns_ingestor = ingestor is None
        self.ctx = Context(
            store=store,
            settings=settings,
            ingestor=ingestor
            or Ingestor(
                store,
                allow_private_urls=settings.allow_private_urls,
                options=settings.fetch_options(),
            ),
            now=now,
            on_subscriptions_changed=on_subscriptions_changed,
            bot_username=bot_username,
            chat_admins=chat_admins,
        )

    @staticmethod
    def commands(*, include_admin: bool = True) -> list[CommandInfo]:
        """Every command with its description, in /help order (for set_my_commands too)."""
        load_command_modules()
        return [
            spec.info for spec in registry.ordered_commands() if include_admin or not spec.admin
        ]

    @staticmethod
    @staticmethod
    def menu_commands(
        *, include_admin: bool = False, language: str = "en"
    ) -> list[tuple[str, str]]:
        """(name, description) pairs for Telegram's menu in ``language``: public commands
        unless include_admin."""
        load_command_modules()
        with use_language(language):
            return [
                (spec.name, _(spec.help)[:256])
                for spec in registry.ordered_commands()
                if spec.menu and (include_admin or not spec.admin)
            ]

    async def handle(self, req: Request) -> Reply:
        """Answer one message; never raises."""
        try:
            if req.edited:
                return Reply.nothing()  # answering edits would repeat answers; ignore them
            await self.ctx.ensure_chat(req)
            set_language(await self.ctx.reply_language(req))
            if not req.command:
                return await self._plain_text(req)
            spec = registry.COMMANDS.get(req.command)
            if spec is None:
                return self._unknown(req)
            if spec.admin and not self.ctx.is_admin(req):
                await self.ctx.call(
                    self.ctx.store.audit,
                    f"/{spec.name}",
                    actor_id=req.user_id,
                    chat_id=req.chat.id,
                    detail=req.args[:200],
                    allowed=False,
                )
                return Reply.say(
                    _("Sorry, /{command} is for the bot's admins only.").format(command=spec.name)
                )
            for_channel = await handle_for_channel(self.ctx, req, spec.handler)
            if for_channel is not None:  # /subscribe @channel ...: that channel's digests
                return for_channel
            return await spec.handler(self.ctx, req)
        except USER_ERRORS as error:
            return Reply.say(error_text(error) or _(APOLOGY))
        except Exception:
            log.exception("command /%s failed in chat %s", req.command, req.chat.id)
            return Reply.say(_(APOLOGY))

    async def handle_callback(self, req: Request, data: str) -> Reply:
        """Answer a button press carrying ``data`` ('prefix:payload'); never raises."""
        prefix, _sep, payload = (data or "").partition(":")
        spec = registry.CALLBACKS.get(prefix)
        try:
            await self.ctx.ensure_chat(req)
            set_language(await self.ctx.reply_language(req))
            if spec is None:
                return Reply.nothing(toast=_("This button no longer works. Try /help."))
            return await spec.handler(self.ctx, req, payload)
        except USER_ERRORS as error:
            return Reply.nothing(toast=(error_text(error) or _(APOLOGY))[:200])
        except Exception:
            log.exception("callback %r failed in chat %s", prefix, req.chat.id)
            return Reply.nothing(toast=_(APOLOGY))

    async def handle_inline(self, req: Request) -> InlineAnswer:
        """Answer an inline query (``req.args`` is what was typed); never raises.

        Nothing is stored: the user may have no chat with the bot at all. The language is the
        user's own (an inline query comes from no chat whose /settings lang could apply).
        """
        # Imported here, not at the top: command modules register in COMMAND_MODULES' order.
        from bot.core.commands.inline import InlineAnswer, answer_inline

        try:
            set_language(resolve_language(AUTO, req.language))
            return await answer_inline(self.ctx, req)
        except Exception:
            log.exception("inline query from %s failed", req.user_id)
            return InlineAnswer(cache_seconds=0)

    async def _plain_text(self, req: Request) -> Reply:
        from bot.core.commands.articles import plain_text

        return await plain_text(self.ctx, req)

    def _unknown(self, req: Request) -> Reply:
        if not req.chat.is_private and not req.addressed:
            return Reply.nothing()  # in groups, another bot's command is none of our business
        close = difflib.get_close_matches(req.command, list(registry.COMMANDS), n=1, cutoff=0.75)
        hint = Text.of(" ", _("Did you mean"), " ", bold(f"/{close[0]}"), "?") if close else Text()
        return Reply.say(
            Text.of(
                _("I don't know"),
                " ",
                bold(f"/{req.command[:64]}"),
                ".",
                hint,
                " ",
                _("Send /help for the list."),
            )
        )

    async def close(self) -> None:
        """Wait for background jobs (e.g. a retag after /addtopic); close an Ingestor we made."""
        await self.ctx.wait_background()
        if self._owns_ingestor:
            await self.ctx.call(self.ctx.ingestor.close)
