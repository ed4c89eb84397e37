"""Sending the core's Replies to Telegram: HTML parts, inline keyboards, edits in place.

Every text comes from ``bot.core.render.render_html`` (escaped, split under 4,096), so what is
sent always parses. A chat that blocked the bot (403) is marked blocked in the store and
nothing more is sent to it; an edit that changes nothing is not an error.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Sequence

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from bot.core.render import HtmlPart, render_html
from bot.core.types import Document, Keyboard, Message, Reply
from storage.store import Store

log = logging.getLogger(__name__)


def inline_markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    """PTB's inline keyboard for core buttons (None without buttons)."""
    rows = [
        [
            InlineKeyboardButton(button.label[:64] or "…", callback_data=button.callback_data)
            if button.callback_data is not None
            else InlineKeyboardButton(button.label[:64] or "…", url=button.url)
            for button in row
        ]
        for row in keyboard
        if row
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def _preview(part: HtmlPart) -> LinkPreviewOptions:
    return LinkPreviewOptions(is_disabled=not part.link_preview)


def parts_of(messages: Sequence[Message]) -> list[HtmlPart]:
    """Every Telegram message to send for ``messages``, in order."""
    return [part for message in messages for part in render_html(message)]


class ReplySender:
    """Sends Replies through one bot; remembers blocked chats in the store."""

    def __init__(self, bot: Bot, store: Store) -> None:
        self.bot = bot
        self.store = store

    async def send_parts(
        self, chat_id: int, parts: Sequence[HtmlPart], *, reply_to: int | None = None
    ) -> int:
        """Send each part as a message; returns how many went out (stops at a 403)."""
        sent = 0
        for index, part in enumerate(parts):
            reply = (
                ReplyParameters(reply_to, allow_sending_without_reply=True)
                if reply_to is not None and index == 0
                else None
            )
            try:
                await self.bot.send_message(
                    chat_id,
                    part.text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=inline_markup(part.keyboard),
                    link_preview_options=_preview(part),
                    reply_parameters=reply,
                )
            except Forbidden as error:
                await self.mark_blocked(chat_id, error)
                return sent
            sent += 1
        return sent

    async def send(self, chat_id: int, reply: Reply, *, reply_to: int | None = None) -> int:
        """Send every message of ``reply``, then its documents."""
        sent = await self.send_parts(chat_id, parts_of(reply.messages), reply_to=reply_to)
        if reply.documents and sent == len(parts_of(reply.messages)):
            await self.send_documents(
                chat_id, reply.documents, reply_to=None if reply.messages else reply_to
            )
        return sent

    async def send_documents(
        self, chat_id: int, documents: Sequence[Document], *, reply_to: int | None = None
    ) -> None:
        """Send each document as a file (sendDocument), its caption as plain text."""
        for document in documents:
            reply = (
                ReplyParameters(reply_to, allow_sending_without_reply=True)
                if reply_to is not None
                else None
            )
            try:
                await self.bot.send_document(
                    chat_id,
                    InputFile(document.content, filename=document.filename),
                    caption=html.escape(document.caption[:1024], quote=False) or None,
                    parse_mode=ParseMode.HTML,
                    reply_parameters=reply,
                )
            except Forbidden as error:
                await self.mark_blocked(chat_id, error)
                return

    async def edit_or_send(self, chat_id: int, message_id: int | None, reply: Reply) -> None:
        """Replace message ``message_id`` with the reply's first part; send the rest."""
        parts = parts_of(reply.messages)
        if not parts:
            return
        if message_id is not None and await self._edit(chat_id, message_id, parts[0]):
            parts = parts[1:]
        await self.send_parts(chat_id, parts)
        if reply.documents:
            await self.send_documents(chat_id, reply.documents)

    async def _edit(self, chat_id: int, message_id: int, part: HtmlPart) -> bool:
        try:
            await self.bot.edit_message_text(
                part.text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=inline_markup(part.keyboard),
                link_preview_options=_preview(part),
            )
        except BadRequest as error:
            if "not modified" in error.message.lower():
                return True
            log.info("could not edit message %s in chat %s: %s", message_id, chat_id, error)
            return False
        except Forbidden as error:
            await self.mark_blocked(chat_id, error)
            return True
        return True

    async def edit_keyboard(self, chat_id: int, message_id: int | None, keyboard: Keyboard) -> None:
        """Give message ``message_id`` the new ``keyboard`` (editMessageReplyMarkup)."""
        if message_id is None:
            return
        try:
            await self.bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=message_id, reply_markup=inline_markup(keyboard)
            )
        except BadRequest as error:  # unchanged, or the message is gone: nothing to follow
            log.info("could not edit the buttons of %s in chat %s: %s", message_id, chat_id, error)
        except Forbidden as error:
            await self.mark_blocked(chat_id, error)

    async def mark_blocked(self, chat_id: int, error: Exception) -> None:
        """The chat refused us (blocked, kicked): pause it until it comes back."""
        log.info("chat %s is unreachable (%s): marking it blocked", chat_id, error)
        try:
            await asyncio.to_thread(self.store.set_chat_blocked, chat_id, True)
        except Exception:
            log.exception("could not mark chat %s blocked", chat_id)
