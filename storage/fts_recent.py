"""SQLite's recent shard: a second, small FTS5 index of the newest articles, ranked by bm25.

bm25 needs each phrase's document frequency, and FTS5 counts it on every query by walking the
phrase's whole doclist: 125,000 entries for a word in 1 article of 8 at 1,000,000 articles,
5-6 ms of CPU, while finding the newest 100 matches (LIMIT stops the walk) takes 0.1 ms
(issue 14; Python's sqlite3 cannot register an FTS5 auxiliary function that would rank from
cached frequencies, and highlight(), the only other way to read a row's term frequencies,
re-tokenizes every candidate's text: 1 ms for 100). So the newest RECENT_KEEP articles are
indexed a second time, in ``articles_fts_recent``, where a common word's doclist holds a few
thousand entries and bm25 costs about 0.3 ms for two of them.

The shard holds exactly the articles whose id is above a floor (``articles_fts_recent_state``),
kept so by triggers on ``articles``: a new article above the floor is indexed, then the floor
rises to ``max(id) - keep`` and the rows at or below it leave; deletes and edits follow. Ids
rise with time, so a query that has at least the page's candidates among the shard's matches
gets exactly the newest matches the whole index would give (the recency tiers of storage/fts.py
are unchanged); only bm25's frequencies are the shard's, i.e. how common a word is in recent
news, which suits ranking news. A query with fewer matches in the shard (rare words, phrases,
a page deep in the results) is answered by the full index as before: a rare word's doclist is
short there, so bm25 stays cheap, except for a common word ANDed with a rare one.

Writes pay for it: each article is indexed twice and, past RECENT_KEEP, evicts one (FTS5
re-tokenizes a row to remove it): about 0.16 ms more an article, half the bulk insert rate
(docs/benchmarks.md). The shard is an ordinary FTS5 table (it stores its own copy of the
text): evicting a row then needs only its rowid. An external-content shard would have to be
told each evicted row's exact text. SQLite's batch migrations recreate ``articles`` and lose
its triggers: a migration that batch-alters ``articles`` recreates these objects
(``create_recent``), as it does articles_fts.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

RECENT_TABLE = "articles_fts_recent"
STATE_TABLE = "articles_fts_recent_state"
# 20,000 newest articles: two words each in 1 article of 8 match together in 1 of 64, so the
# shard holds about 300 such matches, enough for the first three pages' 100-article tiers;
# bm25 over it costs 0.3 ms (50,000 would cost 0.6 ms, 10,000 serve a single tier).
RECENT_KEEP = 20_000
# Evicted rows leave deletion markers in the shard's doclists until its segments merge: after
# 40,000 evictions bm25 over the shard took 0.51 ms instead of 0.28. Merging it whole every
# 5,000 articles takes 0.1-0.2 s (0.04 ms an article) and keeps it at 0.28-0.41 ms.
OPTIMIZE_EVERY = 5_000
_COLUMNS = ("title", "body", "search_stems")
_TOKENIZE = "porter unicode61 remove_diacritics 2"  # as articles_fts (fts.SQLITE_TOKENIZE[3])

_NAMES = ", ".join(_COLUMNS)
_NEW = ", ".join(f"new.{c}" for c in _COLUMNS)
_FLOOR = f"(SELECT floor FROM {STATE_TABLE})"
_NEW_FLOOR = f"(SELECT max(id) FROM articles) - (SELECT keep FROM {STATE_TABLE})"

SQLITE_RECENT_DDL = (
    f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (keep INTEGER NOT NULL, floor INTEGER NOT NULL)",
    f"INSERT INTO {STATE_TABLE} (keep, floor) SELECT {RECENT_KEEP}, "
    f"max(0, coalesce((SELECT max(id) FROM articles), 0) - {RECENT_KEEP}) "
    f"WHERE NOT EXISTS (SELECT 1 FROM {STATE_TABLE})",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {RECENT_TABLE} USING fts5({_NAMES}, "
    f"tokenize='{_TOKENIZE}')",
    # Filled only when just created (empty): an existing shard is already current.
    f"INSERT INTO {RECENT_TABLE} (rowid, {_NAMES}) SELECT id, {_NAMES} FROM articles "
    f"WHERE id > {_FLOOR} AND NOT EXISTS (SELECT 1 FROM {RECENT_TABLE})",
    f"CREATE TRIGGER IF NOT EXISTS articles_fts_recent_insert AFTER INSERT ON articles "
    f"WHEN new.id > {_FLOOR} BEGIN "
    f"INSERT INTO {RECENT_TABLE} (rowid, {_NAMES}) VALUES (new.id, {_NEW}); "
    f"UPDATE {STATE_TABLE} SET floor = {_NEW_FLOOR} WHERE floor < {_NEW_FLOOR}; "
    f"DELETE FROM {RECENT_TABLE} WHERE rowid <= {_FLOOR}; "
    f"INSERT INTO {RECENT_TABLE} ({RECENT_TABLE}) SELECT 'optimize' "
    f"WHERE new.id % {OPTIMIZE_EVERY} = 0; END",
    f"CREATE TRIGGER IF NOT EXISTS articles_fts_recent_delete AFTER DELETE ON articles "
    f"WHEN old.id > {_FLOOR} BEGIN DELETE FROM {RECENT_TABLE} WHERE rowid = old.id; END",
    f"CREATE TRIGGER IF NOT EXISTS articles_fts_recent_update AFTER UPDATE OF {_NAMES} "
    f"ON articles WHEN new.id > {_FLOOR} BEGIN "
    f"UPDATE {RECENT_TABLE} SET "
    + ", ".join(f"{c} = new.{c}" for c in _COLUMNS)
    + " WHERE rowid = new.id; END",
)
SQLITE_RECENT_DROP = (
    "DROP TRIGGER IF EXISTS articles_fts_recent_update",
    "DROP TRIGGER IF EXISTS articles_fts_recent_delete",
    "DROP TRIGGER IF EXISTS articles_fts_recent_insert",
    f"DROP TABLE IF EXISTS {RECENT_TABLE}",
    f"DROP TABLE IF EXISTS {STATE_TABLE}",
)


def create_recent(connection: Connection) -> None:
    """Create (and fill) the recent shard on SQLite; nothing on PostgreSQL (idempotent)."""
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_RECENT_DDL:
            connection.exec_driver_sql(statement)


def drop_recent(connection: Connection) -> None:
    """Drop the recent shard on SQLite (nothing on PostgreSQL)."""
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_RECENT_DROP:
            connection.exec_driver_sql(statement)


# The page's ids ranked in the shard, and how many of its newest matches were collected
# (``fetch``: one more than a count must be exact for), in one statement: the matches are
# walked once. While the floor is 0 the shard holds every article (a store of up to
# RECENT_KEEP) and would save nothing: the constant condition ends the statement at once.
_RECENT_PAGE = text(
    "WITH matches AS MATERIALIZED ("
    f"SELECT rowid AS id, bm25({RECENT_TABLE}, 4.0, 1.0, 1.0) AS score FROM {RECENT_TABLE} "
    f"WHERE {RECENT_TABLE} MATCH :query AND {_FLOOR} > 0 ORDER BY rowid DESC LIMIT :fetch), "
    "tiered AS (SELECT id, score, (row_number() OVER (ORDER BY id DESC) - 1) / :tier AS tier "
    "FROM matches) "
    "SELECT articles.id, (SELECT count(*) FROM matches) FROM tiered "
    "JOIN articles ON articles.id = tiered.id WHERE tiered.tier < :tiers "
    "ORDER BY tiered.tier, tiered.score, articles.sort_at DESC, articles.id DESC "
    "LIMIT :limit OFFSET :offset"
)


def has_recent(connection: Connection) -> bool:
    """Whether this database has the shard (a store opened below migration 0007 has not)."""
    return (
        connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (RECENT_TABLE,)
        ).first()
        is not None
    )


def recent_page(connection: Connection, params: dict[str, Any]) -> list[int] | None:
    """The page's ids ranked in the shard (bm25 weights and recency tiers as storage/fts.py
    ranks the whole index), or None when the shard has fewer than ``fetch`` matches: only
    then are its newest matches surely the whole index's (and more follow than are counted).
    """
    rows = connection.execute(_RECENT_PAGE, params).all()
    if not rows or rows[0][1] < params["fetch"]:
        return None
    return [row[0] for row in rows]
