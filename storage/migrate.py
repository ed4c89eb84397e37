"""Alembic, configured in code (no alembic.ini), so migrations run from an installed package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text

from storage import fts

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Any fixed number: concurrent starts on PostgreSQL take turns at migrating.
_PG_LOCK_KEY = 7_346_221


def alembic_config(connection: object | None = None) -> Config:
    """An Alembic Config pointing at storage/migrations, optionally bound to a connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to ``revision`` in one transaction (SQLite: one write lock)."""
    from storage.db import WRITE_OPTION

    with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database down to ``revision``."""
    from storage.db import WRITE_OPTION

    with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave the full-text objects out of autogenerate: they live outside the models."""
    return not fts.is_fts_object(name, type_)


def schema_differences(engine: Engine) -> list[Any]:
    """What autogenerate would change to make the database match the models (empty: none)."""
    from storage.models import Base

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": include_name, "compare_type": True}
        )
        return list(compare_metadata(context, Base.metadata))
