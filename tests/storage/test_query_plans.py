"""Every hot query is served by an index: SQLite query plans, and PostgreSQL search plans."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event

from storage import Store, fts
from storage.bench_search import search_plans
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


# PostgreSQL chooses plans by table size, so its plans are read on a table large enough for a
# whole-table scan to be tempting: 30,000 articles, built on the server in a few seconds, where
# "putin" is in 1 article of 8 (as in the search benchmark's 1,000,000), "gas" in 1 of 5.
_PG_ARTICLES = 30_000
_PG_FILL = """
INSERT INTO articles (url, title, body, source, language, published_at, added_at, sort_at,
                      added_by, content_hash, summary, summary_algorithm, search_stems)
SELECT 'https://news.example.com/' || n,
       CASE WHEN n % 10 = 0 THEN 'Путин и Си обсудили газ ' || n ELSE 'Report ' || n END,
       'filler' || (n % 997) || ' word' || (n % 331) || ' item' || (n % 89) || ' '
       || CASE WHEN n % 8 = 0 THEN 'putin met leaders ' ELSE '' END
       || CASE WHEN n % 5 = 0 THEN 'gas pipeline deal ' ELSE '' END
       || CASE WHEN n % 7 = 0 THEN 'china trade ' ELSE '' END
       || CASE WHEN n % 10 = 0 THEN 'Россия и Китай обсуждают поставки газа. ' ELSE '' END
       || 'more about article ' || n || '.',
       '', CASE WHEN n % 10 = 0 THEN 'ru' ELSE 'en' END, t, t, t, 'test', md5(n::text), '', '', ''
FROM generate_series(1, {count}) AS n,
     LATERAL (SELECT timestamptz '2024-01-01' + n * interval '5 minutes') AS moment(t)
"""
SEARCH_SHAPES = {
    "one common word": "putin",
    "one rare word": "item7",
    "several words": "china gas",
    "no article has both: any word": "putin unicorns",
    "phrase": '"gas pipeline"',
    "exclusion": "gas -china",
    "Russian": "Путина",
    "mixed": 'Путина "gas pipeline" -china',
    "no match": "zzzz",
}


def test_postgres_search_reads_articles_through_indexes_for_every_shape(
    postgres_url: str,
) -> None:
    store = Store(postgres_url)
    try:
        store.upgrade()
        with store.engine.begin() as connection:
            connection.exec_driver_sql(_PG_FILL.format(count=_PG_ARTICLES).replace("%", "%%"))
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM ANALYZE articles")
        plans = {name: search_plans(store, query) for name, query in SEARCH_SHAPES.items()}
        found = {
            name: bool(store.search_articles(query).items) for name, query in SEARCH_SHAPES.items()
        }
    finally:
        store.close()
    assert found == {name: name != "no match" for name in SEARCH_SHAPES}
    for name, lines in plans.items():
        assert lines, name
        assert not [line for line in lines if "Seq Scan on articles" in line], (name, lines)
        # The matches come from the full-text index or a bounded range of the newest ids.
        assert any(fts.PG_INDEX in line or "Index Cond: (id >" in line for line in lines), (
            name,
            lines,
        )
    # A word in 1 article of 8 is looked for among the newest ids, not all 3,750 matches.
    assert any("Index Cond: (id >" in line for line in plans["one common word"])
