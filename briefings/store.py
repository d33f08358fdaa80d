"""The fact store: what the queries may ask of the checked facts, each fact citable.

`FactStore` is the contract. Two stores keep it: `MemoryFactStore`, built by
`briefings.loading.load_store` from the curated YAML after every check passed, and
`briefings.factbase.DatabaseFactStore`, which reads the facts that `briefbot facts
sync` wrote to the database after the same checks. Either way the queries can trust
that every id resolves and every excerpt is located.

What every store holds in memory is small and needed by nearly every answer: the
sources with their articles (for dates and visibility) and the actors (for matching
names). The facts themselves (events, quotes, roles, discrepancies, misprints) are
asked for by the questions the queries have: by speaker, by actor, by period, by day
of the year, so that the database store can answer each from an index.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

from pydantic import BaseModel, ConfigDict

from briefings.annotations import (
    ActorAnnotation,
    AnnotationFile,
    ArticleAnnotation,
    DiscrepancyAnnotation,
    EventAnnotation,
    Evidence,
    PrintingErrorAnnotation,
    QuoteAnnotation,
    RoleAnnotation,
    SourceAnnotation,
)
from briefings.dates import FuzzyDate, Precision
from briefings.seeds import SeedText
from briefings.source_map import FACT_REGIONS, SOURCE_REGIONS, Location, SourceMap

__all__ = [
    "Citation",
    "FactCounts",
    "FactStore",
    "MemoryFactStore",
    "Visibility",
    "contributions_of",
    "periods_of",
]

K = TypeVar("K")
F = TypeVar("F")


class Citation(BaseModel):
    """Where a fact was printed: the article, its date as known, the lines and the words."""

    model_config = ConfigDict(frozen=True)

    article: str
    title: str
    author: str | None
    publisher: str | None
    date: str
    date_inferred: bool
    seed: str
    lines: str
    excerpt: str

    def key(self) -> tuple[str, str]:
        """Identity for de-duplicating citations in one reply."""
        return (self.article, self.excerpt)


class Visibility(BaseModel):
    """Which articles a query may draw on: all of them, or those published by a day."""

    model_config = ConfigDict(frozen=True)

    articles: frozenset[str]
    as_of: dt.date | None = None

    def admits(self, evidence: Iterable[Evidence]) -> bool:
        """True when any of the evidence comes from a visible article."""
        return any(item.article in self.articles for item in evidence)


class FactCounts(BaseModel):
    """How many facts of each kind a store holds."""

    model_config = ConfigDict(frozen=True)

    articles: int
    actors: int
    roles: int
    events: int
    quotes: int
    printing_errors: int
    discrepancies: int

    def summary(self) -> str:
        """`3 articles, 20 actors, ...` for a line of output or a change's record."""
        return ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in self)


def periods_of(spans: Iterable[tuple[dt.date, dt.date]]) -> set[str]:
    """The years, and the months, that (earliest, latest) event dates fall in: a date
    within one month gives its month as well as its year."""
    periods: set[str] = set()
    for earliest, latest in spans:
        periods.add(f"{earliest.year:04d}")
        if (latest.year, latest.month) == (earliest.year, earliest.month):
            periods.add(f"{earliest.year:04d}-{earliest.month:02d}")
    return periods


def contributions_of(file: AnnotationFile) -> dict[str, Counter[str]]:
    """article id -> how many facts of each kind cite it (a fact counts once per article)."""
    kinds: list[tuple[str, list[Sequence[Evidence]]]] = [
        ("events", [e.evidence for e in file.events]),
        ("quotes", [q.evidence for q in file.quotes]),
        ("roles", [r.evidence for r in file.roles]),
        ("actors", [a.evidence for a in file.actors]),
        ("discrepancies", [[c.evidence for c in d.claims] for d in file.discrepancies]),
    ]
    counts: dict[str, Counter[str]] = {
        article.id: Counter() for source in file.sources for article in source.articles
    }
    for kind, evidence_lists in kinds:
        for evidence in evidence_lists:
            for article in {item.article for item in evidence}:
                counts[article][kind] += 1
    for error in file.printing_errors:
        counts[error.article]["printing errors"] += 1
    return counts


