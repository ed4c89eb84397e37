"""A large search corpus for the search benchmark, bulk-loaded and cached between runs.

One million articles through ``Store.add_articles`` would take an hour; the rows are
generated here and loaded the fastest way each backend offers (COPY on PostgreSQL, one
executemany transaction on SQLite), with the full-text index built once at the end. The
schema itself still comes from ``open_store`` (the migrations), so the benchmark searches
the tables the bot uses. A finished corpus is kept (a SQLite file in the cache folder, a
PostgreSQL database named after the corpus) and reused by the next run.

Every eighth article mentions ``COMMON_WORD`` (125,000 of 1,000,000), so a one-word query
with a known, large number of matches can be timed; the other news words are mixed in
randomly, as in the 100,000-article storage benchmark.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from storage import fts, fts_recent, open_store
from storage.bench_workload import NEWS_WORDS

COMMON_WORD = "putin"
COMMON_EVERY = 8
# Bumped whenever the generated rows change, so a cached corpus of the old rows is rebuilt.
CORPUS_VERSION = 1
# The SQLite file's name also carries this, bumped whenever its search objects change (2: the
# recent shard of storage/fts_recent.py); PostgreSQL's corpus is then kept.
SQLITE_SCHEMA = 2
_SYLLABLES = ("ka", "lo", "mi", "ten", "sar", "vo", "rin", "de", "pul", "ost", "ex", "na")
# The storage benchmark's news words (storage/bench_workload.py) without COMMON_WORD.
_NEWS_WORDS = tuple(word for word in NEWS_WORDS if word != COMMON_WORD)
COLUMNS = (
    "id", "url", "title", "body", "source", "language", "published_at", "added_at",
    "sort_at", "added_by", "content_hash", "summary", "summary_algorithm", "search_stems",
)  # fmt: skip


def corpus_name(count: int) -> str:
    """The cached corpus's name: its size and generator version."""
    return f"newsbot_bench_search_{count}_v{CORPUS_VERSION}"


def generate_rows(count: int, seed: int = 11) -> Iterator[tuple[Any, ...]]:
    """``count`` article rows in id order (ids, and dates, rise with n as in real use)."""
    rng = random.Random(seed)
    vocabulary = list(
        dict.fromkeys("".join(rng.choices(_SYLLABLES, k=rng.randint(2, 4))) for _ in range(30_000))
    )
    cumulative: list[float] = []
    total = 0.0
    for rank in range(len(vocabulary)):
        total += 1 / (rank + 10)
        cumulative.append(total)
    start = datetime(2020, 1, 1)  # naive UTC, as the schema stores it
    for n in range(1, count + 1):
        words = rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(60, 140))
        extra = rng.choices(_NEWS_WORDS, k=rng.randint(1, 6))
        if n % COMMON_EVERY == 0:
            extra.append(COMMON_WORD)
        for word in extra:
            words.insert(rng.randrange(len(words)), word)
        title = rng.choices(vocabulary, cum_weights=cumulative, k=6)
        title.insert(rng.randrange(7), rng.choice(_NEWS_WORDS))
        body = " ".join(words) + "."
        when = start + timedelta(minutes=5 * n)
        yield (
            n,
            f"https://news.example.com/{n}",
            " ".join(title).capitalize() + f" #{n}",
            body,
            "Bench News",
            "en",
            when,
            when,
            when,
            "bench",
            hashlib.sha256(f"{n}:{body}".encode()).hexdigest(),
            "",
            "",
            "",
        )


def sqlite_corpus(count: int, folder: Path) -> Path:
    """A SQLite database file of ``count`` articles in ``folder`` (built once, then reused)."""
    path = folder / f"{corpus_name(count)}_s{SQLITE_SCHEMA}.db"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    for leftover in folder.glob(partial.name + "*"):
        leftover.unlink()
    open_store(f"sqlite:///{partial}").close()
    connection = sqlite3.connect(partial, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA cache_size=-262144")
    # The FTS5 tables are built in one pass after the load instead of row by row by triggers.
    for statement in (*fts_recent.SQLITE_RECENT_DROP, *fts.SQLITE_DROP):
        connection.execute(statement)
    insert = f"INSERT INTO articles ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    connection.execute("BEGIN")
    connection.executemany(insert, _progress(generate_rows(count), count, "SQLite"))
    connection.execute("COMMIT")
    for statement in fts.sqlite_ddl(fts.LATEST):
        connection.execute(statement)
    connection.execute("INSERT INTO articles_fts(articles_fts) VALUES ('optimize')")
    for statement in fts_recent.SQLITE_RECENT_DDL:
        connection.execute(statement)
    connection.execute("ANALYZE")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    partial.rename(path)
    return path


def postgres_corpus(count: int, admin_url: str, prefix: str = "") -> str:
    """The URL of a PostgreSQL database of ``count`` articles (built once, then reused)."""
    import psycopg

    admin = admin_url.replace("postgresql+psycopg://", "postgresql://", 1)
    name = prefix + corpus_name(count)
    url = f"{admin.rpartition('/')[0]}/{name}"
    with psycopg.connect(admin, autocommit=True) as connection:
        found = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            (name,),
        ).fetchone()
        if found and found[0] == "complete":
            return url
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    open_store(url).close()
    with psycopg.connect(url, autocommit=True) as connection:
        # COPY into a table without its GIN index, then build the index once: far faster.
        connection.execute(f"DROP INDEX IF EXISTS {fts.PG_INDEX}")
        copy_sql = f"COPY articles ({', '.join(COLUMNS)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in _progress(generate_rows(count), count, "PostgreSQL"):
                copy.write_row(row)
        connection.execute("SET maintenance_work_mem = '512MB'")
        print("PostgreSQL: building the full-text index ...", file=sys.stderr)
        connection.execute(fts.postgres_ddl(fts.LATEST)[-1])
        connection.execute("SELECT setval('articles_id_seq', (SELECT max(id) FROM articles))")
        connection.execute("VACUUM ANALYZE articles")
        connection.execute(f"COMMENT ON DATABASE \"{name}\" IS 'complete'")
    return url


def _progress(rows: Iterator[tuple[Any, ...]], count: int, label: str) -> Iterator[tuple[Any, ...]]:
    step = max(1, count // 10)
    for row in rows:
        if row[0] % step == 0:
            print(f"{label}: {row[0]:,} of {count:,} articles loaded", file=sys.stderr)
        yield row
