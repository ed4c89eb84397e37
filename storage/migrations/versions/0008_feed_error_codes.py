"""Feeds keep their last error's code and params, so /feeds says it in the reader's language.

Rows from before keep only their English text (the bot shows it as it is).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("feeds") as batch:
        batch.add_column(
            sa.Column("last_error_code", sa.String(length=64), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("last_error_params", sa.Text(), nullable=False, server_default="")
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("feeds") as batch:
        batch.drop_column("last_error_params")
        batch.drop_column("last_error_code")
