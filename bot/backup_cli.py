"""`briefbot backup FILE` and `briefbot restore FILE`: the whole state to one file, and
back into an empty database, each saying in a few lines what it did and what it
checked (see `briefings.backup`)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefings.errors import StorageError

# The database layer (SQLAlchemy, 0.6 s of CPU to import here) is imported by the
# commands that open a database, so that `briefbot ask`, which needs none, does not.
if TYPE_CHECKING:
    from briefings.backup import BackupHeader

__all__ = ["add_backup_commands", "backup", "restore"]

EXIT_OK, EXIT_FAILURE = 0, 1


def add_backup_commands(commands: argparse._SubParsersAction[Any]) -> None:
    """The two subcommands, for the `briefbot` parser."""
    backup_command = commands.add_parser(
        "backup",
        help="write the whole state (facts, subscriptions, ledger, sources, drafts) to a file,"
        " online",
        description="A folder gets a dated file in it.",
    )
    backup_command.add_argument(
        "target", type=Path, help="a new file, or a folder to put a dated file in"
    )
    restore_command = commands.add_parser(
        "restore",
        help="restore a backup into an empty database, all or nothing, and check it",
        description="Writes into DATABASE_URL (or the SQLite file under DATA_DIR).",
    )
    restore_command.add_argument("source", type=Path, help="a file `briefbot backup` wrote")


def _database_url() -> str | None:
    """The database the settings name, without creating or migrating it; None after one
    line on stderr."""
    from bot.settings import InvalidSettingsError, load_settings
    from briefings.storage import checked_url, default_url

    try:
        settings = load_settings()
        return checked_url(settings.database_url or default_url(settings.data_dir))
    except InvalidSettingsError as error:
        print(f"bad setting: {error}", file=sys.stderr)
    except StorageError as error:
        print(error, file=sys.stderr)
    return None


def _dated(target: Path, now: dt.datetime) -> Path:
    if target.is_dir():
        return target / f"briefbot-{now.strftime('%Y%m%dT%H%M%SZ')}.jsonl.gz"
    return target


def _table_lines(header: BackupHeader, restored: dict[str, int] | None = None) -> list[str]:
    width = max((len(name) for name in header.tables), default=5)
    heading = f"  {'table':<{width}}  {'rows' if restored is None else 'in backup':>9}"
    if restored is not None:
        heading += f"  {'restored':>9}"
    lines = [heading]
    for name, shape in header.tables.items():
        line = f"  {name:<{width}}  {shape.rows:>9,}"
        if restored is not None:
            line += f"  {restored.get(name, 0):>9,}"
        lines.append(line)
    return lines


def backup(target: Path) -> int:
    """Take a backup of the settings' database."""
    from briefings.backup import BackupError, take_backup
    from briefings.storage import Database

    url = _database_url()
    if url is None:
        return EXIT_FAILURE
    now = dt.datetime.now(dt.UTC)
    path = _dated(target, now)
    database = Database(url)
    started = time.perf_counter()
    try:
        database.ping()  # one line if there is no database there, or no schema yet
        header = take_backup(database, path, now)
    except (BackupError, StorageError) as error:
        print(f"not backed up: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as error:  # the driver's own errors: one line, never a traceback
        print(f"not backed up: {error}".splitlines()[0], file=sys.stderr)
        return EXIT_FAILURE
    finally:
        database.dispose()
    seconds = time.perf_counter() - started
    print(
        f"backed up {header.source} (schema {header.revision}) to {path} in {seconds:.1f} s:"
        f" {header.rows:,} rows in {len(header.tables)} tables"
    )
    print("\n".join(_table_lines(header)))
    return EXIT_OK


def restore(source: Path) -> int:
    """Restore a backup into the settings' (empty) database, then check it."""
    from briefings.backup import BackupError, restore_backup
    from briefings.storage import describe_url

    url = _database_url()
    if url is None:
        return EXIT_FAILURE
    try:
        restored = restore_backup(url, source)
    except (BackupError, StorageError) as error:
        print(f"not restored: {error}", file=sys.stderr)
        return EXIT_FAILURE
    header = restored.header
    print(
        f"restored {source} (taken {header.taken_at:%Y-%m-%d %H:%M} UTC from {header.source},"
        f" schema {header.revision}) into {describe_url(url)}:"
    )
    print("\n".join(_table_lines(header, restored.counts)))
    return _checked(url)


def _checked(url: str) -> int:
    """What a restored database answers: the health check's ping and write, and the
    fact store's version."""
    from briefings.factbase import DatabaseFactStore
    from briefings.storage import open_database

    try:
        database = open_database(url, Path())
        revision = database.ping()
        database.take_write()
    except StorageError as error:
        print(f"restored, but the check failed: {error}", file=sys.stderr)
        return EXIT_FAILURE
    try:
        facts = DatabaseFactStore(database).counts().summary()
    except StorageError as error:  # a backup taken before the first sync
        facts = str(error)
    finally:
        database.dispose()
    print(f"checked: the database answers and takes writes (schema {revision}); facts: {facts}")
    return EXIT_OK
