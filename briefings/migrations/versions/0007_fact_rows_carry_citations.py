"""Events and quotes carry where their excerpts stand and whether a discrepancy
concerns them, so that citing them reads no other table.

Rows synced before stay NULL in both columns and are cited as before, from
`fact_citations` and `fact_discrepancy_facts`; the next sync that writes a version
fills them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("fact_events", "fact_quotes")


def upgrade() -> None:
    """Add the two nullable columns to both tables."""
    for name in TABLES:
        with op.batch_alter_table(name) as table:
            table.add_column(sa.Column("located", sa.Text(), nullable=True))
            table.add_column(sa.Column("disputed", sa.Boolean(), nullable=True))


def downgrade() -> None:
    """Drop them."""
    for name in TABLES:
        with op.batch_alter_table(name) as table:
            table.drop_column("disputed")
            table.drop_column("located")
