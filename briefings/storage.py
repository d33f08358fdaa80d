"""Subscriptions and the post ledger, stored with SQLAlchemy.

SQLite in a file by default; PostgreSQL when `DATABASE_URL` points at one. The schema
is created and changed only by the alembic migrations in `briefings/migrations/`.

The ledger is what makes a briefing post at most once: a row keyed by (channel,
occasion, local day) is inserted, in its own committed transaction, before the post
is sent. Whoever inserts it first owns the post; a second process, or the same one
restarted, finds the row and does nothing.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    false,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection, Dialect, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from briefings.errors import StorageError
from briefings.resources import migrations_dir

__all__ = [
    "Base",
    "Database",
    "LedgerEntry",
    "PostStatus",
    "Subscription",
    "checked_url",
    "database_failures",
    "default_url",
    "describe_url",
    "open_database",
    "reason",
]

log = logging.getLogger(__name__)

MIGRATIONS_DIR = migrations_dir()
# A fixed key for pg_advisory_lock, shared by every briefbot process on a server.
EXCLUSIVE_LOCK = 0x62726966  # "brif"
SCHEMA_REVISION = "0010"  # the newest migration; a test holds it to alembic's head
# What a driver may raise on opening: a damaged SQLite file whose schema holds a name
# that is not UTF-8 makes Python's sqlite3 fail to decode SQLite's own error message.
DRIVER_FAILURES = (SQLAlchemyError, OSError, UnicodeDecodeError)
URL_EXAMPLES = "postgresql+psycopg://user@host/name or sqlite:///path"
# How long a statement may wait for another process's lock on SQLite, from the moment
# the file is opened (before any PRAGMA); how long PostgreSQL may take to accept a
# connection, and to run one statement. Past them the caller gets an error, never a
# bot that hangs with the database.
SQLITE_BUSY_SECONDS = 10.0
CONNECT_TIMEOUT_SECONDS = 10.0
STATEMENT_TIMEOUT_SECONDS = 60.0


class PostStatus(StrEnum):
    """Where one briefing post stands."""

    CLAIMED = "claimed"  # being sent (pages_sent so far), or the process died while sending
    SENT = "sent"
    RETRY = "retry"  # Discord answered with a server error or rate limit: try at next_try_at
    FAILED = "failed"  # gave up after retries, or the channel is gone
    SKIPPED = "skipped"  # found too late (outside the grace window) and not posted


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware datetime that comes back aware from every database.

    SQLite stores no offset and returns naive values; the values written were UTC, so
    UTC is put back on reading, here, once, rather than by every caller.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        """Attach UTC to a naive value read back."""
        del dialect
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    """Base of the ORM models."""


class Subscription(Base):
    """A channel that gets the daily briefing at a local time."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    channel_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    post_time: Mapped[str] = mapped_column(String(5))  # HH:MM, local
    timezone: Mapped[str] = mapped_column(String(64))
    template_set: Mapped[str] = mapped_column(String(32), default="default")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int] = mapped_column(BigInteger)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(Text, default=None)
    # "New on record" posts when an accepted article adds an event.
    developments: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    ping_role_id: Mapped[int | None] = mapped_column(BigInteger, default=None)  # the only ping

    @property
    def local_time(self) -> dt.time:
        """The posting time as a `time`."""
        return dt.time.fromisoformat(self.post_time)


class LedgerEntry(Base):
    """One claimed post; unique per channel, occasion and local day."""

    __tablename__ = "post_ledger"
    __table_args__ = (
        UniqueConstraint("channel_id", "occasion", "local_date"),
        Index("ix_post_ledger_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    occasion: Mapped[str] = mapped_column(String(128))
    local_date: Mapped[dt.date] = mapped_column()
    subscription_id: Mapped[int | None] = mapped_column(Integer, default=None)
    status: Mapped[str] = mapped_column(String(16))
    scheduled_for: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)  # the first page's
    error: Mapped[str | None] = mapped_column(Text, default=None)
    pages_sent: Mapped[int] = mapped_column(Integer, default=0)
    page_count: Mapped[int | None] = mapped_column(Integer, default=None)
    # The last sign of life: the claim, a delivered page, a resume. A send still under
    # way began after it, so it bounds how old an unknown page can be.
    progress_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
    resumes: Mapped[int] = mapped_column(Integer, default=0)  # re-sends after a crash
    next_try_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)


