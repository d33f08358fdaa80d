"""A subscription may take developments ("New on record" posts) and name one role
to ping for its posts.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the two columns; existing subscriptions take neither."""
    with op.batch_alter_table("subscriptions") as table:
        table.add_column(
            sa.Column("developments", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        table.add_column(sa.Column("ping_role_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("subscriptions") as table:
        table.drop_column("ping_role_id")
        table.drop_column("developments")
