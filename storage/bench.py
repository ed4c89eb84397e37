"""Storage benchmark: bulk insert and the bot's hot queries at 100,000 articles, both backends.

Run ``python -m storage.bench`` (or ``newsbot bench storage``); ``--articles N`` for a quick
run. Each figure is printed beside its baseline measured in the same run: the raw driver
(sqlite3 / psycopg) doing the same inserts or the same SQL without the storage layer
(storage/bench_raw.py). The articles and queries are storage/bench_workload.py's.
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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from storage import ArticleDraft, Store, open_store
from storage.bench_raw import (
    raw_postgres_insert_rate,
    raw_query_timings,
    raw_rows,
    raw_sqlite_insert_rate,
)
from storage.bench_workload import (
    DEFAULT_PG_URL,
    QUERY_PAIRS,
    TOPICS,
    Timing,
    make_drafts,
    time_calls,
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
