"""Storage benchmark: bulk insert and the bot's hot queries at 100,000 articles, both backends.

Run ``python -m storage.bench`` (or ``newsbot bench storage``); ``--articles N`` for a quick
run. Each figure is printed beside its baseline measured in the same run: the raw driver
(sqlite3 / psycopg) doing the same inserts or the same SQL without the storage layer.
Search at 1,000,000 articles has a benchmark of its own: ``newsbot bench search``
(storage/bench_search.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from storage import ArticleDraft, Store, open_store
from storage.validation import content_hash, prepare_article

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
TOPICS = ("china-russia", "economy", "technology", "energy", "climate", "health", "sport")
_NEWS_TEXT = (
    "china russia putin xi moscow beijing summit trade gas oil pipeline sanctions energy "
    "market inflation bank rates chip semiconductor export climate emissions vaccine "
    "election minister talks border security grain wheat currency yuan rouble growth"
)
NEWS_WORDS = tuple(_NEWS_TEXT.split())
QUERY_PAIRS = [
    ("putin", "summit"),
    ("china", "gas"),
    ("oil", "sanctions"),
    ("chip", "export"),
    ("bank", "rates"),
    ("grain", "border"),
    ("climate", "emissions"),
    ("yuan", "rouble"),
]


@dataclass(frozen=True, slots=True)
class Timing:
    """Median and 99th percentile of one operation, in milliseconds."""

    median_ms: float
    p99_ms: float


def make_drafts(count: int, seed: int = 7) -> list[ArticleDraft]:
    """Deterministic synthetic articles: Zipf-like vocabulary with news words mixed in."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ten", "sar", "vo", "rin", "de", "pul", "ost", "ex", "na"]
    vocabulary = list(
        dict.fromkeys("".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(30_000))
    )
    weights = [1 / (rank + 10) for rank in range(len(vocabulary))]
    cumulative = _cumulative(weights)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    drafts = []
    for n in range(count):
        words = rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(60, 140))
        for _ in range(rng.randint(1, 6)):
            words.insert(rng.randrange(len(words)), rng.choice(NEWS_WORDS))
        title_words = rng.choices(vocabulary, cum_weights=cumulative, k=6)
        title_words.insert(rng.randrange(7), rng.choice(NEWS_WORDS))
        drafts.append(
            ArticleDraft(
                title=" ".join(title_words).capitalize() + f" #{n}",
                body=" ".join(words) + ".",
                url=f"https://news.example.com/{n}/{rng.randrange(10**9)}",
                source="Bench News",
                language="en",
                published_at=start + timedelta(minutes=5 * n + rng.randint(0, 60)),
                added_by="bench",
                topic_slugs=tuple(rng.sample(TOPICS, rng.randint(1, 2))),
            )
        )
    return drafts


def _cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def time_calls(call: Callable[[int], Any], repeats: int) -> Timing:
    """Time ``call(i)`` for i in range(repeats) after a short warm-up."""
    for i in range(min(20, repeats)):
        call(i)
    samples = []
    for i in range(repeats):
        started = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return Timing(
        statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    )


def store_insert_rate(store: Store, drafts: list[ArticleDraft]) -> float:
    """Articles per second through Store.add_articles (topics created first)."""
    for slug in TOPICS:
        store.upsert_topic(slug, slug.replace("-", " ").title(), slug)
    started = time.perf_counter()
    results = store.add_articles(drafts)
    elapsed = time.perf_counter() - started
    assert sum(r.created for r in results) == len(drafts)
    return len(drafts) / elapsed


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


def query_timings(store: Store, count: int, repeats: int) -> dict[str, Timing]:
    """Median and p99 of the bot's hot queries through the Store."""
    rng = random.Random(3)
    ids = [rng.randint(1, count) for _ in range(repeats)]
    return {
        "latest 10": time_calls(lambda i: store.latest_articles(10), repeats),
        "latest 10, topic": time_calls(
            lambda i: store.latest_articles(10, topic_slug=TOPICS[i % len(TOPICS)]), repeats
        ),
        "article by id": time_calls(lambda i: store.get_article(ids[i]), repeats),
        "search, 2 words": time_calls(
            lambda i: store.search_articles(" ".join(QUERY_PAIRS[i % len(QUERY_PAIRS)]), 10),
            repeats,
        ),
        "by id via to_thread": _to_thread_timing(store, ids, repeats),
    }


def _to_thread_timing(store: Store, ids: list[int], repeats: int) -> Timing:
    async def run() -> Timing:
        samples = []
        for i in range(repeats):
            started = time.perf_counter()
            await asyncio.to_thread(store.get_article, ids[i])
            samples.append((time.perf_counter() - started) * 1000)
        samples.sort()
        return Timing(statistics.median(samples), samples[int(len(samples) * 0.99)])

    return asyncio.run(run())


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


