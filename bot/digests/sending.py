"""What the delivery engine and its senders share: the Sender protocol, its typed errors, and
the report of one engine pass.

A Sender (Telegram, the console, a test fake) raises these errors to say what happened; the
engine (bot/digests/delivery.py) decides what each means for the claim.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from bot.core.types import Message
from storage.views import ChatView


class SendError(Exception):
    """Base of the typed errors a Sender raises."""


class RetryAfter(SendError):
    """Flood control: wait ``seconds`` and try again (nothing is dropped)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = float(seconds)


class ChatBlocked(SendError):
    """The bot was blocked, kicked, or the chat is gone: pause the chat's subscriptions."""


class ChatMigrated(SendError):
    """The group became a supergroup with ``new_chat_id``."""

    def __init__(self, new_chat_id: int) -> None:
        super().__init__(f"chat migrated to {new_chat_id}")
        self.new_chat_id = int(new_chat_id)


class TransientSendError(SendError):
    """A network failure or timeout: worth retrying later."""


class PermanentSendError(SendError):
    """The message was refused for good (a bad request): record the failure."""


class ClaimLost(Exception):
    """Another worker took the claim over (this one outlived its lease): stop sending it."""


class SendGate(Protocol):
    """A check before a chat's digest goes out, for chats whose rights can change (channels).

    The Telegram adapter's gate asks whether the bot may still post in a channel, turns the
    digest's buttons into links (a callback button in a channel would answer nobody) and tells
    the channel's manager when its digests are paused.
    """

    async def may_send(self, chat: ChatView) -> bool:
        """False: the chat's digests must pause (the bot lost its right to post)."""
        ...

    def adapt(self, chat: ChatView, message: Message) -> Message:
        """The message as this chat should get it."""
        ...

    async def paused(self, chat: ChatView) -> None:
        """The chat's digests were just paused (called once per pause)."""
        ...


class Sender(Protocol):
    """Sends one message to one chat, raising the typed errors above."""

    async def send(self, chat_id: int, message: Message) -> None:
        """Deliver ``message`` to ``chat_id``."""
        ...


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def default_worker_id() -> str:
    """A name for this process in claim rows: host, pid and a random suffix."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class RunReport:
    """What one engine pass did."""

    sent: int = 0
    parts: int = 0
    empty: int = 0
    blocked: int = 0
    migrated: int = 0
    failed: int = 0
    resumed: int = 0
    skipped: int = 0
    retries: int = 0
    lost: int = 0
    errors: list[str] = field(default_factory=list)


def is_group_chat(chat: ChatView | None, chat_id: int) -> bool:
    """Groups (20 messages a minute) by stored type, else by Telegram's negative ids."""
    if chat is not None and chat.type in {"group", "supergroup", "channel"}:
        return True
    return chat_id < 0
