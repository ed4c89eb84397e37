"""Alembic environment: runs migrations on the connection storage.migrate hands over."""

from __future__ import annotations

from alembic import context

from storage.migrate import include_name
from storage.models import Base


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
