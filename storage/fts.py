"""Full-text search: the FTS objects of each backend and safe, ranked queries over them.

SQLite: an FTS5 external-content table ``articles_fts`` over articles(title, body,
search_stems), kept current by triggers, ranked by bm25 with the title weighted above the body.
Its porter tokenizer folds English inflections ("oils" finds "oil"); ``search_stems`` holds the
Snowball stems of a Russian article's words (storage/search_terms.py), so "Путина" finds
"Путин". Queries with enough matches among the newest articles are ranked in a small second
FTS5 index of them, where bm25 is cheap (storage/fts_recent.py). PostgreSQL: a generated
``search_vector`` tsvector column holding each word stemmed in the article's language (the
'russian' configuration for Russian articles, 'english' for the rest) and exact (the 'simple'
one), with a GIN index, ranked by ts_rank_cd normalised by length. Neither object is in the
ORM models; migrations create them and the autogenerate comparison skips them
(``is_fts_object``).

User input never reaches the query syntax: it is parsed into words, "phrases" and -exclusions
of letters and digits only (storage/search_terms.py), which are quoted (FTS5) or bound as
parameters of plainto_tsquery / phraseto_tsquery (PostgreSQL). All included terms must match;
when none does with all of them, articles matching any are returned instead. Excluded terms
never match. Both backends collect only the newest matches a page needs and rank those
(recency tiers, below), so a word in 125,000 articles costs what a rare one does.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy.engine import Connection

from storage import fts_recent
from storage.search_terms import MAX_TOKENS, TOKEN, ParsedQuery, Term, parse_query, russian_stem

FTS_TABLE = "articles_fts"
PG_COLUMN = "search_vector"
PG_INDEX = "ix_articles_search_vector"
# tsvector values are limited to 1 MB; indexing the body's first characters keeps us far below.
PG_BODY_CHARS = 300_000

# Each revision's definition, so a migration recreates exactly the objects of its revision.
# 1: no stemming. 2: English inflections fold together (porter on SQLite, the 'english'
# configuration beside 'simple' on PostgreSQL); other scripts pass through unchanged.
# 3: Russian inflections fold too (a stems column on SQLite, the 'russian' configuration for
# Russian articles on PostgreSQL).
SQLITE_TOKENIZE = {
    1: "unicode61 remove_diacritics 2",
    2: "porter unicode61 remove_diacritics 2",
    3: "porter unicode61 remove_diacritics 2",
}
SQLITE_COLUMNS = {1: ("title", "body"), 2: ("title", "body"), 3: ("title", "body", "search_stems")}
# The stemming configuration of each revision: a constant, or chosen by the article's language.
_BY_LANGUAGE = "CASE WHEN language = 'ru' THEN 'russian'::regconfig ELSE 'english'::regconfig END"
PG_CONFIGS = {1: ("'simple'",), 2: ("'english'", "'simple'"), 3: (_BY_LANGUAGE, "'simple'")}
LATEST = 3


def sqlite_ddl(version: int) -> tuple[str, ...]:
    """The FTS5 table, its triggers and the index rebuild of one revision."""
    columns = SQLITE_COLUMNS[version]
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({names}, "
        f"content='articles', content_rowid='id', tokenize='{SQLITE_TOKENIZE[version]}')",
        f"CREATE TRIGGER IF NOT EXISTS articles_fts_insert AFTER INSERT ON articles BEGIN "
        f"INSERT INTO {FTS_TABLE}(rowid, {names}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {names}) "
        f"VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER IF NOT EXISTS articles_fts_update AFTER UPDATE OF {names} ON articles "
        f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {names}) "
        f"VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {FTS_TABLE}(rowid, {names}) VALUES (new.id, {new}); END",
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
    )


def postgres_ddl(version: int) -> tuple[str, ...]:
    """The generated tsvector column and its GIN index of one revision."""
    configs = PG_CONFIGS[version]
    title = " || ".join(f"to_tsvector({c}, coalesce(title, ''))" for c in configs)
    body = " || ".join(
        f"to_tsvector({c}, left(coalesce(body, ''), {PG_BODY_CHARS}))" for c in configs
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
# consistent because a match's tier never depends on the page asked for. Only the newest
# matches are ever collected: counts are exact up to COUNT_LIMIT (or the page's candidates),
# and beyond that a page only knows that more follow (counting 125,000 matches of a common
# word would cost more than the search itself; replies show no count). A tier of 100 (it was
# 300): a word in 1 article of 8 then costs about 800 rows read on PostgreSQL, not 2,400,
# which keeps its p99 under 50 ms at 1,000,000 articles (docs/benchmarks.md, issue 14).
TIER = 100

# Matches are counted exactly up to this many (beyond the candidates a page needs, if more).
COUNT_LIMIT = 100

# Rank in SQLite's recent shard when it holds enough matches (storage/fts_recent.py); the
# search benchmark turns it off to time the whole index's ranking beside it.
USE_RECENT_SHARD = True

# FTS5 walks its doclists in rowid order, so LIMIT stops it after the newest matches.
_SQLITE_COUNT = text(
    f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :query "
    "ORDER BY rowid DESC LIMIT :fetch)"
)
# bm25() cannot sit beside a window function, so the tiers are numbered in a second step.
_SQLITE_PAGE = text(
    "WITH matches AS MATERIALIZED ("
    f"SELECT rowid AS id, bm25({FTS_TABLE}, 4.0, 1.0, 1.0) AS score FROM {FTS_TABLE} "
    f"WHERE {FTS_TABLE} MATCH :query ORDER BY rowid DESC LIMIT :candidates), "
    "tiered AS (SELECT id, score, (row_number() OVER (ORDER BY id DESC) - 1) / :tier AS tier "
    "FROM matches) "
    "SELECT articles.id FROM tiered JOIN articles ON articles.id = tiered.id "
    "ORDER BY tiered.tier, tiered.score, articles.sort_at DESC, articles.id DESC "
    "LIMIT :limit OFFSET :offset"
)


# On PostgreSQL a word matches its stem in either language of the index, or its exact form;
# a phrase matches the same way, word after word.
_PG_QUERY_CONFIGS = ("english", "russian", "simple")


def _pg_term(index: int, term_words: int) -> str:
    function = "plainto_tsquery" if term_words == 1 else "phraseto_tsquery"
    return "(" + " || ".join(f"{function}('{c}', :t{index})" for c in _PG_QUERY_CONFIGS) + ")"


def _pg_tsquery(shape: tuple[tuple[int, bool], ...], match_all: bool) -> str:
    """The tsquery of a query's shape: included terms joined by AND or OR, exclusions negated."""
    included = [_pg_term(i, n) for i, (n, negated) in enumerate(shape) if not negated]
    excluded = [f"!!{_pg_term(i, n)}" for i, (n, negated) in enumerate(shape) if negated]
    query = "(" + (" && " if match_all else " || ").join(included) + ")"
    return "(" + " && ".join([query, *excluded]) + ")"


