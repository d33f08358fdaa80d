"""The post ledger: one row per (channel, occasion, local day), claimed before sending.

Whoever inserts a row owns that post; a second process, or the same one restarted,
finds the row and leaves it. Each page is recorded as soon as Discord has it, so a
row says how far a post got, and a resumed post starts at the first page not
recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql.dml import Update

from briefings.storage import Database, LedgerEntry, PostStatus
from briefings.subscriptions.due import PostKey, ScheduledPost

__all__ = ["CLAIM_BATCH", "GIVEN_UP", "Ledger", "PageRecord", "Reopened"]

GIVEN_UP = "given up: not delivered within the grace window"  # said on the row

# Posts claimed per transaction: one round trip for many posts, and a short lock.
CLAIM_BATCH = 500
# Channels whose posts are looked up in one query: well inside every driver's limit
# of bound parameters.
LOOKUP_BATCH = 500


@dataclass(frozen=True)
class PageRecord:
    """A page Discord has accepted: the post's row, how many pages are now delivered."""

    entry_id: int
    pages_sent: int
    page_count: int
    message_id: int | None  # the first page's, which readers link to; else None
    at: dt.datetime

    @property
    def last(self) -> bool:
        """Whether this page completes the post."""
        return self.pages_sent >= self.page_count

    def parameters(self) -> dict[str, Any]:
        """The bound parameters of the page statements."""
        return {
            "entry_id": self.entry_id,
            "pages_sent": self.pages_sent,
            "page_count": self.page_count,
            "message_id": self.message_id,
            "now": self.at,
        }


@dataclass(frozen=True)
class Reopened:
    """A row taken up again: a retry that came due, or a post a dead process left."""

    entry: LedgerEntry
    # Taken up so long after its page may have been made that Discord may have
    # forgotten the nonce: the channel must be read from `since` on for that page
    # before anything is sent. None: a re-send within the window, the nonce holds.
    since: dt.datetime | None = None

    @property
    def check(self) -> bool:
        """Whether the channel must be looked at before the next page is sent."""
        return self.since is not None

    @property
    def resumed(self) -> bool:
        """Whether a dead process left it mid-send (False: a retry after a server error)."""
        return self.entry.status == PostStatus.CLAIMED.value


