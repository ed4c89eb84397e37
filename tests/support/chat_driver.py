"""Playing users against a bot that runs in the test's event loop, one exchange at a time.

``ChatDriver`` queues an update on the fake server (a message, an edit, a button press ...),
waits until the Application has finished processing it (``track_processed``), and returns
the messages that reached the chat meanwhile. No sleeps: silence is proven by an exchange
that completed with no message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support.bot_api_server import BotApiServer
from tests.support.fake_telegram import BotMessage, CallbackAnswer, FakeChat, FakeUser


class ChatDriver:
    """Async helpers over a ``BotApiServer`` for end-to-end chat tests."""

    def __init__(
        self,
        server: BotApiServer,
        processed: set[int],
        store: Any = None,
        timeout: float = 15.0,
        application: Any = None,
    ) -> None:
        self.server = server
        self.processed = processed
        self.store = store
        self.application = application
        self.timeout = timeout

    def _count(self, chat: FakeChat) -> int:
        return len(self.server.messages(chat.id, include_deleted=True))

    async def settle(self) -> None:
        """Wait until the bot processed every update queued so far."""
        last = self.server.last_update_id
        done = await self.server.async_wait_until(
            lambda: last == 0 or last in self.processed, self.timeout
        )
        assert done, f"update {last} was not processed within {self.timeout}s"

    async def exchange(self, chat: FakeChat, post: Callable[[], object]) -> list[BotMessage]:
        """Run ``post`` (it queues updates), wait for the bot; the new messages in ``chat``."""
        before = self._count(chat)
        post()
        await self.settle()
        return self.server.messages(chat.id, include_deleted=True)[before:]

    async def send(
        self,
        chat: FakeChat,
        user: FakeUser,
        text: str,
        *,
        reply_to: BotMessage | dict[str, Any] | None = None,
    ) -> list[BotMessage]:
        """``user`` writes ``text`` in ``chat``; every message the bot answered with."""
        return await self.exchange(
            chat, lambda: self.server.post_message(chat, user, text, reply_to=reply_to)
        )

    async def ask(
        self,
        chat: FakeChat,
        user: FakeUser,
        text: str,
        *,
        reply_to: BotMessage | dict[str, Any] | None = None,
    ) -> BotMessage:
        """``send`` expecting exactly one answer; that answer."""
        messages = await self.send(chat, user, text, reply_to=reply_to)
        assert len(messages) == 1, [m.text[:300] for m in messages]
        return messages[0]

    async def press(
        self,
        chat: FakeChat,
        user: FakeUser,
        message: BotMessage,
        label: str | None = None,
        *,
        data: str | None = None,
    ) -> tuple[CallbackAnswer, BotMessage, list[BotMessage]]:
        """Press a button: (its answer, the pressed message as it is now, new messages)."""
        query_ids: list[str] = []
        new = await self.exchange(
            chat,
            lambda: query_ids.append(
                self.server.press_button(chat, user, message, data, label=label)
            ),
        )
        answers = [a for a in self.server.callback_answers() if a.callback_query_id == query_ids[0]]
        assert answers, "the button press was not answered (answerCallbackQuery)"
        current = next(
            m
            for m in self.server.messages(message.chat_id, include_deleted=True)
            if m.message_id == message.message_id
        )
        return answers[0], current, new
