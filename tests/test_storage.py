"""The schema comes from the migrations, and the ledger refuses a second claim."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from briefings.storage import Base, Database, LedgerEntry
from tests.test_posting import database_url, fresh_database

NOW = dt.datetime(2026, 8, 22, tzinfo=dt.UTC)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = fresh_database(database_url(tmp_path))
    yield db
    db.dispose()


def test_migrations_build_the_models_schema(database: Database) -> None:
    with database.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    tables = set(inspect(database.engine).get_table_names())
    assert {"subscriptions", "post_ledger", "alembic_version"} <= tables


def test_migrating_twice_changes_nothing(database: Database) -> None:
    database.migrate()
    with database.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def _entry(channel: int, day: dt.date) -> LedgerEntry:
    return LedgerEntry(
        channel_id=channel,
        occasion=f"digest:{day.isoformat()}",
        local_date=day,
        status="claimed",
        scheduled_for=NOW,
        claimed_at=NOW,
        attempts=0,
    )


def test_the_ledger_key_is_unique(database: Database) -> None:
    day = dt.date(2026, 8, 22)
    with database.session() as session, session.begin():
        session.add(_entry(1, day))
        session.add(_entry(2, day))  # another channel: fine
    with pytest.raises(IntegrityError), database.session() as session, session.begin():
        session.add(_entry(1, day))


def test_aware_datetimes_round_trip(database: Database) -> None:
    with database.session() as session, session.begin():
        session.add(_entry(1, dt.date(2026, 8, 22)))
    with database.session() as session:
        stored = session.query(LedgerEntry).one()
        assert stored.claimed_at == NOW
        assert stored.claimed_at.tzinfo is not None


def test_the_schema_revision_is_alembics_head(database: Database) -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from briefings.storage import MIGRATIONS_DIR, SCHEMA_REVISION

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_REVISION
    assert database.revision() == SCHEMA_REVISION
