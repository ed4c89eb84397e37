"""Chats choose the language of the bot's replies (/settings lang ru|en|auto).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("chats") as batch:
        batch.add_column(
            sa.Column("reply_language", sa.String(length=8), nullable=False, server_default="auto")
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("chats") as batch:
        batch.drop_column("reply_language")
