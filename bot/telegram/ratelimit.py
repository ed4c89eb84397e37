"""Flood control scoped like Telegram's: a 429 for one chat holds that chat, not the bot.

PTB's ``AIORateLimiter`` answers any 429 by halting *every* request for its retry_after (its
documentation says so), so one chat under a 40 s flood wait kept every other user's /help
waiting 40 s. ``ChatRateLimiter`` is a ``BaseRateLimiter`` of our own (PTB's public
extension point; AIORateLimiter's single halt event cannot be scoped by subclassing it):

- Throttling as before: at most 30 requests/s overall and 20/min per group (aiolimiter's leaky
  buckets, the library AIORateLimiter uses).
- A 429 on a request to a chat holds *that chat* for the retry_after: its next requests wait
  and are retried; every other chat goes on.
- A 429 on a request without a chat, or 429s for several chats within a moment (what the
  overall limit looks like), is global: bulk sends (digests, marked with ``BULK``) pause for
  the retry_after, while replies to users carry on (each still held only if its own chat gets
  a 429).
- Replies to users come first: a bulk send waits while any reply waits for a turn under the
  overall limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)

ChatKey = int | str
NAP_SECONDS = 0.25
Result = bool | dict[str, Any] | list[dict[str, Any]]


@dataclass(frozen=True)
class SendKind:
    """``rate_limit_args`` of a request: bulk or not, and its own retry budget (optional)."""

    bulk: bool = False
    max_retries: int | None = None


BULK = SendKind(bulk=True)
INTERACTIVE = SendKind()


def retry_after_seconds(error: RetryAfter) -> float:
    """The error's retry_after in seconds (without PTB's warning about its future type)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: int | float | timedelta = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def chat_limiter_of(bot: object) -> ChatRateLimiter | None:
    """The ``ChatRateLimiter`` behind ``bot``'s rate limiter (through wrappers that keep the
    limiter they delegate to in ``inner``, as the metrics wrapper does), or None."""
    limiter = getattr(bot, "rate_limiter", None)
    for _ in range(8):  # a few wrappers at most; never loop on a cycle
        if limiter is None or isinstance(limiter, ChatRateLimiter):
            return limiter
        limiter = getattr(limiter, "inner", None)
    return None


def _chat_key(data: dict[str, Any]) -> ChatKey | None:
    chat_id = data.get("chat_id")
    if chat_id is None:
        return None
    with contextlib.suppress(TypeError, ValueError):
        return int(chat_id)
    return str(chat_id)


def _is_group(chat: ChatKey) -> bool:
    return isinstance(chat, str) or chat < 0


