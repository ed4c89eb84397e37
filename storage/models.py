"""The schema: SQLAlchemy 2.0 typed ORM models for every table newsbot keeps.

Alembic migrations in ``storage/migrations`` follow these models; a test checks that
autogenerate finds no difference between the two.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.timeutil import UTCDateTime

URL_MAX = 2048
TITLE_MAX = 500


class Base(DeclarativeBase):
    """Declarative base for every newsbot table."""


class Article(Base):
    """A news article with its stored extractive summary."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str | None] = mapped_column(String(URL_MAX), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(8), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # published_at when known, else added_at: what "newest first" sorts by.
    sort_at: Mapped[datetime] = mapped_column(UTCDateTime())
    added_by: Mapped[str] = mapped_column(String(64), default="")
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    summary_algorithm: Mapped[str] = mapped_column(String(32), default="")
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id", ondelete="SET NULL"))
    # The Snowball stems of a Russian article's words, for search (storage/search_terms.py);
    # deferred: only the search index reads it.
    search_stems: Mapped[str] = mapped_column(Text, default="", deferred=True)

    topics: Mapped[list[ArticleTopic]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (Index("ix_articles_sort_at_id", "sort_at", "id"),)


class Topic(Base):
    """A named topic with a keyword rule that tags articles."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    rule: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ArticleTopic(Base):
    """An article tagged with a topic; sort_at is copied so per-topic listings use one index."""

    __tablename__ = "article_topics"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )
    sort_at: Mapped[datetime] = mapped_column(UTCDateTime())
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())

    article: Mapped[Article] = relationship(back_populates="topics")

    __table_args__ = (
        Index("ix_article_topics_topic_sort", "topic_id", "sort_at", "article_id"),
        Index("ix_article_topics_topic_added", "topic_id", "added_at"),
    )


class Chat(Base):
    """A Telegram chat (or the console) the bot talks to, with its settings."""

    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(16), default="private")
    title: Mapped[str] = mapped_column(String(255), default="")
    username: Mapped[str] = mapped_column(String(64), default="")
    language: Mapped[str] = mapped_column(String(8), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    summary_length: Mapped[int] = mapped_column(Integer, default=3)
    notify_empty: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # /settings lang: a language code, or "auto" to follow each user's Telegram language.
    reply_language: Mapped[str] = mapped_column(String(8), default="auto")
    # A channel: the user who last subscribed it from their private chat (told when the bot
    # may no longer post there). None for other chats.
    managed_by: Mapped[int | None] = mapped_column(BigInteger)


class Subscription(Base):
    """A chat's digest subscription to a topic at a local time (daily, or weekly on a weekday)."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(
        ForeignKey("chats.id", ondelete="CASCADE", onupdate="CASCADE"), index=True
    )
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    local_time: Mapped[str] = mapped_column(String(5), default="08:00")
    weekday: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("chat_id", "topic_id", name="uq_subscriptions_chat_topic"),
        Index("ix_subscriptions_due", "active", "next_due_at"),
    )


class Delivery(Base):
    """One digest of one subscription for one period: claimed by one worker, then sent once."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="claimed")
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str] = mapped_column(String(64), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    window_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    # The index of the part whose send call started and was not yet confirmed ("sending");
    # None when no send is in flight. What a resume does with it: storage/deliveries.py.
    sending_part: Mapped[int | None] = mapped_column(Integer)
    article_count: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("subscription_id", "period", name="uq_deliveries_subscription_period"),
        Index("ix_deliveries_status", "status"),
    )


class WorkerLease(Base):
    """A digest worker's lease: its claims are its own while ``expires_at`` is in the future.

    The worker renews it (a heartbeat); a claim whose owner has no live lease may be taken over.
    ``host`` names the machine and pid namespace, so that a worker on the same one can tell a
    dead ``pid`` at once instead of waiting for the expiry.
    """

    __tablename__ = "worker_leases"

    worker: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(64), default="")
    pid: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    renewed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Meta(Base):
    """Facts about the database itself, by key (e.g. which default topics were seeded once)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Feed(Base):
    """An RSS or Atom feed polled on a schedule."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_MAX), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    every_minutes: Mapped[int] = mapped_column(Integer, default=15)
    etag: Mapped[str] = mapped_column(String(255), default="")
    last_modified: Mapped[str] = mapped_column(String(64), default="")
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # The last error's code and params (JSON), so the bot can say it in the reader's
    # language; empty for rows written before they were stored (last_error is shown then).
    last_error_code: Mapped[str] = mapped_column(String(64), default="")
    last_error_params: Mapped[str] = mapped_column(Text, default="")
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    entry_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    added_by: Mapped[str] = mapped_column(String(64), default="")


class FeedEntry(Base):
    """A feed entry already seen, by GUID, so a re-poll never stores it twice."""

    __tablename__ = "feed_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    guid: Mapped[str] = mapped_column(String(URL_MAX))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("feed_id", "guid", name="uq_feed_entries_feed_guid"),)


class AuditEntry(Base):
    """An admin action, or an attempt at one by someone who is not an admin."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
    allowed: Mapped[bool] = mapped_column(Boolean, default=True)