# PostgreSQL cannot walk a GIN index newest first, and collecting every match of a common
# word ("putin": 125,000 of 1,000,000 articles) visits most of the table, so the planner used
# to scan it whole (4 s). Instead the matches are looked for among the newest ids
# (``id > :floor``), ranked as they are read (their rows are at hand: no second visit), and
# the window widens only when it holds fewer than a page needs (_pg_search). ts_rank_cd's
# normalisation 1 divides by the log of the length, as bm25 does on SQLite: without it a long
# article that mentions "rates" often outranks a short one about interest rates rising. One
# row comes back even for an empty page: the matches found, and the page's ids.
@lru_cache(maxsize=256)
def _pg_page(shape: tuple[tuple[int, bool], ...], match_all: bool) -> TextClause:
    tsquery = _pg_tsquery(shape, match_all)
    return text(
        "WITH hits AS MATERIALIZED (SELECT id, sort_at, "
        f"ts_rank_cd({PG_COLUMN}, {tsquery}, 1) AS score FROM articles "
        f"WHERE id > :floor AND {PG_COLUMN} @@ {tsquery} ORDER BY id DESC LIMIT :fetch), "
        "tiered AS (SELECT id, sort_at, score, "
        "(row_number() OVER (ORDER BY id DESC) - 1) / :tier AS tier FROM hits) "
        "SELECT (SELECT count(*) FROM hits), ARRAY(SELECT id FROM tiered "
        "WHERE tier < :tiers ORDER BY tier, score DESC, sort_at DESC, id DESC "
        "LIMIT :limit OFFSET :offset)"
    )


