"""SQLite search ranks common words in a small index of the newest articles (issue 14).

Adds the recent shard (storage/fts_recent.py): an FTS5 table of the newest 20,000 articles,
filled from the articles stored, with its state row and the triggers that keep it current.
bm25 over it does not recount a common word's matches across the whole index on every query.
PostgreSQL is unchanged.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from storage import fts_recent

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    fts_recent.create_recent(op.get_bind())


def downgrade() -> None:
    """Revert this revision."""
    fts_recent.drop_recent(op.get_bind())
