"""Which articles were fetched and drafted already, kept in the database: an article is
drafted once, across restarts and processes.

An article is known by its address (the page's canonical link) and the hash of its
text. The same address and text again is nothing new. The same address with another
text is an edited article: it is drafted again as the next edition (`web_….-2.txt`),
and the report says what changed against the edition before. A row is written (and
committed) before the draft, under a unique key, so two processes fetching the same
article at once draft it once: the second finds the row.

A feed item is known by its GUID and its link (`FeedItem.key`): a feed that gives every
item one GUID still has each later story drafted. An item has a state of its own
(`FeedItemRow`): one whose fetch or read failed is backed off on its own, its failures
counted, so that it neither fails its feed nor is fetched at every poll; one whose
article was drafted through another address (another feed, or the page watched) is
settled, and not fetched again.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Integer, String, Text, UniqueConstraint, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from briefings.ingest.web import FeedItem, WebPage, address_key, page_name
from briefings.storage import Base, Database, UTCDateTime

__all__ = [
    "Claim",
    "FeedItemRow",
    "FetchedArticleRow",
    "ItemFailure",
    "LeaveOut",
    "claim",
    "new_items",
    "record_item_failures",
    "release",
    "settle_item",
    "what_changed",
]

_BATCH = 400  # items looked up at once: two keys each, well within any driver's limits
# Of a batch of item hashes, those the caller leaves out (read in the same session).
LeaveOut = Callable[[Session, Sequence[str]], set[str]]


class FetchedArticleRow(Base):
    """One edition of a fetched article, and the page it was drafted as."""

    __tablename__ = "fetched_articles"
    __table_args__ = (UniqueConstraint("url_hash", "content_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The address hashed for the key: an address may be longer than an index entry.
    url_hash: Mapped[str] = mapped_column(String(64), index=True)
    url: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    edition: Mapped[int] = mapped_column(Integer)
    page_name: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # The feed item's GUID, hashed, when the page came from a feed.
    guid_hash: Mapped[str | None] = mapped_column(String(64), index=True, default=None)


class FeedItemRow(Base):
    """A feed item that is not (yet) a drafted article of its own: backed off after
    failed fetches, or settled, its article drafted through another address."""

    __tablename__ = "feed_items"

    item_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # of `FeedItem.key`
    link: Mapped[str] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # consecutive
    next_try_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), default=None
    )  # None: never
    last_outcome: Mapped[str] = mapped_column(Text)  # one line


@dataclass(frozen=True)
class ItemFailure:
    """A feed item whose fetch or read failed, and why, in one line."""

    item: FeedItem
    why: str

    @property
    def line(self) -> str:
        return f"{self.item.link}: {self.why}"


@dataclass(frozen=True)
class Claim:
    """What a fetched page is: new (to draft as `page_name`), or seen already."""

    page_name: str
    new: bool
    previous_text: str | None = None  # the edition before, for an edited article
    previous_name: str | None = None


def new_items(
    database: Database,
    items: Sequence[FeedItem],
    limit: int,
    now: dt.datetime | None = None,
    leave_out: LeaveOut | None = None,
) -> tuple[list[FeedItem], bool]:
    """The first `limit` items of a feed not drafted before, in the feed's order and
    each key once, and whether more are left. An item drafted when items were known by
    their GUID alone is still known by it, if the feed gives that GUID to no other.
    Left out too: items settled, items backed off past `now` (with no `now`, none is
    backed off), and those `leave_out` names."""
    guids = Counter(item.guid for item in items)
    fresh: list[FeedItem] = []
    keys: set[str] = set()
    with database.session() as session:
        for start in range(0, len(items), _BATCH):
            batch = []
            for item in items[start : start + _BATCH]:
                if item.key not in keys:
                    keys.add(item.key)
                    batch.append(item)
            names = {item: [address_key(item.key)] for item in batch}
            for item in batch:
                if guids[item.guid] == 1:
                    names[item].append(address_key(item.guid))
            wanted = [name for both in names.values() for name in both]
            query = select(FetchedArticleRow.guid_hash).where(
                FetchedArticleRow.guid_hash.in_(wanted)
            )
            known = set(session.scalars(query))
            hashes = [names[item][0] for item in batch]
            known |= _waiting(session, hashes, now)
            if leave_out is not None:
                known |= leave_out(session, hashes)
            for item in batch:
                if known.isdisjoint(names[item]):
                    fresh.append(item)
                if len(fresh) > limit:
                    return fresh[:limit], True
    return fresh, False


def _waiting(session: Session, hashes: Sequence[str], now: dt.datetime | None) -> set[str]:
    """Of these item hashes, the settled ones and those backed off past `now`."""
    later: ColumnElement[bool] = FeedItemRow.next_try_at.is_(None)
    if now is not None:
        later = or_(later, FeedItemRow.next_try_at > now)
    query = select(FeedItemRow.item_hash).where(FeedItemRow.item_hash.in_(hashes), later)
    return set(session.scalars(query))


def record_item_failures(
    session: Session,
    failures: Sequence[ItemFailure],
    now: dt.datetime,
    backoff: Callable[[int], dt.timedelta],
) -> None:
    """Count one more failure on each item, and back its next fetch off by
    `backoff(failures)`: in the caller's transaction."""
    for failure in failures:
        row = _item_row(session, failure.item.key, failure.item.link)
        row.failures += 1
        row.next_try_at = now + backoff(row.failures)
        row.last_outcome = failure.why


