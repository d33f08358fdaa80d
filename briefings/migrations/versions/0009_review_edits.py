"""The record of the edits curators make to drafts in review: which item, which field,
what it was and became, who and when.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table (no draft was edited before it)."""
    op.create_table(
        "review_edits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.Text(), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("by", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_review_edits_draft_id", "review_edits", ["draft_id"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_review_edits_draft_id", "review_edits")
    op.drop_table("review_edits")