def run_sqlite(
    drafts: list[ArticleDraft], rows: Any, repeats: int, workdir: Path
) -> dict[str, Any]:
    """Insert and query figures on SQLite, with the raw sqlite3 baseline."""
    store = open_store(f"sqlite:///{workdir / 'store.db'}")
    rate = store_insert_rate(store, drafts)
    baseline_store = open_store(f"sqlite:///{workdir / 'raw.db'}")
    baseline_store.close()
    raw_rate = raw_sqlite_insert_rate(workdir / "raw.db", *rows)
    timings = query_timings(store, len(drafts), repeats)
    store.close()
    connection = sqlite3.connect(workdir / "raw.db")
    raw = raw_query_timings(
        lambda sql, params: connection.execute(sql, params).fetchall(),
        "sqlite",
        len(drafts),
        repeats,
    )
    connection.close()
    return {"rate": rate, "raw_rate": raw_rate, "timings": timings, "raw": raw}


def run_postgres(
    drafts: list[ArticleDraft], rows: Any, repeats: int, admin_url: str
) -> dict[str, Any]:
    """Insert and query figures on PostgreSQL, in two fresh databases created and dropped here."""
    import psycopg

    admin = admin_url.replace("postgresql+psycopg://", "postgresql://", 1)
    names = [f"newsbot_bench_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    base = admin.rpartition("/")[0]
    with psycopg.connect(admin, autocommit=True) as connection:
        for name in names:
            connection.execute(f'CREATE DATABASE "{name}"')
    try:
        store = open_store(f"{base}/{names[0]}")
        rate = store_insert_rate(store, drafts)
        _analyze(f"{base}/{names[0]}")
        timings = query_timings(store, len(drafts), repeats)
        store.close()
        open_store(f"{base}/{names[1]}").close()
        raw_rate = raw_postgres_insert_rate(f"{base}/{names[1]}", *rows)
        _analyze(f"{base}/{names[1]}")
        with psycopg.connect(f"{base}/{names[1]}", autocommit=True) as connection:
            raw = raw_query_timings(
                lambda sql, params: connection.execute(sql, params).fetchall(),
                "postgresql",
                len(drafts),
                repeats,
            )
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return {"rate": rate, "raw_rate": raw_rate, "timings": timings, "raw": raw}


def _analyze(dsn: str) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def _insert_cell(result: dict[str, Any]) -> str:
    ratio = result["rate"] / result["raw_rate"]
    return f"{result['rate']:,.0f} vs raw {result['raw_rate']:,.0f} = {ratio:.2f}x"


def _time_cell(ours: Timing, raw: Timing | None) -> str:
    cell = f"{ours.median_ms:.3f} / {ours.p99_ms:.3f}"
    return cell if raw is None else cell + f" (raw {raw.median_ms:.3f} / {raw.p99_ms:.3f})"


def report(results: dict[str, dict[str, Any]], count: int) -> str:
    """The figures as a plain-text table, one column per backend."""
    width = 40
    lines = [
        f"storage benchmark, {count:,} articles; times in ms, median / p99",
        "",
        f"{'':24}" + "".join(name.rjust(width) for name in results),
        f"{'bulk insert, articles/s':24}"
        + "".join(_insert_cell(r).rjust(width) for r in results.values()),
    ]
    for name in next(iter(results.values()))["timings"]:
        cells = [_time_cell(r["timings"][name], r["raw"].get(name)) for r in results.values()]
        lines.append(f"{name:24}" + "".join(cell.rjust(width) for cell in cells))
    lines += ["", "raw = the same inserts or SQL through the driver alone (sqlite3 / psycopg)."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(prog="newsbot bench storage", description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000, help="articles to build")
    parser.add_argument("--repeats", type=int, default=1000, help="timed calls per query")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL),
        help="PostgreSQL server URL (a scratch database is created and dropped there)",
    )
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)
    count = max(100, args.articles)
    print(f"building {count:,} articles ...", file=sys.stderr)
    drafts = make_drafts(count)
    rows = raw_rows(drafts)
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as workdir:
        print("SQLite ...", file=sys.stderr)
        results["SQLite"] = run_sqlite(drafts, rows, args.repeats, Path(workdir))
    if not args.no_pg:
        print("PostgreSQL ...", file=sys.stderr)
        try:
            results["PostgreSQL"] = run_postgres(drafts, rows, args.repeats, args.pg_url)
        except Exception as error:
            print(f"PostgreSQL skipped: {error}", file=sys.stderr)
    print(report(results, count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
