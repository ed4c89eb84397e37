"""Chat members and channels in the fake server: getChatMember, getChat by @username.

A mixin of ``BotApiServer``. Tests register chats (``add_chat``) and say who holds which
status and rights in them (``set_member``, ``set_bot_member``); getChatMember answers with
Telegram's ChatMember shapes, and sends to a channel are refused like Telegram refuses them
when the bot is not an administrator allowed to post there.

Defaults when a test configured nobody: in groups every user is a "member" (so group tests
that never mention members keep working); in channels a user is "left", and a channel where
the bot is not an administrator hides its member list ("member list is inaccessible").
"""

from __future__ import annotations

from typing import Any

from tests.support.fake_telegram import FakeChat, FakeUser, chat_for_id
from tests.support.validation import ApiError

ADMIN_STATUSES = frozenset({"creator", "administrator"})
STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})
# Every right an administrator has in the Bot API (the booleans PTB's ChatMemberAdministrator
# requires, and the channel and group ones it accepts).
ADMIN_RIGHTS = (
    "can_be_edited",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_post_messages",
    "can_edit_messages",
    "can_pin_messages",
    "can_manage_topics",
)
# What an administrator may do unless the test says otherwise.
DEFAULT_ADMIN_RIGHTS = frozenset({"can_manage_chat", "can_post_messages", "can_edit_messages"})


def member_json(user: dict[str, Any], status: str, rights: dict[str, bool]) -> dict[str, Any]:
    """A ChatMember JSON of ``status`` (with every administrator right spelled out)."""
    if status not in STATUSES:
        raise ValueError(f"unknown member status {status!r}")
    data: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        data["is_anonymous"] = bool(rights.get("is_anonymous", False))
    elif status == "administrator":
        data["is_anonymous"] = bool(rights.get("is_anonymous", False))
        for right in ADMIN_RIGHTS:
            data[right] = bool(rights.get(right, right in DEFAULT_ADMIN_RIGHTS))
    elif status == "kicked":
        data["until_date"] = 0
    elif status == "restricted":
        data.update(
            is_member=True,
            until_date=0,
            can_send_messages=bool(rights.get("can_send_messages", False)),
            can_send_audios=False,
            can_send_documents=False,
            can_send_photos=False,
            can_send_videos=False,
            can_send_video_notes=False,
            can_send_voice_notes=False,
            can_send_polls=False,
            can_send_other_messages=False,
            can_add_web_page_previews=False,
            can_change_info=False,
            can_invite_users=False,
            can_pin_messages=False,
            can_manage_topics=False,
        )
    return data