def default_url(data_dir: Path) -> str:
    """The SQLite file used when DATABASE_URL is not set."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StorageError(f"cannot use DATA_DIR {data_dir}: {error.strerror}") from None
    return f"sqlite:///{data_dir / 'briefbot.sqlite3'}"


def open_database(
    url: str | None,
    data_dir: Path,
    connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
    statement_timeout: float = STATEMENT_TIMEOUT_SECONDS,
) -> Database:
    """The database at `url` (or the SQLite file under `data_dir`), migrated to the newest
    schema; `StorageError` with one plain line if it cannot be opened or migrated."""
    url = checked_url(url or default_url(data_dir))
    try:
        database = Database(url, connect_timeout, statement_timeout)
        database.migrate()
    except DRIVER_FAILURES as error:
        raise StorageError(
            f"cannot open the database {describe_url(url)}: {reason(error)}"
        ) from None
    return database


def checked_url(url: str) -> str:
    """`url`, once it reads as a database URL whose driver is installed; `StorageError`
    in one line if not (a typo, a host such as `[::1`, mysql:// without its driver)."""
    try:
        make_url(url).get_dialect().import_dbapi()
    except ImportError as error:
        raise StorageError(
            f"cannot open the database {describe_url(url)}: its driver is not installed "
            f"({error}); briefbot is tested on {URL_EXAMPLES}"
        ) from None
    except (ArgumentError, ValueError) as error:  # ValueError: a port that is not a number
        raise StorageError(
            f"cannot open the database {describe_url(url)}: not a URL like {URL_EXAMPLES} "
            f"({reason(error)})"
        ) from None
    return url


def describe_url(url: str) -> str:
    """The URL with any password masked, even in a URL that does not parse."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return repr(re.sub(r"(://[^/@]*?:)[^/@]*@", r"\1***@", url))


def reason(error: BaseException) -> str:
    """The first line of what the driver said, without SQLAlchemy's background links."""
    original = getattr(error, "orig", None) or error
    if isinstance(original, UnicodeDecodeError):
        return "the file is damaged: text in it that should be UTF-8 is not"
    lines = str(original).strip().splitlines()
    return lines[0] if lines else type(original).__name__


@contextmanager
def database_failures(doing: str) -> Iterator[None]:
    """A database error inside, raised as a `StorageError` of one line saying what
    could not be done (`doing`: "record the fetch") and what the driver said."""
    try:
        yield
    except SQLAlchemyError as error:
        raise StorageError(f"could not {doing}: {reason(error)}") from None


def _connect_args(url: str, connect_timeout: float, statement_timeout: float) -> dict[str, Any]:
    """The driver's own bounds: SQLite's busy timeout, PostgreSQL's connect and
    statement timeouts (libpq takes whole seconds to connect, milliseconds to run)."""
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        return {}  # create_engine says what is wrong with the URL
    if backend == "sqlite":
        return {"timeout": SQLITE_BUSY_SECONDS}
    if backend == "postgresql":
        return {
            "connect_timeout": max(1, round(connect_timeout)),
            "options": f"-c statement_timeout={round(statement_timeout * 1000)}",
        }
    return {}


def _set_busy_timeout(connection: Connection, seconds: float) -> None:
    connection.exec_driver_sql(f"PRAGMA busy_timeout = {round(seconds * 1000)}")


def _busy(error: BaseException) -> bool:
    """Whether the driver gave up waiting for another's lock: SQLite's SQLITE_BUSY,
    PostgreSQL's lock or statement timeout."""
    original = getattr(error, "orig", None) or error
    if getattr(original, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY:
        return True
    return getattr(original, "sqlstate", None) in {"55P03", "57014"}


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = connection.cursor()
        # The busy timeout is the driver's, set as the file opens (`SQLITE_BUSY_SECONDS`):
        # switching to WAL (which lets a reader and a writer share the file) takes a
        # lock another process may hold, and waits for it.
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode, NORMAL makes a commit durable against a crash of the process
        # (what the ledger guards against) without an fsync per post; only a power
        # cut can lose the last commits.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


class Database:
    """An engine and its sessions, migrated to the latest schema on `migrate()`."""

    def __init__(
        self,
        url: str,
        connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
        statement_timeout: float = STATEMENT_TIMEOUT_SECONDS,
    ) -> None:
        self.url = url
        self.engine = create_engine(
            url, future=True, connect_args=_connect_args(url, connect_timeout, statement_timeout)
        )
        if self.engine.dialect.name == "sqlite":
            _sqlite_pragmas(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def revision(self) -> str | None:
        """The schema revision the database is at (None for an empty database)."""
        with self.engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def ping(self) -> str:
        """The schema revision, read in one round trip, without creating or migrating
        anything; `StorageError` with one plain line if the database does not answer or
        holds no schema yet."""
        path = self.engine.url.database
        if self.engine.dialect.name == "sqlite" and path and path.startswith("file:"):
            path = path.removeprefix("file:").partition("?")[0]  # a URI filename (mode=ro)
        if self.engine.dialect.name == "sqlite" and path and not Path(path).exists():
            raise StorageError(f"no database file at {path} (the bot creates it at start)")
        try:
            revision = self.revision()
        except DRIVER_FAILURES as error:
            raise StorageError(
                f"the database {describe_url(self.url)} does not answer: {reason(error)}"
            ) from None
        if revision is None:
            raise StorageError(f"the database {describe_url(self.url)} has no schema yet")
        return revision

    def take_write(self, wait: float = SQLITE_BUSY_SECONDS) -> None:
        """Write a row and commit, changing nothing, waiting at most `wait` seconds for
        another's lock; `StorageError` in one line if the database answers reads but
        refuses writes (a read-only file or server), or is busy past `wait`."""
        # The row is alembic_version's, which a migration holds while it runs: a check
        # must still see whether writes go through, but not queue behind it for the
        # statement timeout, past what a container gives its health check.
        dialect = self.engine.dialect.name
        try:
            with self.engine.connect() as connection:
                try:
                    if dialect == "sqlite":
                        _set_busy_timeout(connection, wait)
                    elif dialect == "postgresql":  # SET LOCAL: this transaction's alone
                        bound = f"'{round(wait * 1000)}ms'"
                        connection.exec_driver_sql(f"SET LOCAL lock_timeout = {bound}")
                        connection.exec_driver_sql(f"SET LOCAL statement_timeout = {bound}")
                    connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
                    connection.commit()
                finally:
                    connection.rollback()
                    if dialect == "sqlite":  # back to the pool with its usual wait
                        _set_busy_timeout(connection, SQLITE_BUSY_SECONDS)
                        connection.commit()
        except DRIVER_FAILURES as error:
            if _busy(error):
                raise StorageError(
                    f"the database {describe_url(self.url)} is busy (a migration or sync "
                    f"holds it): no write went through within {wait:g} s"
                ) from None
            raise StorageError(
                f"the database {describe_url(self.url)} answers but takes no write: {reason(error)}"
            ) from None

    def migrate(self) -> None:
        """Bring the schema to the newest migration.

        A database already at `SCHEMA_REVISION` is left alone without importing alembic,
        which costs the running bot some 10 MiB it would otherwise keep for nothing.
        """
        # The lock comes before the first statement: processes started together on a
        # new SQLite file would otherwise race to switch it to WAL. One migrates while
        # the others wait here, then find the schema in place.
        with self.exclusive():
            if self.revision() == SCHEMA_REVISION:
                return
            from alembic import command
            from alembic.config import Config

            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS_DIR))
            config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            log.debug("database %s migrated to schema %s", describe_url(self.url), SCHEMA_REVISION)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Let one process at a time migrate or sync facts: a PostgreSQL advisory lock,
        or an exclusive lock on a file beside a SQLite database."""
        dialect, path = self.engine.dialect.name, self.engine.url.database
        if dialect == "postgresql":
            with self.engine.connect() as connection:
                # The wait lasts as long as the holder's work, each of whose statements
                # has the timeout: the wait itself has none.
                connection.execute(text("SET statement_timeout = 0"))
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": EXCLUSIVE_LOCK})
                connection.execute(text("RESET statement_timeout"))
                try:
                    yield
                finally:
                    connection.execute(
                        text("SELECT pg_advisory_unlock(:key)"), {"key": EXCLUSIVE_LOCK}
                    )
        elif dialect == "sqlite" and path and path != ":memory:":
            with Path(f"{path}.migrate-lock").open("a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes
                yield
        else:  # an in-memory database has one process by definition
            yield

    def session(self) -> Session:
        """A new session (use it as a context manager)."""
        return self.sessions()

    def subscriptions(
        self,
        *,
        active_only: bool = False,
        guild_id: int | None = None,
        channel_id: int | None = None,
        subscription_id: int | None = None,
    ) -> list[Subscription]:
        """Subscriptions, optionally only active ones, or one guild's, channel's or id's."""
        query = select(Subscription).order_by(Subscription.id)
        if active_only:
            query = query.where(Subscription.active.is_(True))
        if guild_id is not None:
            query = query.where(Subscription.guild_id == guild_id)
        if channel_id is not None:
            query = query.where(Subscription.channel_id == channel_id)
        if subscription_id is not None:
            query = query.where(Subscription.id == subscription_id)
        with self.session() as session:
            return list(session.scalars(query))

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
