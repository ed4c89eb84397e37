"""Every hot query is served by an index (SQLite query plans; no full table scans)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event

from storage import Store
from tests.storage.conftest import draft

NOW = datetime(2026, 5, 1, tzinfo=UTC)
FULL_SCAN = re.compile(
    r"\bSCAN (articles|article_topics|subscriptions|deliveries|chats)\b(?! USING)"
)

QUERIES: dict[str, Callable[[Store], Any]] = {
    "latest": lambda store: store.latest_articles(10, offset=5),
    "latest for a topic": lambda store: store.latest_articles(10, topic_slug="energy"),
    "article by id": lambda store: store.get_article(3),
    "article by url": lambda store: store.find_article_by_url("https://news.example.com/3"),
    "search": lambda store: store.search_articles("article item3"),
    "topic window": lambda store: store.topic_articles_since(1, NOW, NOW),
    "chat subscriptions": lambda store: store.chat_subscriptions(1),
    "due subscriptions": lambda store: store.subscriptions_due(NOW),
    "deliveries": lambda store: store.deliveries_for(1),
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_query_uses_indexes(sqlite_store: Store, name: str) -> None:
    topic = sqlite_store.upsert_topic("energy", "Energy", "oil")
    sqlite_store.add_articles(draft(n, topic_slugs=("energy",)) for n in range(50))
    sqlite_store.upsert_chat(1)
    sqlite_store.subscribe(1, topic.id, next_due_at=NOW)
    statements: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    event.listen(sqlite_store.engine, "before_cursor_execute", record)
    try:
        QUERIES[name](sqlite_store)
    finally:
        event.remove(sqlite_store.engine, "before_cursor_execute", record)
    assert statements
    with sqlite_store.engine.connect() as connection:
        for statement, parameters in statements:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            details = [row[-1] for row in plan]
            assert not [d for d in details if FULL_SCAN.search(d)], (statement, details)