class ChatRateLimiter(BaseRateLimiter[SendKind]):
    """Per-chat 429 holds, bulk sends behind replies; otherwise throttles like AIORateLimiter."""

    def __init__(
        self,
        *,
        overall_per_second: float = FloodLimit.MESSAGES_PER_SECOND,
        group_per_minute: float = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        max_retries: int = 5,
        global_chats: int = 3,
        global_window: float = 2.0,
    ) -> None:
        self.max_retries = max_retries
        self.global_chats = global_chats
        self.global_window = global_window
        self._overall = AsyncLimiter(overall_per_second, 1) if overall_per_second else None
        self._group_per_minute = group_per_minute
        self._groups: dict[ChatKey, AsyncLimiter] = {}
        self._chat_holds: dict[ChatKey, float] = {}
        self._bulk_hold = 0.0
        self._recent_429s: deque[tuple[float, ChatKey]] = deque()
        self._replies_waiting = 0
        self._replies_idle = asyncio.Event()
        self._replies_idle.set()
        self._bulk_gate = asyncio.Lock()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Let every held request go (they are retried at once or fail)."""
        self.release()

    def release(self) -> None:
        """Forget every hold now (shutdown; tests that do not want to sit out a retry_after)."""
        self._chat_holds.clear()
        self._bulk_hold = 0.0

    def held_until(self, chat: ChatKey) -> float:
        """The loop time until which ``chat`` is held by a 429 (0 when it is not)."""
        return self._chat_holds.get(chat, 0.0)

    @property
    def bulk_held_until(self) -> float:
        """The loop time until which bulk sends are paused by a global 429."""
        return self._bulk_hold

    async def _sleep_until(self, deadline: Callable[[], float]) -> None:
        # Short naps re-reading the deadline: a hold that is extended, or released, is seen
        # within a nap, with no event to hand from the releasing task to the sleeping ones.
        loop = asyncio.get_running_loop()
        while (remaining := deadline() - loop.time()) > 0:
            await asyncio.sleep(min(remaining, NAP_SECONDS))

    def _group_limiter(self, chat: ChatKey) -> AsyncLimiter:
        if len(self._groups) > 512:  # forget idle groups, as AIORateLimiter does
            for key, limiter in list(self._groups.items()):
                if key != chat and limiter.has_capacity(limiter.max_rate):
                    del self._groups[key]
        limiter = self._groups.get(chat)
        if limiter is None:
            limiter = self._groups[chat] = AsyncLimiter(self._group_per_minute, 60)
        return limiter

    async def _take_overall_turn(self, bulk: bool) -> None:
        assert self._overall is not None
        if bulk:
            # One bulk send at a time queues inside the limiter, so a reply that arrives
            # later still overtakes every other waiting bulk send.
            async with self._bulk_gate:
                while self._replies_waiting:
                    await self._replies_idle.wait()
                await self._overall.acquire()
            return
        self._replies_waiting += 1
        self._replies_idle.clear()
        try:
            await self._overall.acquire()
        finally:
            self._replies_waiting -= 1
            if not self._replies_waiting:
                self._replies_idle.set()

    async def _wait_turn(self, chat: ChatKey | None, bulk: bool) -> None:
        if chat is not None:
            await self._sleep_until(lambda: self._chat_holds.get(chat, 0.0))
        if bulk:
            await self._sleep_until(lambda: self._bulk_hold)
        if chat is not None and _is_group(chat) and self._group_per_minute:
            await self._group_limiter(chat).acquire()
        if chat is not None and self._overall is not None:
            await self._take_overall_turn(bulk)

    async def bulk_turn(self, chat: int, *, overall: bool) -> None:
        """A turn for a bulk send that bypasses PTB (bot/digests/bulk_sender.py).

        It waits as a digest through PTB would: the chat's and the global flood holds, behind
        every waiting reply, and (``overall``) for a turn in the shared overall bucket. Paid
        broadcasts skip that bucket: their pace is their own, far above the free 30 a second.
        """
        await self._sleep_until(lambda: self._chat_holds.get(chat, 0.0))
        await self._sleep_until(lambda: self._bulk_hold)
        if overall and self._overall is not None:
            await self._take_overall_turn(bulk=True)
        else:
            async with self._bulk_gate:
                while self._replies_waiting:
                    await self._replies_idle.wait()

    def note_bulk_429(self, chat: int, error: RetryAfter) -> None:
        """A bulk send that bypasses PTB got a 429: hold the chat (and count it towards a
        global hold) as if it had come through ``process_request``."""
        self._note_429(chat, retry_after_seconds(error) + 0.1)

    def _note_429(self, chat: ChatKey | None, seconds: float) -> None:
        now = asyncio.get_running_loop().time()
        until = now + seconds
        if chat is not None:
            self._chat_holds[chat] = max(self._chat_holds.get(chat, 0.0), until)
            for key in [key for key, end in self._chat_holds.items() if end <= now]:
                del self._chat_holds[key]
            self._recent_429s.append((now, chat))
        while self._recent_429s and self._recent_429s[0][0] < now - self.global_window:
            self._recent_429s.popleft()
        chats = {key for _, key in self._recent_429s}
        if chat is None or len(chats) >= self.global_chats:
            if until > self._bulk_hold:
                log.info("flood control looks global: bulk sends pause for %.0f s", seconds)
            self._bulk_hold = max(self._bulk_hold, until)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: SendKind | int | None,
    ) -> Result:
        """Wait for the request's turn, send it, and on a 429 hold its scope and retry."""
        kind = rate_limit_args if isinstance(rate_limit_args, SendKind) else INTERACTIVE
        retries = self.max_retries if kind.max_retries is None else kind.max_retries
        if isinstance(rate_limit_args, int):  # AIORateLimiter's meaning: a retry budget
            retries = rate_limit_args
        chat = _chat_key(data)
        for attempt in range(retries + 1):
            await self._wait_turn(chat, kind.bulk)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                seconds = retry_after_seconds(error)
                self._note_429(chat, seconds + 0.1)
                if attempt == retries:
                    raise
                log.info(
                    "flood control on %s for chat %s: retrying in %.0f s", endpoint, chat, seconds
                )
        raise AssertionError("unreachable")  # the loop returns or raises
