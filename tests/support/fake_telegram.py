"""Plain records of the fake Telegram world: users, chats, what the bot sent, API calls.

Tests build users and chats with these, hand them to ``BotApiServer`` helpers, and read back
``BotMessage`` and ``ApiCall`` snapshots (copies, safe to keep while the server runs on).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class FakeUser:
    """A Telegram user (or another bot) who writes to the bot."""

    id: int
    first_name: str = "Ann"
    username: str | None = None
    language_code: str | None = "en"
    is_bot: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The Bot API's User JSON."""
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


# The user Telegram puts in "from" of a group's anonymous administrators' messages.
GROUP_ANONYMOUS_BOT = FakeUser(1087968824, "Group", username="GroupAnonymousBot", is_bot=True)


@dataclass(frozen=True, slots=True)
class FakeChat:
    """A chat: ``private`` (id = the user's id), ``group``, ``supergroup`` or ``channel``."""

    id: int
    type: str = "private"
    title: str | None = None
    username: str | None = None
    first_name: str | None = None

    @classmethod
    def private(cls, user: FakeUser) -> FakeChat:
        """The private chat between ``user`` and the bot."""
        return cls(user.id, "private", username=user.username, first_name=user.first_name)

    @classmethod
    def group(
        cls, chat_id: int, title: str = "Test group", *, supergroup: bool = False
    ) -> FakeChat:
        """A group (negative id; supergroups use -100...)."""
        return cls(chat_id, "supergroup" if supergroup else "group", title=title)

    @classmethod
    def channel(
        cls, chat_id: int, title: str = "Test channel", username: str | None = None
    ) -> FakeChat:
        """A channel (ids are -100...); public when it has a ``username`` (without '@')."""
        return cls(chat_id, "channel", title=title, username=username)

    def to_dict(self) -> dict[str, Any]:
        """The Bot API's Chat JSON."""
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name"):
            value = getattr(self, key)
            if value:
                data[key] = value
        return data


def chat_for_id(chat_id: int) -> FakeChat:
    """A plausible chat for an id the server never saw (e.g. a subscriber from the database)."""
    if chat_id > 0:
        return FakeChat(chat_id, "private", first_name="User")
    if str(chat_id).startswith("-100"):
        return FakeChat(chat_id, "supergroup", title="Supergroup")
    return FakeChat(chat_id, "group", title="Group")


@dataclass(slots=True)
class BotMessage:
    """A message the bot sent: its current text (after edits) and the history of texts."""

    chat_id: int
    message_id: int
    text: str
    html: str | None
    parse_mode: str | None
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None
    sent_at: float
    reply_to_message_id: int | None = None
    edits: list[str] = field(default_factory=list)
    deleted: bool = False

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The inline keyboard's buttons, row by row (empty without one)."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]

    @property
    def callback_data(self) -> list[str]:
        """Every button's callback_data, in order."""
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]

    def button(self, label_part: str) -> dict[str, Any]:
        """The first button whose text contains ``label_part`` (case-insensitive)."""
        for candidate in self.buttons:
            if label_part.lower() in candidate.get("text", "").lower():
                return candidate
        raise LookupError(
            f"no button like {label_part!r} in {[b.get('text') for b in self.buttons]}"
        )

    def snapshot(self) -> BotMessage:
        """A copy that later edits do not change."""
        return BotMessage(
            self.chat_id,
            self.message_id,
            self.text,
            self.html,
            self.parse_mode,
            list(self.entities),
            self.reply_markup,
            self.sent_at,
            self.reply_to_message_id,
            list(self.edits),
            self.deleted,
        )


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One request the bot made, and how the server answered it."""

    method: str
    params: dict[str, Any]
    ok: bool
    error_code: int | None = None
    description: str | None = None
    at: float = 0.0
    injected: bool = False

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """An answerCallbackQuery the bot sent."""

    callback_query_id: str
    text: str | None
    show_alert: bool


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """One POST of an update to the bot's webhook and the HTTP status it got (0: no answer)."""

    update_id: int
    status: int