def settle_item(database: Database, key: str, link: str, outcome: str) -> None:
    """Never fetch the item (by its `FeedItem.key`) again: its article was drafted
    through another address (`outcome` says which page)."""
    with database.session() as session, session.begin():
        row = _item_row(session, key, link)
        row.next_try_at, row.last_outcome = None, outcome


def _item_row(session: Session, key: str, link: str) -> FeedItemRow:
    """The item's row (by its `FeedItem.key`), added if it has none yet."""
    row = session.get(FeedItemRow, address_key(key))
    if row is None:
        row = FeedItemRow(item_hash=address_key(key), link=link, failures=0)
        session.add(row)
    return row


def claim(database: Database, page: WebPage, now: dt.datetime, guid: str | None = None) -> Claim:
    """Claim the page for drafting, or say it was drafted already (by anyone)."""
    key = address_key(page.url)
    with database.session() as session:
        editions = list(
            session.scalars(
                select(FetchedArticleRow)
                .where(FetchedArticleRow.url_hash == key)
                .order_by(FetchedArticleRow.edition)
            )
        )
        for known in editions:
            if known.content_hash == page.content_hash:
                return Claim(known.page_name, new=False)
        edition = len(editions) + 1
        name = page_name(page.url, edition)
        session.add(
            FetchedArticleRow(
                url_hash=key,
                url=page.url,
                content_hash=page.content_hash,
                edition=edition,
                page_name=name,
                text=page.text,
                fetched_at=now,
                guid_hash=address_key(guid) if guid else None,
            )
        )
        if guid:  # drafted now: a failure it had before is over
            session.execute(delete(FeedItemRow).where(FeedItemRow.item_hash == address_key(guid)))
        try:
            session.commit()
        except IntegrityError:  # another process claimed this very text a moment ago
            session.rollback()
            return claim(database, page, now, guid)
    last = editions[-1] if editions else None
    return Claim(
        name,
        new=True,
        previous_text=last.text if last else None,
        previous_name=last.page_name if last else None,
    )


def release(database: Database, page: WebPage) -> None:
    """Give a claim back, when the page could not be drafted after all."""
    with database.session() as session, session.begin():
        session.execute(
            delete(FetchedArticleRow).where(
                FetchedArticleRow.url_hash == address_key(page.url),
                FetchedArticleRow.content_hash == page.content_hash,
            )
        )


def what_changed(before: str, after: str) -> str:
    """`2 paragraphs added, 1 removed` between two editions of a page."""
    old = [p.strip() for p in before.split("\n\n") if p.strip()]
    new = [p.strip() for p in after.split("\n\n") if p.strip()]
    added = removed = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new).get_opcodes():
        if tag in ("replace", "delete"):
            removed += i2 - i1
        if tag in ("replace", "insert"):
            added += j2 - j1
    return f"{added} paragraph{'s' if added != 1 else ''} added, {removed} removed"
