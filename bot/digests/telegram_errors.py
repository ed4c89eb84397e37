"""What a Bot API answer means for a digest send: one translation for both senders.

``typed_error`` (``raise_typed``) turns PTB's errors into the delivery engine's typed ones
(what the PTB-based ``TelegramSender`` raises). ``ptb_error`` reads a raw HTTP answer by the
rules of PTB's ``BaseRequest._request_wrapper`` (parameters first, then the status), so the lean
``BulkSender``, which posts its own JSON, reaches ``typed_error`` with the very error PTB would
have raised, and both senders map every answer the same way.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import NoReturn

from telegram import error as tg_error

from bot.digests.delivery import (
    ChatBlocked,
    ChatMigrated,
    PermanentSendError,
    RetryAfter,
    SendError,
    TransientSendError,
)
from bot.telegram.ratelimit import retry_after_seconds

# A 400 with these words means the chat is gone for the bot, as a 403 does ("need
# administrator rights": a channel where the bot may no longer post).
BLOCKED_PHRASES = (
    "chat not found",
    "user is deactivated",
    "bot was kicked",
    "not a member",
    "need administrator rights",
)


def raise_typed(error: tg_error.TelegramError) -> NoReturn:
    """Raise the engine's error for ``error`` (call it in the ``except`` that caught it)."""
    typed = typed_error(error)
    if typed is None:
        raise error
    raise typed from error


def typed_error(error: tg_error.TelegramError) -> SendError | None:
    """The engine's error for a PTB error; None for an unexpected one (a refused token, say),
    which the engine then counts as a failure as it is."""
    if isinstance(error, tg_error.RetryAfter):
        return RetryAfter(retry_after_seconds(error))
    if isinstance(error, tg_error.Forbidden):
        return ChatBlocked(error.message)
    if isinstance(error, tg_error.ChatMigrated):
        return ChatMigrated(error.new_chat_id)
    if isinstance(error, tg_error.BadRequest):
        if any(phrase in error.message.lower() for phrase in BLOCKED_PHRASES):
            return ChatBlocked(error.message)
        return PermanentSendError(error.message)
    if isinstance(error, tg_error.TimedOut | tg_error.NetworkError):
        return TransientSendError(str(error))
    return None


def ptb_error(status: int, payload: bytes) -> tg_error.TelegramError:
    """The error PTB raises for a non-2xx answer ``status`` with body ``payload``."""
    try:
        message = f"{HTTPStatus(status).phrase} ({status})"
    except ValueError:
        message = f"Unknown HTTPError ({status})"
    try:
        answer = json.loads(payload.decode("utf-8", "replace"))
    except ValueError:
        answer = None
    if isinstance(answer, dict):
        message = str(answer.get("description") or message)
        parameters = answer.get("parameters")
        if isinstance(parameters, dict) and parameters:
            if parameters.get("migrate_to_chat_id"):
                return tg_error.ChatMigrated(int(parameters["migrate_to_chat_id"]))
            if parameters.get("retry_after"):
                return tg_error.RetryAfter(parameters["retry_after"])
    if status == HTTPStatus.FORBIDDEN:
        return tg_error.Forbidden(message)
    if status in (HTTPStatus.NOT_FOUND, HTTPStatus.UNAUTHORIZED):
        return tg_error.InvalidToken(message)
    if status == HTTPStatus.BAD_REQUEST:
        return tg_error.BadRequest(message)
    if status == HTTPStatus.CONFLICT:
        return tg_error.Conflict(message)
    return tg_error.NetworkError(message)