class FactStore(ABC):
    """The checked facts, asked for the way the queries need them.

    Lists of facts come back in the store's order (the order the curated files give
    them), so that every query sorts them the same way whichever store answers.
    """

    # Which version of the facts the store answers from; anything cached from a store
    # is keyed by it too. The memory store has one version for good.
    version = 0

    def __init__(self, sources: Sequence[SourceAnnotation], actors: Iterable[ActorAnnotation]):
        self._hold(sources, actors)

    def _hold(self, sources: Sequence[SourceAnnotation], actors: Iterable[ActorAnnotation]) -> None:
        """Keep the sources and actors at hand, indexed (again, for a new version)."""
        self.sources: list[SourceAnnotation] = list(sources)
        self.articles: dict[str, ArticleAnnotation] = {
            article.id: article for source in self.sources for article in source.articles
        }
        self.actors: dict[str, ActorAnnotation] = {actor.id: actor for actor in actors}
        self._publishers = {
            article.id: source.publisher.name
            for source in self.sources
            for article in source.articles
        }
        # Worked out once: every citation of an article shows its date.
        self._article_dates = {
            article.id: article.date.value.label() for article in self.articles.values()
        }
        self._parts: dict[str, list[str]] = {}
        for actor in self.actors.values():
            if actor.part_of is not None:
                self._parts.setdefault(actor.part_of, []).append(actor.id)

    def refresh(self) -> bool:
        """Move to the newest version of the facts, if the store has versions; True when
        it moved. The memory store has one version, for good."""
        return False

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Around the work of one answer: a database store reads it over one connection
        and fetches what goes with the facts it returns (their citations, discrepancies,
        roles) in a few batched reads instead of one read per fact. Nothing is kept
        after it. The memory store has everything at hand."""
        yield

    # --- sources and time ------------------------------------------------------

    def publisher_of(self, article: str) -> str | None:
        """The article's publisher as its page prints it (None when it prints none)."""
        return self._publishers[article]

    def article_date(self, article: str) -> FuzzyDate:
        """When an article was published, at the precision known."""
        return self.articles[article].date.value

    @property
    def horizon(self) -> dt.date:
        """The last day any source can have been published: the store knows nothing after."""
        return max(article.date.value.latest for article in self.articles.values())

    def visibility(self, as_of: dt.date | None = None) -> Visibility:
        """The articles published by `as_of` (all of them when None).

        An article whose date is a range counts from the first day it may have appeared;
        answers mark its date as inferred so the reader can judge.
        """
        if as_of is None:
            return Visibility(articles=frozenset(self.articles))
        visible = {
            article_id
            for article_id, article in self.articles.items()
            if article.date.value.could_be_on_or_before(as_of)
        }
        return Visibility(articles=frozenset(visible), as_of=as_of)

    def _citation(self, evidence: Evidence, located: Location) -> Citation:
        article = self.articles[evidence.article]
        return Citation(
            article=article.id,
            title=article.title,
            author=article.author,
            publisher=self._publishers[article.id],
            date=self._article_dates[article.id],
            date_inferred=article.date.how == "inferred",
            seed=located.seed,
            lines=located.label(),
            excerpt=evidence.text,
        )

    def cite(self, evidence: Evidence) -> Citation:
        """The citation for one piece of evidence (located at load, so it cannot fail)."""
        return self._citation(evidence, self.locate(evidence))

    def cite_all(self, evidence: Iterable[Evidence], visibility: Visibility) -> list[Citation]:
        """Citations for the visible part of `evidence`."""
        return [self.cite(item) for item in evidence if item.article in visibility.articles]

    # --- actors ----------------------------------------------------------------

    def parts_of(self, actor: str) -> list[str]:
        """The actors the sources name as part of `actor` (its spokesman, its ministry)."""
        return sorted(self._parts.get(actor, []), key=lambda part: self.actors[part].name)

    def roles_of(self, actor: str) -> list[RoleAnnotation]:
        """An actor's roles, earliest attestation first."""
        roles = self.roles_held_by(actor)
        return sorted(roles, key=lambda role: self.attested(role)[0].sort_key())

    def attested(self, role: RoleAnnotation) -> list[FuzzyDate]:
        """The dates of the articles that state a role, in order."""
        dates = {item.article: self.article_date(item.article) for item in role.evidence}
        return sorted(dates.values(), key=FuzzyDate.sort_key)

    # --- what each store answers from its own indexes ----------------------------

    @abstractmethod
    def locate(self, evidence: Evidence) -> Location:
        """Where a checked excerpt stands: its seed and lines."""

    @abstractmethod
    def role(self, role_id: str) -> RoleAnnotation:
        """One role by id."""

    @abstractmethod
    def roles_held_by(self, actor: str) -> list[RoleAnnotation]:
        """An actor's roles, in store order."""

    @abstractmethod
    def quotes_by(self, actor: str) -> list[QuoteAnnotation]:
        """An actor's quotes, by date (undated ones by their article's), then by place."""

    @abstractmethod
    def speakers(self) -> set[str]:
        """The ids of the actors with at least one quote."""

    @abstractmethod
    def find_events(
        self, period: FuzzyDate | None = None, actors: Collection[str] = ()
    ) -> list[EventAnnotation]:
        """Events that may fall in `period` (any day in common) and involve any of
        `actors` (each filter only when given)."""

    @abstractmethod
    def milestones(self) -> list[EventAnnotation]:
        """The events that are steps in the agreement's own life."""

    def notice_days(self) -> frozenset[dt.date]:
        """The days notices of termination say they take effect (each one's earliest)."""
        return frozenset(
            event.effect.takes_effect.value.earliest
            for event in self.milestones()
            if event.effect is not None
            and event.effect.kind == "termination_notified"
            and event.effect.takes_effect is not None
        )

    @abstractmethod
    def occasion_events(
        self,
        month_days: Collection[tuple[int, int]],
        month: int | None,
        expected: Collection[dt.date],
    ) -> list[EventAnnotation]:
        """The events a day's occasions may concern, each once, in store order: those
        dated to one day whose (month, day) is one of `month_days` (the day's own, and
        29 February on the 28th of a common year: one or two), those dated to a whole
        month that is `month` (1-12) of its year (none for None), and expected events
        dated to one of `expected`."""

    @abstractmethod
    def event_periods(self) -> set[str]:
        """The years and months that hold events (see `periods_of`)."""

    @abstractmethod
    def contributions(self) -> dict[str, Counter[str]]:
        """article id -> facts citing it, by kind."""

    @abstractmethod
    def discrepancies_about(self, fact_ids: Iterable[str]) -> list[DiscrepancyAnnotation]:
        """Discrepancies that concern any of the facts."""

    @abstractmethod
    def printing_errors_in(self, evidence: Iterable[Evidence]) -> list[PrintingErrorAnnotation]:
        """Misprints that overlap the given excerpts (an unclosed quotation runs past them)."""

    @abstractmethod
    def counts(self) -> FactCounts:
        """How many facts of each kind."""

    @abstractmethod
    def page(self, seed: str) -> SeedText:
        """A seed page, as stored."""

    @abstractmethod
    def page_names(self) -> list[str]:
        """Every seed page's name, sorted."""

    @property
    @abstractmethod
    def annotations(self) -> AnnotationFile:
        """Every fact as curated, in store order: what an export writes."""


