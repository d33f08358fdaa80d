"""Drafts keep the watched address that brought them (which decides the servers they
are shown to) and the server a decision came from and as what (a curator of a
curating server, or an owner), which decides who is told of an accept.

Drafts staged before keep NULL in all three: they are shown to the curating servers
only, and an accept made before tells no server. Pending drafts' review posts are
forgotten, so that the next round posts them again with buttons bound to their
content; the old posts' buttons are refused in one line.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the three nullable columns; forget the posts of pending drafts."""
    with op.batch_alter_table("review_drafts") as table:
        table.add_column(sa.Column("watched_url", sa.Text(), nullable=True))
        table.add_column(sa.Column("reviewed_in", sa.BigInteger(), nullable=True))
        table.add_column(sa.Column("reviewed_as", sa.String(16), nullable=True))
    op.execute(
        "DELETE FROM review_posts WHERE draft_id IN "
        "(SELECT id FROM review_drafts WHERE status = 'pending')"
    )


def downgrade() -> None:
    """Drop them (the posts forgotten stay forgotten: they were posted again)."""
    with op.batch_alter_table("review_drafts") as table:
        table.drop_column("reviewed_as")
        table.drop_column("reviewed_in")
        table.drop_column("watched_url")
