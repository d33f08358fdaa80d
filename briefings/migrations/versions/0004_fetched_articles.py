"""The articles `briefbot sources fetch` drafted: each edition once.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table, unique by address and text."""
    op.create_table(
        "fetched_articles",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url_hash", sa.String(64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("edition", sa.Integer(), nullable=False),
        sa.Column("page_name", sa.String(255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("guid_hash", sa.String(64), nullable=True),
        sa.UniqueConstraint("url_hash", "content_hash"),
    )
    op.create_index("ix_fetched_articles_url_hash", "fetched_articles", ["url_hash"])
    op.create_index("ix_fetched_articles_guid_hash", "fetched_articles", ["guid_hash"])


def downgrade() -> None:
    """Drop it."""
    op.drop_table("fetched_articles")
