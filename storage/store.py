"""The storage API: every query the bot, the ingestion and the CLI need, behind one class.

``Store`` is assembled from method groups, one module each: ``storage.articles`` (add with
dedup, latest, search, tagging), ``storage.topics``, ``storage.chats`` (chats and
subscriptions), ``storage.deliveries`` (exactly-once digests), ``storage.delivery_batches``
(claims and progress records by the batch), ``storage.feeds`` and
``storage.admin`` (audit log, stats). Every method is synchronous, opens one short session
(``expire_on_commit=False``; the hot reads use a bare Core connection) and returns the frozen
records of ``storage.views``, never ORM objects, so results are safe in any thread or task.

Why synchronous SQLAlchemy called through ``asyncio.to_thread`` rather than the asyncio
extension: every caller except the Telegram handlers is synchronous already (ingestion, the
CLI, the console demo, benchmarks, tests), and the same calls serve both sides unchanged.
The database work per call is short; measured at 100,000 articles (docs/benchmarks.md)
an article by id takes 0.11 ms on SQLite and 0.21 ms through ``to_thread``, 0.54 / 0.64 ms on
PostgreSQL: the thread hop costs about 0.1 ms, far below one Telegram round trip, and the event
loop never blocks. SQLite has no asyncio driver of its own (aiosqlite runs a thread per
connection too), so the asyncio extension would buy nothing there while doubling the code
paths; with PostgreSQL, the pool (size from the URL) bounds how many threads query at once.
"""

from __future__ import annotations

from storage.admin import AdminMethods
from storage.articles import ArticleMethods
from storage.chats import ChatMethods
from storage.db import create_store_engine
from storage.deliveries import DeliveryMethods
from storage.delivery_batches import DeliveryBatchMethods
from storage.errors import StorageError
from storage.feeds import FeedMethods
from storage.topics import TopicMethods

__all__ = ["StorageError", "Store"]


class Store(
    ArticleMethods,
    TopicMethods,
    ChatMethods,
    DeliveryMethods,
    DeliveryBatchMethods,
    FeedMethods,
    AdminMethods,
):
    """One engine per process; one short session per call."""

    def __init__(self, url: str | None = None) -> None:
        super().__init__(create_store_engine(url))

    # --- lifecycle
    def upgrade(self) -> None:
        """Migrate to head (idempotent); an unreachable database is a StorageError."""
        from sqlalchemy.exc import OperationalError

        from storage.migrate import upgrade

        try:
            upgrade(self._engine)
        except OperationalError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else "no answer"
            raise StorageError(f"cannot use the database: {reason}") from None

    def close(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
