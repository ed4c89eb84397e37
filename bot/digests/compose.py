"""Digest composition: a topic's new articles in a window, read from the store, laid out, cached.

All of the window's articles (up to WINDOW_BOUND, newest first) are grouped into stories by
``summarizer.build_digest`` from the stored summaries (nothing is re-summarized) and laid out
as messages by bot/digests/layout.py. Where a subscription's next window starts is decided
here too. A composed digest depends only on (topic, window, summary length, time zone, reply
language), so it is cached: ten thousand subscribers of one topic share one computation.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.types import Message
from bot.digests.layout import (
    MAX_ITEMS,
    SENTENCES_PER_ITEM,
    digest_articles,
    empty_note,
    messages_for,
)

# The layout and the button data were in this module until it was split; branches written
# before that still import them from here.
from bot.digests.layout import headline as headline
from bot.digests.layout import period as period
from bot.digests.layout import sources_line as sources_line
from bot.digests.layout import split_items as split_items
from bot.digests.story_buttons import STORIES_PREFIX as STORIES_PREFIX
from bot.digests.story_buttons import decode_instant as decode_instant
from bot.digests.story_buttons import stories_data as stories_data
from bot.i18n import current_language, use_language
from storage.store import Store
from storage.views import SubscriptionView, TopicView
from summarizer import DigestGroup, build_digest

# The most articles of one window grouped into stories (the newest ones); the opening line
# says so when a window holds more.
WINDOW_BOUND = 1000
FIRST_WINDOW = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class ComposedDigest:
    """The messages of one digest (empty when there is nothing to send) and its article count."""

    parts: tuple[Message, ...]
    article_count: int
    story_count: int = 0

    @property
    def empty(self) -> bool:
        """True when no article fell in the window."""
        return self.article_count == 0


def first_window_start(created_at: datetime) -> datetime:
    """Where a subscription's first digest starts: 24 h before it was made, to the minute.

    Whole minutes let subscribers created moments apart share one cached digest.
    """
    return (created_at - FIRST_WINDOW).replace(second=0, microsecond=0)


def window_start(store: Store, sub: SubscriptionView) -> datetime:
    """Where the subscription's next digest starts: where its last delivered one ended.

    The stored window end (a due instant) is used rather than the moment of sending, so
    nothing added while a large fan-out was going out falls between two digests.
    """
    if sub.last_digest_at is None:
        return first_window_start(sub.created_at)
    ends = [
        row.window_end
        for row in store.deliveries_for(sub.id)
        if row.status == "sent" and row.window_end is not None
    ]
    return max(ends) if ends else sub.last_digest_at


_Key = tuple[int, datetime, datetime, int, str, str]


class DigestComposer:
    """Builds digests from the store, caching each (topic, window, length, zone) once built."""

    def __init__(self, store: Store, *, max_items: int = MAX_ITEMS, cache_size: int = 512) -> None:
        self.store = store
        self.max_items = max_items
        self.cache_size = cache_size
        self.builds = 0
        self._cache: OrderedDict[_Key, ComposedDigest] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[_Key, threading.Lock] = {}

    def compose(
        self,
        topic: TopicView,
        start: datetime,
        end: datetime,
        *,
        notify_empty: bool = False,
        first: bool = False,
        sentences: int = SENTENCES_PER_ITEM,
        timezone: str = "UTC",
        language: str | None = None,
    ) -> ComposedDigest:
        """The digest of ``topic`` for articles added in [start, end) (blocking; cached).

        Written in ``language`` (a chat's reply language; the current one when None).
        """
        with use_language(language or current_language()):
            digest = self._cached(topic, start, end, max(1, sentences), timezone)
            if digest.empty and notify_empty:
                return ComposedDigest((empty_note(topic, first=first),), 0)
        return digest

    def build(
        self,
        topic: TopicView,
        start: datetime,
        end: datetime,
        *,
        sentences: int = SENTENCES_PER_ITEM,
        timezone: str = "UTC",
    ) -> ComposedDigest:
        """Build without the cache (the baseline the benchmark compares against)."""
        self.builds += 1
        if end <= start:
            return ComposedDigest((), 0)
        articles, total = self.store.topic_articles_since(topic.id, start, end, WINDOW_BOUND)
        if not articles:
            return ComposedDigest((), 0)
        total = max(total, len(articles))
        digest = build_digest(
            digest_articles(articles), max_items=self.max_items, sentences_per_item=sentences
        )
        parts = messages_for(topic, digest, len(articles), total, start, end, timezone)
        return ComposedDigest(parts, total, digest.story_count)

    def stories(self, topic: TopicView, start: datetime, end: datetime) -> tuple[DigestGroup, ...]:
        """Every story of the window, in digest order, without sentences (for the list)."""
        if end <= start:
            return ()
        articles, _ = self.store.topic_articles_since(topic.id, start, end, WINDOW_BOUND)
        digest = build_digest(digest_articles(articles), max_items=0)
        return digest.rest

    def _cached(
        self, topic: TopicView, start: datetime, end: datetime, sentences: int, timezone: str
    ) -> ComposedDigest:
        key = (topic.id, start, end, sentences, timezone, current_language())
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                found = self._cache.get(key)
            if found is not None:
                return found
            built = self.build(topic, start, end, sentences=sentences, timezone=timezone)
            with self._lock:
                self._cache[key] = built
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
                self._key_locks.pop(key, None)
            return built

    def clear(self) -> None:
        """Forget cached digests (an article was deleted, say)."""
        with self._lock:
            self._cache.clear()
