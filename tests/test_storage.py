"""The schema comes from the migrations, and the ledger refuses a second claim."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from briefings.models import METADATA
from briefings.storage import SCHEMA_REVISION, Database, LedgerEntry, open_database
from tests.races import race
from tests.test_posting import database_url, empty_database, fresh_database

NOW = dt.datetime(2026, 8, 22, tzinfo=dt.UTC)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = fresh_database(database_url(tmp_path))
    yield db
    db.dispose()


def test_migrations_build_the_posting_tables(database: Database) -> None:
    # Every table against its model: test_the_migrations_make_the_schema_the_models_describe
    tables = set(inspect(database.engine).get_table_names())
    assert {"subscriptions", "post_ledger", "alembic_version"} <= tables


def test_migrating_twice_changes_nothing(database: Database) -> None:
    database.migrate()
    with database.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), METADATA) == []


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


def test_the_migrations_make_the_schema_the_models_describe(database: Database) -> None:
    """Every table, column and index of the models (fact tables included) exists as
    the migrations made it: the models and the migrations cannot drift apart."""
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), METADATA)
    assert differences == []


def _come_up(url: str, data_dir: Path, _: int) -> str:
    open_database(url, data_dir).dispose()
    return "ok"


def test_processes_started_together_on_an_empty_database_all_come_up(tmp_path: Path) -> None:
    """Issue 12, defect 5: 19 of 40 SQLite and 7 of 40 PostgreSQL starts crashed here.

    Each round releases six real processes at once on an empty database; every one
    must come up with the schema in place.
    """
    for round_number in range(3):
        url = database_url(tmp_path, f"together-{round_number}")
        empty_database(url).dispose()
        outcomes = race(6, functools.partial(_come_up, url, tmp_path), timeout=120)
        assert outcomes == ["ok"] * 6, outcomes
        db = Database(url)
        assert db.revision() == SCHEMA_REVISION
        db.dispose()
