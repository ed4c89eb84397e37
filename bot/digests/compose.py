"""Digest composition: a topic's new articles in a window, as ready-to-send rich-text messages.

Near-duplicates are grouped by ``summarizer.build_digest`` from the stored summaries (nothing
is re-summarized). A composed digest depends only on (topic, window), so it is cached: ten
thousand subscribers of one topic with the same window share one computation.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.render import telegram_length, text_html
from bot.core.types import Message, Span, Text, bold, italic, link, plain
from storage.store import Store
from storage.views import ArticleView, SubscriptionView, TopicView
from summarizer import DigestArticle, DigestGroup, build_digest

MAX_ITEMS = 10
SENTENCES_PER_ITEM = 3
FETCH_LIMIT = 50
PART_LIMIT = 4096
# Room left in each part for the blank lines renderers put between items.
_SEPARATOR = 2
_ITEM_LIMIT = 1500
FIRST_WINDOW = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class ComposedDigest:
    """The messages of one digest (empty when there is nothing to send) and its article count."""

    parts: tuple[Message, ...]
    article_count: int

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


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _digest_articles(articles: Sequence[ArticleView]) -> list[DigestArticle]:
    return [
        DigestArticle(
            id=article.id,
            title=article.title,
            summary=article.summary,
            source=article.source,
            url=article.url,
            published_at=article.shown_at,
            language=article.language,
        )
        for article in articles
    ]


def _item(group: DigestGroup, by_id: dict[int, ArticleView]) -> Text:
    lead = group.lead
    title = _clip(lead.title or "Untitled", 300)
    spans: list[Span | str | Text] = [link(title, lead.url) if lead.url else bold(title)]
    if lead.source:
        spans.append(plain(f" — {_clip(lead.source, 80)}"))
    spans.append(plain(f" · #{lead.id}"))
    sentences = [sentence.text for sentence in group.sentences]
    if sentences:
        spans.append(plain("\n" + _clip(" ".join(sentences), _ITEM_LIMIT)))
    others = [by_id[i] for i in group.article_ids if i != lead.id and i in by_id]
    if others:
        spans.append(italic("\nAlso: "))
        for index, other in enumerate(others[:3]):
            label = _clip(other.source or f"#{other.id}", 60)
            spans.append(link(label, other.url) if other.url else plain(label))
            spans.append(plain(", " if index < min(len(others), 3) - 1 else ""))
        if len(others) > 3:
            spans.append(plain(f" and {len(others) - 3} more"))
    return Text.of(*spans)


def split_items(items: Sequence[Text], limit: int = PART_LIMIT) -> list[tuple[Text, ...]]:
    """Pack items into parts of at most ``limit`` characters, breaking only between items.

    Measured as rendered HTML (never shorter than the plain text), so each part renders to
    exactly one Telegram message.
    """
    parts: list[tuple[Text, ...]] = []
    current: list[Text] = []
    size = 0
    for item in items:
        length = telegram_length(text_html(item))
        extra = length + (_SEPARATOR if current else 0)
        if current and size + extra > limit:
            parts.append(tuple(current))
            current, size = [], 0
            extra = length
        current.append(item)
        size += extra
    if current:
        parts.append(tuple(current))
    return parts


def build_messages(
    topic: TopicView, articles: Sequence[ArticleView], total: int, *, max_items: int = MAX_ITEMS
) -> tuple[Message, ...]:
    """The digest messages for these articles (newest first); ``total`` counts all in the window."""
    digest = build_digest(
        _digest_articles(articles), max_items=max_items, sentences_per_item=SENTENCES_PER_ITEM
    )
    by_id = {article.id: article for article in articles}
    noun = "article" if total == 1 else "articles"
    header = Text.of(bold(f"📰 {_clip(topic.name or topic.slug, 200)}"), f" — {total} new {noun}")
    items = [header] + [_item(group, by_id) for group in digest.groups]
    more = digest.omitted + max(0, total - len(articles))
    if more:
        items.append(Text.of(italic(f"…and {more} more: "), f"/latest {topic.slug}"))
    return tuple(Message(items=part) for part in split_items(items))


def empty_note(topic: TopicView, *, first: bool = False) -> Message:
    """The one-line note for chats that asked to hear about empty digests."""
    if first:  # there was no last digest to speak of
        return Message.of(f"Nothing new on {topic.name or topic.slug} yet.")
    return Message.of(f"Nothing new on {topic.name or topic.slug} since the last digest.")


class DigestComposer:
    """Builds digests from the store, caching each (topic, window) so it is built once."""

    def __init__(self, store: Store, *, max_items: int = MAX_ITEMS, cache_size: int = 512) -> None:
        self.store = store
        self.max_items = max_items
        self.cache_size = cache_size
        self.builds = 0
        self._cache: OrderedDict[tuple[int, datetime, datetime], ComposedDigest] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[tuple[int, datetime, datetime], threading.Lock] = {}

    def compose(
        self,
        topic: TopicView,
        start: datetime,
        end: datetime,
        *,
        notify_empty: bool = False,
        first: bool = False,
    ) -> ComposedDigest:
        """The digest of ``topic`` for articles added in [start, end) (blocking; cached)."""
        digest = self._cached(topic, start, end)
        if digest.empty and notify_empty:
            return ComposedDigest((empty_note(topic, first=first),), 0)
        return digest

    def build(self, topic: TopicView, start: datetime, end: datetime) -> ComposedDigest:
        """Build without the cache (the baseline the benchmark compares against)."""
        self.builds += 1
        if end <= start:
            return ComposedDigest((), 0)
        articles, total = self.store.topic_articles_since(topic.id, start, end, FETCH_LIMIT)
        if not articles:
            return ComposedDigest((), 0)
        return ComposedDigest(
            build_messages(topic, articles, max(total, len(articles)), max_items=self.max_items),
            max(total, len(articles)),
        )

    def _cached(self, topic: TopicView, start: datetime, end: datetime) -> ComposedDigest:
        key = (topic.id, start, end)
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
            built = self.build(topic, start, end)
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
