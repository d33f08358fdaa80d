"""The fact store in the database: facts with the columns their queries select by.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Column = sa.Column[Any]
ID = sa.String(length=64)
NAME = sa.String(length=255)


def _required(name: str, kind: sa.types.TypeEngine[Any], primary_key: bool = False) -> Column:
    return sa.Column(name, kind, nullable=False, primary_key=primary_key)


def _versioned(name: str, *columns: Column) -> None:
    """A table whose rows belong to a store version (the first part of their key)."""
    op.create_table(name, _required("version", sa.Integer(), primary_key=True), *columns)


def _facts(name: str, *columns: Column) -> None:
    """A table of whole facts: id, place in the curated files, columns, JSON payload."""
    _versioned(
        name,
        _required("id", ID, primary_key=True),
        _required("ordinal", sa.Integer()),
        *columns,
        _required("payload", sa.Text()),
    )


def upgrade() -> None:
    """Create the fact tables and their indexes."""
    op.create_table(
        "fact_state",
        _required("id", sa.Integer(), primary_key=True),
        _required("version", sa.Integer()),
        _required("changed_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "fact_changes",
        _required("version", sa.Integer(), primary_key=True),
        _required("changed_at", sa.DateTime(timezone=True)),
        _required("changed_by", NAME),
        _required("summary", sa.Text()),
    )
    op.create_table(
        "fact_inputs", _required("name", NAME, primary_key=True), _required("sha256", sa.String(64))
    )
    _versioned(
        "fact_pages",
        _required("seed", NAME, primary_key=True),
        _required("sha256", sa.String(64)),
        _required("text", sa.Text()),
    )
    _versioned(
        "fact_sources",
        _required("seed", NAME, primary_key=True),
        _required("ordinal", sa.Integer()),
        _required("payload", sa.Text()),
    )
    _facts("fact_actors")
    _facts("fact_roles", _required("actor", ID))
    op.create_index("ix_fact_roles_actor", "fact_roles", ["version", "actor"])
    _facts(
        "fact_events",
        _required("earliest", sa.Date()),
        _required("latest", sa.Date()),
        _required("span_days", sa.Integer()),
        _required("precision", sa.String(8)),
        _required("month", sa.Integer()),
        _required("day", sa.Integer()),
        _required("status", sa.String(16)),
        _required("milestone", sa.Boolean()),
    )
    for index, columns in (
        ("span", ["earliest", "latest"]),
        ("month_day", ["precision", "month", "day"]),
        ("expected", ["status", "precision", "earliest"]),
        ("milestone", ["milestone"]),
        ("span_days", ["span_days"]),
    ):
        op.create_index(f"ix_fact_events_{index}", "fact_events", ["version", *columns])
    _versioned(
        "fact_event_actors",
        _required("event_id", ID, primary_key=True),
        _required("actor_id", ID, primary_key=True),
    )
    op.create_index("ix_fact_event_actors_actor", "fact_event_actors", ["version", "actor_id"])
    _facts(
        "fact_quotes",
        _required("speaker", ID),
        _required("sort_earliest", sa.Date()),
        _required("sort_latest", sa.Date()),
        _required("sort_seed", NAME),
        _required("sort_offset", sa.Integer()),
    )
    op.create_index(
        "ix_fact_quotes_speaker",
        "fact_quotes",
        [
            "version",
            "speaker",
            "sort_earliest",
            "sort_latest",
            "sort_seed",
            "sort_offset",
            "ordinal",
        ],
    )
    _facts("fact_discrepancies")
    _versioned(
        "fact_discrepancy_facts",
        _required("discrepancy_id", ID, primary_key=True),
        _required("fact_id", ID, primary_key=True),
    )
    op.create_index(
        "ix_fact_discrepancy_facts_fact", "fact_discrepancy_facts", ["version", "fact_id"]
    )
    _facts(
        "fact_printing_errors",
        _required("seed", NAME),
        _required("start", sa.Integer()),
        _required("end", sa.Integer()),
    )
    op.create_index(
        "ix_fact_printing_errors_span", "fact_printing_errors", ["version", "seed", "start"]
    )
    _versioned(
        "fact_excluded_quotations",
        _required("ordinal", sa.Integer(), primary_key=True),
        _required("payload", sa.Text()),
    )
    _versioned(
        "fact_citations",
        _required("key", sa.String(64), primary_key=True),
        _required("seed", NAME),
        _required("first_line", sa.Integer()),
        _required("last_line", sa.Integer()),
        _required("offset", sa.Integer()),
    )
    _versioned(
        "fact_contributions",
        _required("article", ID, primary_key=True),
        _required("kind", sa.String(32), primary_key=True),
        _required("count", sa.Integer()),
    )


def downgrade() -> None:
    """Drop every fact table (their indexes go with them)."""
    for table in (
        "fact_contributions",
        "fact_citations",
        "fact_excluded_quotations",
        "fact_printing_errors",
        "fact_discrepancy_facts",
        "fact_discrepancies",
        "fact_quotes",
        "fact_event_actors",
        "fact_events",
        "fact_roles",
        "fact_actors",
        "fact_sources",
        "fact_pages",
        "fact_inputs",
        "fact_changes",
        "fact_state",
    ):
        op.drop_table(table)
