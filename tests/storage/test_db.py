"""Engine set-up: URL forms, pool options, SQLite pragmas, and claims racing across threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import ArticleDraft, StorageError, Store, open_store
from storage.db import create_store_engine, resolve_url


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u@h/db",
        "postgres://u@h/db",
        "postgresql+psycopg://u@h/db",
        "postgresql+psycopg2://u@h/db",
    ],
)
def test_postgres_urls_use_psycopg3(url: str) -> None:
    assert resolve_url(url).drivername == "postgresql+psycopg"


@pytest.mark.parametrize(
    "url",
    ["mysql://u@h/db", "not a url", "postgresql://u@h/db?pool_size=x", "postgresql://u@h:port/db"],
)
def test_bad_urls_refused(url: str) -> None:
    with pytest.raises(StorageError, match="DATABASE_URL"):
        create_store_engine(url).dispose()


def test_pool_settings_from_url() -> None:
    engine = create_store_engine(
        "postgresql://u@127.0.0.1/db?pool_size=3&max_overflow=1&pool_recycle=60&connect_timeout=2"
    )
    assert engine.pool.size() == 3  # type: ignore[attr-defined]
    assert engine.pool._max_overflow == 1  # type: ignore[attr-defined]
    assert engine.url.query == {"connect_timeout": "2"}
    engine.dispose()


def test_sqlite_pragmas(sqlite_store: Store) -> None:
    with sqlite_store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_in_memory_sqlite_works() -> None:
    store = open_store("sqlite://")
    store.upsert_topic("tech", "Technology", "chip")
    topic = store.find_topic("tech")
    assert topic is not None
    assert topic.name == "Technology"
    store.close()


def test_concurrent_claims_one_winner(database_url: str) -> None:
    first, second = open_store(database_url), Store(database_url)
    try:
        topic = first.upsert_topic("energy", "Energy", "oil")
        first.upsert_chat(1)
        sub_id = first.subscribe(1, topic.id)[0].id
        start = datetime(2026, 1, 1, tzinfo=UTC)

        def claim(args: tuple[Store, str]) -> bool:
            store, period = args
            found = store.claim_delivery(
                sub_id,
                period,
                worker=str(id(store)),
                window_start=start,
                window_end=start + timedelta(days=1),
            )
            return found is not None

        jobs = [(store, f"p{n % 5}") for n in range(20) for store in (first, second)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            won = list(pool.map(claim, jobs))
        assert sum(won) == 5
        assert len(first.deliveries_for(sub_id)) == 5
    finally:
        first.close()
        second.close()


def test_concurrent_adds_of_one_article_store_it_once(database_url: str) -> None:
    stores = [open_store(database_url), Store(database_url)]
    try:
        same = ArticleDraft(title="Same story", body="One text sent by many at once.")

        def add(n: int) -> tuple[int, bool]:
            result = stores[n % 2].add_article(same)
            return result.article.id, result.created

        with ThreadPoolExecutor(max_workers=6) as pool:
            outcomes = list(pool.map(add, range(12)))
        assert len({article_id for article_id, _ in outcomes}) == 1
        assert sum(created for _, created in outcomes) == 1
        assert stores[0].count_articles() == 1
    finally:
        for store in stores:
            store.close()


def test_uncreatable_data_directory_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StorageError, match="Cannot create the data directory"):
        Store(f"sqlite:///{blocker / 'data' / 'newsbot.db'}")


def test_postgres_pool_recycles_instead_of_pinging_every_checkout(postgres_url: str) -> None:
    """Issue 14: a ping before every transaction doubled the round trips; connections are
    recycled after a while instead, and ``?pool_pre_ping=1`` still turns the ping on."""
    store = open_store(postgres_url)
    pings: list[int] = []
    dialect = store.engine.dialect
    original_ping = dialect.do_ping
    dialect.do_ping = lambda connection: pings.append(1) or original_ping(connection)  # type: ignore[method-assign]
    try:
        for _ in range(5):
            store.list_topics()
        assert pings == []
        assert store.engine.pool._recycle == 300  # type: ignore[attr-defined]
    finally:
        store.close()
    pinged = create_store_engine(postgres_url + "?pool_pre_ping=1")
    assert pinged.pool._pre_ping  # type: ignore[attr-defined]
    pinged.dispose()


def test_postgres_connections_dropped_by_the_server_fail_once_then_work(
    postgres_url: str,
) -> None:
    """Without the ping, a restart of the server costs one failed call, not a broken pool."""
    store = open_store(postgres_url)
    admin = open_store(postgres_url)
    try:
        store.upsert_topic("tech", "Technology", "chip")
        with store.engine.connect() as connection:
            own_pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        with admin.engine.begin() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": own_pid})
        failures = 0
        for _ in range(3):
            try:
                topic = store.find_topic("tech")
            except Exception:  # whatever the driver raises for a dead connection
                failures += 1
            else:
                break
        assert failures <= 1
        assert topic is not None and topic.name == "Technology"
    finally:
        admin.close()
        store.close()