class Ledger:
    """Reads and writes the post ledger; every write is its own short transaction."""

    def __init__(self, database: Database) -> None:
        self.database = database
        insert = (
            postgresql.insert if database.engine.dialect.name == "postgresql" else sqlite.insert
        )
        # Both dialects say "skip a row that exists and return the ones inserted".
        self._claim_statement = (
            insert(LedgerEntry)
            .on_conflict_do_nothing(index_elements=["channel_id", "occasion", "local_date"])
            .returning(
                LedgerEntry.id, LedgerEntry.channel_id, LedgerEntry.occasion, LedgerEntry.local_date
            )
        )
        # Pages are recorded once per message sent: the statements are built once, and
        # only their parameters change (building one costs more than running it). The
        # other updates are built once per set of columns, in `_update`.
        self._updates: dict[tuple[str, ...], Update] = {}
        page = update(LedgerEntry).where(LedgerEntry.id == bindparam("entry_id"))
        progress: dict[str, Any] = {
            "pages_sent": bindparam("pages_sent"),
            "page_count": bindparam("page_count"),
            "progress_at": bindparam("now"),
            "error": None,
            # Only the first page carries the message id a reader links to.
            "message_id": func.coalesce(bindparam("message_id"), LedgerEntry.message_id),
        }
        self._page = page.values(progress)
        self._last_page = page.values(
            {
                **progress,
                "status": PostStatus.SENT.value,
                "finished_at": bindparam("now"),
                "next_try_at": None,
            }
        )

    def recorded(self, posts: Sequence[ScheduledPost]) -> set[PostKey]:
        """Which of `posts` already have a row. Each batch of `LOOKUP_BATCH` channels is
        one query that seeks their posts' keys on the unique index (channels × the few
        occasions × the few days, every column given), so a wake reads its own rows
        alone, however many channels the ledger holds: reading every row since the
        earliest day made a wake at 100,000 subscriptions read 300,000 rows."""
        wanted = {post.key for post in posts}
        channels = sorted({channel for channel, _, _ in wanted})
        occasions = sorted({occasion for _, occasion, _ in wanted})
        days = sorted({day for _, _, day in wanted})
        columns = (LedgerEntry.channel_id, LedgerEntry.occasion, LedgerEntry.local_date)
        found: set[PostKey] = set()
        with self.database.engine.connect() as connection:
            for start in range(0, len(channels), LOOKUP_BATCH):
                query = select(*columns).where(
                    LedgerEntry.channel_id.in_(channels[start : start + LOOKUP_BATCH]),
                    LedgerEntry.occasion.in_(occasions),
                    LedgerEntry.local_date.in_(days),
                )
                found.update((row[0], row[1], row[2]) for row in connection.execute(query))
        return found & wanted

    def claim(
        self, posts: Sequence[ScheduledPost], status: PostStatus, now: dt.datetime
    ) -> dict[PostKey, int]:
        """Insert a row for each post, `CLAIM_BATCH` to a transaction; the ids of those
        this call inserted (a post missing from the answer was someone else's)."""
        claimed: dict[PostKey, int] = {}
        for start in range(0, len(posts), CLAIM_BATCH):
            with self.database.engine.begin() as connection:
                claimed |= self._insert(connection, posts[start : start + CLAIM_BATCH], status, now)
        return claimed

    def write(
        self, posts: Sequence[ScheduledPost], pages: Sequence[PageRecord], now: dt.datetime
    ) -> dict[PostKey, int]:
        """Claim `posts` (about to be sent) and record delivered `pages`, in one
        transaction; the ids of the posts this call claimed."""
        with self.database.engine.begin() as connection:
            self._record(connection, pages)
            return self._insert(connection, posts, PostStatus.CLAIMED, now)

    def _insert(
        self,
        connection: Connection,
        posts: Sequence[ScheduledPost],
        status: PostStatus,
        now: dt.datetime,
    ) -> dict[PostKey, int]:
        if not posts:
            return {}
        rows = [_row(post, status, now) for post in posts]
        return {
            (channel, occasion, day): entry_id
            for entry_id, channel, occasion, day in connection.execute(self._claim_statement, rows)
        }

    def _record(self, connection: Connection, pages: Sequence[PageRecord]) -> None:
        rows = [page.parameters() for page in pages]
        final = [row for row, page in zip(rows, pages, strict=True) if page.last]
        more = [row for row, page in zip(rows, pages, strict=True) if not page.last]
        if final:
            connection.execute(self._last_page, final)
        if more:
            connection.execute(self._page, more)

    def retry_later(self, entry_id: int, at: dt.datetime, error: str, now: dt.datetime) -> None:
        """Leave the post for the scheduler to try again at `at`, from its next page."""
        self._update(
            entry_id,
            {
                "status": PostStatus.RETRY.value,
                "next_try_at": at,
                "error": error,
                "progress_at": now,
            },
        )

    def fail(self, entry_id: int, error: str, now: dt.datetime) -> None:
        """Give the post up, saying why."""
        self._update(
            entry_id,
            {
                "status": PostStatus.FAILED.value,
                "error": error,
                "finished_at": now,
                "next_try_at": None,
            },
        )

    def _update(self, entry_id: int, values: dict[str, Any]) -> None:
        """Set `values` on one row, with a statement built once per set of columns."""
        columns = tuple(sorted(values))
        statement = self._updates.get(columns)
        if statement is None:
            # Parameters are named apart from the columns: SQLAlchemy keeps a column's
            # own name for the SET clause it generates itself.
            statement = (
                update(LedgerEntry)
                .where(LedgerEntry.id == bindparam("entry_id"))
                .values({column: bindparam(f"new_{column}") for column in columns})
            )
            self._updates[columns] = statement
        parameters = {f"new_{column}": value for column, value in values.items()}
        with self.database.engine.begin() as connection:
            connection.execute(statement, {"entry_id": entry_id, **parameters})

    def reopenable(
        self,
        now: dt.datetime,
        lease: dt.timedelta,
        window: dt.timedelta,
        grace: dt.timedelta,
    ) -> list[Reopened]:
        """Retries that are due (those past `grace` too, to be given up), and posts left
        mid-send whose last sign of life is older than `lease` (so no live process is
        still on them) and which were scheduled within `grace`. Within `window` of the
        earliest moment its page may have been made, a re-sent page is still one
        Discord recognises by its nonce; past it, the post is marked to be checked in
        its channel first. A post left mid-send is taken up again once only."""
        retry_due = and_(
            LedgerEntry.status == PostStatus.RETRY.value, LedgerEntry.next_try_at <= now
        )
        left = and_(
            LedgerEntry.status == PostStatus.CLAIMED.value,
            LedgerEntry.resumes == 0,
            LedgerEntry.progress_at < now - lease,
            LedgerEntry.scheduled_for >= now - grace,
        )
        # One query for each status, each on the index of the status: SQLite answers
        # their OR by reading every row of the ledger (300,000 at 100,000 subscriptions).
        with self.database.session() as session:
            entries = [
                entry
                for wanted in (retry_due, left)
                for entry in session.scalars(select(LedgerEntry).where(wanted))
            ]
        return [
            Reopened(entry, since=since if since < now - window else None)
            for entry in sorted(entries, key=lambda entry: entry.id)
            for since in [_made_after(entry)]
        ]

    def give_up(self, entries: Sequence[LedgerEntry], now: dt.datetime) -> set[int]:
        """Fail retries whose grace has passed (every process was down, or Discord kept
        failing), saying why; the ids this call gave up (each once, whoever races)."""
        if not entries:
            return set()
        query = (
            update(LedgerEntry)
            .where(
                LedgerEntry.id.in_([entry.id for entry in entries]),
                LedgerEntry.status == PostStatus.RETRY.value,
            )
            .values(
                status=PostStatus.FAILED.value,
                error=func.coalesce(LedgerEntry.error + "; ", "") + GIVEN_UP,
                finished_at=now,
                next_try_at=None,
            )
            .returning(LedgerEntry.id)
        )
        with self.database.engine.begin() as connection:
            return set(connection.scalars(query))

    def note(self, entry_id: int, error: str) -> None:
        """Say on the row why it could not be settled (shown by `/brief list`)."""
        self._update(entry_id, {"error": error})

    def take(self, reopened: Reopened, now: dt.datetime) -> bool:
        """Own a reopened row; False if another process took it first.

        The update only matches the row as it was read, so of several processes
        racing for it exactly one succeeds.
        """
        entry = reopened.entry
        query = (
            update(LedgerEntry)
            .where(
                LedgerEntry.id == entry.id,
                LedgerEntry.status == entry.status,
                LedgerEntry.attempts == entry.attempts,
                LedgerEntry.resumes == entry.resumes,
            )
            .values(
                status=PostStatus.CLAIMED.value,
                attempts=entry.attempts + 1,
                resumes=entry.resumes + int(reopened.resumed),
                progress_at=now,
                next_try_at=None,
            )
        )
        with self.database.engine.begin() as connection:
            return connection.execute(query).rowcount == 1

    def next_retry_at(self) -> dt.datetime | None:
        """When the earliest waiting retry falls due."""
        query = select(LedgerEntry.next_try_at).where(LedgerEntry.status == PostStatus.RETRY.value)
        with self.database.session() as session:
            return session.scalar(query.order_by(LedgerEntry.next_try_at).limit(1))

    def latest(self, channel_id: int | None = None, limit: int = 20) -> list[LedgerEntry]:
        """The newest rows first, of one channel or all."""
        query = select(LedgerEntry).order_by(LedgerEntry.id.desc()).limit(limit)
        if channel_id is not None:
            query = query.where(LedgerEntry.channel_id == channel_id)
        with self.database.session() as session:
            return list(session.scalars(query))


def _made_after(entry: LedgerEntry) -> dt.datetime:
    """The earliest moment the row's next page may have been made. A first try left
    mid-send sent nothing before its last sign of life; a post tried again may have had
    that page made at any try since the claim (a server error can come after Discord
    made the message: a lost response)."""
    first_try = entry.status == PostStatus.CLAIMED.value and entry.attempts == 1
    if first_try and entry.progress_at is not None:
        return entry.progress_at
    return entry.claimed_at


def _row(post: ScheduledPost, status: PostStatus, now: dt.datetime) -> dict[str, Any]:
    return {
        "channel_id": post.channel_id,
        "occasion": post.occasion,
        "local_date": post.local_date,
        "subscription_id": post.subscription_id,
        "status": status.value,
        "scheduled_for": post.at,
        "claimed_at": now,
        "progress_at": now,
        "finished_at": now if status is PostStatus.SKIPPED else None,
        "attempts": 0 if status is PostStatus.SKIPPED else 1,
        "pages_sent": 0,
        "resumes": 0,
    }
