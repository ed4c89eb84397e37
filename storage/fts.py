"""Full-text search: the FTS objects of each backend and safe, ranked queries over them.

SQLite: an FTS5 external-content table ``articles_fts`` over articles(title, body), kept
current by triggers, ranked by bm25 with the title weighted above the body.
PostgreSQL: a generated ``search_vector`` tsvector column (the 'simple' configuration: no
stemming, so English and Russian behave alike, and as on SQLite) with a GIN index, ranked by
ts_rank_cd. Neither object is in the ORM models; migrations create them and the autogenerate
comparison skips them (``is_fts_object``).

User input never reaches the query syntax: it is reduced to word tokens, which are quoted
(FTS5) or passed to plainto_tsquery (PostgreSQL). All words must match; when none does with
all of them, articles matching any word are returned instead.
"""

from __future__ import annotations

import math
import re

from sqlalchemy import text
from sqlalchemy.engine import Connection

FTS_TABLE = "articles_fts"
PG_COLUMN = "search_vector"
PG_INDEX = "ix_articles_search_vector"
# tsvector values are limited to 1 MB; indexing the body's first characters keeps us far below.
PG_BODY_CHARS = 300_000
MAX_TOKENS = 16
_TOKEN = re.compile(r"[^\W_]+")

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, body, "
    "content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
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
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS articles_fts_update",
    "DROP TRIGGER IF EXISTS articles_fts_delete",
    "DROP TRIGGER IF EXISTS articles_fts_insert",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
POSTGRES_DDL = (
    f"ALTER TABLE articles ADD COLUMN IF NOT EXISTS {PG_COLUMN} tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', coalesce(title, '')), 'A') || "
    f"setweight(to_tsvector('simple', left(coalesce(body, ''), {PG_BODY_CHARS})), 'B')"
    ") STORED",
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON articles USING gin ({PG_COLUMN})",
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
_PG_TSQUERY = {
    True: "plainto_tsquery('simple', :query)",
    False: "to_tsquery('simple', replace(plainto_tsquery('simple', :query)::text, '&', '|'))",
}
_PG_COUNT = {
    mode: text(f"SELECT count(*) FROM articles WHERE {PG_COLUMN} @@ {tsquery}")
    for mode, tsquery in _PG_TSQUERY.items()
}
# The matches are collected through the GIN index first (MATERIALIZED): left to itself the
# planner walks the primary key backwards and tests every row, ten times slower.
_PG_IDS = {
    mode: text(
        f"WITH hits AS MATERIALIZED (SELECT id FROM articles WHERE {PG_COLUMN} @@ {tsquery}), "
        "matches AS (SELECT id, (row_number() OVER (ORDER BY id DESC) - 1) / :tier AS tier "
        "FROM hits ORDER BY id DESC LIMIT :candidates) "
        "SELECT articles.id, (SELECT count(*) FROM hits) "
        "FROM matches JOIN articles ON articles.id = matches.id "
        f"ORDER BY matches.tier, ts_rank_cd(articles.{PG_COLUMN}, {tsquery}) DESC, "
        "articles.sort_at DESC, articles.id DESC LIMIT :limit OFFSET :offset"
    )
    for mode, tsquery in _PG_TSQUERY.items()
}


def create_fts(connection: Connection) -> None:
    """Create the backend's full-text objects (idempotent)."""
    statements = SQLITE_DDL if connection.dialect.name == "sqlite" else POSTGRES_DDL
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
        "query": _query_text(connection, tokens, match_all),
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
    rows = connection.execute(_PG_IDS[match_all], params).all()
    if rows:
        return [row[0] for row in rows], int(rows[0][1])
    return [], _count(connection, tokens, match_all=match_all) if offset else 0


def _query_text(connection: Connection, tokens: list[str], match_all: bool) -> str:
    if connection.dialect.name == "sqlite":
        return (" AND " if match_all else " OR ").join(f'"{token}"' for token in tokens)
    return " ".join(tokens)


def _count(connection: Connection, tokens: list[str], *, match_all: bool) -> int:
    sqlite = connection.dialect.name == "sqlite"
    statement = _SQLITE_COUNT if sqlite else _PG_COUNT[match_all]
    query = _query_text(connection, tokens, match_all)
    return int(connection.execute(statement, {"query": query}).scalar() or 0)
