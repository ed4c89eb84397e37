"""Fixtures for the ingestion tests: a local web site, a store, and ingestors with short limits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from ingest.defaults import ensure_default_topics
from ingest.fetch import Fetcher, FetchLimits
from ingest.pipeline import Ingestor
from storage import open_store
from storage.store import Store
from tests.ingest.site import Site

# The admin of the cores these tests drive (Settings below).
ADMIN = 7

# Short limits so timeout and size tests run quickly; the defaults are tested separately.
TEST_LIMITS = FetchLimits(
    connect_timeout=2.0,
    read_timeout=0.5,
    total_timeout=5.0,
    max_bytes=256 * 1024,
    max_redirects=3,
)


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site()
    try:
        yield server
    finally:
        server.close()


def core_settings(database_url: str, data_dir: Path, **overrides: Any) -> Settings:
    """Settings for a Core the ingest tests drive: no token, ADMIN the only admin, and private
    addresses allowed (the test site is on 127.0.0.1); ``overrides`` change any field."""
    fields: dict[str, Any] = {
        "telegram_token": None,
        "telegram_api_url": "https://api.telegram.org",
        "database_url": database_url,
        "admin_ids": frozenset({ADMIN}),
        "default_timezone": "UTC",
        "allow_private_urls": True,
        "data_dir": data_dir,
    }
    return Settings(**{**fields, **overrides})


def make_store(url: str) -> Store:
    store = open_store(url)
    ensure_default_topics(store)
    return store


@pytest.fixture
def store(sqlite_url: str) -> Iterator[Store]:
    opened = make_store(sqlite_url)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    """Private addresses allowed (the test site is on 127.0.0.1), short limits."""
    client = Fetcher(allow_private_urls=True, limits=TEST_LIMITS)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def ingestor(store: Store, fetcher: Fetcher) -> Iterator[Ingestor]:
    worker = Ingestor(store, allow_private_urls=True, fetcher=fetcher)
    try:
        yield worker
    finally:
        worker.close()
