"""Reading the fake server's record: messages per chat, API calls, answers, and waiting.

A mixin of ``BotApiServer``; every accessor takes the server's lock and returns copies.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from tests.support.fake_telegram import ApiCall, BotMessage, CallbackAnswer, WebhookDelivery

LOOKUP_METHODS = frozenset({"getchat", "getchatmember"})


class Readouts:
    """messages, texts, calls, bad_requests, counters, wait_for_messages ..."""

    # ------------------------------------------------------------------ reading
    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[BotMessage]:
        """What the bot sent to ``chat_id``, oldest first, as it looks now (after edits)."""
        with self._lock:
            return [
                m.snapshot()
                for m in self._bot_messages.get(chat_id, [])
                if include_deleted or not m.deleted
            ]

    def texts(self, chat_id: int) -> list[str]:
        """The plain texts the bot sent to ``chat_id`` (after edits)."""
        return [m.text for m in self.messages(chat_id)]

    def all_messages(self) -> list[BotMessage]:
        """Every bot message in every chat, in sending order."""
        with self._lock:
            found = [m.snapshot() for ms in self._bot_messages.values() for m in ms]
        return sorted(found, key=lambda m: m.sent_at)

    def message_counts(self) -> dict[int, int]:
        """Number of bot messages per chat."""
        with self._lock:
            return {chat: len(ms) for chat, ms in self._bot_messages.items()}

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Every API call (of ``method`` if given, case-insensitive), in order."""
        with self._lock:
            calls = list(self._calls)
        if method is None:
            return calls
        return [c for c in calls if c.method.lower() == method.lower()]

    def failed_calls(self, error_code: int | None = None) -> list[ApiCall]:
        """Calls answered with an error (of ``error_code`` if given)."""
        return [
            c
            for c in self.calls()
            if not c.ok and (error_code is None or c.error_code == error_code)
        ]

    def bad_requests(self) -> list[ApiCall]:
        """Calls refused with 400 (not injected ones): what real Telegram would have rejected.

        Look-ups (getChat, getChatMember) are left out: "chat not found" is their answer to
        a name that does not resolve, not a malformed request.
        """
        return [
            c
            for c in self.failed_calls(400)
            if not c.injected and c.method.lower() not in LOOKUP_METHODS
        ]

    def assert_no_bad_requests(self) -> None:
        """Fail with the refused calls' descriptions if the bot sent anything Telegram refuses."""
        bad = self.bad_requests()
        assert not bad, "Telegram would refuse: " + "; ".join(
            f"{c.method}: {c.description} (text={str(c.params.get('text'))[:200]!r})" for c in bad
        )

    def counters(self) -> dict[str, int]:
        """Counts: 'ok', '400', '403', '429', 'injected', 'rate_limited' ..."""
        with self._lock:
            return dict(self._counters)

    @property
    def too_many_requests(self) -> int:
        """429 answers so far (injected or from rate limits)."""
        return self.counters().get("429", 0)

    def callback_answers(self) -> list[CallbackAnswer]:
        """answerCallbackQuery calls, in order."""
        with self._lock:
            return list(self._callback_answers)

    def unanswered_callbacks(self) -> list[str]:
        """Ids of button presses the bot has not answered yet."""
        with self._lock:
            return list(self._open_callbacks)

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        """The command menu set with setMyCommands for ``scope`` (default scope)."""
        key = self._scope_key({"scope": scope, "language_code": language_code})
        with self._lock:
            return list(self._commands.get(key, []))

    @property
    def webhook(self) -> dict[str, Any] | None:
        """The webhook set (url, secret_token, max_connections) or None."""
        with self._lock:
            return dict(self._webhook) if self._webhook else None

    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every webhook POST so far, with its status."""
        with self._lock:
            return list(self._webhook_deliveries)

    def pending_updates(self) -> int:
        """Updates not yet acknowledged (polling) or delivered (webhook)."""
        with self._lock:
            return len(self._pending)

    @property
    def last_update_id(self) -> int:
        """The id of the newest update queued so far (0 before any)."""
        with self._lock:
            return self._last_update_id

    # ------------------------------------------------------------------ waiting
    def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Block until ``predicate()`` holds (re-checked on every change); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(min(remaining, 0.05))
        return True

    async def async_wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Like ``wait_until`` without blocking the caller's event loop."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    def _enough(self, chat_id: int, count: int) -> Callable[[], bool]:
        return lambda: len(self._bot_messages.get(chat_id, [])) >= count

    def _timeout_error(self, chat_id: int, count: int, timeout: float) -> AssertionError:
        got = self.texts(chat_id)
        refused = [f"{c.method}: {c.description}" for c in self.failed_calls()]
        return AssertionError(
            f"chat {chat_id}: expected {count} message(s) within {timeout}s, got {len(got)}: "
            f"{[t[:120] for t in got]}; refused calls: {refused}"
        )

    def wait_for_messages(
        self, chat_id: int, count: int = 1, timeout: float = 10.0
    ) -> list[BotMessage]:
        """Block until ``chat_id`` has at least ``count`` bot messages; all of them."""
        if not self.wait_until(self._enough(chat_id, count), timeout):
            raise self._timeout_error(chat_id, count, timeout)
        return self.messages(chat_id)

    async def async_wait_for_messages(
        self, chat_id: int, count: int = 1, timeout: float = 10.0
    ) -> list[BotMessage]:
        """``wait_for_messages`` for tests whose event loop runs the bot."""
        with self._lock:
            check = self._enough(chat_id, count)
        if not await self.async_wait_until(lambda: self._locked(check), timeout):
            raise self._timeout_error(chat_id, count, timeout)
        return self.messages(chat_id)

    def _locked(self, predicate: Callable[[], bool]) -> bool:
        with self._lock:
            return predicate()

    def wait_for_calls(self, method: str, count: int = 1, timeout: float = 10.0) -> list[ApiCall]:
        """Block until ``method`` was called ``count`` times; those calls."""
        if not self.wait_until(lambda: len(self.calls(method)) >= count, timeout):
            raise AssertionError(
                f"{method} was called {len(self.calls(method))} time(s), not {count}"
            )
        return self.calls(method)

    async def async_wait_for_calls(
        self, method: str, count: int = 1, timeout: float = 10.0
    ) -> list[ApiCall]:
        """``wait_for_calls`` for tests whose event loop runs the bot."""
        if not await self.async_wait_until(lambda: len(self.calls(method)) >= count, timeout):
            raise AssertionError(
                f"{method} was called {len(self.calls(method))} time(s), not {count}"
            )
        return self.calls(method)

    async def async_wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until every queued update was taken and every button press answered."""
        return await self.async_wait_until(
            lambda: self.pending_updates() == 0 and not self.unanswered_callbacks(), timeout
        )
