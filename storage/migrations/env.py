"""Alembic environment: runs migrations on the connection storage.migrate hands over."""

from __future__ import annotations

from alembic import context

from storage import fts
from storage.models import Base


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave the full-text objects out of autogenerate: they live outside the models."""
    return not fts.is_fts_object(name, type_)


def run_migrations() -> None:
    """Migrate on the connection given in config.attributes (there is no offline mode)."""
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_name=include_name,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
