"""Channel digests managed from a private chat: ``/subscribe @channel <topic>`` and friends.

A channel cannot talk to the bot, so its administrators manage its digests from their private
chat with the bot by naming the channel first (``@name`` or its numeric ``-100...`` id). This
module resolves that name to a *target chat* and checks the rights, then hands the request,
re-addressed to the channel, to the very same command handlers (subscriptions.py,
chat_settings.py): nothing of their logic is copied here.

Rights are checked at each command, never cached: the user must be the channel's creator or an
administrator, and the bot an administrator allowed to post messages. How they are looked up
is the transport's business (``ChannelAccess``: getChat and getChatMember on Telegram); the
console has none and says that channels exist only on Telegram.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from bot.core.template import fill
from bot.core.types import Chat, Message, Reply, Request, bold, code
from bot.i18n import N_, _

if TYPE_CHECKING:
    from bot.core.context import Context
    from bot.core.registry import CommandHandler

# The commands that take a channel as their first word.
CHANNEL_COMMANDS = frozenset({"subscribe", "unsubscribe", "subscriptions", "settings"})
# Telegram usernames: 5-32 letters, digits and underscores, starting with a letter (channel
# usernames of 4 letters exist from auctions, so 4 is accepted too).
_USERNAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}")
# Channel and supergroup ids: -100 followed by the chat's number.
_CHANNEL_ID = re.compile(r"-100\d{5,16}")


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    """A chat that a channel reference resolved to."""

    id: int
    type: str
    title: str = ""
    username: str = ""

    @property
    def label(self) -> str:
        """How replies name the channel: @name if public, else its title."""
        return f"@{self.username}" if self.username else (self.title or str(self.id))


class Refusal(Enum):
    """Why a channel cannot be managed (each gets its own answer)."""

    NOT_FOUND = "not_found"
    NOT_A_CHANNEL = "not_a_channel"
    USER_NOT_ADMIN = "user_not_admin"
    BOT_NOT_ADMIN = "bot_not_admin"
    BOT_CANNOT_POST = "bot_cannot_post"
    UNAVAILABLE = "unavailable"


class ChannelAccess(Protocol):
    """What the transport looks up for channel commands (Telegram: getChat, getChatMember)."""

    async def resolve(self, reference: str) -> ChannelInfo | Refusal:
        """The chat ``@name`` or ``-100...`` names, or why it cannot be found."""
        ...

    async def check_rights(self, channel: ChannelInfo, user_id: int) -> Refusal | None:
        """None when ``user_id`` administers the channel and the bot may post there."""
        ...


def channel_reference(args: str) -> tuple[str, str] | None:
    """``(reference, rest)`` when the arguments start with ``@name`` or ``-100...``."""
    words = args.strip().split(maxsplit=1)
    if not words:
        return None
    first = words[0]
    if _USERNAME.fullmatch(first) or _CHANNEL_ID.fullmatch(first):
        return first, words[1] if len(words) > 1 else ""
    return None


def refusal_reply(refusal: Refusal, reference: str) -> Reply:
    """The one clear answer for each reason a channel cannot be managed."""
    name = bold(reference[:64])
    if refusal is Refusal.NOT_FOUND:
        text = _(
            "I can't find the channel {channel}. Check the name, and add me to the channel "
            "as an administrator first (a private channel: use its numeric id, -100...)."
        )
    elif refusal is Refusal.NOT_A_CHANNEL:
        text = _(
            "{channel} is not a channel. A group's digests are managed in the group itself."
        )
    elif refusal is Refusal.USER_NOT_ADMIN:
        text = _("Only the administrators of {channel} can manage its digests.")
    elif refusal is Refusal.BOT_NOT_ADMIN:
        text = _(
            "I am not an administrator of {channel}. Add me in the channel's settings: "
            "Administrators → Add Admin, with the right to post messages."
        )
    elif refusal is Refusal.BOT_CANNOT_POST:
        text = _(
            "I am an administrator of {channel} but may not post messages there. Give me the "
            "right to post messages in the channel's administrator settings."
        )
    else:
        text = _("Telegram did not answer about {channel}. Please try again in a moment.")
    return Reply.say(fill(text, channel=name))


def _usage(command: str) -> Reply:
    usages = {
        "subscribe": N_("/subscribe @channel <topic> [HH:MM] [weekday]"),
        "unsubscribe": N_("/unsubscribe @channel <topic | all>"),
        "settings": N_("/settings @channel tz <zone>"),
    }
    usage = _(usages[command]) if command in usages else command
    return Reply.say(fill(_("Name the topic too: {usage}"), usage=code(usage)))


def _for_channel(reply: Reply, channel: ChannelInfo) -> Reply:
    """The reply under a line naming the channel, without buttons: a button in this private
    chat would act on this chat, not on the channel."""
    heading = fill(_("Channel {channel}:"), channel=bold(channel.label))
    messages = [Message(message.items) for message in reply.messages]
    if messages:
        messages[0] = Message((heading, *messages[0].items), (), messages[0].link_preview)
    return Reply.of(messages, toast=reply.toast)


async def handle_for_channel(
    ctx: Context, req: Request, handler: CommandHandler
) -> Reply | None:
    """Run ``handler`` for the channel that the request names first; None when it names none.

    Refused (nothing stored, nothing sent to the channel) outside a private chat, without a
    channel lookup (the console), for a name that does not resolve or is no channel, and when
    the user or the bot lacks the rights.
    """
    if req.command not in CHANNEL_COMMANDS:
        return None
    found = channel_reference(req.args)
    if found is None:
        return None
    reference, rest = found
    access: ChannelAccess | None = ctx.channels
    if access is None:
        return Reply.say(
            _("Channels exist only on Telegram: there, add me to a channel as an administrator "
              "and manage its digests from your private chat with me.")
        )
    if req.chat.type != "private":
        return Reply.say(
            fill(
                _("Manage a channel's digests in your private chat with me: {command}"),
                command=code(f"/{req.command} {reference} …"),
            )
        )
    if req.command in {"subscribe", "unsubscribe"} and not rest.strip():
        return _usage(req.command)
    if req.user_id is None:
        return refusal_reply(Refusal.USER_NOT_ADMIN, reference)
    channel = await access.resolve(reference)
    if isinstance(channel, Refusal):
        return refusal_reply(channel, reference)
    if channel.type != "channel":
        return refusal_reply(Refusal.NOT_A_CHANNEL, reference)
    refusal = await access.check_rights(channel, req.user_id)
    if refusal is not None:
        return refusal_reply(refusal, channel.label)
    target = replace(
        req,
        chat=Chat(channel.id, "channel", channel.title, channel.username),
        args=rest,
        addressed=True,
    )
    await ctx.ensure_chat(target)
    if req.command == "subscribe":
        # Who set the channel up: told if the bot loses its right to post there.
        await ctx.call(ctx.store.set_chat_manager, channel.id, req.user_id)
    return _for_channel(await handler(ctx, target), channel)
