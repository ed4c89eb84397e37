"""Telegram's flood limits as leaky buckets: overall, per chat, and per group per minute.

Shared by the fake Bot API of the tests (tests/support) and the benchmark's fake server
(bot/bench_bot_api.py). An overall rate of 0 means no overall limit (the per-chat and
per-group ones still hold).

A bucket holds up to ``rate * period`` sends and refills continuously, like the limiters
PTB's AIORateLimiter uses on its side. ``tolerance`` (seconds) forgives network jitter: a send
that arrives that much early still passes and leaves the bucket in debt, so a sustained rate
above the limit is still caught. A send past any bucket is refused with the seconds to wait
(Telegram's retry_after).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    capacity: float
    per_second: float
    level: float
    stamp: float

    def refill(self, now: float) -> None:
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.per_second)
        self.stamp = now

    def wait_needed(self) -> float:
        """Seconds until one send fits (0 when it fits now)."""
        missing = 1.0 - self.level
        return 0.0 if missing <= 0 else missing / self.per_second


class RateLimiter:
    """Counts sends per bucket; ``check`` returns None (allowed) or retry_after seconds."""

    def __init__(
        self,
        overall_per_second: float,
        per_chat_per_second: float,
        per_group_per_minute: float,
        *,
        tolerance: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock
        self._tolerance = tolerance
        self._overall_rate = overall_per_second
        self._chat_rate = per_chat_per_second
        self._group_rate = per_group_per_minute / 60.0
        self._group_capacity = per_group_per_minute
        self._overall = self._bucket(overall_per_second, overall_per_second)
        self._chats: dict[int, _Bucket] = {}
        self._groups: dict[int, _Bucket] = {}

    def _bucket(self, capacity: float, per_second: float) -> _Bucket:
        return _Bucket(max(1.0, capacity), per_second, max(1.0, capacity), self._clock())

    def check(self, chat_id: int, is_group: bool) -> int | None:
        """Take one send for ``chat_id`` if every bucket allows it, else retry_after."""
        now = self._clock()
        buckets = [self._overall] if self._overall_rate > 0 else []
        buckets.append(
            self._chats.setdefault(chat_id, self._bucket(self._chat_rate, self._chat_rate))
        )
        if is_group:
            buckets.append(
                self._groups.setdefault(
                    chat_id, self._bucket(self._group_capacity, self._group_rate)
                )
            )
        for bucket in buckets:
            bucket.refill(now)
        wait = max(bucket.wait_needed() for bucket in buckets)
        if wait > self._tolerance:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.level -= 1.0
        return None
