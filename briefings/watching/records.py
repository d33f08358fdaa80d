"""The watch list in the database: which addresses each server watches, and how the
last fetch of each went.

A row per (server, address) holds its polling interval and its state: when it was last
fetched, the ETag and Last-Modified its server sent (for the next conditional GET),
the consecutive failures, and when to try next. A failure pushes the next try back
exponentially (`backoff`), and `/sources list` shows it. A poll is counted as a
failure when it starts (`started`) and set right when it ends: a page that kills the
process polling it is not polled again at once after the restart, but backed off too.

A row also holds the source's include and exclude keywords
(`briefings.watching.relevance`), and the articles they skipped are remembered on it
(`SkippedItemRow`): `/sources list` shows them, and a feed's item that every server
watching it skipped is not fetched again, until a server changes its keywords (which
forgets its skips, so that the items still listed are judged again).

Fetches are leased per address, not per row: two servers watching one feed, or two
processes finding one row due, still fetch it once at a time. A lease lasts as long
as a fetch may take; a process that dies holding one loses it when it runs out.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from briefings.ingest.seen import ItemFailure, record_item_failures
from briefings.ingest.web import address_key
from briefings.storage import Base, Database, UTCDateTime
from briefings.watching.intervals import DEFAULT_EVERY
from briefings.watching.relevance import Keywords

__all__ = [
    "LEASE",
    "LONGEST_RETRY",
    "FetchLeaseRow",
    "Skipped",
    "SkippedItemRow",
    "Skips",
    "WatchedSourceRow",
    "Watchlist",
    "backoff",
]

LONGEST_RETRY = dt.timedelta(days=1)
# Skipped articles remembered per source, the newest: far more than a feed lists at
# once (20 to 100 items), so that what it still lists is not fetched again; the table
# does not grow with every article a busy feed ever skipped.
SKIPS_KEPT = 1000
# Longer than a poll can take: at worst the feed's fetch and read (2 min and 1 at most,
# by the settings), its items' fetches (`PollLimits.poll_seconds`, 150 s, and one more
# fetch and read past that), then drafting what was found.
LEASE = dt.timedelta(minutes=10)


class WatchedSourceRow(Base):
    """An address a server watches, and the state of its fetches."""

    __tablename__ = "watched_sources"
    __table_args__ = (UniqueConstraint("guild_id", "url_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    url: Mapped[str] = mapped_column(Text)
    url_hash: Mapped[str] = mapped_column(String(64))  # an address may outgrow an index
    every_seconds: Mapped[int] = mapped_column(Integer)
    added_by: Mapped[int] = mapped_column(BigInteger)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    next_try_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    last_fetch_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_outcome: Mapped[str | None] = mapped_column(Text, default=None)  # one line
    etag: Mapped[str | None] = mapped_column(Text, default=None)
    last_modified: Mapped[str | None] = mapped_column(Text, default=None)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # consecutive
    # JSON lists of the keywords as typed.
    include_keywords: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    exclude_keywords: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")


class SkippedItemRow(Base):
    """An article a watched source's keywords skipped: not drafted."""

    __tablename__ = "skipped_items"
    __table_args__ = (UniqueConstraint("watched_id", "item_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watched_id: Mapped[int] = mapped_column(
        ForeignKey("watched_sources.id", ondelete="CASCADE"), index=True
    )
    # The feed item's key (`FeedItem.key`), or a page's address, hashed.
    item_hash: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    excluded_by: Mapped[str | None] = mapped_column(Text, default=None)  # None: no include
    skipped_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class FetchLeaseRow(Base):
    """Who is fetching an address, until when."""

    __tablename__ = "fetch_leases"

    url_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    until: Mapped[dt.datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class Watched:
    """A watched address as the domain hands it out (no session attached)."""

    id: int
    guild_id: int
    url: str
    every: dt.timedelta
    added_by: int
    added_at: dt.datetime
    next_try_at: dt.datetime
    last_fetch_at: dt.datetime | None
    last_outcome: str | None
    etag: str | None
    last_modified: str | None
    failures: int
    keywords: Keywords

    @classmethod
    def of(cls, row: WatchedSourceRow) -> Watched:
        """The row's values."""
        return cls(
            id=row.id,
            guild_id=row.guild_id,
            url=row.url,
            every=dt.timedelta(seconds=row.every_seconds),
            added_by=row.added_by,
            added_at=row.added_at,
            next_try_at=row.next_try_at,
            last_fetch_at=row.last_fetch_at,
            last_outcome=row.last_outcome,
            etag=row.etag,
            last_modified=row.last_modified,
            failures=row.failures,
            keywords=Keywords(
                tuple(json.loads(row.include_keywords)), tuple(json.loads(row.exclude_keywords))
            ),
        )


@dataclass(frozen=True)
class Skipped:
    """An article a source's keywords skipped, as `/sources list` shows it."""

    title: str
    url: str
    excluded_by: str | None  # the exclude keyword it mentions; None: no include keyword
    skipped_at: dt.datetime


@dataclass(frozen=True)
class Skips:
    """How many articles a source's keywords skipped, and the latest few."""

    count: int = 0
    latest: tuple[Skipped, ...] = ()


@dataclass(frozen=True)
class SkipRecord:
    """An article of a poll that a row's keywords skipped, to be recorded on it."""

    watched_id: int
    item_hash: str
    skipped: Skipped


def backoff(failures: int, every: dt.timedelta) -> dt.timedelta:
    """How long to wait after `failures` consecutive failures: the usual interval,
    doubled for each failure, and at most a day (or the interval, if that is longer).
    A failing site is asked less and less often, and never more often than a healthy
    one."""
    wait: dt.timedelta = every * (2 ** min(failures, 16))
    return min(wait, max(LONGEST_RETRY, every))


class Watchlist:
    """The watched addresses of every server, and the fetch leases."""

    def __init__(self, database: Database) -> None:
        self.database = database
        insert = (
            postgresql.insert if database.engine.dialect.name == "postgresql" else sqlite.insert
        )
        # Both dialects return the row only when it was inserted (a rowcount is not
        # reliable for a skipped row on every driver).
        self._take_free_lease = (
            insert(FetchLeaseRow)
            .on_conflict_do_nothing(index_elements=["url_hash"])
            .returning(FetchLeaseRow.url_hash)
        )

    def add(
        self,
        guild_id: int,
        url: str,
        every: dt.timedelta | None,
        by: int,
        now: dt.datetime,
        include: tuple[str, ...] | None = None,
        exclude: tuple[str, ...] | None = None,
    ) -> tuple[Watched, bool]:
        """Watch `url` in the server (fetched first at once); the row, and whether it
        is new. Watching it again changes what is given: its interval, its include or
        its exclude keywords (None keeps it). New keywords forget the articles the old
        ones skipped, so that those still listed are judged again; all in one
        transaction. `BadSettingError` for a keyword both included and excluded."""
        key = address_key(url)
        with self.database.session() as session, session.begin():
            row = session.scalars(
                select(WatchedSourceRow).where(
                    WatchedSourceRow.guild_id == guild_id, WatchedSourceRow.url_hash == key
                )
            ).first()
            created = row is None
            if row is None:
                row = WatchedSourceRow(
                    guild_id=guild_id,
                    url=url,
                    url_hash=key,
                    added_by=by,
                    added_at=now,
                    next_try_at=now,
                    failures=0,
                    every_seconds=int((every or DEFAULT_EVERY).total_seconds()),
                    include_keywords="[]",
                    exclude_keywords="[]",
                )
                session.add(row)
                session.flush()
            if every is not None:
                row.every_seconds = int(every.total_seconds())
            before = Watched.of(row).keywords
            keywords = before.changed(include, exclude)
            if keywords != before:
                row.include_keywords = json.dumps(list(keywords.include), ensure_ascii=False)
                row.exclude_keywords = json.dumps(list(keywords.exclude), ensure_ascii=False)
                session.execute(delete(SkippedItemRow).where(SkippedItemRow.watched_id == row.id))
            session.flush()
            return Watched.of(row), created

    def remove(self, guild_id: int, url: str) -> bool:
        """Stop watching `url` in the server; whether it was watched."""
        with self.database.session() as session, session.begin():
            result = session.execute(
                delete(WatchedSourceRow).where(
                    WatchedSourceRow.guild_id == guild_id,
                    WatchedSourceRow.url_hash == address_key(url),
                )
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def listed(self, guild_id: int) -> list[Watched]:
        """The server's watched addresses, in the order they were added."""
        query = (
            select(WatchedSourceRow)
            .where(WatchedSourceRow.guild_id == guild_id)
            .order_by(WatchedSourceRow.id)
        )
        with self.database.session() as session:
            return [Watched.of(row) for row in session.scalars(query)]

    def skips(self, guild_id: int, latest: int = 3) -> dict[int, Skips]:
        """What each of the server's watched sources skipped: by row id, how many and
        the `latest` few, the newest first."""
        rows = select(WatchedSourceRow.id).where(WatchedSourceRow.guild_id == guild_id)
        counted = (
            select(SkippedItemRow.watched_id, func.count())
            .where(SkippedItemRow.watched_id.in_(rows))
            .group_by(SkippedItemRow.watched_id)
        )
        newest = _newest_first().label("newest")
        ranked = select(SkippedItemRow, newest).where(SkippedItemRow.watched_id.in_(rows))
        ranked_rows = ranked.subquery()
        recent = (
            select(ranked_rows).where(ranked_rows.c.newest <= latest).order_by(ranked_rows.c.newest)
        )
        found: dict[int, list[Skipped]] = {}
        with self.database.session() as session:
            counts: dict[int, int] = dict(session.execute(counted).all())
            for skipped in session.execute(recent).mappings():
                found.setdefault(skipped["watched_id"], []).append(
                    Skipped(
                        skipped["title"],
                        skipped["url"],
                        skipped["excluded_by"],
                        skipped["skipped_at"],
                    )
                )
        return {key: Skips(count, tuple(found.get(key, ()))) for key, count in counts.items()}

    def skipped_by_all(self, session: Session, hashes: Sequence[str], *, url: str) -> set[str]:
        """Of these item hashes, those skipped by every row watching `url`: not fetched
        again (a new server watching it, or new keywords, judges them again)."""
        key = address_key(url)
        watching = select(func.count()).where(WatchedSourceRow.url_hash == key)
        query = (
            select(SkippedItemRow.item_hash)
            .join(WatchedSourceRow, WatchedSourceRow.id == SkippedItemRow.watched_id)
            .where(WatchedSourceRow.url_hash == key, SkippedItemRow.item_hash.in_(hashes))
            .group_by(SkippedItemRow.item_hash)
            .having(func.count() >= watching.scalar_subquery())
        )
        return set(session.scalars(query))

    def due(self, now: dt.datetime, limit: int = 100) -> list[Watched]:
        """Rows whose next try has come, the longest waiting first."""
        query = (
            select(WatchedSourceRow)
            .where(WatchedSourceRow.next_try_at <= now)
            .order_by(WatchedSourceRow.next_try_at, WatchedSourceRow.id)
            .limit(limit)
        )
        with self.database.session() as session:
            return [Watched.of(row) for row in session.scalars(query)]

    def lease(self, url: str, holder: str, now: dt.datetime) -> bool:
        """Take the address's fetch lease for `LEASE`; False if someone else holds it."""
        key, until = address_key(url), now + LEASE
        with self.database.session() as session, session.begin():
            # A free lease is one never taken, or one that ran out (its holder died).
            inserted = session.execute(
                self._take_free_lease.values(url_hash=key, holder=holder, until=until)
            )
            if inserted.first() is not None:
                return True
            taken = session.execute(
                update(FetchLeaseRow)
                .where(FetchLeaseRow.url_hash == key, FetchLeaseRow.until <= now)
                .values(holder=holder, until=until)
                .returning(FetchLeaseRow.url_hash)
            )
            return taken.first() is not None

    def release(self, url: str, holder: str) -> None:
        """Give the lease back (only if this holder still has it)."""
        with self.database.session() as session, session.begin():
            session.execute(
                delete(FetchLeaseRow).where(
                    FetchLeaseRow.url_hash == address_key(url), FetchLeaseRow.holder == holder
                )
            )

    def fetched(
        self,
        url: str,
        now: dt.datetime,
        outcome: str,
        etag: str | None,
        last_modified: str | None,
        skipped: Sequence[SkipRecord] = (),
        failed_items: Sequence[ItemFailure] = (),
    ) -> None:
        """Record a fetch that worked, on every row of the address (each server's row
        comes due again after its own interval), with the articles each row's keywords
        skipped and the items that failed (each backed off on its own): all at once."""
        with self.database.session() as session, session.begin():
            rows = self._rows(session, url)
            for row in rows:
                row.last_fetch_at, row.last_outcome, row.failures = now, outcome, 0
                row.etag, row.last_modified = etag, last_modified
                row.next_try_at = now + dt.timedelta(seconds=row.every_seconds)
            for record in skipped:
                self._skip(session, record)
            for watched_id in {record.watched_id for record in skipped}:
                _forget_oldest_skips(session, watched_id)
            if rows:  # an item is retried on the most frequent of its feed's intervals
                every = min(dt.timedelta(seconds=row.every_seconds) for row in rows)
                retry = functools.partial(backoff, every=every)
                record_item_failures(session, failed_items, now, retry)

    @staticmethod
    def _skip(session: Session, record: SkipRecord) -> None:
        known = session.scalars(
            select(SkippedItemRow).where(
                SkippedItemRow.watched_id == record.watched_id,
                SkippedItemRow.item_hash == record.item_hash,
            )
        ).first()
        if known is None:
            known = SkippedItemRow(watched_id=record.watched_id, item_hash=record.item_hash)
            session.add(known)
        skipped = record.skipped
        known.url, known.title, known.excluded_by = skipped.url, skipped.title, skipped.excluded_by
        known.skipped_at = skipped.skipped_at

    def started(self, url: str, now: dt.datetime) -> list[Watched]:
        """Record a poll begun, as a failure until it ends (`fetched` or `failed`): one
        more failure, and the next try backed off. The rows of the address, each
        server's keywords with them."""
        with self.database.session() as session, session.begin():
            rows = self._rows(session, url)
            for row in rows:
                begun = now.astimezone(dt.UTC)
                row.last_outcome = f"the poll begun at {begun:%Y-%m-%d %H:%M} UTC did not finish"
                row.failures += 1
                every = dt.timedelta(seconds=row.every_seconds)
                row.next_try_at = now + backoff(row.failures, every)
            return [Watched.of(row) for row in rows]

    def failed(self, url: str, now: dt.datetime, outcome: str) -> None:
        """Record why a poll (`started`, and counted as a failure) failed."""
        with self.database.session() as session, session.begin():
            for row in self._rows(session, url):
                row.last_fetch_at, row.last_outcome = now, outcome

    @staticmethod
    def _rows(session: Session, url: str) -> list[WatchedSourceRow]:
        query = (
            select(WatchedSourceRow)
            .where(WatchedSourceRow.url_hash == address_key(url))
            .order_by(WatchedSourceRow.id)
        )
        return list(session.scalars(query))


def _newest_first() -> ColumnElement[int]:
    """Each skip's rank on its source, the newest 1."""
    order = (SkippedItemRow.skipped_at.desc(), SkippedItemRow.id.desc())
    return func.row_number().over(partition_by=SkippedItemRow.watched_id, order_by=order)


def _forget_oldest_skips(session: Session, watched_id: int) -> None:
    """Keep the source's newest `SKIPS_KEPT` skips."""
    kept = (
        select(SkippedItemRow.id)
        .where(SkippedItemRow.watched_id == watched_id)
        .order_by(SkippedItemRow.skipped_at.desc(), SkippedItemRow.id.desc())
        .limit(SKIPS_KEPT)
    )
    session.execute(
        delete(SkippedItemRow).where(
            SkippedItemRow.watched_id == watched_id, SkippedItemRow.id.not_in(kept)
        )
    )
