"""Full-text search: the FTS objects of each backend and safe, ranked queries over them.

SQLite: an FTS5 external-content table ``articles_fts`` over articles(title, body), kept
current by triggers, ranked by bm25 with the title weighted above the body. Its porter
tokenizer folds English inflections ("oils" finds "oil"); other scripts pass through unchanged.
PostgreSQL: a generated ``search_vector`` tsvector column holding each word both stemmed (the
'english' configuration) and exact (the 'simple' one, so Russian and other scripts behave as on
SQLite), with a GIN index, ranked by ts_rank_cd. Neither object is in the ORM models;
migrations create them and the autogenerate comparison skips them (``is_fts_object``).

User input never reaches the query syntax: it is reduced to word tokens, which are quoted
(FTS5) or passed one by one to plainto_tsquery (PostgreSQL), where a word matches its English
stem or its exact form. All words must match; when none does with all of them, articles
matching any word are returned instead.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from sqlalchemy import TextClause, text
from sqlalchemy.engine import Connection

FTS_TABLE = "articles_fts"
PG_COLUMN = "search_vector"
PG_INDEX = "ix_articles_search_vector"
# tsvector values are limited to 1 MB; indexing the body's first characters keeps us far below.
PG_BODY_CHARS = 300_000
MAX_TOKENS = 16
_TOKEN = re.compile(r"[^\W_]+")

# Each revision's definition, so a migration recreates exactly the objects of its revision.
# 1: no stemming. 2: English inflections fold together (porter on SQLite, the 'english'
# configuration beside 'simple' on PostgreSQL); other scripts pass through unchanged.
SQLITE_TOKENIZE = {
    1: "unicode61 remove_diacritics 2",
    2: "porter unicode61 remove_diacritics 2",
}
PG_CONFIGS = {1: ("simple",), 2: ("english", "simple")}
LATEST = 2


def sqlite_ddl(version: int) -> tuple[str, ...]:
    """The FTS5 table, its triggers and the index rebuild of one revision."""
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, body, "
        f"content='articles', content_rowid='id', tokenize='{SQLITE_TOKENIZE[version]}')",
        f"CREATE TRIGGER IF NOT EXISTS articles_fts_insert AFTER INSERT ON articles BEGIN "
        f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.id, new.title, new.body); END",
        f"CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) "
        "VALUES ('delete', old.id, old.title, old.body); END",
        f"CREATE TRIGGER IF NOT EXISTS articles_fts_update AFTER UPDATE OF title, body ON articles "
        f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) "
        "VALUES ('delete', old.id, old.title, old.body); "
        f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.id, new.title, new.body); END",
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
    )


def postgres_ddl(version: int) -> tuple[str, ...]:
    """The generated tsvector column and its GIN index of one revision."""
    configs = PG_CONFIGS[version]
    title = " || ".join(f"to_tsvector('{c}', coalesce(title, ''))" for c in configs)
    body = " || ".join(
        f"to_tsvector('{c}', left(coalesce(body, ''), {PG_BODY_CHARS}))" for c in configs
    )
    return (
        f"ALTER TABLE articles ADD COLUMN IF NOT EXISTS {PG_COLUMN} tsvector GENERATED ALWAYS AS ("
        f"setweight({title}, 'A') || setweight({body}, 'B')) STORED",
        f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON articles USING gin ({PG_COLUMN})",
    )


SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS articles_fts_update",
    "DROP TRIGGER IF EXISTS articles_fts_delete",
    "DROP TRIGGER IF EXISTS articles_fts_insert",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
POSTGRES_DROP = (
    f"DROP INDEX IF EXISTS {PG_INDEX}",
    f"ALTER TABLE articles DROP COLUMN IF EXISTS {PG_COLUMN}",
)

# Ranking scores every candidate, and bm25 / ts_rank_cd cost a lookup per row: matches are
# taken newest first (ids rise with time) in tiers of TIER, each tier ranked by relevance.
# A query matching thousands of articles stays fast and favours recent news; pages stay
# consistent because a match's tier never depends on the page asked for. Counts are exact.
TIER = 300

_SQLITE_COUNT = text(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :query")
# bm25() cannot sit beside a window function, so the tiers are numbered in a second step.
_SQLITE_IDS = text(
    "WITH matches AS MATERIALIZED ("
    f"SELECT rowid AS id, bm25({FTS_TABLE}, 4.0, 1.0) AS score FROM {FTS_TABLE} "
    f"WHERE {FTS_TABLE} MATCH :query ORDER BY rowid DESC LIMIT :candidates), "
    "tiered AS (SELECT id, score, (row_number() OVER (ORDER BY id DESC) - 1) / :tier AS tier "
    "FROM matches) "
    "SELECT articles.id FROM tiered JOIN articles ON articles.id = tiered.id "
    "ORDER BY tiered.tier, tiered.score, articles.sort_at DESC, articles.id DESC "
    "LIMIT :limit OFFSET :offset"
)


def _pg_tsquery(words: int, match_all: bool) -> str:
    """Each word matches its English stem or its exact form; words joined by AND or OR."""
    configs = PG_CONFIGS[LATEST]
    terms = (
        "(" + " || ".join(f"plainto_tsquery('{c}', :w{i})" for c in configs) + ")"
        for i in range(words)
    )
    return "(" + (" && " if match_all else " || ").join(terms) + ")"


@lru_cache(maxsize=2 * MAX_TOKENS)
def _pg_count(words: int, match_all: bool) -> TextClause:
    return text(
        f"SELECT count(*) FROM articles WHERE {PG_COLUMN} @@ {_pg_tsquery(words, match_all)}"
    )


# The matches are collected through the GIN index first (MATERIALIZED): left to itself the
# planner walks the primary key backwards and tests every row, ten times slower.
@lru_cache(maxsize=2 * MAX_TOKENS)
def _pg_ids(words: int, match_all: bool) -> TextClause:
    tsquery = _pg_tsquery(words, match_all)
    return text(
        f"WITH hits AS MATERIALIZED (SELECT id FROM articles WHERE {PG_COLUMN} @@ {tsquery}), "
        "matches AS (SELECT id, (row_number() OVER (ORDER BY id DESC) - 1) / :tier AS tier "
        "FROM hits ORDER BY id DESC LIMIT :candidates) "
        "SELECT articles.id, (SELECT count(*) FROM hits) "
        "FROM matches JOIN articles ON articles.id = matches.id "
        f"ORDER BY matches.tier, ts_rank_cd(articles.{PG_COLUMN}, {tsquery}) DESC, "
        "articles.sort_at DESC, articles.id DESC LIMIT :limit OFFSET :offset"
    )


def create_fts(connection: Connection, version: int = 1) -> None:
    """Create the backend's full-text objects as defined by revision ``version`` (idempotent)."""
    sqlite = connection.dialect.name == "sqlite"
    statements = sqlite_ddl(version) if sqlite else postgres_ddl(version)
    for statement in statements:
        connection.exec_driver_sql(statement)


