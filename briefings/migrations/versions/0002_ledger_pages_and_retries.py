"""The ledger records each page as it is delivered, and when to try again.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add page progress, the re-send count and the retry time; index the open rows."""
    with op.batch_alter_table("post_ledger") as table:
        table.add_column(sa.Column("pages_sent", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("page_count", sa.Integer(), nullable=True))
        table.add_column(sa.Column("progress_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("resumes", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True))
    # Rows still claimed or waiting for a retry are the few a sweep looks at.
    op.create_index("ix_post_ledger_status", "post_ledger", ["status"])


def downgrade() -> None:
    """Drop what `upgrade` added."""
    op.drop_index("ix_post_ledger_status", table_name="post_ledger")
    with op.batch_alter_table("post_ledger") as table:
        for column in ("next_try_at", "resumes", "progress_at", "page_count", "pages_sent"):
            table.drop_column(column)
