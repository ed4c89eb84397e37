"""Channels on Telegram: names and rights looked up with getChat and getChatMember.

``TelegramChannels`` is the core's ``ChannelAccess`` (bot/core/channels.py): at each channel
command it resolves ``@name`` or ``-100...`` with getChat and asks getChatMember about both the
user (creator or administrator) and the bot (administrator with can_post_messages), always
afresh. The digest engine asks again before each channel digest (``ChannelGate``): that answer
is cached for ``RIGHTS_TTL`` seconds, so a fan-out of many topics to one channel costs one
call; a my_chat_member update about the bot replaces the cached answer at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict

from telegram import Bot, ChatMember, ChatMemberAdministrator
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError

from bot.core.channels import ChannelInfo, Refusal
from bot.core.deeplinks import article_url
from bot.core.template import fill
from bot.core.types import Button, Chat, Message, Reply, bold, code
from bot.i18n import _, resolve_language, use_language
from bot.telegram.replies import ReplySender
from storage.store import Store
from storage.views import ChatView

log = logging.getLogger(__name__)

# How long the bot's rights in a channel, as last seen, are trusted at send time (seconds).
RIGHTS_TTL = 60.0
_ADMINS = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR}
SUMMARY_CALLBACK = "sum:"
ADAPTED_CACHE = 256


def bot_refusal(member: ChatMember) -> Refusal | None:
    """None when this ChatMember of the bot may post in a channel, else why not."""
    if member.status == ChatMemberStatus.OWNER:
        return None
    if isinstance(member, ChatMemberAdministrator):
        return None if member.can_post_messages else Refusal.BOT_CANNOT_POST
    return Refusal.BOT_NOT_ADMIN


class TelegramChannels:
    """getChat / getChatMember for channel commands, and the bot's rights for digests."""

    def __init__(self, bot: Bot, *, ttl: float = RIGHTS_TTL) -> None:
        self.bot = bot
        self.ttl = ttl
        self._rights: dict[int, tuple[float, Refusal | None]] = {}

    async def resolve(self, reference: str) -> ChannelInfo | Refusal:
        """The chat named by ``@name`` or ``-100...`` (getChat)."""
        chat_id: int | str = int(reference) if reference.lstrip("-").isdigit() else reference
        try:
            chat = await self.bot.get_chat(chat_id)
        except (BadRequest, Forbidden) as error:
            log.info("channel %s does not resolve: %s", reference, error.message)
            return Refusal.NOT_FOUND
        except NetworkError as error:
            log.warning("getChat %s failed: %s", reference, error)
            return Refusal.UNAVAILABLE
        return ChannelInfo(chat.id, chat.type, chat.title or "", chat.username or "")

    async def check_rights(self, channel: ChannelInfo, user_id: int) -> Refusal | None:
        """The bot's rights first (without them the member list is hidden), then the user's."""
        refusal = await self.bot_rights(channel.id, fresh=True)
        if refusal is not None:
            return refusal
        try:
            member = await self.bot.get_chat_member(channel.id, user_id)
        except BadRequest as error:
            log.info("getChatMember %s in %s: %s", user_id, channel.id, error.message)
            return Refusal.USER_NOT_ADMIN
        except Forbidden:
            return Refusal.BOT_NOT_ADMIN
        except NetworkError:
            return Refusal.UNAVAILABLE
        return None if member.status in _ADMINS else Refusal.USER_NOT_ADMIN

    async def bot_rights(self, channel_id: int, *, fresh: bool = False) -> Refusal | None:
        """None when the bot may post in the channel; cached unless ``fresh``."""
        cached = self._rights.get(channel_id)
        if not fresh and cached is not None and time.monotonic() - cached[0] < self.ttl:
            return cached[1]
        try:
            member = await self.bot.get_chat_member(channel_id, self.bot.id)
        except (BadRequest, Forbidden) as error:  # chat not found, kicked ...
            log.info("the bot's rights in %s: %s", channel_id, error.message)
            refusal: Refusal | None = Refusal.BOT_NOT_ADMIN
        except NetworkError:
            return Refusal.UNAVAILABLE  # not cached: ask again next time
        else:
            refusal = bot_refusal(member)
        self.remember(channel_id, refusal)
        return refusal

    def remember(self, channel_id: int, refusal: Refusal | None) -> None:
        """What a my_chat_member update (or a lookup) said about the bot in the channel."""
        self._rights[channel_id] = (time.monotonic(), refusal)
        if len(self._rights) > 10_000:  # bounded: drop the oldest answers
            for key, _seen in sorted(self._rights.items(), key=lambda kv: kv[1][0])[:5_000]:
                self._rights.pop(key, None)


