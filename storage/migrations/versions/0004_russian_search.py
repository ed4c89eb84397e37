"""Russian search: inflected Russian words match ("Путина" finds "Путин") on both backends.

Adds ``articles.search_stems`` (the Snowball stems of a Russian article's words), fills it for
the Russian articles already stored, and recreates the full-text objects: SQLite indexes the
stems as a third FTS5 column; PostgreSQL stems Russian articles with its 'russian'
configuration (chosen by ``articles.language``) beside 'simple'.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage import fts
from storage.search_terms import stems_for_index

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 500


def upgrade() -> None:
    """Apply this revision."""
    bind = op.get_bind()
    fts.drop_fts(bind)
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("search_stems", sa.Text(), nullable=False, server_default=""))
    articles = sa.table(
        "articles",
        sa.column("id", sa.Integer),
        sa.column("title", sa.String),
        sa.column("body", sa.Text),
        sa.column("language", sa.String),
        sa.column("search_stems", sa.Text),
    )
    last_id = 0
    while True:
        rows = bind.execute(
            sa.select(articles.c.id, articles.c.title, articles.c.body, articles.c.language)
            .where(articles.c.language == "ru", articles.c.id > last_id)
            .order_by(articles.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        bind.execute(
            articles.update()
            .where(articles.c.id == sa.bindparam("row_id"))
            .values(search_stems=sa.bindparam("stems")),
            [
                {"row_id": row.id, "stems": stems_for_index(row.language, row.title, row.body)}
                for row in rows
            ],
        )
        last_id = rows[-1].id
    fts.create_fts(bind, version=3)


def downgrade() -> None:
    """Revert this revision."""
    bind = op.get_bind()
    fts.drop_fts(bind)
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("search_stems")
    fts.create_fts(bind, version=2)
