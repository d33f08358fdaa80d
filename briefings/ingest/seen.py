"""Which articles were fetched and drafted already, kept in the database: an article is
drafted once, across restarts and processes.

An article is known by its address (the page's canonical link) and the hash of its
text. The same address and text again is nothing new. The same address with another
text is an edited article: it is drafted again as the next edition (`web_….-2.txt`),
and the report says what changed against the edition before. A row is written (and
committed) before the draft, under a unique key, so two processes fetching the same
article at once draft it once: the second finds the row.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from sqlalchemy import Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from briefings.ingest.web import WebPage, address_key, page_name
from briefings.storage import Base, Database, UTCDateTime

__all__ = ["Claim", "FetchedArticleRow", "claim", "drafted_item", "release", "what_changed"]


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


def drafted_item(database: Database, guid: str) -> str | None:
    """The page a feed item (by its GUID) was drafted as, if it was."""
    query = select(FetchedArticleRow.page_name).where(
        FetchedArticleRow.guid_hash == address_key(guid)
    )
    with database.session() as session:
        return session.scalars(query.limit(1)).first()


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
