"""The whole state in one file, and that file restored into an empty database.

A backup holds every table the schema has (facts and their versions, subscriptions,
the ledger, watched sources, drafts and review decisions): a gzip of JSON lines, a
header first (the schema revision, each table's columns and row count), then one
line a row. It is portable: a SQLite backup restores into PostgreSQL and back.

It is taken online, from one consistent moment, while the bot runs and posts:
SQLite's backup API copies the file under a read lock, and a PostgreSQL backup reads
in one read-only, repeatable-read transaction. A restore goes into an empty database
only, all or nothing: a SQLite file is built beside its place and renamed into it,
and a PostgreSQL restore is one transaction (its schema changes are transactional).
It is checked before it counts as done: every table holds the rows the header
promised.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import gzip
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, MetaData, Table, create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from briefings.errors import BriefingError
from briefings.storage import (
    MIGRATIONS_DIR,
    SCHEMA_REVISION,
    SQLITE_BUSY_SECONDS,
    Database,
    describe_url,
    reason,
)

__all__ = [
    "BackupError",
    "BackupHeader",
    "Restored",
    "read_header",
    "restore_backup",
    "table_counts",
    "take_backup",
]

FORMAT = "briefbot-backup"
BATCH = 1000  # rows a statement: few round trips, bounded memory
Rows = list[dict[str, Any]]
# The schema's own bookkeeping: a restore migrates to the header's revision instead.
BOOKKEEPING = frozenset({"alembic_version"})


class BackupError(BriefingError):
    """A backup or restore that cannot be done, in one line."""


class TableShape(BaseModel):
    """One table as the backup holds it."""

    columns: list[str]
    rows: int


class BackupHeader(BaseModel):
    """The first line of a backup: what it holds, and from when."""

    format: Literal["briefbot-backup"]
    version: Literal[1]
    revision: str
    taken_at: dt.datetime
    source: str  # the database it was taken from, its password masked
    tables: dict[str, TableShape]  # in the order their rows follow (parents first)

    @property
    def rows(self) -> int:
        """Rows in all."""
        return sum(shape.rows for shape in self.tables.values())


@dataclass(frozen=True)
class Restored:
    """A restore that checked: the backup's counts and the database's, table by table."""

    header: BackupHeader
    counts: dict[str, int]


# --- values -------------------------------------------------------------------------


def _encoded(value: Any) -> Any:
    """A column value as JSON; the types JSON lacks are tagged. A naive datetime is UTC,
    which every writer of this schema stores (SQLite keeps no offset)."""
    if isinstance(value, dt.datetime):
        # In UTC: PostgreSQL returns the session's zone, which SQLite would not keep.
        aware = value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return {"$datetime": aware.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, bytes | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, decimal.Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dict | list):  # a JSON column: kept apart from the tags above
        return {"$json": value}
    return value


def _decoded(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    ((tag, raw),) = value.items()
    match tag:
        case "$datetime":
            return dt.datetime.fromisoformat(raw)
        case "$date":
            return dt.date.fromisoformat(raw)
        case "$time":
            return dt.time.fromisoformat(raw)
        case "$bytes":
            return base64.b64decode(raw)
        case "$decimal":
            return decimal.Decimal(raw)
        case "$json":
            return raw
    raise BackupError(f"a value tagged {tag!r}, which no backup writes")


# --- taking -------------------------------------------------------------------------


def _tables(connection: Connection) -> list[Table]:
    """Every table of the schema, parents before the tables that refer to them."""
    metadata = MetaData()
    metadata.reflect(bind=connection)
    return [table for table in metadata.sorted_tables if table.name not in BOOKKEEPING]


def _count(connection: Connection, table: Table) -> int:
    return connection.execute(select(func.count()).select_from(table)).scalar_one()


@contextmanager
def _snapshot(database: Database) -> Iterator[Connection]:
    """A connection that sees the database as it was at one moment."""
    url = database.engine.url
    if url.get_backend_name() == "sqlite":
        path = url.database
        if not path or path == ":memory:" or path.startswith("file:"):
            raise BackupError("only a SQLite file or PostgreSQL can be backed up")
        with tempfile.TemporaryDirectory(prefix="briefbot-backup-") as folder:
            copy = Path(folder) / "snapshot.sqlite3"
            # The backup API copies every page under one read lock: writers go on
            # (WAL), and the copy is the database at the moment the lock was taken.
            source = sqlite3.connect(path, timeout=SQLITE_BUSY_SECONDS)
            target = sqlite3.connect(copy)
            with closing(source), closing(target):
                source.backup(target)
            engine = create_engine(f"sqlite:///{copy}")
            try:
                with engine.connect() as connection:
                    yield connection
            finally:
                engine.dispose()
    else:
        with database.engine.connect() as connection:
            snapshot = connection.execution_options(isolation_level="REPEATABLE READ")
            with snapshot.begin():
                snapshot.exec_driver_sql("SET TRANSACTION READ ONLY")
                yield snapshot


def _rows(connection: Connection, table: Table) -> Iterator[list[Any]]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
    for row in result:
        yield [_encoded(value) for value in row]


def take_backup(database: Database, target: Path, taken_at: dt.datetime) -> BackupHeader:
    """Write the whole state of `database` to the new file `target`, from one moment;
    `BackupError` in one line if it cannot be."""
    if target.exists():
        raise BackupError(f"{target} exists; name a new file (a backup never overwrites)")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        with _snapshot(database) as connection:
            tables = _tables(connection)
            revision = connection.execute(text("SELECT version_num FROM alembic_version"))
            header = BackupHeader(
                format=FORMAT,
                version=1,
                revision=revision.scalar_one(),
                taken_at=taken_at,
                source=describe_url(database.url),
                tables={
                    table.name: TableShape(
                        columns=[column.name for column in table.columns],
                        rows=_count(connection, table),
                    )
                    for table in tables
                },
            )
            with gzip.open(partial, "wt", encoding="utf-8") as out:
                out.write(header.model_dump_json() + "\n")
                for index, table in enumerate(tables):
                    for row in _rows(connection, table):
                        out.write(json.dumps([index, row], ensure_ascii=False) + "\n")
        partial.replace(target)
    except OSError as error:
        raise BackupError(f"cannot write {target}: {error.strerror or error}") from None
    except (SQLAlchemyError, sqlite3.Error) as error:
        raise BackupError(
            f"cannot read the database {describe_url(database.url)}: {reason(error)}"
        ) from None
    finally:
        partial.unlink(missing_ok=True)
    return header


# --- reading ------------------------------------------------------------------------


@contextmanager
def _lines(source: Path) -> Iterator[Iterator[str]]:
    try:
        with gzip.open(source, "rt", encoding="utf-8") as handle:
            yield iter(handle)
    except FileNotFoundError:
        raise BackupError(f"no backup at {source}") from None
    except (OSError, EOFError, UnicodeDecodeError) as error:
        # gzip.BadGzipFile is an OSError; a truncated file ends in EOFError.
        raise BackupError(f"{source} is not a whole briefbot backup: {error}") from None


def _header(line: str | None, source: Path) -> BackupHeader:
    try:
        return BackupHeader.model_validate_json(line or "")
    except ValidationError:
        raise BackupError(
            f"{source} is not a briefbot backup (its first line is not one)"
        ) from None


def read_header(source: Path) -> BackupHeader:
    """What the backup at `source` holds, from its first line."""
    with _lines(source) as lines:
        return _header(next(lines, None), source)


def _batches(lines: Iterator[str], header: BackupHeader) -> Iterator[tuple[str, Rows]]:
    """The backup's rows, table by table, in batches of `BATCH`."""
    names = list(header.tables)
    batch: Rows = []
    current: int | None = None
    for number, line in enumerate(lines, start=2):
        try:
            index, values = json.loads(line)
            columns = header.tables[names[index]].columns
            row = {column: _decoded(value) for column, value in zip(columns, values, strict=True)}
        except (ValueError, TypeError, IndexError, KeyError) as error:
            # JSONDecodeError and a wrong number of values are ValueErrors.
            raise BackupError(f"the backup is damaged at line {number}: {error}") from None
        if current is not None and (index != current or len(batch) >= BATCH):
            yield names[current], batch
            batch = []
        current = index
        batch.append(row)
    if current is not None and batch:
        yield names[current], batch


