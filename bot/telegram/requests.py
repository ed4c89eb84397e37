"""Turning PTB updates into the core's Requests (no I/O here: pure conversion).

Every text taken from an update (message, reply, names, titles, button data) goes through
``valid_text``: JSON can carry a lone surrogate that no UTF-8 encoder accepts, and it must
become U+FFFD here, at the boundary, not an error deep in storage or in the reply.
"""

from __future__ import annotations

from collections.abc import Collection

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, User
from telegram import Chat as TgChat

from bot.core.commandline import split_command
from bot.core.textclean import valid_text
from bot.core.types import Attachment, Button, Chat, ChatType, Keyboard, Request

_CHAT_TYPES: frozenset[str] = frozenset({"private", "group", "supergroup", "channel"})


def core_chat(chat: TgChat) -> Chat:
    """The core's Chat for a Telegram chat."""
    kind: ChatType = chat.type if chat.type in _CHAT_TYPES else "private"  # type: ignore[assignment]
    title = chat.title or chat.full_name or ""
    return Chat(chat.id, kind, valid_text(title), valid_text(chat.username or ""))


def _user_name(user: User | None) -> str:
    if user is None:
        return ""
    return valid_text(user.username or user.full_name or str(user.id))


def _replied_text(message: Message) -> str | None:
    replied = message.reply_to_message
    if replied is None:
        return None
    return valid_text(replied.text or replied.caption or "") or None


def message_request(
    message: Message,
    user: User | None,
    *,
    bot_username: str,
    admin_ids: Collection[int],
    edited: bool = False,
    attachment: Attachment | None = None,
) -> Request | None:
    """The Request for a text message (or a document's caption, with the document as
    ``attachment``); None when it is a command for another bot."""
    text = valid_text(message.text or message.caption or "")
    command, args, addressed, for_us = split_command(text, bot_username)
    if not for_us:
        return None
    return Request(
        chat=core_chat(message.chat),
        user_id=user.id if user else None,
        user_name=_user_name(user),
        command=command,
        args=args,
        text=text,
        reply_to_text=_replied_text(message),
        is_admin=user is not None and user.id in admin_ids,
        message_id=message.message_id,
        edited=edited,
        language=valid_text(user.language_code or "") if user else "",
        addressed=addressed,
        sender_chat_id=message.sender_chat.id if message.sender_chat is not None else None,
        attachment=attachment,
    )


def core_keyboard(markup: InlineKeyboardMarkup | None) -> Keyboard:
    """The core's buttons for a message's inline keyboard; () when a button is of a kind the
    core does not make (it could not be sent back unchanged)."""
    if markup is None:
        return ()
    rows: list[tuple[Button, ...]] = []
    for row in markup.inline_keyboard:
        buttons: list[Button] = []
        for button in row:
            if button.callback_data is not None and isinstance(button.callback_data, str):
                buttons.append(Button(valid_text(button.text), valid_text(button.callback_data)))
            elif button.url is not None:
                buttons.append(Button(valid_text(button.text), url=button.url))
            else:
                return ()
        rows.append(tuple(buttons))
    return tuple(rows)


def callback_request(query: CallbackQuery, chat: TgChat, *, admin_ids: Collection[int]) -> Request:
    """The Request for a button press in ``chat``."""
    user = query.from_user
    message = query.message
    message_id = message.message_id if message is not None else None
    # An old message comes as InaccessibleMessage, without its keyboard.
    markup = message.reply_markup if isinstance(message, Message) else None
    return Request(
        chat=core_chat(chat),
        user_id=user.id,
        user_name=_user_name(user),
        text=valid_text(query.data or ""),
        is_admin=user.id in admin_ids,
        message_id=message_id,
        language=valid_text(user.language_code or ""),
        addressed=True,
        keyboard=core_keyboard(markup),
    )
