"""The users' side of the fake server: people writing, pressing buttons, kicking the bot.

A mixin of ``BotApiServer``: each helper builds the update Telegram would send and queues it
(for getUpdates, or for the webhook when one is set).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import ClientSession, ClientTimeout

from tests.support.bot_api_members import member_json
from tests.support.fake_telegram import BotMessage, FakeChat, FakeUser
from tests.support.validation import command_entities


class UserActions:
    """post_message, post_edited_message, post_sticker, post_photo, press_button ..."""

    # ------------------------------------------------------------------ users' side
    def post_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update (getUpdates or webhook); returns its update_id."""
        with self._changed:
            update = {"update_id": next(self._update_ids), **update}
            self._last_update_id = update["update_id"]
            self._pending.append(update)
            self._changed.notify_all()
        self._notify_updates()
        return int(update["update_id"])

    def _remember(self, chat: FakeChat) -> None:
        self._chats[chat.id] = chat

    def _user_message(
        self, chat: FakeChat, user: FakeUser, extra: dict[str, Any], message_id: int | None = None
    ) -> dict[str, Any]:
        with self._lock:
            self._remember(chat)
            number = message_id if message_id is not None else self._new_message_id(chat.id)
            self._user_message_ids.setdefault(chat.id, set()).add(number)
        return {
            "message_id": number,
            "from": user.to_dict(),
            "chat": chat.to_dict(),
            "date": int(time.time()),
            **extra,
        }

    def _reply_json(self, chat: FakeChat, reply_to: BotMessage | dict[str, Any]) -> dict[str, Any]:
        if isinstance(reply_to, dict):
            return reply_to
        data = self._message_json(reply_to)
        data["chat"] = chat.to_dict()
        return data

    def post_message(
        self,
        chat: FakeChat,
        user: FakeUser,
        text: str,
        *,
        reply_to: BotMessage | dict[str, Any] | None = None,
        entities: list[dict[str, Any]] | None = None,
        forward_from: FakeUser | None = None,
        sender_chat: FakeChat | None = None,
    ) -> dict[str, Any]:
        """``user`` writes ``text`` in ``chat`` (bot_command entities added like Telegram's).

        ``sender_chat``: written on behalf of a chat, as Telegram sends it: the group itself
        for an anonymous administrator (``user`` should then be ``GROUP_ANONYMOUS_BOT``), or a
        linked channel.
        """
        extra: dict[str, Any] = {"text": text}
        if sender_chat is not None:
            extra["sender_chat"] = sender_chat.to_dict()
        found = command_entities(text) if entities is None else entities
        if found:
            extra["entities"] = found
        if reply_to is not None:
            extra["reply_to_message"] = self._reply_json(chat, reply_to)
        if forward_from is not None:
            extra["forward_origin"] = {
                "type": "user",
                "date": int(time.time()) - 60,
                "sender_user": forward_from.to_dict(),
            }
        message = self._user_message(chat, user, extra)
        self.post_update({"message": message})
        return message

    def post_edited_message(
        self, chat: FakeChat, user: FakeUser, original: dict[str, Any], text: str
    ) -> dict[str, Any]:
        """``user`` edits their earlier ``original`` message to ``text``."""
        extra: dict[str, Any] = {"text": text, "edit_date": int(time.time())}
        found = command_entities(text)
        if found:
            extra["entities"] = found
        message = self._user_message(chat, user, extra, message_id=original["message_id"])
        message["date"] = original["date"]
        self.post_update({"edited_message": message})
        return message

    def post_sticker(self, chat: FakeChat, user: FakeUser, emoji: str = "👍") -> dict[str, Any]:
        """``user`` sends a sticker (a message without text)."""
        sticker = {
            "file_id": "CAACAgIAAxkBAAEBsticker",
            "file_unique_id": "AgADsticker",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        message = self._user_message(chat, user, {"sticker": sticker})
        self.post_update({"message": message})
        return message

    def post_photo(
        self, chat: FakeChat, user: FakeUser, caption: str | None = None
    ) -> dict[str, Any]:
        """``user`` sends a photo, optionally captioned (still no ``text``)."""
        photo = [
            {
                "file_id": "AgACAgIAAxkBAAEphoto",
                "file_unique_id": "AQADphoto",
                "width": 90,
                "height": 60,
                "file_size": 1200,
            },
        ]
        extra: dict[str, Any] = {"photo": photo}
        if caption:
            extra["caption"] = caption
        message = self._user_message(chat, user, extra)
        self.post_update({"message": message})
        return message

    def press_button(
        self,
        chat: FakeChat,
        user: FakeUser,
        message: BotMessage,
        data: str | None = None,
        *,
        label: str | None = None,
    ) -> str:
        """``user`` presses a button of the bot's ``message`` (by ``data`` or ``label``)."""
        if data is None:
            if label is None:
                raise ValueError("give the callback data or a label part")
            data = message.button(label)["callback_data"]
        with self._lock:
            query_id = str(next(self._callback_ids) + 4_000_000_000)
            current = next(
                (
                    m
                    for m in self._bot_messages.get(message.chat_id, [])
                    if m.message_id == message.message_id
                ),
                message,
            )
            query = {
                "id": query_id,
                "from": user.to_dict(),
                "message": {**self._message_json(current), "chat": chat.to_dict()},
                "chat_instance": str(abs(chat.id) * 7 + 13),
                "data": data,
            }
            self._open_callbacks[query_id] = query
        self.post_update({"callback_query": query})
        return query_id

    def post_my_chat_member(
        self,
        chat: FakeChat,
        user: FakeUser,
        new_status: str,
        old_status: str = "member",
        **rights: bool,
    ) -> int:
        """The bot's membership in ``chat`` changed (``kicked`` = blocked by a private user).

        ``rights`` are the new administrator rights (``can_post_messages=False`` ...). The
        bot's status in ``chat`` becomes ``new_status``, as getChatMember then answers.
        """
        with self._lock:
            self._remember(chat)
            self.set_bot_member(chat, new_status, **rights)
            new_member = self.member_of(chat.id, self.bot_id)
        old_member = member_json(self.bot_user, old_status, {})
        return self.post_update(
            {
                "my_chat_member": {
                    "chat": chat.to_dict(),
                    "from": user.to_dict(),
                    "date": int(time.time()),
                    "old_chat_member": old_member,
                    "new_chat_member": new_member,
                }
            }
        )

    def post_channel_post(self, channel: FakeChat, text: str) -> dict[str, Any]:
        """A post appears in ``channel`` (no sender user: channel posts come from the chat)."""
        with self._lock:
            self._remember(channel)
            number = self._new_message_id(channel.id)
            self._user_message_ids.setdefault(channel.id, set()).add(number)
        post: dict[str, Any] = {
            "message_id": number,
            "sender_chat": channel.to_dict(),
            "chat": channel.to_dict(),
            "date": int(time.time()),
            "text": text,
        }
        found = command_entities(text)
        if found:
            post["entities"] = found
        self.post_update({"channel_post": post})
        return post

    def post_group_migration(self, group: FakeChat, user: FakeUser, new_chat_id: int) -> FakeChat:
        """``group`` becomes a supergroup: both service messages; later sends to it fail."""
        supergroup = FakeChat(new_chat_id, "supergroup", title=group.title)
        old = self._user_message(group, user, {"migrate_to_chat_id": new_chat_id})
        new = self._user_message(supergroup, user, {"migrate_from_chat_id": group.id})
        with self._lock:
            self._migrated[group.id] = new_chat_id
        self.post_update({"message": old})
        self.post_update({"message": new})
        return supergroup

    def post_to_webhook(self, update: dict[str, Any], *, secret: str | None) -> int:
        """POST ``update`` straight to the webhook with ``secret`` as the header: the status."""
        loop = self._loop
        with self._lock:
            hook = dict(self._webhook) if self._webhook else None
        if loop is None or hook is None:
            raise RuntimeError("no webhook is set")

        async def post() -> int:
            async with ClientSession(timeout=ClientTimeout(total=10)) as session:
                return await self._post_update(session, hook, update, secret)

        return asyncio.run_coroutine_threadsafe(post(), loop).result(15)
