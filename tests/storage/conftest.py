"""Storage fixtures: a migrated Store on each backend, and article drafts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from storage import ArticleDraft, Store, open_store


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """A Store on a fresh, migrated database (runs on SQLite and on PostgreSQL)."""
    opened = open_store(database_url)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[Store]:
    """A Store on a fresh SQLite database only."""
    opened = open_store(sqlite_url)
    try:
        yield opened
    finally:
        opened.close()


def draft(n: int, **changes: object) -> ArticleDraft:
    """A valid draft whose text is unique to ``n``."""
    values: dict[str, object] = {
        "title": f"Article number {n}",
        "body": f"Body text of article {n}. It says something about item{n}.",
        "url": f"https://news.example.com/{n}",
        "published_at": datetime(2026, 1, 1, tzinfo=UTC).replace(hour=n % 24, minute=n % 60),
    }
    values.update(changes)
    return ArticleDraft(**values)  # type: ignore[arg-type]
