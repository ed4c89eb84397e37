"""Stemmed full-text search: English inflections match ("oils" finds "oil") on both backends.

SQLite recreates the FTS5 table with the porter tokenizer and rebuilds its index; PostgreSQL
regenerates the search column as English stems plus exact words and recreates its GIN index.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from storage import fts

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    fts.drop_fts(op.get_bind())
    fts.create_fts(op.get_bind(), version=2)


def downgrade() -> None:
    """Revert this revision."""
    fts.drop_fts(op.get_bind())
    fts.create_fts(op.get_bind(), version=1)
