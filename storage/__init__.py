"""newsbot storage: the only package that knows SQL.

``open_store(url)`` returns a ready Store (data directory created, migrations applied);
everything it returns is a frozen record from ``storage.views``.
"""

from __future__ import annotations

from storage.errors import StorageError
from storage.store import Store
from storage.views import (
    AddResult,
    ArticleDraft,
    ArticleView,
    AuditView,
    ChatView,
    DeliveryView,
    FeedView,
    Page,
    Stats,
    SubscriptionView,
    TopicView,
)

__all__ = [
    "AddResult",
    "ArticleDraft",
    "ArticleView",
    "AuditView",
    "ChatView",
    "DeliveryView",
    "FeedView",
    "Page",
    "Stats",
    "StorageError",
    "Store",
    "SubscriptionView",
    "TopicView",
    "open_store",
]


def open_store(url: str | None = None) -> Store:
    """A Store on ``url`` (default: SQLite in ./data), with the schema migrated to head."""
    store = Store(url)
    try:
        store.upgrade()
    except Exception:
        store.close()
        raise
    return store
