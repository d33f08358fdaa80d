"""`DatabaseFactStore`: the fact store read from the database, one index per question.

It holds in memory what nearly every answer needs and what stays small as the store
grows: the sources with their articles, and the actors (whose names every lookup
matches against). Every other fact is read when a question needs it, through the
index made for that question, and decoded from its stored JSON.

The store answers from one version of the tables (`version`). `refresh` moves it to
the newest version; the bot calls it every few seconds and between answers, so one
answer never mixes two versions. Rows of a version are never changed, and stay in
the database for a while after a newer one arrives (see `factbase.sync`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from pydantic_core import from_json
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Executable,
    Select,
    and_,
    bindparam,
    func,
    select,
    union,
    union_all,
)
from sqlalchemy.exc import SQLAlchemyError

from briefings.annotations import (
    ActorAnnotation,
    AnnotationFile,
    DiscrepancyAnnotation,
    EventAnnotation,
    Evidence,
    ExcludedQuotation,
    PrintingErrorAnnotation,
    QuoteAnnotation,
    RoleAnnotation,
    SourceAnnotation,
    cited_evidence,
)
from briefings.dates import FuzzyDate, Precision
from briefings.errors import StorageError
from briefings.factbase.payloads import decode
from briefings.factbase.sync import STATE_ID, citation_key
from briefings.factbase.tables import (
    FactActorRow,
    FactCitationRow,
    FactContributionRow,
    FactDiscrepancyLinkRow,
    FactDiscrepancyRow,
    FactEventActorRow,
    FactEventRow,
    FactExcludedRow,
    FactPageRow,
    FactPrintingErrorRow,
    FactQuoteRow,
    FactRoleRow,
    FactSourceRow,
    FactStateRow,
)
from briefings.seeds import SeedText
from briefings.source_map import Location
from briefings.storage import Database, reason
from briefings.store import FactCounts, FactStore, periods_of

__all__ = ["DatabaseFactStore"]

Fact = TypeVar("Fact")


SHORT_SPAN = 62  # days: an event at most this long is found by its first day (see find_events)
CHUNK = 500  # ids per IN (...): well under every database's limit on parameters

# The statements every answer runs, built once: building one costs more than running
# it on an index. Each takes the version and its values as bound parameters.
_VERSION: BindParameter[int] = bindparam("version")
_QUOTES_BY = (
    select(FactQuoteRow.payload, FactQuoteRow.located, FactQuoteRow.disputed)
    .where(FactQuoteRow.version == _VERSION, FactQuoteRow.speaker == bindparam("speaker"))
    .order_by(
        FactQuoteRow.sort_earliest,
        FactQuoteRow.sort_latest,
        FactQuoteRow.sort_seed,
        FactQuoteRow.sort_offset,
        FactQuoteRow.ordinal,
    )
)
# What `_cited` decodes an event from.
_CITED_EVENT = (FactEventRow.payload, FactEventRow.located, FactEventRow.disputed)


def _ordered_events(*where: ColumnElement[bool]) -> Select[int, str, str | None, bool | None]:
    """Events as `_cited` decodes them, after their place in the store: a branch of a
    UNION, ordered by that place (see `DatabaseFactStore._union_of_events`)."""
    return select(FactEventRow.ordinal, *_CITED_EVENT).where(*where)


# The events a day's occasions may concern, in one read (a digest is asked for every
# day of a year): each branch on its own index, and UNION drops an event found twice.
# A day has one (month, day), or two on 28 February of a common year (29 February's
# events are remembered then); month 0 when the day is not the first of its month.
_DAY, _MONTH = Precision.DAY.value, Precision.MONTH.value
_OCCASION_EVENTS = union(
    *(
        _ordered_events(
            FactEventRow.version == _VERSION,
            FactEventRow.precision == _DAY,
            FactEventRow.month == bindparam(f"month_{n}"),
            FactEventRow.day == bindparam(f"day_{n}"),
        )
        for n in (1, 2)
    ),
    _ordered_events(
        FactEventRow.version == _VERSION,
        FactEventRow.precision == _MONTH,
        FactEventRow.month == bindparam("month"),
    ),
    _ordered_events(
        FactEventRow.version == _VERSION,
        FactEventRow.status == "expected",
        FactEventRow.precision == _DAY,
        FactEventRow.earliest.in_(bindparam("expected", expanding=True)),
    ),
).order_by("ordinal")
_LOCATED = select(FactCitationRow).where(
    FactCitationRow.version == _VERSION,
    FactCitationRow.key.in_(bindparam("keys", expanding=True)),
)
_ROLES = select(FactRoleRow.payload).where(
    FactRoleRow.version == _VERSION, FactRoleRow.id.in_(bindparam("ids", expanding=True))
)
_DISCREPANCIES_ABOUT = (
    select(FactDiscrepancyLinkRow.fact_id, FactDiscrepancyRow.ordinal, FactDiscrepancyRow.payload)
    .join(
        FactDiscrepancyRow,
        and_(
            FactDiscrepancyRow.version == FactDiscrepancyLinkRow.version,
            FactDiscrepancyRow.id == FactDiscrepancyLinkRow.discrepancy_id,
        ),
    )
    .where(
        FactDiscrepancyLinkRow.version == _VERSION,
        FactDiscrepancyLinkRow.fact_id.in_(bindparam("ids", expanding=True)),
    )
)
_MISPRINTS = (
    select(
        FactPrintingErrorRow.start,
        FactPrintingErrorRow.end,
        FactPrintingErrorRow.ordinal,
        FactPrintingErrorRow.payload,
    )
    .where(
        FactPrintingErrorRow.version == _VERSION,
        FactPrintingErrorRow.seed == bindparam("seed"),
        FactPrintingErrorRow.start < bindparam("high"),
        FactPrintingErrorRow.end > bindparam("low"),
    )
    .order_by(FactPrintingErrorRow.ordinal)
)


class _Place(NamedTuple):
    """Where an excerpt stands, as a fact row carries it (a `fact_citations` row has
    the same fields)."""

    seed: str
    first_line: int
    last_line: int
    offset: int


@dataclass
class _Reading:
    """What one answer has read so far, over one connection; dropped when it ends."""

    connection: Connection
    # Keyed by the excerpt itself (hashed by its words), not its stored key: the sha256
    # of the key is worked out only for those read from the database.
    located: dict[Evidence, Any] = field(default_factory=dict)  # excerpt -> its row
    # fact id -> (ordinal, discrepancy) of those that concern it, for the fetched facts
    discrepancies: dict[str, list[tuple[int, DiscrepancyAnnotation]]] = field(default_factory=dict)
    roles: dict[str, RoleAnnotation] = field(default_factory=dict)
    # excerpt -> (ordinal, misprint) overlapping it, for the fetched quotes
    misprints: dict[Evidence, list[tuple[int, PrintingErrorAnnotation]]] = field(
        default_factory=dict
    )


Kept = TypeVar("Kept", DiscrepancyAnnotation, PrintingErrorAnnotation)
Cited = TypeVar("Cited", EventAnnotation, QuoteAnnotation)


def _once_in_order(found: Iterable[tuple[int, Kept]]) -> list[Kept]:
    """Each fact once, in store order, from (ordinal, fact) pairs that may repeat."""
    unique = {fact.id: (ordinal, fact) for ordinal, fact in found}
    return [fact for _, fact in sorted(unique.values(), key=lambda pair: pair[0])]


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


class DatabaseFactStore(FactStore):
    """The facts of the newest synced version, read from the database as asked."""

    def __init__(self, database: Database) -> None:
        super().__init__([], [])
        self.database = database
        self.version = 0
        # One reading per thread: the bot draws pictures in a worker thread while the
        # event loop answers the next question from the same store. While any is open
        # the store stays on its version (see `refresh`).
        self._readings = threading.local()
        self._open_readings = 0
        self._lock = threading.Lock()
        # Read once per version: autocomplete asks for them at every keystroke.
        self._periods: set[str] | None = None
        self._speakers: set[str] | None = None
        self._counts: FactCounts | None = None
        # Read once per version: every day's occasions ask whether a notice falls due.
        self._notice_days: frozenset[dt.date] | None = None
        if not self.refresh():
            raise StorageError("the database holds no facts yet: run `briefbot facts sync`")

    # --- following the version ---------------------------------------------------

    def current_version(self) -> int:
        """The version the database holds now (0 before the first sync); `StorageError`
        in one line if the database does not answer."""
        query = select(FactStateRow.version).where(FactStateRow.id == STATE_ID)
        try:
            with self.database.engine.connect() as connection:
                return connection.execute(query).scalar() or 0
        except SQLAlchemyError as error:
            raise StorageError(f"cannot read the fact store's version: {reason(error)}") from None

    def refresh(self) -> bool:
        """Answer from the newest version from now on; True when that is a new one.

        Not while an answer is being read in another thread (answers and pictures are
        worked out in worker threads): that answer finishes on the version it began
        with, and the next look moves. The new version is read first and swapped in
        under the lock a reading takes to begin, so none begins halfway through.
        """
        version = self.current_version()
        if version in (0, self.version) or self._open_readings:
            return False
        sources = self._decoded(SourceAnnotation, FactSourceRow, version=version)
        actors = self._decoded(ActorAnnotation, FactActorRow, version=version)
        with self._lock:
            if self._open_readings or version <= self.version:
                return False
            self._hold(sources, actors)
            self.version = version
            self._periods = self._speakers = self._counts = self._notice_days = None
        return True

    # --- reading -------------------------------------------------------------------

    @property
    def _reading(self) -> _Reading | None:
        """This thread's reading, if it is inside one."""
        current: _Reading | None = getattr(self._readings, "current", None)
        return current

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._open():
            yield

    @contextmanager
    def _open(self) -> Iterator[_Reading]:
        """This thread's reading: the one under way, or a new one for the duration."""
        if self._reading is not None:  # already inside one: it goes on
            yield self._reading
            return
        with self.database.engine.connect() as connection:
            current = self._readings.current = _Reading(connection)
            with self._lock:
                self._open_readings += 1
            try:
                yield current
            finally:
                self._readings.current = None
                with self._lock:
                    self._open_readings -= 1

    def _all(self, query: Executable, **values: Any) -> list[Any]:
        """The rows of `query`; `values` for its bound parameters (the version is given)."""
        parameters = {"version": self.version, **values} if values else None
        if self._reading is not None:
            return list(self._reading.connection.execute(query, parameters).all())
        with self.database.engine.connect() as connection:
            return list(connection.execute(query, parameters).all())

    def _scalar(self, query: Executable) -> Any:
        rows = self._all(query)
        return rows[0][0] if rows else None

    def _decoded(
        self,
        kind: type[Fact],
        table: Any,
        *where: ColumnElement[bool],
        version: int | None = None,
    ) -> list[Fact]:
        """The facts of `table` matching `where`, decoded, in store order (of this
        store's version, or of `version`)."""
        query = (
            select(table.payload)
            .where(table.version == (version or self.version), *where)
            .order_by(table.ordinal)
        )
        return [decode(kind, payload) for (payload,) in self._all(query)]

    def _events(self, *where: ColumnElement[bool]) -> list[EventAnnotation]:
        query = (
            select(*_CITED_EVENT)
            .where(FactEventRow.version == self.version, *where)
            .order_by(FactEventRow.ordinal)
        )
        return self._cited(EventAnnotation, self._all(query))

    def _union_of_events(self, query: Executable, **values: Any) -> list[EventAnnotation]:
        """The events of a UNION of `_ordered_events` branches (the place dropped)."""
        rows = self._all(query, **values)
        return self._cited(EventAnnotation, (row[1:] for row in rows))

    def _cited(self, kind: type[Cited], rows: Iterable[Any]) -> list[Cited]:
        """Facts from (payload, located, disputed) rows. Inside a reading, where their
        excerpts stand and whether they are disputed go into it as they come (see
        `tables._Cited`); `_with_context` fetches what rows of an older sync lack."""
        facts = []
        reading = self._reading
        for payload, located, disputed in rows:
            fact = decode(kind, payload)
            facts.append(fact)
            if reading is None:
                continue
            if located is not None:
                for item, place in zip(cited_evidence(fact), from_json(located), strict=True):
                    if place is not None:
                        reading.located.setdefault(item, _Place(*place))
            if disputed is False:
                reading.discrepancies.setdefault(fact.id, [])
        return self._with_context(facts)

    # --- what goes with the facts an answer reads ---------------------------------

    def _with_context(self, facts: list[Fact]) -> list[Fact]:
        """Inside a reading, fetch at once what the answer will ask of each of `facts`:
        where their excerpts stand, the discrepancies about them, and for quotes their
        roles and misprints. A few reads for the lot, not a few per fact."""
        reading = self._reading
        if reading is None or not facts:
            return facts
        evidence = [item for fact in facts for item in cited_evidence(fact)]
        self._fetch_located(reading, evidence)
        self._fetch_discrepancies(reading, [getattr(fact, "id", "") for fact in facts])
        quotes = [fact for fact in facts if isinstance(fact, QuoteAnnotation)]
        if quotes:
            self._fetch_roles(reading, [q.role for q in quotes if q.role is not None])
            self._fetch_misprints(reading, [item for q in quotes for item in q.evidence])
        return facts

    def _fetch_located(self, reading: _Reading, evidence: Iterable[Evidence]) -> None:
        wanted = {citation_key(item): item for item in evidence if item not in reading.located}
        for chunk in _chunks(wanted):
            for row in self._all(_LOCATED, keys=chunk):
                reading.located[wanted[row.key]] = row

    def _fetch_discrepancies(self, reading: _Reading, fact_ids: Iterable[str]) -> None:
        wanted = set(fact_ids) - reading.discrepancies.keys()
        for fact_id in wanted:
            reading.discrepancies[fact_id] = []
        for chunk in _chunks(wanted):
            for fact_id, ordinal, payload in self._all(_DISCREPANCIES_ABOUT, ids=chunk):
                found = (ordinal, decode(DiscrepancyAnnotation, payload))
                reading.discrepancies[fact_id].append(found)

    def _fetch_roles(self, reading: _Reading, role_ids: Iterable[str]) -> None:
        wanted = set(role_ids) - reading.roles.keys()
        for chunk in _chunks(wanted):
            for (payload,) in self._all(_ROLES, ids=chunk):
                role = decode(RoleAnnotation, payload)
                reading.roles[role.id] = role

    def _fetch_misprints(self, reading: _Reading, evidence: Iterable[Evidence]) -> None:
        """The misprints overlapping each excerpt: one read per page the excerpts are on,
        over the stretch of the page between the first and the last of them."""
        spans: dict[str, list[tuple[Evidence, int, int]]] = {}
        for item in evidence:
            row = reading.located.get(item)
            if item in reading.misprints or row is None:
                continue
            spans.setdefault(row.seed, []).append((item, row.offset, row.offset + len(item.text)))
        for seed, excerpts in spans.items():
            low, high = min(s for _, s, _ in excerpts), max(e for _, _, e in excerpts)
            errors = [
                (start, end, ordinal, decode(PrintingErrorAnnotation, payload))
                for start, end, ordinal, payload in self._all(
                    _MISPRINTS, seed=seed, low=low, high=high
                )
            ]
            for item, begin, finish in excerpts:
                reading.misprints[item] = [
                    (ordinal, error)
                    for start, end, ordinal, error in errors
                    if start < finish and begin < end
                ]

    # --- the contract --------------------------------------------------------------

    def locate(self, evidence: Evidence) -> Location:
        reading = self._reading
        # Inside a reading the excerpt was nearly always fetched with its fact: a
        # digest asks this of 140 events, and entering a reading costs more than that.
        row = reading.located.get(evidence) if reading is not None else None
        if row is None:
            with self._open() as reading:
                self._fetch_located(reading, [evidence])
                row = reading.located.get(evidence)
        if row is None:  # pragma: no cover - every excerpt was located at sync
            raise LookupError(f"excerpt not located: {evidence.text!r}")
        return Location(row.seed, row.first_line, row.last_line)

    def role(self, role_id: str) -> RoleAnnotation:
        with self._open() as reading:
            self._fetch_roles(reading, [role_id])
            return reading.roles[role_id]

    def roles_held_by(self, actor: str) -> list[RoleAnnotation]:
        return self._decoded(RoleAnnotation, FactRoleRow, FactRoleRow.actor == actor)

    def quotes_by(self, actor: str) -> list[QuoteAnnotation]:
        return self._cited(QuoteAnnotation, self._all(_QUOTES_BY, speaker=actor))

    def speakers(self) -> set[str]:
        if self._speakers is None:
            query = select(FactQuoteRow.speaker).where(FactQuoteRow.version == self.version)
            self._speakers = {speaker for (speaker,) in self._all(query.distinct())}
        return self._speakers

    def find_events(
        self, period: FuzzyDate | None = None, actors: Collection[str] = ()
    ) -> list[EventAnnotation]:
        shared: list[ColumnElement[bool]] = [FactEventRow.version == self.version]
        if actors:
            involved = select(FactEventActorRow.event_id).where(
                FactEventActorRow.version == self.version,
                FactEventActorRow.actor_id.in_(list(actors)),
            )
            shared.append(FactEventRow.id.in_(involved))
        if period is None:
            return self._events(*shared[1:])
        # Two reads, each on its own index. An event of at most SHORT_SPAN days (a day,
        # a month) that overlaps the period starts at most that long before it: a short
        # stretch of the index by first day. The longer ones (years, long ranges; a few
        # in any store) are found by their length. One bound for all, the longest
        # event's, made a month of 100,000 facts scan every event since 1910 (2.6 ms).
        overlaps = [FactEventRow.latest >= period.earliest, *shared]
        reach = period.earliest - dt.timedelta(days=SHORT_SPAN)
        query = union_all(
            _ordered_events(
                FactEventRow.earliest.between(reach, period.latest),
                FactEventRow.span_days <= SHORT_SPAN,
                *overlaps,
            ),
            _ordered_events(
                FactEventRow.span_days > SHORT_SPAN,
                FactEventRow.earliest <= period.latest,
                *overlaps,
            ),
        ).order_by("ordinal")
        return self._union_of_events(query)

    def milestones(self) -> list[EventAnnotation]:
        return self._events(FactEventRow.milestone.is_(True))

    def notice_days(self) -> frozenset[dt.date]:
        if self._notice_days is None:
            self._notice_days = super().notice_days()
        return self._notice_days

    def occasion_events(
        self,
        month_days: Collection[tuple[int, int]],
        month: int | None,
        expected: Collection[dt.date],
    ) -> list[EventAnnotation]:
        pairs = sorted(month_days)
        if not 1 <= len(pairs) <= 2:
            raise ValueError(f"one or two (month, day) pairs, not {len(pairs)}")
        (month_1, day_1), (month_2, day_2) = pairs[0], pairs[-1]
        values = {"month_1": month_1, "day_1": day_1, "month_2": month_2, "day_2": day_2}
        return self._union_of_events(
            _OCCASION_EVENTS, **values, month=month or 0, expected=sorted(set(expected))
        )

    def event_periods(self) -> set[str]:
        if self._periods is None:
            query = select(FactEventRow.earliest, FactEventRow.latest).where(
                FactEventRow.version == self.version
            )
            self._periods = periods_of(self._all(query.distinct()))
        return self._periods

    def contributions(self) -> dict[str, Counter[str]]:
        counts: dict[str, Counter[str]] = {article: Counter() for article in self.articles}
        query = select(
            FactContributionRow.article, FactContributionRow.kind, FactContributionRow.count
        ).where(FactContributionRow.version == self.version)
        for article, kind, count in self._all(query):
            counts[article][kind] = count
        return counts

    def discrepancies_about(self, fact_ids: Iterable[str]) -> list[DiscrepancyAnnotation]:
        wanted = list(fact_ids)
        reading = self._reading
        known = reading.discrepancies if reading is not None else {}
        if all(fact in known for fact in wanted):  # fetched with the facts (see `locate`)
            found = [pair for fact in wanted for pair in known[fact]]
            return _once_in_order(found) if found else []  # most facts have none
        with self._open() as reading:
            self._fetch_discrepancies(reading, wanted)
            return _once_in_order(pair for fact in wanted for pair in reading.discrepancies[fact])

    def printing_errors_in(self, evidence: Iterable[Evidence]) -> list[PrintingErrorAnnotation]:
        items = list(evidence)
        with self._open() as reading:
            self._fetch_located(reading, items)
            self._fetch_misprints(reading, items)
            found = (pair for item in items for pair in reading.misprints.get(item, []))
            return _once_in_order(found)

    def counts(self) -> FactCounts:
        if self._counts is None:
            tables: dict[str, Any] = {
                "actors": FactActorRow,
                "roles": FactRoleRow,
                "events": FactEventRow,
                "quotes": FactQuoteRow,
                "printing_errors": FactPrintingErrorRow,
                "discrepancies": FactDiscrepancyRow,
            }
            counted = {
                kind: self._scalar(
                    select(func.count()).select_from(table).where(table.version == self.version)
                )
                for kind, table in tables.items()
            }
            self._counts = FactCounts(articles=len(self.articles), **counted)
        return self._counts

    def page(self, seed: str) -> SeedText:
        query = select(FactPageRow.text).where(
            FactPageRow.version == self.version, FactPageRow.seed == seed
        )
        return SeedText.from_bytes(seed, self._scalar(query).encode("utf-8"))

    def page_names(self) -> list[str]:
        query = select(FactPageRow.seed).where(FactPageRow.version == self.version)
        return [seed for (seed,) in self._all(query.order_by(FactPageRow.seed))]

    @property
    def annotations(self) -> AnnotationFile:
        return AnnotationFile(
            sources=self.sources,
            actors=list(self.actors.values()),
            roles=self._decoded(RoleAnnotation, FactRoleRow),
            events=self._events(),
            quotes=self._decoded(QuoteAnnotation, FactQuoteRow),
            excluded_quotations=self._decoded(ExcludedQuotation, FactExcludedRow),
            printing_errors=self._decoded(PrintingErrorAnnotation, FactPrintingErrorRow),
            discrepancies=self._decoded(DiscrepancyAnnotation, FactDiscrepancyRow),
        )
