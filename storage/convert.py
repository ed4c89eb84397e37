"""ORM rows to the frozen records of storage.views."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from storage.models import Article, ArticleTopic, Chat, Delivery, Feed, Subscription, Topic
from storage.validation import decode_error_params, decode_summary
from storage.views import (
    ArticleView,
    ChatView,
    DeliveryView,
    FeedView,
    SubscriptionView,
    TopicView,
)

_LINKS = ArticleTopic.__table__
_TOPICS = Topic.__table__
_SLUGS_OF = (
    select(_LINKS.c.article_id, _TOPICS.c.slug)
    .join(_TOPICS, _TOPICS.c.id == _LINKS.c.topic_id)
    .where(_LINKS.c.article_id.in_(bindparam("ids", expanding=True)))
    .order_by(_TOPICS.c.slug)
)


def article_view(row: Article | Any, topic_slugs: tuple[str, ...] = ()) -> ArticleView:
    """An article row as a view."""
    return ArticleView(
        id=row.id,
        url=row.url,
        title=row.title,
        body=row.body,
        source=row.source,
        language=row.language,
        published_at=row.published_at,
        added_at=row.added_at,
        added_by=row.added_by,
        content_hash=row.content_hash,
        summary=decode_summary(row.summary),
        summary_algorithm=row.summary_algorithm,
        topic_slugs=topic_slugs,
    )


def topic_slugs_of(
    session: Session | Connection, article_ids: Sequence[int]
) -> dict[int, tuple[str, ...]]:
    """The topic slugs of each article, in one query."""
    if not article_ids:
        return {}
    found: dict[int, list[str]] = {}
    for article_id, slug in session.execute(_SLUGS_OF, {"ids": list(article_ids)}):
        found.setdefault(article_id, []).append(slug)
    return {article_id: tuple(slugs) for article_id, slugs in found.items()}


def article_views(
    session: Session | Connection, rows: Sequence[Article] | Sequence[Any]
) -> list[ArticleView]:
    """Article rows as views, with their topics, in the given order."""
    slugs = topic_slugs_of(session, [row.id for row in rows])
    return [article_view(row, slugs.get(row.id, ())) for row in rows]


def topic_view(row: Topic) -> TopicView:
    """A topic row as a view."""
    return TopicView(id=row.id, slug=row.slug, name=row.name, rule=row.rule)


def chat_view(row: Chat) -> ChatView:
    """A chat row as a view."""
    return ChatView(
        id=row.id,
        type=row.type,
        title=row.title,
        username=row.username,
        language=row.language,
        timezone=row.timezone,
        summary_length=row.summary_length,
        notify_empty=row.notify_empty,
        created_at=row.created_at,
        blocked_at=row.blocked_at,
        reply_language=row.reply_language or "auto",
        managed_by=row.managed_by,
    )


def subscription_view(row: Subscription, topic: Topic) -> SubscriptionView:
    """A subscription row and its topic as a view."""
    return SubscriptionView(
        id=row.id,
        chat_id=row.chat_id,
        topic=topic_view(topic),
        local_time=row.local_time,
        weekday=row.weekday,
        active=row.active,
        created_at=row.created_at,
        last_digest_at=row.last_digest_at,
        next_due_at=row.next_due_at,
    )


def delivery_view(row: Delivery) -> DeliveryView:
    """A delivery row as a view."""
    return DeliveryView(
        id=row.id,
        subscription_id=row.subscription_id,
        period=row.period,
        status=row.status,
        claimed_at=row.claimed_at,
        sent_at=row.sent_at,
        window_start=row.window_start,
        window_end=row.window_end,
        parts_sent=row.parts_sent,
        sending_part=row.sending_part,
        claimed_by=row.claimed_by,
    )


def feed_view(row: Feed) -> FeedView:
    """A feed row as a view."""
    return FeedView(
        id=row.id,
        url=row.url,
        title=row.title,
        every_minutes=row.every_minutes,
        etag=row.etag,
        last_modified=row.last_modified,
        last_polled_at=row.last_polled_at,
        next_poll_at=row.next_poll_at,
        last_error=row.last_error,
        error_count=row.error_count,
        entry_count=row.entry_count,
        last_error_code=row.last_error_code,
        last_error_params=decode_error_params(row.last_error_params),
    )
