"""Search benchmark (``newsbot bench search``): search at 1,000,000 articles, both backends.

Part of the storage benchmark (storage/bench.py times the hot queries at 100,000 articles);
this one times ``Store.search_articles`` on a much larger corpus (storage/bench_corpus.py:
one word in 1 article of 8, built once and cached) for each query shape, beside the search
statements the store used before issue 14 (ranking every match, counting every match), run
on the same database in the same run; on SQLite also beside today's search ranked in the
whole FTS5 index instead of the recent shard (storage/fts_recent.py). It also reads each
query's PostgreSQL plan and says whether it scanned the articles table.

    newsbot bench search                                  # 1,000,000 articles, both backends
    newsbot bench search --articles 2000 --repeats 5 --db sqlite --no-cache   # a quick check

Targets (issue 14): at 1,000,000 articles the one-word query (125,000 matches) in p99 < 50 ms
on PostgreSQL, the 2-word query in p99 < 5 ms on SQLite.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from storage import Store, fts
from storage.bench_corpus import COMMON_WORD, postgres_corpus, sqlite_corpus
from storage.bench_workload import DEFAULT_PG_URL, QUERY_PAIRS, Timing, time_calls
from storage.search_terms import parse_query

# name -> the queries timed in turn (cycled through the repeats).
SHAPES: dict[str, tuple[str, ...]] = {
    f"1 word ({COMMON_WORD}, 1 in 8)": (COMMON_WORD,),
    "2 words": tuple(" ".join(pair) for pair in QUERY_PAIRS),
    "phrase": ('"oil pipeline"', '"bank rates"', '"gas trade"'),
    "-exclusion": ("china -gas", "oil -sanctions", "bank -rates"),
    "Russian (no match)": ("Путина", "газа нефть"),
    "mixed": ('putin "gas pipeline" -oil', "china summit -trade"),
}
ONE_WORD = next(iter(SHAPES))
# A slow shape (a phrase of two common words: every candidate's positions are checked) is
# timed fewer times, so that the run stays in minutes.
BUDGET_S = 20.0
# Searches whose CPU time is averaged (SQLite): process_time ticks coarsely, so many.
CPU_CALLS = 120
TARGETS = {("PostgreSQL", ONE_WORD): 50.0, ("SQLite", "2 words"): 5.0}

# The statements of the search before issue 14, kept as the baseline: every match counted,
# and every match collected (PostgreSQL) before the newest were ranked.
_OLD_SQLITE_COUNT = text(f"SELECT count(*) FROM {fts.FTS_TABLE} WHERE {fts.FTS_TABLE} MATCH :query")
_OLD_SQLITE_IDS = text(
    "WITH matches AS MATERIALIZED ("
    f"SELECT rowid AS id, bm25({fts.FTS_TABLE}, 4.0, 1.0, 1.0) AS score FROM {fts.FTS_TABLE} "
    f"WHERE {fts.FTS_TABLE} MATCH :query ORDER BY rowid DESC LIMIT :candidates), "
    "tiered AS (SELECT id, score, (row_number() OVER (ORDER BY id DESC) - 1) / :tier AS tier "
    "FROM matches) "
    "SELECT articles.id FROM tiered JOIN articles ON articles.id = tiered.id "
    "ORDER BY tiered.tier, tiered.score, articles.sort_at DESC, articles.id DESC "
    "LIMIT :limit OFFSET :offset"
)


def _old_pg_ids(tsquery: str) -> str:
    return (
        f"WITH hits AS MATERIALIZED (SELECT id FROM articles WHERE {fts.PG_COLUMN} @@ {tsquery}), "
        "matches AS (SELECT id, (row_number() OVER (ORDER BY id DESC) - 1) / :tier AS tier "
        "FROM hits ORDER BY id DESC LIMIT :candidates) "
        "SELECT articles.id, (SELECT count(*) FROM hits) "
        "FROM matches JOIN articles ON articles.id = matches.id "
        f"ORDER BY matches.tier, ts_rank_cd(articles.{fts.PG_COLUMN}, {tsquery}, 1) DESC, "
        "articles.sort_at DESC, articles.id DESC LIMIT :limit OFFSET :offset"
    )


@dataclass(frozen=True, slots=True)
class ShapeResult:
    """One query shape on one backend: ours, the old statements', the matches, the plan."""

    ours: Timing
    old: Timing
    matches: str
    plan: str
    # SQLite: the same search with the recent shard turned off (bm25 over the whole index),
    # and the CPU time of a search (this process runs SQLite: the load does not inflate it).
    no_shard: Timing | None = None
    cpu: tuple[float, float] | None = None


