"""SQLite's recent shard (migration 0007): common words ranked among the newest articles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event, text

from storage import ArticleDraft, Store, fts, fts_recent
from storage.migrate import downgrade, schema_differences, upgrade


def _add(store: Store, title: str, body: str) -> int:
    return store.add_article(ArticleDraft(title=title, body=body)).article.id


def _keep(store: Store, keep: int) -> None:
    """Make the shard hold only the newest ``keep`` articles from the next insert on."""
    with store.engine.begin() as connection:
        connection.execute(
            text(f"UPDATE {fts_recent.STATE_TABLE} SET keep = :keep"), {"keep": keep}
        )


def _shard_ids(store: Store, match: str | None = None) -> list[int]:
    sql = f"SELECT rowid FROM {fts_recent.RECENT_TABLE}"
    if match:
        sql += f" WHERE {fts_recent.RECENT_TABLE} MATCH :match"
    with store.engine.connect() as connection:
        return sorted(connection.execute(text(sql + " ORDER BY rowid"), {"match": match}).scalars())


@pytest.fixture
def ranked_in(sqlite_store: Store) -> Iterator[list[str]]:
    """The FTS5 table of each ranking statement (bm25) run: the shard is tried first."""
    tables: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        if "bm25(" in statement:
            recent = f"FROM {fts_recent.RECENT_TABLE} " in statement
            tables.append(fts_recent.RECENT_TABLE if recent else fts.FTS_TABLE)

    event.listen(sqlite_store.engine, "before_cursor_execute", record)
    yield tables
    event.remove(sqlite_store.engine, "before_cursor_execute", record)


@pytest.fixture
def small_tiers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiers of 3 and counts capped at 3: seven matches behave like 700."""
    monkeypatch.setattr(fts, "TIER", 3)
    monkeypatch.setattr(fts, "COUNT_LIMIT", 3)


@pytest.mark.usefixtures("small_tiers")
def test_common_words_rank_in_the_shard_with_the_same_tiers(
    sqlite_store: Store, ranked_in: list[str]
) -> None:
    _add(sqlite_store, "Weather", "Rain on Monday.")
    _keep(sqlite_store, 7)  # the shard will hold the seven newest: those below
    weak = [_add(sqlite_store, f"Note {n}", f"Mentions gas once, item {n}.") for n in range(6)]
    strong = _add(sqlite_store, "Gas gas gas", "Gas deal, gas prices, gas pipeline.")
    assert _shard_ids(sqlite_store) == [*weak, strong]
    pages = [sqlite_store.search_articles("gas", 2, offset=offset) for offset in range(0, 8, 2)]
    assert [a.id for page in pages for a in page.items] == [strong, *reversed(weak)]
    # Pages within the shard's matches rank there; the last asks for more than it holds.
    assert ranked_in == [fts_recent.RECENT_TABLE] * 4 + [fts.FTS_TABLE]
    assert [page.has_more for page in pages] == [True, True, True, False]
    assert pages[0].total is None and pages[-1].total == 7


@pytest.mark.usefixtures("small_tiers")
def test_the_shard_ranks_as_the_whole_index_does(sqlite_store: Store, ranked_in: list[str]) -> None:
    _add(sqlite_store, "Weather", "Rain on Monday.")
    _keep(sqlite_store, 7)
    for n in range(4):  # older matches: the next tier
        _add(sqlite_store, f"Rates {n}", f"Interest rates rise a little, note {n}.")
    about = _add(
        sqlite_store,
        "Interest rates rise again",
        "The central bank raised interest rates as inflation held up.",
    )
    long_body = " ".join(["Firms fear rising rates and weaker interest in bonds."] * 30)
    _add(sqlite_store, "German business confidence slides", long_body)
    in_body = _add(sqlite_store, "Markets", "Interest rates rise, traders say.")
    from_shard = [a.id for a in sqlite_store.search_articles("interest rates rise", 3).items]
    assert ranked_in == [fts_recent.RECENT_TABLE]
    with sqlite_store.engine.begin() as connection:
        fts_recent.drop_recent(connection)
    from_index = [a.id for a in sqlite_store.search_articles("interest rates rise", 3).items]
    assert ranked_in[-1] == fts.FTS_TABLE
    assert from_shard == from_index and from_shard[0] == about and in_body in from_shard


@pytest.mark.usefixtures("small_tiers")
def test_a_store_no_larger_than_the_shard_ranks_in_the_whole_index(
    sqlite_store: Store, ranked_in: list[str]
) -> None:
    ids = [_add(sqlite_store, f"Gas report {n}", f"Gas prices, day {n}.") for n in range(8)]
    assert _shard_ids(sqlite_store) == ids  # every article: the shard would save nothing
    assert len(sqlite_store.search_articles("gas", 3).items) == 3
    assert ranked_in == [fts_recent.RECENT_TABLE, fts.FTS_TABLE]  # its floor is 0


@pytest.mark.usefixtures("small_tiers")
def test_the_shard_holds_the_newest_articles_and_follows_edits(
    sqlite_store: Store, ranked_in: list[str]
) -> None:
    _keep(sqlite_store, 4)
    ids = [_add(sqlite_store, f"Gas report {n}", f"Gas prices, day {n}.") for n in range(8)]
    assert _shard_ids(sqlite_store) == ids[-4:]
    first = sqlite_store.search_articles("gas", 3)
    assert [a.id for a in first.items] == list(reversed(ids[-3:]))
    assert ranked_in == [fts_recent.RECENT_TABLE]
    # Older matches than the shard holds come from the whole index, in the same order.
    later = [a.id for a in sqlite_store.search_articles("gas", 3, offset=3).items]
    assert later == list(reversed(ids[-6:-3])) and ranked_in[-1] == fts.FTS_TABLE

    sqlite_store.delete_article(ids[-1])
    assert _shard_ids(sqlite_store) == ids[-4:-1]
    assert ids[-1] not in {a.id for a in sqlite_store.search_articles("gas", 10).items}
    with sqlite_store.engine.begin() as connection:
        connection.execute(
            text("UPDATE articles SET title = 'Wheat harvest' WHERE id = :id"), {"id": ids[-2]}
        )
    assert _shard_ids(sqlite_store, "wheat") == [ids[-2]]
    # The floor never falls: the next article (SQLite reuses the deleted newest id) is
    # indexed beside the three left, and the one after it evicts the oldest.
    newest = _add(sqlite_store, "Gas again", "Gas prices fell.")
    assert _shard_ids(sqlite_store) == [*ids[-4:-1], newest]
    after = _add(sqlite_store, "Gas once more", "Gas prices rose.")
    assert _shard_ids(sqlite_store) == [*ids[-3:-1], newest, after]


def test_migration_fills_the_shard_with_the_newest_articles(sqlite_store: Store) -> None:
    ids = [_add(sqlite_store, f"Oil {n}", f"Oil prices, day {n}.") for n in range(3)]
    downgrade(sqlite_store.engine, "0006")
    assert not _has_shard(sqlite_store)
    assert sqlite_store.search_articles("oil").total == 3  # the whole index, as before
    late = _add(sqlite_store, "Oil 3", "Oil prices, day 3.")
    upgrade(sqlite_store.engine)
    assert _shard_ids(sqlite_store) == [*ids, late]
    assert schema_differences(sqlite_store.engine) == []
    with sqlite_store.engine.begin() as connection:
        fts_recent.create_recent(connection)  # idempotent: the shard is not filled twice
    assert _shard_ids(sqlite_store, "oil") == [*ids, late]


def _has_shard(store: Store) -> bool:
    with store.engine.connect() as connection:
        return fts_recent.has_recent(connection)