# --- restoring ----------------------------------------------------------------------


def table_counts(database: Database) -> dict[str, int]:
    """How many rows each table of the database holds, for the before-and-after."""
    with database.engine.connect() as connection:
        return {table.name: _count(connection, table) for table in _tables(connection)}


def _upgrade(connection: Connection, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _known(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(MIGRATIONS_DIR))
    return revision in {script.revision for script in scripts.walk_revisions()}


def _load(
    connection: Connection, header: BackupHeader, batches: Iterable[tuple[str, Rows]]
) -> dict[str, int]:
    """Create the schema at the backup's revision, insert its rows, check the counts,
    then migrate to this version's schema; the counts as restored."""
    _upgrade(connection, header.revision)
    tables = {table.name: table for table in _tables(connection)}
    missing = set(header.tables) - set(tables)
    if missing:
        raise BackupError(
            f"the backup has tables schema {header.revision} lacks: {sorted(missing)}"
        )
    for name, rows in batches:
        connection.execute(tables[name].insert(), rows)
    counts = {name: _count(connection, tables[name]) for name in header.tables}
    short = {
        name: (count, header.tables[name].rows)
        for name, count in counts.items()
        if count != header.tables[name].rows
    }
    if short:
        name, (count, promised) = sorted(short.items())[0]
        raise BackupError(f"the backup is not whole: {name} restored {count} of {promised} rows")
    if connection.dialect.name == "postgresql":
        _continue_sequences(connection, tables.values())
    _upgrade(connection, "head")
    return counts


def _continue_sequences(connection: Connection, tables: Iterable[Table]) -> None:
    """Rows were inserted with their ids: the next id must come after them."""
    for table in tables:
        for column in table.primary_key.columns:
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": column.name},
            ).scalar()
            if sequence is not None:
                connection.execute(
                    text(
                        f'SELECT setval(:sequence, COALESCE(MAX("{column.name}"), 1),'
                        f' MAX("{column.name}") IS NOT NULL) FROM "{table.name}"'
                    ),
                    {"sequence": sequence},
                )


