"""Migrations: models and migration head agree; upgrades are idempotent and reversible."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from storage import Store, open_store
from storage.migrate import downgrade, schema_differences, upgrade


def test_autogenerate_finds_no_difference(store: Store) -> None:
    assert schema_differences(store.engine) == []


def test_upgrade_is_idempotent_and_downgrade_reverses(database_url: str) -> None:
    store = open_store(database_url)
    try:
        store.upgrade()
        store.upgrade()
        downgrade(store.engine, "base")
        assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
        upgrade(store.engine)
        assert schema_differences(store.engine) == []
    finally:
        store.close()
    reopened = open_store(database_url)
    assert reopened.count_articles() == 0
    reopened.close()


def test_open_store_creates_the_data_directory(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "data" / "newsbot.db"
    store = open_store(f"sqlite:///{path}")
    store.close()
    assert path.exists()
