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

# bm25() cannot be used beside a window function: it is computed in a materialized CTE first.
_SQLITE_SEARCH = text(
    "WITH matches AS MATERIALIZED ("
    f"SELECT rowid AS id, bm25({FTS_TABLE}, 4.0, 1.0) AS score FROM {FTS_TABLE} "
    f"WHERE {FTS_TABLE} MATCH :query) "
    "SELECT articles.id, count(*) OVER () FROM matches JOIN articles ON articles.id = matches.id "
    "ORDER BY matches.score, articles.sort_at DESC, articles.id DESC LIMIT :limit OFFSET :offset"
)
_POSTGRES_SEARCH = (
    "SELECT articles.id, count(*) OVER () FROM articles, {query} AS query "
    f"WHERE articles.{PG_COLUMN} @@ query "
    f"ORDER BY ts_rank_cd(articles.{PG_COLUMN}, query) DESC, articles.sort_at DESC, "
    "articles.id DESC LIMIT :limit OFFSET :offset"
)
_PG_ALL = text(_POSTGRES_SEARCH.format(query="plainto_tsquery('simple', :query)"))
_PG_ANY = text(
    _POSTGRES_SEARCH.format(
        query="to_tsquery('simple', replace(plainto_tsquery('simple', :query)::text, '&', '|'))"
    )
)


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
    ids, total = _run(connection, tokens, limit, offset, match_all=True)
    if total == 0 and len(tokens) > 1:
        ids, total = _run(connection, tokens, limit, offset, match_all=False)
    return ids, total


def _run(
    connection: Connection, tokens: list[str], limit: int, offset: int, *, match_all: bool
) -> tuple[list[int], int]:
    if connection.dialect.name == "sqlite":
        joiner = " AND " if match_all else " OR "
        statement = _SQLITE_SEARCH
        query = joiner.join(f'"{token}"' for token in tokens)
    else:
        statement = _PG_ALL if match_all else _PG_ANY
        query = " ".join(tokens)
    rows = connection.execute(statement, {"query": query, "limit": limit, "offset": offset}).all()
    if not rows:
        total = 0 if offset == 0 else _count(connection, statement, query)
        return [], total
    return [row[0] for row in rows], int(rows[0][1])


def _count(connection: Connection, statement: object, query: str) -> int:
    # Past the last page the window count is lost with the rows: ask once for the first row.
    rows = connection.execute(statement, {"query": query, "limit": 1, "offset": 0}).all()  # type: ignore[arg-type]
    return int(rows[0][1]) if rows else 0