def _empty(database: Database) -> None:
    """Refuse a database that holds anything: a restore never merges."""
    with database.engine.connect() as connection:
        names = inspect(connection).get_table_names()
        if not names:
            return
        held = sum(_count(connection, table) for table in _tables(connection))
    raise BackupError(
        f"the database {describe_url(database.url)} is not empty ({len(names)} tables,"
        f" {held} rows): a restore goes into a new, empty database"
    )


def restore_backup(url: str, source: Path) -> Restored:
    """Restore the backup at `source` into the empty database at `url`, all or nothing;
    `BackupError` in one line if it cannot be, with the database left as it was."""
    header = read_header(source)
    if not _known(header.revision):
        raise BackupError(
            f"the backup is of schema {header.revision}, which this briefbot does not know"
            f" (it knows up to {SCHEMA_REVISION}): restore it with a newer briefbot"
        )
    if make_url(url).get_backend_name() == "sqlite":
        return _restore_sqlite(url, header, source)
    database = Database(url)
    try:
        _empty(database)
        with database.engine.begin() as connection, _lines(source) as lines:
            next(lines)
            counts = _load(connection, header, _batches(lines, header))
    except SQLAlchemyError as error:
        raise BackupError(f"the database {describe_url(url)} failed: {reason(error)}") from None
    finally:
        database.dispose()
    return Restored(header, counts)


def _restore_sqlite(url: str, header: BackupHeader, source: Path) -> Restored:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise BackupError("a restore needs a SQLite file (or PostgreSQL) to go into")
    place = Path(path)
    if place.exists():
        existing = Database(url)
        try:
            _empty(existing)
        except SQLAlchemyError as error:
            raise BackupError(f"{place} is not an empty database: {reason(error)}") from None
        finally:
            existing.dispose()
    partial = place.with_name(f".{place.name}.restoring-{os.getpid()}")
    partial.unlink(missing_ok=True)
    database = Database(f"sqlite:///{partial}")
    try:
        with database.engine.begin() as connection, _lines(source) as lines:
            next(lines)
            counts = _load(connection, header, _batches(lines, header))
        database.dispose()
        partial.replace(place)
    except SQLAlchemyError as error:
        raise BackupError(f"the new database failed: {reason(error)}") from None
    except OSError as error:
        raise BackupError(f"cannot write {place}: {error.strerror or error}") from None
    finally:
        database.dispose()
        for leftover in (partial, *partial.parent.glob(f"{partial.name}-*")):
            leftover.unlink(missing_ok=True)
    return Restored(header, counts)
