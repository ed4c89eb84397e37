"""The core's bounded TTL cache and per-key sliding-window limit."""

from __future__ import annotations

from bot.core.limits import TtlCache, WindowLimit


def test_cache_entries_expire_and_the_least_recently_used_goes_first() -> None:
    cache: TtlCache[str, int] = TtlCache(size=2, ttl=10)
    cache.put("a", 1, now=0)
    cache.put("b", 2, now=1)
    assert cache.get("a", now=5) == 1  # "a" is now the most recently used
    cache.put("c", 3, now=6)
    assert cache.get("b", now=6) is None and cache.get("a", now=6) == 1
    assert cache.get("a", now=10) is None  # ten seconds after it was stored
    assert len(cache) == 1


def test_window_limit_counts_per_key_and_slides() -> None:
    limit: WindowLimit[int] = WindowLimit(limit=2, window=600)
    assert limit.take(1, now=0) == 0 and limit.take(1, now=100) == 0
    assert limit.take(1, now=200) == 400  # the first event leaves the window at 600
    assert limit.take(2, now=200) == 0  # another key has its own count
    assert limit.take(1, now=600) == 0  # a refusal is not counted: the window slid on


def test_window_limit_zero_means_no_limit_and_keys_are_bounded() -> None:
    unlimited: WindowLimit[int] = WindowLimit(limit=0, window=600)
    assert all(unlimited.take(1, now=0) == 0 for _ in range(1000))
    few: WindowLimit[int] = WindowLimit(limit=1, window=600, keys=3)
    for key in range(10):
        few.take(key, now=0)
    assert len(few._events) == 3  # the oldest keys were forgotten
    assert few.take(9, now=1) > 0 and few.take(0, now=1) == 0