def drop_fts(connection: Connection) -> None:
    """Drop the backend's full-text objects."""
    statements = SQLITE_DROP if connection.dialect.name == "sqlite" else POSTGRES_DROP
    for statement in statements:
        connection.exec_driver_sql(statement)


def is_fts_object(name: str | None, type_: str) -> bool:
    """True for tables, columns and indexes that belong to full-text search, not the models."""
    if not name:
        return False
    if type_ == "table":
        return name == FTS_TABLE or name.startswith(FTS_TABLE + "_")
    return name in (PG_COLUMN, PG_INDEX)


def query_tokens(query: str) -> list[str]:
    """The words of a user's query: letters and digits only, lower-cased, at most 16."""
    return _TOKEN.findall(query.casefold())[:MAX_TOKENS]


def search_ids(
    connection: Connection, query: str, limit: int, offset: int
) -> tuple[list[int], int]:
    """Ids of matching articles, best first, and how many match in all."""
    tokens = query_tokens(query)
    if not tokens:
        return [], 0
    ids, total = _search(connection, tokens, limit, offset, match_all=True)
    if total == 0 and len(tokens) > 1:
        ids, total = _search(connection, tokens, limit, offset, match_all=False)
    return ids, total


def _search(
    connection: Connection, tokens: list[str], limit: int, offset: int, *, match_all: bool
) -> tuple[list[int], int]:
    params = {
        **_query_params(connection, tokens, match_all),
        "tier": TIER,
        "candidates": TIER * math.ceil((offset + limit) / TIER),
        "limit": limit,
        "offset": offset,
    }
    if connection.dialect.name == "sqlite":
        total = _count(connection, tokens, match_all=match_all)
        if total == 0 or offset >= total:
            return [], total
        return list(connection.execute(_SQLITE_IDS, params).scalars()), total
    rows = connection.execute(_pg_ids(len(tokens), match_all), params).all()
    if rows:
        return [row[0] for row in rows], int(rows[0][1])
    return [], _count(connection, tokens, match_all=match_all) if offset else 0


def _query_params(connection: Connection, tokens: list[str], match_all: bool) -> dict[str, str]:
    if connection.dialect.name == "sqlite":
        joined = (" AND " if match_all else " OR ").join(f'"{token}"' for token in tokens)
        return {"query": joined}
    return {f"w{i}": token for i, token in enumerate(tokens)}


def _count(connection: Connection, tokens: list[str], *, match_all: bool) -> int:
    sqlite = connection.dialect.name == "sqlite"
    statement = _SQLITE_COUNT if sqlite else _pg_count(len(tokens), match_all)
    params = _query_params(connection, tokens, match_all)
    return int(connection.execute(statement, params).scalar() or 0)
