"""The Bot API methods of the fake server: what each one checks, stores and answers.

A mixin of ``BotApiServer``: the server calls ``_api_<method>(params)`` with typed parameters
while holding its lock; each returns the ``result`` JSON or raises ``ApiError``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from bot.digests.flood_limits import RateLimiter
from tests.support.fake_telegram import BotMessage, CallbackAnswer, FakeChat, chat_for_id
from tests.support.telegram_html import EntityError, parse_html
from tests.support.validation import (
    ApiError,
    check_commands,
    check_reply_markup,
    check_secret_token,
)


class BotApiMethods:
    """getMe, sendMessage, editMessageText, answerCallbackQuery, commands, webhooks ..."""

    bot_user: dict[str, Any]
    max_text_length: int
    _chats: dict[int, FakeChat]
    _next_message_id: dict[int, int]
    _user_message_ids: dict[int, set[int]]
    _bot_messages: dict[int, list[BotMessage]]
    _limiter: RateLimiter | None
    _open_callbacks: dict[str, dict[str, Any]]
    _callback_answers: list[CallbackAnswer]
    _commands: dict[tuple[str, str], list[dict[str, str]]]
    _webhook: dict[str, Any] | None
    _webhook_deliveries: list[Any]
    _pending: list[dict[str, Any]]
    _allowed_updates: frozenset[str]

    _counters: dict[str, int]

    _check_channel_send: Callable[[int], None]  # ChatMembers: channel posting rights

    def _count(self, key: str) -> None:
        self._counters[key] = self._counters.get(key, 0) + 1

    # ------------------------------------------------------------------ API methods
    def _api_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    def _api_logout(self, params: dict[str, Any]) -> bool:
        return True

    def _api_close(self, params: dict[str, Any]) -> bool:
        return True

    def _api_sendchataction(self, params: dict[str, Any]) -> bool:
        return True

    def _chat(self, chat_id: int) -> FakeChat:
        return self._chats.get(chat_id) or chat_for_id(chat_id)

    def _new_message_id(self, chat_id: int) -> int:
        number = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = number + 1
        return number

    def _parse_text(self, params: dict[str, Any]) -> tuple[str, list[dict[str, Any]], str | None]:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        parse_mode = params.get("parse_mode")
        entities: list[dict[str, Any]] = []
        plain = text
        if isinstance(parse_mode, str) and parse_mode.lower() == "html":
            try:
                plain, parsed = parse_html(text)
            except EntityError as error:
                raise ApiError(400, f"Bad Request: can't parse entities: {error}") from None
            entities = [entity.to_dict() for entity in parsed]
        elif parse_mode not in (None, "", "Markdown", "MarkdownV2"):
            raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r}")
        if not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(plain) > self.max_text_length:
            raise ApiError(400, "Bad Request: message is too long")
        return plain, entities, parse_mode if isinstance(parse_mode, str) else None

    def _reply_to(self, params: dict[str, Any], chat_id: int) -> int | None:
        reply = params.get("reply_parameters")
        message_id = params.get("reply_to_message_id")
        allow_missing = bool(params.get("allow_sending_without_reply"))
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = allow_missing or bool(reply.get("allow_sending_without_reply"))
        if message_id is None:
            return None
        known = self._user_message_ids.get(chat_id, set()) | {
            m.message_id for m in self._bot_messages.get(chat_id, [])
        }
        if message_id not in known:
            if allow_missing:
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        return int(message_id)

    def _api_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params["chat_id"]
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        plain, entities, parse_mode = self._parse_text(params)
        markup = check_reply_markup(params.get("reply_markup"))
        reply_to = self._reply_to(params, chat_id)
        chat = self._chat(chat_id)
        self._check_channel_send(chat_id)
        if self._limiter is not None:
            # Channels share the groups' limit of 20 messages a minute.
            retry_after = self._limiter.check(
                chat_id, chat.type in {"group", "supergroup", "channel"}
            )
            if retry_after is not None:
                self._count("rate_limited")
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {retry_after}",
                    {"retry_after": retry_after},
                )
        message = BotMessage(
            chat_id=chat_id,
            message_id=self._new_message_id(chat_id),
            text=plain,
            html=params["text"] if parse_mode and parse_mode.lower() == "html" else None,
            parse_mode=parse_mode,
            entities=entities,
            reply_markup=markup,
            sent_at=time.monotonic(),
            reply_to_message_id=reply_to,
        )
        self._bot_messages.setdefault(chat_id, []).append(message)
        return self._message_json(message)

    def _message_json(self, message: BotMessage) -> dict[str, Any]:
        chat = self._chat(message.chat_id).to_dict()
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
            "text": message.text,
        }
        if chat["type"] == "channel":  # channel posts come from the channel, not the bot
            del data["from"]
            data["sender_chat"] = chat
        if message.entities:
            data["entities"] = message.entities
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        if message.edits:
            data["edit_date"] = int(time.time())
        return data

    def _find_bot_message(self, params: dict[str, Any]) -> BotMessage:
        if params.get("inline_message_id"):
            raise ApiError(400, "Bad Request: MESSAGE_ID_INVALID")
        chat_id, message_id = params.get("chat_id"), params.get("message_id")
        if message_id is None:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        for message in self._bot_messages.get(chat_id, []):  # type: ignore[arg-type]
            if message.message_id == message_id and not message.deleted:
                return message
        raise ApiError(400, "Bad Request: message to edit not found")

    def _api_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._find_bot_message(params)
        plain, entities, parse_mode = self._parse_text(params)
        markup = check_reply_markup(params.get("reply_markup"), inline_only=True)
        if (
            plain == message.text
            and entities == message.entities
            and markup == message.reply_markup
        ):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        message.edits.append(message.text)
        message.text, message.entities, message.reply_markup = plain, entities, markup
        message.html = params["text"] if parse_mode and parse_mode.lower() == "html" else None
        message.parse_mode = parse_mode
        return self._message_json(message)

    def _api_editmessagereplymarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._find_bot_message(params)
        markup = check_reply_markup(params.get("reply_markup"), inline_only=True)
        if markup == message.reply_markup:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        message.edits.append(message.text)
        message.reply_markup = markup
        return self._message_json(message)

    def _api_deletemessage(self, params: dict[str, Any]) -> bool:
        try:
            message = self._find_bot_message(params)
        except ApiError:
            raise ApiError(400, "Bad Request: message to delete not found") from None
        message.deleted = True
        return True

    def _api_answercallbackquery(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._open_callbacks:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        text = params.get("text")
        if isinstance(text, str) and len(text) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        del self._open_callbacks[query_id]
        self._callback_answers.append(
            CallbackAnswer(
                query_id, text if isinstance(text, str) else None, bool(params.get("show_alert"))
            )
        )
        return True

    @staticmethod
    def _scope_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _api_setmycommands(self, params: dict[str, Any]) -> bool:
        self._commands[self._scope_key(params)] = check_commands(params.get("commands"))
        return True

    def _api_getmycommands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        return list(self._commands.get(self._scope_key(params), []))

    def _api_deletemycommands(self, params: dict[str, Any]) -> bool:
        self._commands.pop(self._scope_key(params), None)
        return True

    def _api_setwebhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return self._api_deletewebhook(params)
        if not url.startswith(("http://", "https://")):
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        secret = params.get("secret_token")
        if secret is not None:
            check_secret_token(str(secret))
        if params.get("drop_pending_updates"):
            self._pending.clear()
        if isinstance(params.get("allowed_updates"), list) and params["allowed_updates"]:
            self._allowed_updates = frozenset(params["allowed_updates"])
        self._webhook = {
            "url": url,
            "secret_token": None if secret is None else str(secret),
            "max_connections": int(params.get("max_connections") or 40),
        }
        return True

    def _api_deletewebhook(self, params: dict[str, Any]) -> bool:
        self._webhook = None
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    def _api_getwebhookinfo(self, params: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self._webhook is not None:
            info["url"] = self._webhook["url"]
            info["max_connections"] = self._webhook["max_connections"]
            info["allowed_updates"] = sorted(self._allowed_updates)
            failed = [d for d in self._webhook_deliveries if d.status != 200]
            if failed:
                info["last_error_date"] = int(time.time())
                info["last_error_message"] = f"Wrong response from the webhook: {failed[-1].status}"
        return info