class ChatMembers:
    """add_chat, set_member, set_bot_member, member_of; getChatMember; channel send rules."""

    bot_user: dict[str, Any]
    bot_id: int
    _chats: dict[int, FakeChat]
    _members: dict[int, dict[int, dict[str, Any]]]

    # ------------------------------------------------------------------ test set-up
    def add_chat(self, chat: FakeChat) -> FakeChat:
        """Make ``chat`` known (getChat finds it, also by its @username); returns it."""
        with self._lock:  # type: ignore[attr-defined]
            self._chats[chat.id] = chat
        return chat

    def set_member(
        self, chat: FakeChat | int, user: FakeUser | int, status: str = "member", **rights: bool
    ) -> None:
        """``user`` has ``status`` in ``chat`` ("creator", "administrator", "member",
        "restricted", "left", "kicked"); ``rights`` are administrator rights such as
        ``can_post_messages=False`` (unnamed ones: can_manage_chat, can_post_messages and
        can_edit_messages are True, the rest False)."""
        chat_id = chat if isinstance(chat, int) else chat.id
        if isinstance(user, FakeUser):
            user_json = user.to_dict()
        elif user == self.bot_id:
            user_json = dict(self.bot_user)
        else:
            user_json = {"id": user, "is_bot": False, "first_name": "User"}
        with self._lock:  # type: ignore[attr-defined]
            if not isinstance(chat, int):
                self._chats.setdefault(chat.id, chat)
            self._members.setdefault(chat_id, {})[user_json["id"]] = member_json(
                user_json, status, rights
            )

    def set_bot_member(
        self, chat: FakeChat | int, status: str = "administrator", **rights: bool
    ) -> None:
        """The bot's own status and rights in ``chat`` (what getChatMember(bot id) answers)."""
        self.set_member(chat, self.bot_id, status, **rights)

    def member_of(self, chat_id: int, user_id: int) -> dict[str, Any] | None:
        """The ChatMember JSON configured for ``user_id`` in ``chat_id`` (None: the default)."""
        with self._lock:  # type: ignore[attr-defined]
            found = self._members.get(chat_id, {}).get(user_id)
            return dict(found) if found is not None else None

    # ------------------------------------------------------------------ API side
    def _chat_ref(self, params: dict[str, Any]) -> FakeChat:
        """The chat ``chat_id`` names: a number, or "@username" of a chat the server knows."""
        ref = params.get("chat_id")
        if isinstance(ref, str) and ref.startswith("@"):
            wanted = ref[1:].lower()
            for chat in self._chats.values():
                if chat.username and chat.username.lower() == wanted and chat.type != "private":
                    return chat
            raise ApiError(400, "Bad Request: chat not found")
        if isinstance(ref, str) and ref.lstrip("-").isdigit():
            ref = int(ref)
        if not isinstance(ref, int) or ref == 0:
            raise ApiError(400, "Bad Request: chat not found")
        known = self._chats.get(ref)
        if known is not None:
            return known
        if ref < 0 and ref not in self._members:
            # Telegram finds no group or channel the bot was never in.
            raise ApiError(400, "Bad Request: chat not found")
        return chat_for_id(ref)  # a user, or a chat whose members a test configured

    def _bot_is_admin(self, chat_id: int) -> bool:
        bot = self._members.get(chat_id, {}).get(self.bot_id)
        return bot is not None and bot["status"] in ADMIN_STATUSES

    def _api_getchat(self, params: dict[str, Any]) -> dict[str, Any]:
        # getChat answers a ChatFullInfo: the Chat plus fields Telegram always sends.
        return {
            **self._chat_ref(params).to_dict(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _api_getchatmember(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_ref(params)
        user_id = params.get("user_id")
        if isinstance(user_id, str) and user_id.isdigit():
            user_id = int(user_id)
        if not isinstance(user_id, int) or user_id <= 0:
            raise ApiError(400, "Bad Request: invalid user_id specified")
        found = self._members.get(chat.id, {}).get(user_id)
        if found is not None:
            return dict(found)
        user = (
            dict(self.bot_user)
            if user_id == self.bot_id
            else {"id": user_id, "is_bot": False, "first_name": "User"}
        )
        if chat.type == "channel":
            if user_id != self.bot_id and not self._bot_is_admin(chat.id):
                raise ApiError(400, "Bad Request: member list is inaccessible")
            return member_json(user, "left", {})
        if chat.type == "private" and user_id not in (chat.id, self.bot_id):
            raise ApiError(400, "Bad Request: user not found")
        return member_json(user, "member", {})

    def _check_channel_send(self, chat_id: int) -> None:
        """Telegram refuses a channel post unless the bot is an administrator who may post."""
        chat = self._chats.get(chat_id)
        if chat is None or chat.type != "channel":
            return
        bot = self._members.get(chat_id, {}).get(self.bot_id)
        if bot is None or bot["status"] in {"left", "kicked", "member", "restricted"}:
            raise ApiError(403, "Forbidden: bot is not a member of the channel chat")
        if bot["status"] == "administrator" and not bot.get("can_post_messages"):
            raise ApiError(400, "Bad Request: need administrator rights in the channel chat")
