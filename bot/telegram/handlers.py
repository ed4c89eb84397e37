"""PTB handlers: one small async function per kind of update, all delegating to the core.

Messages and commands become core Requests and the Replies go back as HTML; button presses
are answered (answerCallbackQuery) and edit their message in place when the Reply says so.
Membership changes keep the chat's blocked flag current; a group upgraded to a supergroup
moves to its new id. Anything unexpected ends in ``on_error``: a log line with the update
id and a short apology to the chat.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass

from telegram import Message, Update, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.config import Settings
from bot.core.app import APOLOGY, Core
from bot.core.progress import reporting_progress
from bot.core.template import fill
from bot.core.types import Reply, code
from bot.i18n import DEFAULT, _, use_language
from bot.telegram.channels import TelegramChannels, on_channel_membership
from bot.telegram.files import document_attachment
from bot.telegram.inline import on_inline_query
from bot.telegram.progress import ProgressMessage
from bot.telegram.replies import ReplySender
from bot.telegram.requests import callback_request, core_chat, message_request
from storage.store import Store

log = logging.getLogger(__name__)

BOT_DATA_KEY = "newsbot"
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_GONE = {ChatMemberStatus.BANNED, ChatMemberStatus.LEFT}
_CONTENT_WITHOUT_TEXT = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VIDEO
    | filters.ANIMATION
    | filters.AUDIO
    | filters.VOICE
    | filters.VIDEO_NOTE
    | filters.Document.ALL
    | filters.CONTACT
    | filters.LOCATION
    | filters.POLL
)


def no_text_pointer() -> Reply:
    """The answer to a sticker or a photo in a private chat, in the reply language."""
    return Reply.say(
        fill(
            _(
                "I can only read text. Send {command} to see what I can do, or paste the text "
                "of a story to get its summary."
            ),
            command=code("/help"),
        )
    )


@dataclass
class Adapter:
    """What every handler needs: the core, the store, settings and a reply sender."""

    core: Core
    store: Store
    settings: Settings
    sender: ReplySender
    channels: TelegramChannels | None = None


def adapter_of(context: ContextTypes.DEFAULT_TYPE) -> Adapter:
    """The Adapter stored in the application's bot_data."""
    return context.application.bot_data[BOT_DATA_KEY]


def _is_private(message: Message) -> bool:
    return message.chat.type == ChatType.PRIVATE


async def _answer(adapter: Adapter, message: Message, reply: Reply) -> None:
    reply_to = None if _is_private(message) else message.message_id
    await adapter.sender.send(message.chat.id, reply, reply_to=reply_to)


async def _on_text(
    update: Update, context: ContextTypes.DEFAULT_TYPE, message: Message | None, *, edited: bool
) -> None:
    if message is None or message.text is None:
        return
    adapter = adapter_of(context)
    request = message_request(
        message,
        update.effective_user,
        bot_username=context.bot.username or "",
        admin_ids=adapter.settings.admin_ids,
        edited=edited,
    )
    if request is None:
        return
    reply_to = None if _is_private(message) else message.message_id
    progress = ProgressMessage(adapter.sender, message.chat.id, reply_to=reply_to)
    with reporting_progress(progress):
        reply = await adapter.core.handle(request)
    await progress.finish(reply)


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text message or a command: ask the core, send its reply."""
    await _on_text(update, context, update.message, edited=False)


async def on_edited_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message: the core decides (it ignores edits, so answers never repeat)."""
    await _on_text(update, context, update.edited_message, edited=True)


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document whose caption is a command (an .opml file with /import): the core gets the
    caption as the command and the file as an attachment it reads with a bound."""
    message = update.message
    if message is None or message.document is None:
        return
    adapter = adapter_of(context)
    proxy = adapter.settings.proxy_for(adapter.settings.telegram_api_url)
    request = message_request(
        message,
        update.effective_user,
        bot_username=context.bot.username or "",
        admin_ids=adapter.settings.admin_ids,
        attachment=document_attachment(context.bot, message.document, proxy=proxy or None),
    )
    if request is None:
        return
    if not request.command:  # a caption that is no command: as any other file
        await on_content_without_text(update, context)
        return
    await _answer(adapter, message, await adapter.core.handle(request))


async def on_content_without_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A sticker, photo, file ...: a short pointer in private chats, silence in groups."""
    message = update.message
    if message is None or not _is_private(message):
        return
    adapter = adapter_of(context)
    user = message.from_user
    with use_language(await _language(adapter, message.chat.id, user)):
        reply = no_text_pointer()
    await _answer(adapter, message, reply)


