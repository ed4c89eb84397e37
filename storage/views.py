"""Plain, immutable records that storage hands out: no session, no lazy loading, safe anywhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    """What a caller gives storage to add an article (storage validates and normalizes it)."""

    title: str
    body: str
    url: str | None = None
    source: str = ""
    language: str = ""
    published_at: datetime | None = None
    added_by: str = ""
    summary: tuple[str, ...] = ()
    summary_algorithm: str = ""
    topic_slugs: tuple[str, ...] = ()
    feed_id: int | None = None


@dataclass(frozen=True, slots=True)
class ArticleView:
    id: int
    url: str | None
    title: str
    body: str
    source: str
    language: str
    published_at: datetime | None
    added_at: datetime
    added_by: str
    content_hash: str
    summary: tuple[str, ...]
    summary_algorithm: str
    topic_slugs: tuple[str, ...] = ()

    @property
    def shown_at(self) -> datetime:
        """The date shown to readers: published if known, else when it was added."""
        return self.published_at or self.added_at


@dataclass(frozen=True, slots=True)
class AddResult:
    article: ArticleView
    created: bool


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a listing: the items and whether more follow."""

    items: tuple[ArticleView, ...]
    offset: int
    total: int | None = None
    # Set when storage knows whether more follow without counting them all (total is None).
    more: bool | None = None

    @property
    def has_more(self) -> bool:
        """True when items follow this page."""
        if self.more is not None:
            return self.more
        return self.total is not None and self.offset + len(self.items) < self.total


@dataclass(frozen=True, slots=True)
class TopicView:
    id: int
    slug: str
    name: str
    rule: str


@dataclass(frozen=True, slots=True)
class ChatView:
    id: int
    type: str
    title: str
    username: str
    language: str
    timezone: str
    summary_length: int
    notify_empty: bool
    created_at: datetime
    blocked_at: datetime | None
    reply_language: str = "auto"
    managed_by: int | None = None


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    id: int
    chat_id: int
    topic: TopicView
    local_time: str
    weekday: int | None
    active: bool
    created_at: datetime
    last_digest_at: datetime | None
    next_due_at: datetime | None


@dataclass(frozen=True, slots=True)
class DeliveryView:
    id: int
    subscription_id: int
    period: str
    status: str
    claimed_at: datetime
    sent_at: datetime | None
    window_start: datetime | None
    window_end: datetime | None
    parts_sent: int
    # The part whose send started and was not confirmed (a crash left it "sending"), or None.
    sending_part: int | None = None
    claimed_by: str = ""


@dataclass(frozen=True, slots=True)
class DueDigest:
    """A due subscription as a batch claim sees it: with its chat and where its last sent
    digest ended (None when none was sent)."""

    subscription: SubscriptionView
    chat: ChatView
    last_window_end: datetime | None


@dataclass(frozen=True, slots=True)
class ClaimPlan:
    """What the caller decides for a due digest: its period, its window, the next due time."""

    period: str
    window_start: datetime
    window_end: datetime
    next_due_at: datetime


@dataclass(frozen=True, slots=True)
class ClaimedDigest:
    """A delivery this worker owns, with its subscription and chat."""

    delivery: DeliveryView
    subscription: SubscriptionView
    chat: ChatView


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """How a delivery ended (written by ``record_progress``)."""

    delivery_id: int
    status: str
    parts_sent: int
    article_count: int = 0
    error: str = ""


@dataclass(frozen=True, slots=True)
class LeaseView:
    """A digest worker's lease (see storage.models.WorkerLease)."""

    worker: str
    host: str
    pid: int
    started_at: datetime
    renewed_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class FeedView:
    id: int
    url: str
    title: str
    every_minutes: int
    etag: str
    last_modified: str
    last_polled_at: datetime | None
    next_poll_at: datetime | None
    last_error: str
    error_count: int
    entry_count: int
    # The last error's code and its params (see bot/core/errors.py); "" and {} when unknown.
    last_error_code: str = ""
    last_error_params: dict[str, str | int | float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Stats:
    articles: int
    topics: int
    chats: int
    subscriptions: int
    deliveries_last_day: int
    feeds: int = 0
    extra: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AuditView:
    """One audit log entry."""

    id: int
    at: datetime
    actor_id: int | None
    chat_id: int | None
    action: str
    detail: str
    allowed: bool
