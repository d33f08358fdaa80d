"""The fact tables. Each fact is stored whole (its annotation as JSON, `payload`) beside
the columns its queries select by, each with an index.

Rows keep their place in the curated files (`ordinal`), so lists come back in the
same order as from the memory store and every answer is the same whichever store
gives it.

Every row belongs to one store version, and a version's rows never change: a sync
writes the next version's rows beside the current ones and then moves `fact_state`
to it, in one transaction, and drops the versions superseded long enough ago that
no process reads them any more. A process still reading the previous version reads
it whole, never half of each, without the database having to hold a snapshot open;
it moves to the new version when it next looks, between two answers.
`fact_changes` keeps who made each version and when.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from briefings.storage import Base, UTCDateTime

__all__ = [
    "FACT_TABLES",
    "FactActorRow",
    "FactChangeRow",
    "FactCitationRow",
    "FactContributionRow",
    "FactDiscrepancyLinkRow",
    "FactDiscrepancyRow",
    "FactEventActorRow",
    "FactEventRow",
    "FactExcludedRow",
    "FactInputRow",
    "FactPageRow",
    "FactPrintingErrorRow",
    "FactQuoteRow",
    "FactRoleRow",
    "FactSourceRow",
    "FactStateRow",
]

ID = 64  # the longest id an annotation may have
NAME = 255  # a seed or annotation file name


class _Versioned:
    """The store version a row belongs to: the first column of its key and its indexes."""

    version: Mapped[int] = mapped_column(Integer, primary_key=True)


class _WholeFact(_Versioned):
    """A fact stored whole: its id, its place in the curated files, its JSON."""

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)


class _Cited(_WholeFact):
    """A fact citing excerpts, with what citing them needs written beside its JSON at
    sync, so that an answer reading the fact reads no other table to cite it: a day's
    digest cites some 140 events. NULL in rows synced before the columns existed
    (migration 0007); those are looked up in `fact_citations` and
    `fact_discrepancy_facts`, as before."""

    # JSON, one [seed, first line, last line, offset] per excerpt, in evidence order.
    located: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Whether any discrepancy concerns the fact: most facts have none to look up.
    disputed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class FactStateRow(Base):
    """The one row saying which version of the store the tables hold."""

    __tablename__ = "fact_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    version: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class FactChangeRow(Base):
    """One change of the store: which version it made, when, by whom, and what."""

    __tablename__ = "fact_changes"

    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    changed_by: Mapped[str] = mapped_column(String(NAME))
    summary: Mapped[str] = mapped_column(Text)


class FactInputRow(Base):
    """A file the store was synced from and its hash: an unchanged file is not read again."""

    __tablename__ = "fact_inputs"

    name: Mapped[str] = mapped_column(String(NAME), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))


class FactPageRow(_Versioned, Base):
    """A seed page, byte for byte as its manifest hashes it."""

    __tablename__ = "fact_pages"

    seed: Mapped[str] = mapped_column(String(NAME), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)


class FactSourceRow(_Versioned, Base):
    """A seed's publisher, articles, furniture and off-topic parts."""

    __tablename__ = "fact_sources"

    seed: Mapped[str] = mapped_column(String(NAME), primary_key=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)


class FactActorRow(_WholeFact, Base):
    """A person, government or body."""

    __tablename__ = "fact_actors"


class FactRoleRow(_WholeFact, Base):
    """A post an actor holds, as one source states it."""

    __tablename__ = "fact_roles"
    __table_args__ = (Index("ix_fact_roles_actor", "version", "actor"),)

    actor: Mapped[str] = mapped_column(String(ID))