def channel_message(message: Message, bot_username: str) -> Message:
    """A digest part for a channel: "Summary #id" buttons become deep links into the bot's
    private chat; other buttons (callbacks that would answer nobody there) are left out."""
    rows: list[tuple[Button, ...]] = []
    for row in message.keyboard:
        kept: list[Button] = []
        for button in row:
            data = button.callback_data or ""
            if button.url is not None:
                kept.append(button)
            elif data.startswith(SUMMARY_CALLBACK) and data[len(SUMMARY_CALLBACK):].isdigit():
                article_id = int(data[len(SUMMARY_CALLBACK):])
                if bot_username and article_id > 0:
                    kept.append(Button(button.label, url=article_url(bot_username, article_id)))
        if kept:
            rows.append(tuple(kept))
    return Message(message.items, tuple(rows), message.link_preview)


class ChannelGate:
    """The digest engine's SendGate on Telegram: channels are checked, adapted, and their
    manager told when their digests pause."""

    def __init__(self, bot: Bot, store: Store, channels: TelegramChannels) -> None:
        self.bot = bot
        self.store = store
        self.channels = channels
        self.replies = ReplySender(bot, store)
        # One adapted Message per digest part, by identity: the bulk sender renders a Message
        # once and reuses it by identity, so every channel of a digest shares the same object.
        self._adapted: OrderedDict[int, tuple[Message, Message]] = OrderedDict()

    async def may_send(self, chat: ChatView) -> bool:
        """Other chats always; a channel while the bot may post there (cached briefly).

        Telegram not answering is no reason to pause: the send itself then decides.
        """
        if chat.type != "channel":
            return True
        refusal = await self.channels.bot_rights(chat.id)
        return refusal in (None, Refusal.UNAVAILABLE)

    def adapt(self, chat: ChatView, message: Message) -> Message:
        """Channel parts get link buttons instead of callback buttons."""
        if chat.type != "channel":
            return message
        found = self._adapted.get(id(message))
        if found is not None and found[0] is message:
            return found[1]
        adapted = channel_message(message, self.bot.username or "")
        self._adapted[id(message)] = (message, adapted)  # holds it: its id stays unique
        while len(self._adapted) > ADAPTED_CACHE:
            self._adapted.popitem(last=False)
        return adapted

    async def paused(self, chat: ChatView) -> None:
        """Tell the channel's manager, in their language, that its digests are paused."""
        if chat.type != "channel" or chat.managed_by is None:
            return
        await notify_paused(self.replies, self.store, chat)


async def notify_paused(replies: ReplySender, store: Store, chat: ChatView) -> None:
    """The one message a channel's manager gets when its digests pause."""
    if chat.managed_by is None:
        return
    manager = await asyncio.to_thread(store.get_chat, chat.managed_by)
    language = (
        resolve_language(manager.reply_language, manager.language) if manager else "en"
    )
    name = f"@{chat.username}" if chat.username else (chat.title or str(chat.id))
    with use_language(language):
        reply = Reply.say(
            fill(
                _("I can no longer post in the channel {channel}, so its digests are paused. "
                  "Make me an administrator there with the right to post messages, then "
                  "send {command} to resume them."),
                channel=bold(name[:64]),
                command=code(f"/subscribe {name[:64]} <topic>"),
            )
        )
    try:
        await replies.send(chat.managed_by, reply)
    except TelegramError as error:
        log.warning("could not tell %s that channel %s paused: %s", chat.managed_by, chat.id, error)


async def on_channel_membership(
    store: Store,
    channels: TelegramChannels,
    replies: ReplySender,
    chat: Chat,
    new_member: ChatMember,
    default_timezone: str,
) -> None:
    """The bot was added to, promoted or demoted in, or removed from a channel.

    Nothing is posted: a channel gets digests only once an administrator subscribes it. A lost
    right pauses its digests (its manager is told, once); regaining it resumes them.
    """
    refusal = bot_refusal(new_member)
    channels.remember(chat.id, refusal)
    if new_member.status not in {ChatMemberStatus.LEFT, ChatMemberStatus.BANNED}:
        await asyncio.to_thread(
            store.upsert_chat,
            chat.id,
            type="channel",
            title=chat.title,
            username=chat.username,
            default_timezone=default_timezone,
        )
    changed = await asyncio.to_thread(store.set_chat_blocked, chat.id, refusal is not None)
    log.info("channel %s: the bot %s post", chat.id, "may not" if refusal else "may")
    if changed and refusal is not None:
        view = await asyncio.to_thread(store.get_chat, chat.id)
        if view is not None:
            await notify_paused(replies, store, view)
