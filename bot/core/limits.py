"""Small in-process bounds the core keeps between requests: a TTL cache and a per-key limit.

Both are a few lines over ``OrderedDict``/``deque`` rather than a dependency (cachetools is not
one of ours, and aiolimiter's leaky bucket cannot say "try again in 4 minutes", which a user
who hit the link-summary limit needs to read). Both are bounded in entries, so a flood of
distinct keys costs a fixed amount of memory; both take the clock as an argument so tests and
the core's injectable ``now`` agree.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    """At most ``size`` entries, each kept ``ttl`` seconds; the least recently used goes first."""

    def __init__(self, size: int, ttl: float) -> None:
        self.size = size
        self.ttl = ttl
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, now: float) -> V | None:
        """The value stored under ``key`` within the last ``ttl`` seconds, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            stored_at, value = entry
            if now - stored_at >= self.ttl:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: K, value: V, now: float) -> None:
        """Store ``value``; the oldest entry goes when the cache is full."""
        with self._lock:
            self._entries[key] = (now, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


class WindowLimit(Generic[K]):
    """At most ``limit`` events per key in any ``window`` seconds (a sliding window).

    ``limit`` 0 means no limit. Only the ``keys`` most recently active keys are remembered: a
    key pushed out starts afresh, which errs on the side of the user.
    """

    def __init__(self, limit: int, window: float, *, keys: int = 10_000) -> None:
        self.limit = limit
        self.window = window
        self.keys = keys
        self._events: OrderedDict[K, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: K, now: float) -> float:
        """Count one event for ``key`` and return 0; or, over the limit, the seconds to wait."""
        if self.limit <= 0:
            return 0.0
        with self._lock:
            events = self._events.get(key)
            if events is None:
                events = self._events[key] = deque()
            self._events.move_to_end(key)
            while events and now - events[0] >= self.window:
                events.popleft()
            if len(events) >= self.limit:
                return max(events[0] + self.window - now, 0.001)
            events.append(now)
            while len(self._events) > self.keys:
                self._events.popitem(last=False)
            return 0.0