class MemoryFactStore(FactStore):
    """The facts of checked annotation files, held in memory with indexes: what `facts
    check`, `ask` and the tests build from YAML, and what `facts sync` writes out."""

    def __init__(self, merged: AnnotationFile, source_map: SourceMap) -> None:
        super().__init__(merged.sources, merged.actors)
        self._file = merged  # every fact as curated, for an export that loads back
        self.map = source_map
        self.roles: dict[str, RoleAnnotation] = {r.id: r for r in merged.roles}
        self.events: dict[str, EventAnnotation] = {e.id: e for e in merged.events}
        self.quotes: dict[str, QuoteAnnotation] = {q.id: q for q in merged.quotes}
        self.discrepancies: dict[str, DiscrepancyAnnotation] = {
            d.id: d for d in merged.discrepancies
        }
        self.printing_errors: dict[str, PrintingErrorAnnotation] = {
            p.id: p for p in merged.printing_errors
        }
        # Indexes, so that a lookup by speaker or day does not scan every fact.
        self._roles_by_actor = _grouped(merged.roles, lambda role: [role.actor])
        self._quotes_by_speaker = _grouped(merged.quotes, lambda quote: [quote.speaker])
        self._events_by_actor = _grouped(merged.events, lambda event: event.actors)
        self._events_by_day = _grouped(merged.events, _month_day)
        self._events_by_month = _grouped(merged.events, _month)
        self._expected_by_day = _grouped(merged.events, _expected_day)
        # Asked every day a digest is made, for a notice's takes-effect day.
        self._milestones = [event for event in merged.events if event.milestone]
        self._discrepancies_by_fact = _grouped(merged.discrepancies, lambda d: d.facts)
        self._event_order = {event.id: n for n, event in enumerate(merged.events)}

    @property
    def annotations(self) -> AnnotationFile:
        return self._file

    def locate(self, evidence: Evidence) -> Location:
        located = self.map.locate(evidence, FACT_REGIONS)
        if isinstance(located, str):
            located = self.map.locate(evidence, SOURCE_REGIONS)
        if not isinstance(located, Location):  # pragma: no cover - excluded by validation
            raise LookupError(located)
        return located

    def role(self, role_id: str) -> RoleAnnotation:
        return self.roles[role_id]

    def roles_held_by(self, actor: str) -> list[RoleAnnotation]:
        return list(self._roles_by_actor.get(actor, []))

    def quotes_by(self, actor: str) -> list[QuoteAnnotation]:
        return sorted(self._quotes_by_speaker.get(actor, []), key=self.quote_sort_key)

    def quote_sort_key(self, quote: QuoteAnnotation) -> tuple[dt.date, dt.date, str, int]:
        """Sort by the quote's date (else its article's), then by where it is printed."""
        first = quote.evidence[0]
        date = quote.date.value if quote.date else self.article_date(first.article)
        seed, start, _ = self.span(first.article, first.text)
        return (*date.sort_key(), seed, start)

    def span(self, article: str, text: str) -> tuple[str, int, int]:
        """(seed, start, end) of the first place `text` stands in the article's seed."""
        seed = self.map.seed_of[article]
        start = self.map.first_offset(seed, text)  # found once, at load, for every excerpt
        return seed, start, start + len(text)

    def speakers(self) -> set[str]:
        return set(self._quotes_by_speaker)

    def find_events(
        self, period: FuzzyDate | None = None, actors: Collection[str] = ()
    ) -> list[EventAnnotation]:
        if actors:
            candidates = self._in_store_order(self._events_by_actor, actors)
        else:
            candidates = list(self.events.values())
        return [e for e in candidates if period is None or e.date.value.overlaps(period)]

    def milestones(self) -> list[EventAnnotation]:
        return list(self._milestones)

    def occasion_events(
        self,
        month_days: Collection[tuple[int, int]],
        month: int | None,
        expected: Collection[dt.date],
    ) -> list[EventAnnotation]:
        groups = [self._events_by_day.get(month_day, []) for month_day in month_days]
        groups += [self._expected_by_day.get(day, []) for day in expected]
        if month is not None:
            groups.append(self._events_by_month.get(month, []))
        return self._once_in_store_order(groups)

    def _in_store_order(
        self, groups: dict[K, list[EventAnnotation]], keys: Collection[K]
    ) -> list[EventAnnotation]:
        """The events under any of `keys`, each once, in store order."""
        return self._once_in_store_order(groups.get(key, []) for key in keys)

    def _once_in_store_order(self, lists: Iterable[list[EventAnnotation]]) -> list[EventAnnotation]:
        found = {event.id: event for events in lists for event in events}
        return sorted(found.values(), key=lambda event: self._event_order[event.id])

    def event_periods(self) -> set[str]:
        return periods_of(
            (e.date.value.earliest, e.date.value.latest) for e in self.events.values()
        )

    def contributions(self) -> dict[str, Counter[str]]:
        return contributions_of(self._file)

    def discrepancies_about(self, fact_ids: Iterable[str]) -> list[DiscrepancyAnnotation]:
        found = {d.id for fact in fact_ids for d in self._discrepancies_by_fact.get(fact, [])}
        return [d for d in self.discrepancies.values() if d.id in found]

    def printing_errors_in(self, evidence: Iterable[Evidence]) -> list[PrintingErrorAnnotation]:
        spans = [self.span(item.article, item.text) for item in evidence]
        found = []
        for error in self.printing_errors.values():
            seed, start, end = self.span(error.article, error.printed)
            if any(s == seed and start < e and b < end for s, b, e in spans):
                found.append(error)
        return found

    def counts(self) -> FactCounts:
        return FactCounts(
            articles=len(self.articles),
            actors=len(self.actors),
            roles=len(self.roles),
            events=len(self.events),
            quotes=len(self.quotes),
            printing_errors=len(self.printing_errors),
            discrepancies=len(self.discrepancies),
        )

    def page(self, seed: str) -> SeedText:
        return self.map.seeds[seed]

    def page_names(self) -> list[str]:
        return sorted(self.map.seeds)


def _month_day(event: EventAnnotation) -> list[tuple[int, int]]:
    date = event.date.value
    return [(date.earliest.month, date.earliest.day)] if date.precision is Precision.DAY else []


def _month(event: EventAnnotation) -> list[int]:
    date = event.date.value
    return [date.earliest.month] if date.precision is Precision.MONTH else []


def _expected_day(event: EventAnnotation) -> list[dt.date]:
    date = event.date.value
    if event.status == "expected" and date.precision is Precision.DAY:
        return [date.earliest]
    return []


def _grouped(facts: Iterable[F], keys: Callable[[F], Iterable[K]]) -> dict[K, list[F]]:
    """key -> the facts having it, in store order."""
    groups: dict[K, list[F]] = {}
    for fact in facts:
        for key in dict.fromkeys(keys(fact)):
            groups.setdefault(key, []).append(fact)
    return groups