def old_search(store: Store, query: str, limit: int = 5) -> list[int]:
    """The pre-issue-14 search: count every match, rank the newest tiers (ids only)."""
    parsed = parse_query(query)
    with store.engine.connect() as connection:
        for match_all in (True, False):
            params: dict[str, Any] = {
                "tier": fts.TIER,
                "candidates": fts.TIER,
                "limit": limit,
                "offset": 0,
            }
            if connection.dialect.name == "sqlite":
                params["query"] = fts.fts5_query(parsed, match_all)
                total = connection.execute(_OLD_SQLITE_COUNT, params).scalar()
                ids = list(connection.execute(_OLD_SQLITE_IDS, params).scalars()) if total else []
            else:
                terms = (*parsed.include, *parsed.exclude)
                params |= {f"t{i}": " ".join(t.words) for i, t in enumerate(terms)}
                tsquery = fts._pg_tsquery(parsed.shape, match_all)
                ids = [row[0] for row in connection.execute(text(_old_pg_ids(tsquery)), params)]
            if ids or len(parsed.include) < 2:
                return ids
    return []


def search_plans(store: Store, query: str) -> list[str]:
    """The plan lines of every statement of ``store.search_articles(query)`` that matches the
    full-text column, each read on the search's connection just before it runs (with the
    planner settings the search set)."""
    lines: list[str] = []

    def explain(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if "@@" in statement:
            with cursor.connection.cursor() as explaining:
                explaining.execute(f"EXPLAIN {statement}", parameters)
                lines.extend(row[0] for row in explaining.fetchall())

    event.listen(store.engine, "before_cursor_execute", explain)
    try:
        store.search_articles(query, 5)
    finally:
        event.remove(store.engine, "before_cursor_execute", explain)
    return lines


def _plan(store: Store, query: str) -> str:
    """What PostgreSQL's plans for ``query`` read: the whole table, GIN, or the newest ids."""
    lines = search_plans(store, query)
    if any("Seq Scan on articles" in line for line in lines):
        return "SEQ SCAN"
    return "GIN" if any(fts.PG_INDEX in line for line in lines) else "newest ids"


def timed(call: Callable[[int], Any], repeats: int) -> Timing:
    """``time_calls``, with fewer repeats when one call is slow: about BUDGET_S a shape."""
    started = time.perf_counter()
    call(0)
    first = time.perf_counter() - started
    return time_calls(call, max(3, min(repeats, int(BUDGET_S / max(first, 1e-6)))))


def run_backend(store: Store, name: str, repeats: int, old_repeats: int) -> dict[str, ShapeResult]:
    """Time every query shape through the store and through the old statements."""
    results = {}
    for shape, queries in SHAPES.items():
        print(f"{name}: {shape} ...", file=sys.stderr)
        first = store.search_articles(queries[0], 5)
        matches = f"{first.total:,}" if first.total is not None else f"> {fts.COUNT_LIMIT:,}"

        def search(i: int, q: tuple[str, ...] = queries) -> Any:
            return store.search_articles(q[i % len(q)], 5)

        ours = timed(search, repeats)
        old = timed(lambda i, q=queries: old_search(store, q[i % len(q)]), old_repeats)
        plan = _plan(store, queries[0]) if name == "PostgreSQL" else "-"
        no_shard = cpu = None
        if name == "SQLite":
            cpu_ours = cpu_ms(search, CPU_CALLS)
            fts.USE_RECENT_SHARD = False
            try:
                no_shard = timed(search, repeats)
                cpu = (cpu_ours, cpu_ms(search, CPU_CALLS))
            finally:
                fts.USE_RECENT_SHARD = True
        results[shape] = ShapeResult(ours, old, matches, plan, no_shard, cpu)
    return results


def cpu_ms(call: Callable[[int], Any], calls: int) -> float:
    """The mean CPU time of ``call(i)`` in this process (user + system), in milliseconds."""
    started = time.process_time()
    for i in range(calls):
        call(i)
    return (time.process_time() - started) * 1000 / calls


def report(results: dict[str, dict[str, ShapeResult]], count: int) -> str:
    """One table per backend: ours beside the old statements, as a ratio, and the targets."""
    lines = [f"search benchmark, {count:,} articles; times in ms, median / p99", ""]
    for backend, shapes in results.items():
        lines.append(
            f"{backend:10} {'query':28}{'matches':>12}{'ours':>20}{'no shard':>20}"
            f"{'before':>22}{'p99 speed-up':>14}{'CPU ours/no shard':>19}  plan / target"
        )
        for shape, r in shapes.items():
            target = TARGETS.get((backend, shape))
            verdict = ""
            if target is not None:
                verdict = f"p99 < {target:g} ms: {'met' if r.ours.p99_ms < target else 'MISSED'}"
            ratio = r.old.p99_ms / r.ours.p99_ms if r.ours.p99_ms else float("inf")
            shard = r.no_shard
            lines.append(
                f"{'':10} {shape:28}{r.matches:>12}"
                f"{f'{r.ours.median_ms:.2f} / {r.ours.p99_ms:.2f}':>20}"
                f"{f'{shard.median_ms:.2f} / {shard.p99_ms:.2f}' if shard else '-':>20}"
                f"{f'{r.old.median_ms:.2f} / {r.old.p99_ms:.2f}':>22}"
                f"{f'{ratio:.1f}x':>14}"
                f"{f'{r.cpu[0]:.2f} / {r.cpu[1]:.2f}' if r.cpu else '-':>19}"
                f"  {r.plan} {verdict}".rstrip()
            )
        lines.append("")
    lines.append(
        "matches = the first page's count (exact up to 100); no shard = ours ranked in the "
        "whole FTS5 index, not SQLite's recent shard; CPU = mean CPU ms of a search in this "
        "process (SQLite: all of it; not inflated by other processes); before = the "
        "statements of the search before issue 14 on the same database; plan = what "
        "PostgreSQL's plans read (GIN: the full-text index; newest ids: a bounded range of the "
        "primary key; SEQ SCAN: the whole table)."
    )
    return "\n".join(lines)


def _cache_dir(value: str | None) -> Path:
    if value:
        return Path(value)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsbot-bench"


def main(argv: Sequence[str] | None = None) -> int:
    """Build (or reuse) the corpus, time every query shape, print the table."""
    parser = argparse.ArgumentParser(
        prog="newsbot bench search",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--articles", type=int, default=1_000_000, help="corpus size")
    parser.add_argument("--repeats", type=int, default=300, help="timed searches per shape")
    parser.add_argument(
        "--old-repeats",
        type=int,
        default=3,
        help="timed runs of the old statements per shape on PostgreSQL",
    )
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL),
        help="PostgreSQL server URL (the corpus is a database there, kept for the next run)",
    )
    parser.add_argument(
        "--cache-dir", help="where the SQLite corpus is kept (default ~/.cache/newsbot-bench)"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="build the corpus afresh and delete it after"
    )
    args = parser.parse_args(argv)
    count = max(100, args.articles)
    results: dict[str, dict[str, ShapeResult]] = {}
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as scratch:
            folder = Path(scratch) if args.no_cache else _cache_dir(args.cache_dir)
            folder.mkdir(parents=True, exist_ok=True)
            store = Store(f"sqlite:///{sqlite_corpus(count, folder)}")
            try:
                results["SQLite"] = run_backend(store, "SQLite", args.repeats, args.repeats)
            finally:
                store.close()
    if args.db in ("postgresql", "both"):
        prefix = f"newsbot_bench_{uuid.uuid4().hex[:8]}_" if args.no_cache else ""
        try:
            url = postgres_corpus(count, args.pg_url, prefix=prefix)
        except Exception as error:  # a bench without a server still reports SQLite
            print(f"PostgreSQL skipped: {error}", file=sys.stderr)
        else:
            store = Store(url)
            try:
                results["PostgreSQL"] = run_backend(
                    store, "PostgreSQL", args.repeats, args.old_repeats
                )
            finally:
                store.close()
                if args.no_cache:
                    drop_postgres_corpus(url, args.pg_url)
    print(report(results, count))
    return 0


def drop_postgres_corpus(url: str, admin_url: str) -> None:
    """Drop a corpus database built for one run."""
    import psycopg

    admin = admin_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
