"""Drafts waiting for review, kept in the database so that any process can post,
accept or reject them, and where each server reviews them.

A draft holds the fetched page and its drafted annotations (as the YAML a curator
would read), what the extractor was unsure of, the watched address it came from, and
its fate: pending, accepted (with who, when, from which server and as what, and the
items the reviewer dropped) or rejected; and every edit a curator made to it before
(`DraftEditRow`). A rejected draft stays, so its article is
not drafted again.

A draft is shown to the servers that watch its address and to the curating servers
(`briefings.review.trust`), never to a server that only happens to have a review
channel.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import BigInteger, Integer, Select, String, Text, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from briefings.storage import Base, Database, UTCDateTime

__all__ = [
    "Draft",
    "DraftEdit",
    "DraftEditRow",
    "DraftRow",
    "DraftStatus",
    "ReviewChannelRow",
    "ReviewPostRow",
    "ReviewSettings",
]


class DraftStatus(StrEnum):
    """Where a draft stands."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class DraftRow(Base):
    """A page drafted from the web, and its review."""

    __tablename__ = "review_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_name: Mapped[str] = mapped_column(String(255), unique=True)
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    page_text: Mapped[str] = mapped_column(Text)
    annotations: Mapped[str] = mapped_column(Text)  # YAML, as `briefbot ingest` writes it
    unsure: Mapped[str] = mapped_column(Text)  # JSON: item id (or "") -> lines
    change_note: Mapped[str | None] = mapped_column(Text, default=None)  # an edited article
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    reviewed_by: Mapped[str | None] = mapped_column(Text, default=None)  # "name (id)"
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
    dropped: Mapped[str] = mapped_column(Text, default="[]")  # JSON: item ids left out
    # The watched address that brought it (None: staged otherwise, or before this was kept).
    watched_url: Mapped[str | None] = mapped_column(Text, default=None)
    reviewed_in: Mapped[int | None] = mapped_column(BigInteger, default=None)  # the server
    reviewed_as: Mapped[str | None] = mapped_column(String(16), default=None)  # a `Standing`


class DraftEditRow(Base):
    """One change a curator made to a pending draft: the record of who edited what
    (the edited YAML itself is the draft's)."""

    __tablename__ = "review_edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(Integer, index=True)
    item: Mapped[str] = mapped_column(Text)  # the item's id
    field: Mapped[str] = mapped_column(String(32))  # speaker, role, date, effect, …
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(Text)  # "name (id)"
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ReviewChannelRow(Base):
    """Where a server's drafts go, and which role may review them."""

    __tablename__ = "review_channels"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    curator_role_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    set_by: Mapped[int] = mapped_column(BigInteger)
    set_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ReviewPostRow(Base):
    """A draft posted for review in a server: claimed before posting, so each server
    sees each draft once whichever process posts it."""

    __tablename__ = "review_posts"

    draft_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)


@dataclass(frozen=True)
class Draft:
    """A draft's values, detached from any session."""

    id: int
    page_name: str
    url: str
    title: str
    page_text: str
    annotations: str
    unsure: dict[str, list[str]]
    change_note: str | None
    status: DraftStatus
    created_at: dt.datetime
    reviewed_by: str | None = None
    reviewed_at: dt.datetime | None = None
    dropped: list[str] = field(default_factory=list)
    watched_url: str | None = None
    reviewed_in: int | None = None
    reviewed_as: str | None = None

    @property
    def undated(self) -> bool:
        """Whether the page, which prints no date, waits for a curator to give it one
        before it is drafted (its annotations are empty until then)."""
        return not self.annotations

    @property
    def digest(self) -> str:
        """What the draft is about, in 16 hex digits: its page's name, address and
        text. A review post carries it in its buttons, so that a click decides the
        draft the post shows and not another that took its id (a restored or switched
        database); it does not change when the draft is decided."""
        shown = "\n".join((self.page_name, self.url, self.page_text))
        return hashlib.sha256(shown.encode("utf-8")).hexdigest()[:16]

    @classmethod
    def of(cls, row: DraftRow) -> Draft:
        """The row's values."""
        return cls(
            id=row.id,
            page_name=row.page_name,
            url=row.url,
            title=row.title,
            page_text=row.page_text,
            annotations=row.annotations,
            unsure=json.loads(row.unsure),
            change_note=row.change_note,
            status=DraftStatus(row.status),
            created_at=row.created_at,
            reviewed_by=row.reviewed_by,
            reviewed_at=row.reviewed_at,
            dropped=json.loads(row.dropped),
            watched_url=row.watched_url,
            reviewed_in=row.reviewed_in,
            reviewed_as=row.reviewed_as,
        )


