"""Which articles were fetched and drafted already, kept in the database: an article is
drafted once, across restarts and processes.

An article is known by its address (the page's canonical link) and the hash of its
text. The same address and text again is nothing new. The same address with another
text is an edited article: it is drafted again as the next edition (`web_….-2.txt`),
and the report says what changed against the edition before. A row is written (and
committed) before the draft, under a unique key, so two processes fetching the same
article at once draft it once: the second finds the row.

A feed item is known by its GUID and its link (`FeedItem.key`): a feed that gives every
item one GUID still has each later story drafted.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from briefings.ingest.web import FeedItem, WebPage, address_key, page_name
from briefings.storage import Base, Database, UTCDateTime

__all__ = ["Claim", "FetchedArticleRow", "claim", "new_items", "release", "what_changed"]

_BATCH = 400  # items looked up at once: two keys each, well within any driver's limits


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


@dataclass(frozen=True)
class Claim:
    """What a fetched page is: new (to draft as `page_name`), or seen already."""

    page_name: str
    new: bool
    previous_text: str | None = None  # the edition before, for an edited article
    previous_name: str | None = None


def new_items(
    database: Database, items: Sequence[FeedItem], limit: int
) -> tuple[list[FeedItem], bool]:
    """The first `limit` items of a feed not drafted before, in the feed's order and
    each key once, and whether more are left. An item drafted when items were known by
    their GUID alone is still known by it, if the feed gives that GUID to no other."""
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
            for item in batch:
                if known.isdisjoint(names[item]):
                    fresh.append(item)
                if len(fresh) > limit:
                    return fresh[:limit], True
    return fresh, False


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