class FactEventRow(_Cited, Base):
    """An event, with the first and last day it may have happened on."""

    __tablename__ = "fact_events"
    __table_args__ = (
        Index("ix_fact_events_span", "version", "earliest", "latest"),
        Index("ix_fact_events_month_day", "version", "precision", "month", "day"),
        Index("ix_fact_events_expected", "version", "status", "precision", "earliest"),
        Index("ix_fact_events_milestone", "version", "milestone"),
        Index("ix_fact_events_span_days", "version", "span_days"),
    )

    earliest: Mapped[dt.date] = mapped_column(Date)
    latest: Mapped[dt.date] = mapped_column(Date)
    # latest - earliest: the longest bounds how far before a period a search must look.
    span_days: Mapped[int] = mapped_column(Integer)
    precision: Mapped[str] = mapped_column(String(8))
    month: Mapped[int] = mapped_column(Integer)  # of `earliest`: anniversaries by day of year
    day: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    milestone: Mapped[bool] = mapped_column(Boolean)


class FactEventActorRow(_Versioned, Base):
    """An actor an event involves."""

    __tablename__ = "fact_event_actors"
    __table_args__ = (Index("ix_fact_event_actors_actor", "version", "actor_id"),)

    event_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    actor_id: Mapped[str] = mapped_column(String(ID), primary_key=True)


class FactQuoteRow(_Cited, Base):
    """A quote, with the key it sorts by among its speaker's quotes."""

    __tablename__ = "fact_quotes"
    __table_args__ = (
        Index(
            "ix_fact_quotes_speaker",
            "version",
            "speaker",
            "sort_earliest",
            "sort_latest",
            "sort_seed",
            "sort_offset",
            "ordinal",
        ),
    )

    speaker: Mapped[str] = mapped_column(String(ID))
    # Its date, else its article's; then where its first excerpt stands in the page.
    sort_earliest: Mapped[dt.date] = mapped_column(Date)
    sort_latest: Mapped[dt.date] = mapped_column(Date)
    sort_seed: Mapped[str] = mapped_column(String(NAME))
    sort_offset: Mapped[int] = mapped_column(Integer)


class FactDiscrepancyRow(_WholeFact, Base):
    """Sources that do not agree."""

    __tablename__ = "fact_discrepancies"


class FactDiscrepancyLinkRow(_Versioned, Base):
    """A fact a discrepancy concerns."""

    __tablename__ = "fact_discrepancy_facts"
    __table_args__ = (Index("ix_fact_discrepancy_facts_fact", "version", "fact_id"),)

    discrepancy_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    fact_id: Mapped[str] = mapped_column(String(ID), primary_key=True)


class FactPrintingErrorRow(_WholeFact, Base):
    """A misprint, with where its printed words first stand in the page."""

    __tablename__ = "fact_printing_errors"
    __table_args__ = (Index("ix_fact_printing_errors_span", "version", "seed", "start"),)

    seed: Mapped[str] = mapped_column(String(NAME))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


class FactExcludedRow(_Versioned, Base):
    """A quotation deliberately not stored as a quote, kept for the export."""

    __tablename__ = "fact_excluded_quotations"

    ordinal: Mapped[int] = mapped_column(Integer, primary_key=True)
    payload: Mapped[str] = mapped_column(Text)


class FactCitationRow(_Versioned, Base):
    """Where an excerpt stands, located once at sync: the seed, its lines, and the
    offset of its first occurrence in the page. Keyed by a hash of (article, text), as
    an excerpt may be longer than an index entry may."""

    __tablename__ = "fact_citations"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    seed: Mapped[str] = mapped_column(String(NAME))
    first_line: Mapped[int] = mapped_column(Integer)
    last_line: Mapped[int] = mapped_column(Integer)
    offset: Mapped[int] = mapped_column(Integer)


class FactContributionRow(_Versioned, Base):
    """How many facts of a kind cite an article, counted once at sync."""

    __tablename__ = "fact_contributions"

    article: Mapped[str] = mapped_column(String(ID), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


# Every table whose rows belong to a version.
FACT_TABLES = (
    FactPageRow,
    FactSourceRow,
    FactActorRow,
    FactRoleRow,
    FactEventRow,
    FactEventActorRow,
    FactQuoteRow,
    FactDiscrepancyRow,
    FactDiscrepancyLinkRow,
    FactPrintingErrorRow,
    FactExcludedRow,
    FactCitationRow,
    FactContributionRow,
)