@dataclass(frozen=True)
class DraftEdit:
    """A change made to a draft in review, detached from any session."""

    item: str
    field: str
    before: str
    after: str
    by: str
    at: dt.datetime

    @classmethod
    def of(cls, row: DraftEditRow) -> DraftEdit:
        """The row's values."""
        return cls(row.item, row.field, row.before, row.after, row.by, row.at)


@dataclass(frozen=True)
class ReviewChannel:
    """A server's review channel and curator role."""

    guild_id: int
    channel_id: int
    curator_role_id: int | None

    @classmethod
    def of(cls, row: ReviewChannelRow) -> ReviewChannel:
        """The row's values."""
        return cls(row.guild_id, row.channel_id, row.curator_role_id)


def _pending_for(guild_id: int, curating: frozenset[int]) -> Select[DraftRow]:
    """The pending drafts a server is shown: every one in a curating server, else
    those of the addresses it watches."""
    # The watcher stages drafts through this package: its table is imported here.
    from briefings.watching.records import WatchedSourceRow

    query = select(DraftRow).where(DraftRow.status == DraftStatus.PENDING)
    if guild_id in curating:
        return query
    watched = select(WatchedSourceRow.url).where(WatchedSourceRow.guild_id == guild_id)
    return query.where(DraftRow.watched_url.in_(watched))


class ReviewSettings:
    """Review channels, and which drafts each server has been shown."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def set_channel(
        self, guild_id: int, channel_id: int, role_id: int | None, by: int, now: dt.datetime
    ) -> None:
        """Send the server's drafts to `channel_id`; `role_id` may review them."""
        with self.database.session() as session, session.begin():
            row = session.get(ReviewChannelRow, guild_id)
            if row is None:
                row = ReviewChannelRow(guild_id=guild_id)
                session.add(row)
            row.channel_id, row.curator_role_id = channel_id, role_id
            row.set_by, row.set_at = by, now

    def channel(self, guild_id: int) -> ReviewChannel | None:
        """The server's review channel, if it has one."""
        with self.database.session() as session:
            row = session.get(ReviewChannelRow, guild_id)
            return ReviewChannel.of(row) if row else None

    def unposted(
        self, guild_ids: list[int], curating: frozenset[int]
    ) -> list[tuple[ReviewChannel, Draft]]:
        """Pending drafts not yet posted in these servers' review channels."""
        found = []
        with self.database.session() as session:
            channels = session.scalars(
                select(ReviewChannelRow).where(ReviewChannelRow.guild_id.in_(guild_ids))
            ).all()
            for channel in channels:
                posted = select(ReviewPostRow.draft_id).where(
                    ReviewPostRow.guild_id == channel.guild_id
                )
                query = _pending_for(channel.guild_id, curating).where(DraftRow.id.not_in(posted))
                drafts = session.scalars(query.order_by(DraftRow.id))
                found += [(ReviewChannel.of(channel), Draft.of(row)) for row in drafts]
        return found

    def waiting(self, guild_id: int, curating: frozenset[int]) -> int:
        """How many drafts shown to the server wait for review."""
        query = _pending_for(guild_id, curating).with_only_columns(func.count())
        with self.database.session() as session:
            return session.scalar(query) or 0

    def backlog(self) -> tuple[int, dt.datetime | None]:
        """How many drafts wait for review in every server, and when the oldest came."""
        query = select(func.count(), func.min(DraftRow.created_at)).where(
            DraftRow.status == DraftStatus.PENDING
        )
        with self.database.session() as session:
            count, oldest = session.execute(query).one()
        return count or 0, oldest

    def claim_post(self, draft_id: int, guild_id: int, channel_id: int) -> bool:
        """Claim the posting of a draft in a server; False if it was claimed already."""
        with self.database.session() as session:
            session.add(ReviewPostRow(draft_id=draft_id, guild_id=guild_id, channel_id=channel_id))
            try:
                session.commit()
            except IntegrityError:
                return False
        return True

    def unclaim_post(self, draft_id: int, guild_id: int) -> None:
        """Give a claim back when the post failed: the next round posts it again."""
        with self.database.session() as session, session.begin():
            row = session.get(ReviewPostRow, (draft_id, guild_id))
            if row is not None and row.message_id is None:
                session.delete(row)

    def posts_of(self, draft_id: int) -> list[tuple[int, int]]:
        """(channel, message) of each review post of the draft, in every server."""
        query = select(ReviewPostRow.channel_id, ReviewPostRow.message_id).where(
            ReviewPostRow.draft_id == draft_id, ReviewPostRow.message_id.is_not(None)
        )
        with self.database.session() as session:
            return [(channel, message) for channel, message in session.execute(query) if message]

    def posted(self, draft_id: int, guild_id: int, message_id: int) -> None:
        """Remember the review message, so a decision can update it."""
        with self.database.session() as session, session.begin():
            row = session.get(ReviewPostRow, (draft_id, guild_id))
            if row is not None:
                row.message_id = message_id
