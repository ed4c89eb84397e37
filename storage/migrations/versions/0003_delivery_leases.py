"""One owner per digest claim, a recorded send window, and default topics seeded once.

- ``worker_leases``: a digest worker's heartbeat; its claims are taken over only once it expired.
- ``deliveries.sending_part``: the part whose send started and was not yet confirmed.
- ``meta``: facts about the database; ``default_topics_seeded`` lists the default topics that
  were created once, so a default topic an admin deletes stays deleted. A database that was
  already in use had every default topic created at each start by the code before this
  revision, so it is marked as having seeded the defaults of that time.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The default topics as they were when this revision was written (ingest/defaults.py).
_DEFAULTS_OF_THE_TIME = "china-russia,world-economy,technology,energy,climate,security,health"


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "worker_leases",
        sa.Column("worker", sa.String(length=64), nullable=False),
        sa.Column("host", sa.String(length=64), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("renewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("worker"),
    )
    meta = op.create_table(
        "meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("sending_part", sa.Integer(), nullable=True))

    bind = op.get_bind()
    used = any(
        bind.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None
        for table in ("topics", "articles", "chats")
    )
    if used:
        now = datetime.now(UTC)
        stamp = now.replace(tzinfo=None) if bind.dialect.name == "sqlite" else now
        op.bulk_insert(
            meta,
            [{"key": "default_topics_seeded", "value": _DEFAULTS_OF_THE_TIME, "updated_at": stamp}],
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("sending_part")
    op.drop_table("meta")
    op.drop_table("worker_leases")