# The planner settings a search changes (for its own transaction only), what they were, and
# the newest id, in one round trip: each costs more than a statement here under load.
_PG_SETTINGS = ("plan_cache_mode", "enable_indexscan", "enable_seqscan")
_PG_START = text(
    "SELECT current_setting('plan_cache_mode'), current_setting('enable_indexscan'), "
    "current_setting('enable_seqscan'), "
    "set_config('plan_cache_mode', 'force_custom_plan', true), "
    "(SELECT coalesce(max(id), 0) FROM articles)"
)
# The first window holds this many ids per match wanted: a word in 1 article of 8 fills it,
# and the newest rows are read by the primary key until enough match (LIMIT stops early).
FIRST_WINDOW = 12
# A wider window is read through the GIN index, ANDed with the id range, so that only rows
# that match are visited; the planner, which thinks testing a row costs next to nothing,
# would rather read the whole window row by row (10 times slower for two common words).
_PG_BITMAPS_ONLY = text(
    "SELECT set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true)"
)
_PG_RESTORE = text(
    "SELECT set_config('plan_cache_mode', :plan_cache_mode, true), "
    "set_config('enable_indexscan', :enable_indexscan, true), "
    "set_config('enable_seqscan', :enable_seqscan, true)"
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
    return TOKEN.findall(query.casefold())[:MAX_TOKENS]


def search_ids(
    connection: Connection, query: str, limit: int, offset: int
) -> tuple[list[int], int | None]:
    """Ids of matching articles, best first, and how many match (None: more than counted)."""
    parsed = parse_query(query)
    if not parsed.include:
        return [], 0
    ids, total = _search(connection, parsed, limit, offset, match_all=True)
    if total == 0 and len(parsed.include) > 1:
        ids, total = _search(connection, parsed, limit, offset, match_all=False)
    return ids, total


def _search(
    connection: Connection, parsed: ParsedQuery, limit: int, offset: int, *, match_all: bool
) -> tuple[list[int], int | None]:
    candidates = TIER * math.ceil((offset + limit) / TIER)
    params: dict[str, Any] = {
        **_query_params(connection, parsed, match_all),
        "tier": TIER,
        "tiers": candidates // TIER,
        "candidates": candidates,
        "fetch": max(candidates, COUNT_LIMIT) + 1,
        "limit": limit,
        "offset": offset,
    }
    if connection.dialect.name == "sqlite":
        # bm25 over the whole index recounts each word's matches (5 ms for a common word at
        # 1,000,000 articles): a query with enough matches among the newest articles is
        # ranked in the recent shard instead, with the same candidates (storage/fts_recent.py).
        if USE_RECENT_SHARD and fts_recent.has_recent(connection):
            ids = fts_recent.recent_page(connection, params)
            if ids is not None:
                return ids, None
        found = int(connection.execute(_SQLITE_COUNT, params).scalar() or 0)
        ids = []
        if found > offset:
            ids = list(connection.execute(_SQLITE_PAGE, params).scalars())
    else:
        ids, found = _pg_search(connection, _pg_page(parsed.shape, match_all), params)
    return ids, (None if found >= params["fetch"] else found)


def _pg_search(
    connection: Connection, statement: TextClause, params: dict[str, Any]
) -> tuple[list[int], int]:
    """The page's ids and the matches found (up to ``fetch``), widening the window of ids."""
    # Each search is planned for its own words and window: a plan cached for other words
    # (psycopg prepares statements run often) could scan a common word's 125,000 matches.
    *before, _set, newest = connection.execute(_PG_START).one()
    fetch = params["fetch"]
    window = FIRST_WINDOW * fetch
    bitmaps_only = False
    try:
        while True:
            floor = max(0, newest - window)
            found, ids = connection.execute(statement, {**params, "floor": floor}).one()
            if found >= fetch or floor == 0:
                return list(ids), int(found)
            if not bitmaps_only:
                connection.execute(_PG_BITMAPS_ONLY)
                bitmaps_only = True
            # Wide enough for twice the matches wanted at the density seen (the whole table
            # when none matched): each wider look reads the words' whole GIN entries again.
            window = window * min(64, max(4, math.ceil(2 * fetch / found))) if found else newest
    finally:  # the rest of the transaction plans as usual
        connection.execute(_PG_RESTORE, dict(zip(_PG_SETTINGS, before, strict=True)))


def _fts5_term(term: Term) -> str:
    """An FTS5 expression for one word or phrase: the text as written, or its Russian stems."""
    written = f'{{title body}} : "{" ".join(term.words)}"'
    if not term.cyrillic:
        return written
    stems = " ".join(russian_stem(word) for word in term.words)
    return f'({written} OR search_stems : "{stems}")'


def fts5_query(parsed: ParsedQuery, match_all: bool) -> str:
    """The MATCH expression of a parsed query (its words are letters and digits only)."""
    included = (" AND " if match_all else " OR ").join(_fts5_term(t) for t in parsed.include)
    if not parsed.exclude:
        return included
    excluded = " OR ".join(_fts5_term(t) for t in parsed.exclude)
    return f"({included}) NOT ({excluded})"


def _query_params(connection: Connection, parsed: ParsedQuery, match_all: bool) -> dict[str, str]:
    if connection.dialect.name == "sqlite":
        return {"query": fts5_query(parsed, match_all)}
    terms = (*parsed.include, *parsed.exclude)
    return {f"t{i}": " ".join(term.words) for i, term in enumerate(terms)}
