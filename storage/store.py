"""The storage API: every query the bot, the ingestion and the CLI need, behind one class.

CONTRACT (being implemented): method names and signatures are fixed; bodies are filled in by
the storage work. All methods are synchronous, open a short session each, and return the
frozen records of ``storage.views``. The async bot calls them through ``asyncio.to_thread``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from storage.views import (
    AddResult,
    ArticleDraft,
    ArticleView,
    ChatView,
    DeliveryView,
    FeedView,
    Page,
    Stats,
    SubscriptionView,
    TopicView,
)


class StorageError(ValueError):
    """Input storage refuses, with a message fit to show a user."""


class Store:
    """One engine per process; one short session per call."""

    def __init__(self, url: str | None = None) -> None: ...

    # --- lifecycle
    def upgrade(self) -> None:
        """Apply Alembic migrations up to head."""

    def close(self) -> None: ...

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""

    # --- articles
    def add_article(self, draft: ArticleDraft) -> AddResult:
        """Validate, normalize and store; a duplicate URL or text returns the existing one."""

    def add_articles(self, drafts: Iterable[ArticleDraft]) -> list[AddResult]:
        """Bulk add in one transaction per batch, with the same dedup as add_article."""

    def get_article(self, article_id: int) -> ArticleView | None: ...

    def find_article_by_url(self, url: str) -> ArticleView | None: ...

    def latest_articles(
        self, limit: int = 5, *, topic_slug: str | None = None, offset: int = 0
    ) -> Page:
        """Newest first by publication (else addition) time."""

    def search_articles(self, query: str, limit: int = 5, *, offset: int = 0) -> Page:
        """Full-text search (FTS5 on SQLite, tsvector on PostgreSQL), best match first."""

    def delete_article(self, article_id: int) -> bool: ...

    def set_article_summary(
        self, article_id: int, sentences: Sequence[str], algorithm: str
    ) -> None: ...

    def set_article_topics(self, article_id: int, topic_slugs: Sequence[str]) -> None: ...

    def iter_articles(self, batch: int = 500) -> Iterable[ArticleView]:
        """Every article, oldest first, in batches (for retagging)."""

    def topic_articles_since(
        self, topic_id: int, since: datetime, until: datetime, limit: int = 50
    ) -> tuple[list[ArticleView], int]:
        """Articles tagged with the topic added in [since, until): newest first, and the count."""

    def count_articles(self) -> int: ...

    # --- topics
    def upsert_topic(self, slug: str, name: str, rule: str) -> TopicView: ...

    def list_topics(self) -> list[TopicView]: ...

    def find_topic(self, slug_or_name: str) -> TopicView | None:
        """By slug or display name, case-insensitive."""

    def delete_topic(self, slug: str) -> bool: ...

    # --- chats
    def upsert_chat(
        self,
        chat_id: int,
        *,
        type: str = "private",
        title: str = "",
        username: str = "",
        language: str = "",
        default_timezone: str = "UTC",
    ) -> ChatView:
        """Create the chat on first contact; refresh title/username later; keeps settings."""

    def get_chat(self, chat_id: int) -> ChatView | None: ...

    def update_chat_settings(
        self,
        chat_id: int,
        *,
        timezone: str | None = None,
        summary_length: int | None = None,
        notify_empty: bool | None = None,
    ) -> ChatView: ...

    def set_chat_blocked(self, chat_id: int, blocked: bool) -> None:
        """Blocked: set blocked_at and pause subscriptions; unblocked: clear and resume."""

    def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: move the chat and its subscriptions to the new id."""

    # --- subscriptions
    def subscribe(
        self,
        chat_id: int,
        topic_id: int,
        *,
        local_time: str = "08:00",
        weekday: int | None = None,
        next_due_at: datetime | None = None,
    ) -> tuple[SubscriptionView, bool]:
        """Create or update (time, weekday, active); True when newly created."""

    def unsubscribe(self, chat_id: int, topic_id: int) -> bool: ...

    def chat_subscriptions(self, chat_id: int) -> list[SubscriptionView]: ...

    def get_subscription(self, subscription_id: int) -> SubscriptionView | None: ...

    def active_subscriptions(self) -> list[SubscriptionView]:
        """Active subscriptions of chats that are not blocked."""

    def subscriptions_due(self, now: datetime, limit: int = 1000) -> list[SubscriptionView]:
        """Active, unblocked subscriptions whose next_due_at <= now (index-backed)."""

    def set_next_due(self, subscription_id: int, next_due_at: datetime | None) -> None: ...

    # --- deliveries (exactly-once digests)
    def claim_delivery(
        self,
        subscription_id: int,
        period: str,
        *,
        worker: str,
        window_start: datetime,
        window_end: datetime,
    ) -> DeliveryView | None:
        """Insert the (subscription, period) row; None when another worker already has it."""

    def claim_stale_deliveries(self, worker: str, older_than: datetime) -> list[DeliveryView]:
        """Take over 'claimed' rows left by a crashed worker (SKIP LOCKED on PostgreSQL)."""

    def record_parts_sent(self, delivery_id: int, parts_sent: int) -> None: ...

    def mark_delivery(
        self, delivery_id: int, status: str, *, error: str = "", article_count: int = 0
    ) -> None:
        """status 'sent' also sets sent_at and the subscription's last_digest_at."""

    def deliveries_for(self, subscription_id: int) -> list[DeliveryView]: ...

    # --- feeds
    def add_feed(
        self, url: str, *, every_minutes: int = 15, added_by: str = ""
    ) -> tuple[FeedView, bool]: ...

    def list_feeds(self) -> list[FeedView]: ...

    def get_feed(self, feed_id: int) -> FeedView | None: ...

    def find_feed(self, id_or_url: str) -> FeedView | None: ...

    def delete_feed(self, feed_id: int) -> bool: ...

    def feeds_due(self, now: datetime) -> list[FeedView]: ...

    def record_feed_poll(
        self,
        feed_id: int,
        *,
        polled_at: datetime,
        next_poll_at: datetime,
        etag: str | None = None,
        last_modified: str | None = None,
        error: str = "",
        new_entries: int = 0,
        title: str | None = None,
    ) -> None: ...

    def seen_feed_entry(self, feed_id: int, guid: str) -> bool: ...

    def remember_feed_entry(self, feed_id: int, guid: str, article_id: int | None) -> None: ...

    # --- audit and stats
    def audit(
        self,
        action: str,
        *,
        actor_id: int | None,
        chat_id: int | None,
        detail: str = "",
        allowed: bool = True,
    ) -> None: ...

    def stats(self, now: datetime | None = None) -> Stats: ...
