"""The storage benchmark's baseline: the same inserts and queries through the driver alone.

sqlite3 or psycopg, into the schema the store created, with no ORM, no views and no counts;
storage/bench.py prints each of its figures beside the one measured here in the same run.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storage import ArticleDraft
from storage.bench_workload import QUERY_PAIRS, TOPICS, Timing, time_calls
from storage.validation import content_hash, prepare_article


def raw_rows(drafts: list[ArticleDraft]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The article and article-topic rows the store writes, precomputed for the raw baseline."""
    now = datetime.now(UTC).replace(tzinfo=None)
    topic_ids = {slug: i + 1 for i, slug in enumerate(TOPICS)}
    articles, links = [], []
    for n, draft in enumerate(drafts, start=1):
        prepared = prepare_article(draft)
        published = prepared.published_at.replace(tzinfo=None) if prepared.published_at else None
        sort_at = min(published, now) if published else now
        articles.append(
            (
                n,
                prepared.url,
                prepared.title,
                prepared.body,
                prepared.source,
                prepared.language,
                published,
                now,
                sort_at,
                prepared.added_by,
                content_hash(prepared.body),
                "",
                "",
            )
        )
        links.extend((n, topic_ids[slug], sort_at, now) for slug in prepared.topic_slugs)
    return articles, links


_INSERT_ARTICLE = (
    "INSERT INTO articles (id, url, title, body, source, language, published_at, added_at, "
    "sort_at, added_by, content_hash, summary, summary_algorithm) "
    "VALUES ({0}, {0}, {0}, {0}, {0}, {0}, {0}, {0}, {0}, {0}, {0}, {0}, {0})"
)
_INSERT_LINK = (
    "INSERT INTO article_topics (article_id, topic_id, sort_at, added_at) "
    "VALUES ({0}, {0}, {0}, {0})"
)


def raw_sqlite_insert_rate(
    path: Path, articles: list[tuple[Any, ...]], links: list[tuple[Any, ...]]
) -> float:
    """Articles per second through sqlite3 executemany into the same schema, 1,000 per commit."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.executemany(
        "INSERT INTO topics (id, slug, name, rule, created_at) VALUES (?, ?, ?, ?, ?)",
        [
            (i + 1, slug, slug, slug, datetime.now(UTC).replace(tzinfo=None))
            for i, slug in enumerate(TOPICS)
        ],
    )
    by_article: dict[int, list[tuple[Any, ...]]] = {}
    for link in links:
        by_article.setdefault(link[0], []).append(link)
    started = time.perf_counter()
    for first in range(0, len(articles), 1000):
        batch = articles[first : first + 1000]
        connection.execute("BEGIN")
        connection.executemany(_INSERT_ARTICLE.format("?"), batch)
        connection.executemany(
            _INSERT_LINK.format("?"), [link for row in batch for link in by_article.get(row[0], [])]
        )
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return len(articles) / elapsed


def raw_postgres_insert_rate(
    dsn: str, articles: list[tuple[Any, ...]], links: list[tuple[Any, ...]]
) -> float:
    """Articles per second through psycopg executemany into the same schema, 1,000 per commit."""
    import psycopg

    utc = [(row[:6] + tuple(_aware(v) for v in row[6:9]) + row[9:]) for row in articles]
    link_rows = [(a, t, _aware(s), _aware(d)) for a, t, s, d in links]
    by_article: dict[int, list[tuple[Any, ...]]] = {}
    for link in link_rows:
        by_article.setdefault(link[0], []).append(link)
    with psycopg.connect(dsn) as connection:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO topics (id, slug, name, rule, created_at) "
                "VALUES (%s, %s, %s, %s, now())",
                [(i + 1, slug, slug, slug) for i, slug in enumerate(TOPICS)],
            )
        connection.commit()
        started = time.perf_counter()
        for first in range(0, len(utc), 1000):
            batch = utc[first : first + 1000]
            with connection.cursor() as cursor:
                cursor.executemany(_INSERT_ARTICLE.format("%s"), batch)
                cursor.executemany(
                    _INSERT_LINK.format("%s"),
                    [link for row in batch for link in by_article.get(row[0], [])],
                )
            connection.commit()
        elapsed = time.perf_counter() - started
    return len(utc) / elapsed


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None else None


RAW_SQL = {
    "latest 10": "SELECT * FROM articles ORDER BY sort_at DESC, id DESC LIMIT 10",
    "latest 10, topic": (
        "SELECT articles.* FROM article_topics JOIN articles ON articles.id = "
        "article_topics.article_id WHERE article_topics.topic_id = {p} "
        "ORDER BY article_topics.sort_at DESC, article_topics.article_id DESC LIMIT 10"
    ),
    "article by id": "SELECT * FROM articles WHERE id = {p}",
}
RAW_SEARCH = {
    "sqlite": (
        "SELECT articles.* FROM articles_fts JOIN articles ON articles.id = articles_fts.rowid "
        "WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts, 4.0, 1.0) LIMIT 10"
    ),
    "postgresql": (
        "SELECT articles.* FROM articles, plainto_tsquery('simple', %s) AS q "
        "WHERE search_vector @@ q ORDER BY ts_rank_cd(search_vector, q) DESC LIMIT 10"
    ),
}


def raw_query_timings(
    execute: Callable[[str, tuple[Any, ...]], Any], dialect: str, count: int, repeats: int
) -> dict[str, Timing]:
    """The same queries as plain SQL on the raw driver (no ORM, no views, no counts)."""
    p = "?" if dialect == "sqlite" else "%s"
    rng = random.Random(3)
    ids = [rng.randint(1, count) for _ in range(repeats)]

    def search(i: int) -> Any:
        a, b = QUERY_PAIRS[i % len(QUERY_PAIRS)]
        return execute(
            RAW_SEARCH[dialect], (f'"{a}" "{b}"' if dialect == "sqlite" else f"{a} {b}",)
        )

    return {
        "latest 10": time_calls(lambda i: execute(RAW_SQL["latest 10"], ()), repeats),
        "latest 10, topic": time_calls(
            lambda i: execute(RAW_SQL["latest 10, topic"].format(p=p), (i % len(TOPICS) + 1,)),
            repeats,
        ),
        "article by id": time_calls(
            lambda i: execute(RAW_SQL["article by id"].format(p=p), (ids[i],)), repeats
        ),
        "search, 2 words": time_calls(search, repeats),
    }
