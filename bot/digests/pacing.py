"""Pacing digest sends: the overall pace, and the spacing each chat needs.

Moved out of the delivery engine so that the pace can grow its own rules (a configurable rate,
adaptive slowing after flood control) without touching the engine's claim logic.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

Sleep = Callable[[float], Awaitable[None]]


class Pacer:
    """Spacing between sends: overall (messages per second) and per chat (1 s, 3 s for groups)."""

    def __init__(
        self,
        *,
        overall_per_second: float | None = None,
        private_interval: float = 1.0,
        group_interval: float = 3.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.overall_interval = 1.0 / overall_per_second if overall_per_second else 0.0
        self.private_interval = private_interval
        self.group_interval = group_interval
        self._sleep = sleep
        self._next_overall = 0.0
        self._last_by_chat: dict[int, float] = {}
        self._chat_locks: dict[int, asyncio.Lock] = {}

    def chat_lock(self, chat_id: int) -> asyncio.Lock:
        """One sender at a time per chat, so per-chat spacing holds across tasks."""
        lock = self._chat_locks.get(chat_id)
        if lock is None:
            lock = self._chat_locks[chat_id] = asyncio.Lock()
        return lock

    async def wait(self, chat_id: int, is_group: bool) -> None:
        """Sleep until both the overall and the chat's spacing allow one more message."""
        loop = asyncio.get_running_loop()
        interval = self.group_interval if is_group else self.private_interval
        last = self._last_by_chat.get(chat_id)
        if last is not None:
            delay = last + interval - loop.time()
            if delay > 0:
                await self._sleep(delay)
        if self.overall_interval:
            now = loop.time()
            slot = max(now, self._next_overall)
            self._next_overall = slot + self.overall_interval
            if slot > now:
                await self._sleep(slot - now)

    def hold(self, seconds: float) -> None:
        """Flood control said wait: no message to anyone for ``seconds``."""
        until = asyncio.get_running_loop().time() + seconds
        self._next_overall = max(self._next_overall, until)

    def sent(self, chat_id: int) -> None:
        """Remember when the chat last got a message."""
        now = asyncio.get_running_loop().time()
        self._last_by_chat[chat_id] = now
        if len(self._last_by_chat) > 50_000:
            horizon = now - max(self.private_interval, self.group_interval)
            self._last_by_chat = {k: v for k, v in self._last_by_chat.items() if v > horizon}
            self._chat_locks = {
                k: v for k, v in self._chat_locks.items() if k in self._last_by_chat or v.locked()
            }