async def _language(adapter: Adapter, chat_id: int, user: User | None) -> str:
    """The chat's reply language for this user; English when even that cannot be read."""
    try:
        code_of_user = (user.language_code or "") if user is not None else ""
        return await adapter.core.ctx.language_for(chat_id, code_of_user)
    except Exception:  # the apology after a failure must not fail in turn
        log.warning("could not read the reply language of chat %s", chat_id, exc_info=True)
        return DEFAULT


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press: answer it, then edit its message or send new ones."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None:
        return
    if chat is None:
        await query.answer("This button no longer works. Try /help.")
        return
    adapter = adapter_of(context)
    request = callback_request(query, chat, admin_ids=adapter.settings.admin_ids)
    reply = await adapter.core.handle_callback(request, request.text)  # data, made valid
    try:
        await query.answer((reply.toast or "")[:200] or None)
    except BadRequest as error:  # pressed long ago: too late to answer, still worth acting on
        log.info("could not answer button press %s: %s", query.id, error)
    if reply.markup is not None:  # the buttons follow: Subscribe <-> Unsubscribe in place
        await adapter.sender.edit_keyboard(chat.id, request.message_id, reply.markup)
    if not reply.messages:
        return
    if reply.edit:
        await adapter.sender.edit_or_send(chat.id, request.message_id, reply)
    else:
        await adapter.sender.send(chat.id, reply)


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot was blocked, kicked, or (re)added: keep the chat's blocked flag current."""
    change = update.my_chat_member
    if change is None:
        return
    adapter = adapter_of(context)
    chat = core_chat(change.chat)
    if chat.type == "channel" and adapter.channels is not None:
        await on_channel_membership(
            adapter.store,
            adapter.channels,
            adapter.sender,
            chat,
            change.new_chat_member,
            adapter.settings.default_timezone,
        )
        return
    gone = change.new_chat_member.status in _GONE
    if not gone:
        await asyncio.to_thread(
            adapter.store.upsert_chat,
            chat.id,
            type=chat.type,
            title=chat.title,
            username=chat.username,
            default_timezone=adapter.settings.default_timezone,
        )
    await asyncio.to_thread(adapter.store.set_chat_blocked, chat.id, gone)
    log.info("chat %s is now %s", chat.id, "blocked" if gone else "reachable")


async def on_channel_post(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A post in a channel the bot administers: never answered (a reply would be posted to
    the channel's readers). A known channel's new title or @name is kept."""
    post = update.channel_post or update.edited_channel_post
    if post is None:
        return
    adapter = adapter_of(context)
    chat = core_chat(post.chat)
    known = await asyncio.to_thread(adapter.store.get_chat, chat.id)
    if known is not None and (known.title, known.username) != (chat.title, chat.username):
        await asyncio.to_thread(
            adapter.store.upsert_chat,
            chat.id,
            type="channel",
            title=chat.title,
            username=chat.username,
        )


async def on_migration(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup: move its settings and subscriptions to the new id."""
    message = update.message
    if message is None or not message.migrate_to_chat_id:
        return
    adapter = adapter_of(context)
    await asyncio.to_thread(adapter.store.migrate_chat, message.chat.id, message.migrate_to_chat_id)
    log.info("chat %s migrated to %s", message.chat.id, message.migrate_to_chat_id)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure with the update id (never the token) and apologize to the chat."""
    error = context.error
    if not isinstance(update, Update):
        if isinstance(error, NetworkError):
            log.warning("Telegram API unreachable: %s", error)
        else:
            log.error("error outside an update", exc_info=error)
        return
    log.error("update %s failed", update.update_id, exc_info=error)
    chat = update.effective_chat
    if isinstance(error, Forbidden) or chat is None:
        return
    query = update.callback_query
    with use_language(await _language(adapter_of(context), chat.id, update.effective_user)):
        apology = _(APOLOGY)
    try:
        if query is not None:
            await query.answer(apology[:200])
        else:
            await context.bot.send_message(chat.id, apology)
    except TelegramError as failure:
        log.warning("could not apologize in chat %s: %s", chat.id, failure)


def register_handlers(application: Application, adapter: Adapter) -> None:
    """Add every handler to ``application`` (group 0) and the error handler."""
    application.bot_data[BOT_DATA_KEY] = adapter
    new_messages = filters.UpdateType.MESSAGE
    names = sorted(info.name for info in Core.commands() if COMMAND_NAME.fullmatch(info.name))
    application.add_handlers(
        [
            MessageHandler(filters.StatusUpdate.MIGRATE & new_messages, on_migration),
            CommandHandler(names, on_message, filters=new_messages),
            MessageHandler(filters.TEXT & new_messages, on_message),
            MessageHandler(filters.TEXT & filters.UpdateType.EDITED_MESSAGE, on_edited_message),
            MessageHandler(filters.Document.ALL & filters.CAPTION & new_messages, on_document),
            MessageHandler(_CONTENT_WITHOUT_TEXT & new_messages, on_content_without_text),
            CallbackQueryHandler(on_callback),
            InlineQueryHandler(on_inline_query),
            ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
            MessageHandler(filters.UpdateType.CHANNEL_POSTS, on_channel_post),
        ]
    )
    application.add_error_handler(on_error)
