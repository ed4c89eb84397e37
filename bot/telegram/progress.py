"""Progress in Telegram: a typing action and a "Fetching …" message the answer replaces.

The core reports progress through ``bot.core.progress``; for one update, ``ProgressMessage``
sends the first report as a message (with the typing action), edits it for later ones, and at
the end edits the answer into it (the rest of a long answer follows as new messages), so a
slow /summary <url> or /add <url> leaves one message in the chat, not two.
"""

from __future__ import annotations

import logging

from telegram import LinkPreviewOptions, ReplyParameters
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError

from bot.core.render import render_html
from bot.core.types import Message, Reply, Text
from bot.telegram.replies import ReplySender

log = logging.getLogger(__name__)


class ProgressMessage:
    """The progress message of one request in one chat (none until something is reported)."""

    def __init__(self, sender: ReplySender, chat_id: int, *, reply_to: int | None) -> None:
        self.sender = sender
        self.chat_id = chat_id
        self.reply_to = reply_to
        self.message_id: int | None = None

    async def __call__(self, text: Text) -> None:
        """Show ``text`` as the progress line (the core's progress hook)."""
        bot = self.sender.bot
        await bot.send_chat_action(self.chat_id, ChatAction.TYPING)
        html = render_html(Message.of(text))[0].text
        if self.message_id is not None:
            await bot.edit_message_text(
                html, chat_id=self.chat_id, message_id=self.message_id, parse_mode=ParseMode.HTML
            )
            return
        reply = (
            ReplyParameters(self.reply_to, allow_sending_without_reply=True)
            if self.reply_to is not None
            else None
        )
        sent = await bot.send_message(
            self.chat_id,
            html,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            reply_parameters=reply,
        )
        self.message_id = sent.message_id

    async def finish(self, reply: Reply) -> None:
        """Send the answer: into the progress message when there is one, else as usual."""
        if self.message_id is None:
            await self.sender.send(self.chat_id, reply, reply_to=self.reply_to)
            return
        if reply.messages:
            await self.sender.edit_or_send(self.chat_id, self.message_id, reply)
            return
        try:  # nothing to say after all: the progress line would stay wrong
            await self.sender.bot.delete_message(self.chat_id, self.message_id)
        except TelegramError as error:
            log.info("could not delete progress message in chat %s: %s", self.chat_id, error)
