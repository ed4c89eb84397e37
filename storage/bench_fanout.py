"""Storage helpers for the fan-out benchmarks: many subscribers at once, fresh PostgreSQL
databases.

Subscribing 100,000 chats one ``subscribe`` at a time takes minutes (two transactions each);
the benchmarks only need the rows, so they are inserted in chunks inside one transaction.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import insert

from storage.models import Chat, Subscription
from storage.store import Store
from storage.timeutil import as_utc, utc_now

CHUNK = 5000


def bulk_subscribe(
    store: Store,
    topic_id: int,
    chat_ids: Sequence[int],
    *,
    next_due_at: datetime,
    local_time: str = "08:00",
    created_at: datetime | None = None,
) -> None:
    """Create private chats ``chat_ids`` (new ones) subscribed to the topic, due at once.

    One ``created_at`` for all, so that every first digest has the same window (one
    composition, as with subscribers who joined in the same minute).
    """
    created = as_utc(created_at) if created_at else utc_now()
    due = as_utc(next_due_at)
    with store._write() as session:
        for start in range(0, len(chat_ids), CHUNK):
            chunk = chat_ids[start : start + CHUNK]
            session.execute(
                insert(Chat),
                [{"id": chat_id, "type": "private", "created_at": created} for chat_id in chunk],
            )
            session.execute(
                insert(Subscription),
                [
                    {
                        "chat_id": chat_id,
                        "topic_id": topic_id,
                        "local_time": local_time,
                        "active": True,
                        "created_at": created,
                        "next_due_at": due,
                    }
                    for chat_id in chunk
                ],
            )


def _psycopg_dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextlib.contextmanager
def fresh_postgres_database(admin_url: str, prefix: str = "newsbot_bench") -> Iterator[str]:
    """A new, empty database on the server of ``admin_url`` (its URL), dropped afterwards."""
    import psycopg

    admin = _psycopg_dsn(admin_url)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{admin.rpartition('/')[0]}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def analyze(url: str) -> None:
    """Refresh the planner's statistics after a bulk load (PostgreSQL; nothing on SQLite)."""
    if not url.startswith(("postgresql", "postgres")):
        return
    import psycopg

    with psycopg.connect(_psycopg_dsn(url), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
