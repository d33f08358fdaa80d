"""The schema comes from the migrations, and the ledger refuses a second claim."""

from __future__ import annotations

import datetime as dt
import functools
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, inspect, text
from sqlalchemy.exc import IntegrityError, OperationalError

from briefings.errors import StorageError
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
    """Starts racing on an empty database all come up: the migrations take a lock.

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


def test_a_start_takes_the_migration_lock_before_its_first_statement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing touches the database before the lock is held: a start that connected
    (and switched a new SQLite file to WAL) first could fail, racing another on a new
    file, with "database is locked"."""
    db = Database(database_url(tmp_path, "cold"))
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's lock is itself its first statement")
    happened: list[str] = []
    event.listen(db.engine, "connect", lambda *_: happened.append("connect"))
    held = db.exclusive

    @contextmanager
    def recorded() -> Iterator[None]:
        with held():
            happened.append("lock")
            yield

    monkeypatch.setattr(db, "exclusive", recorded)
    db.migrate()
    db.migrate()  # a start on a migrated database too
    assert happened[0] == "lock"
    assert happened.count("lock") == 2
    db.dispose()


def test_a_postgresql_that_never_answers_is_an_error_not_a_hang(tmp_path: Path) -> None:
    """A server that accepts the connection and says nothing holds the caller no longer
    than the connect timeout."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        db = Database(f"postgresql+psycopg://briefbot@127.0.0.1:{port}/briefbot", 1, 1)
        outcome: list[BaseException] = []

        def ping() -> None:
            try:
                db.ping()
            except StorageError as error:
                outcome.append(error)

        asker = threading.Thread(target=ping, daemon=True)
        asker.start()
        asker.join(timeout=20)
        assert not asker.is_alive(), "the ping hung"
        assert len(outcome) == 1
        assert "does not answer" in str(outcome[0])


@pytest.mark.skipif(
    not database_url(Path()).startswith("postgresql"), reason="PostgreSQL's own timeout"
)
def test_a_postgresql_statement_has_a_time_limit(tmp_path: Path) -> None:
    db = Database(database_url(tmp_path), statement_timeout=1)
    with pytest.raises(OperationalError, match="statement timeout"), db.engine.connect() as c:
        c.execute(text("SELECT pg_sleep(5)"))
    db.dispose()
