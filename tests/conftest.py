"""Shared fixtures: a fresh SQLite file or a fresh PostgreSQL database per test.

PostgreSQL comes from TEST_DATABASE_URL (default: the local server, database ``test``).
Each test that asks for it gets a database of its own, created and dropped around it, so
tests never see each other's rows. With CI=true an unreachable server fails the test;
elsewhere the test is skipped with one clear reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _admin_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL)


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def _psycopg_dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'newsbot.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL of a PostgreSQL database created for this test alone."""
    admin = _admin_url()
    try:
        import psycopg

        connection = psycopg.connect(_psycopg_dsn(admin), autocommit=True, connect_timeout=5)
    except Exception as error:
        message = f"PostgreSQL at {admin} is not reachable: {error}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    name = f"newsbot_test_{uuid.uuid4().hex[:12]}"
    with connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(admin, name)
    finally:
        with psycopg.connect(_psycopg_dsn(admin), autocommit=True) as cleanup:
            cleanup.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs twice: on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


class LeaseClock:
    """The store's clock for worker leases (``storage.deliveries.utc_now``): real time plus an
    offset a test moves forward, so a lease runs out when the test says and not after a sleep
    (a loaded machine can take longer than a short lease between two steps of a test)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta


@pytest.fixture
def lease_clock(monkeypatch: pytest.MonkeyPatch) -> LeaseClock:
    """Lease expiry judged by a clock the test moves (see LeaseClock)."""
    import storage.deliveries

    clock = LeaseClock()
    monkeypatch.setattr(storage.deliveries, "utc_now", clock)
    return clock
