"""Watched sources carry include and exclude keywords, and remember the articles those
skipped; a feed's item keeps its own state: backed off after failed fetches, or
settled when its article was drafted through another address.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the keyword columns (empty: every article, as before) and the two tables."""
    with op.batch_alter_table("watched_sources") as table:
        for column in ("include_keywords", "exclude_keywords"):
            table.add_column(sa.Column(column, sa.Text(), nullable=False, server_default="[]"))
    op.create_table(
        "skipped_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "watched_id",
            sa.Integer(),
            sa.ForeignKey("watched_sources.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("item_hash", sa.String(64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("excluded_by", sa.Text(), nullable=True),
        sa.Column("skipped_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("watched_id", "item_hash"),
    )
    op.create_index("ix_skipped_items_watched_id", "skipped_items", ["watched_id"])
    op.create_table(
        "feed_items",
        sa.Column("item_hash", sa.String(64), primary_key=True),
        sa.Column("link", sa.Text(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_outcome", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("feed_items")
    op.drop_table("skipped_items")
    with op.batch_alter_table("watched_sources") as table:
        table.drop_column("exclude_keywords")
        table.drop_column("include_keywords")
