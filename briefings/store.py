"""The fact store: validated annotations, indexed for the queries, each fact citable.

A `FactStore` is built only by `briefings.loading.load_store`, after every check
passed, so the queries can trust that every id resolves and every excerpt is located.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

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
from briefings.dates import FuzzyDate
from briefings.source_map import FACT_REGIONS, SOURCE_REGIONS, Location, SourceMap

__all__ = ["Citation", "FactStore", "Visibility"]


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


class FactStore:
    """Every fact, by id, with citations worked out once at load."""

    def __init__(self, merged: AnnotationFile, source_map: SourceMap) -> None:
        self.annotations = merged  # every fact as curated, for an export that loads back
        self.map = source_map
        self.sources: list[SourceAnnotation] = list(merged.sources)
        self.articles: dict[str, ArticleAnnotation] = dict(source_map.articles)
        self.actors: dict[str, ActorAnnotation] = {a.id: a for a in merged.actors}
        self.roles: dict[str, RoleAnnotation] = {r.id: r for r in merged.roles}
        self.events: dict[str, EventAnnotation] = {e.id: e for e in merged.events}
        self.quotes: dict[str, QuoteAnnotation] = {q.id: q for q in merged.quotes}
        self.discrepancies: dict[str, DiscrepancyAnnotation] = {
            d.id: d for d in merged.discrepancies
        }
        self.printing_errors: dict[str, PrintingErrorAnnotation] = {
            p.id: p for p in merged.printing_errors
        }
        # Indexes, so that a lookup by speaker does not scan every quote of a large store.
        self._parts: dict[str, list[str]] = {}
        for actor in self.actors.values():
            if actor.part_of is not None:
                self._parts.setdefault(actor.part_of, []).append(actor.id)
        self._quotes_by_speaker: dict[str, list[QuoteAnnotation]] = {}
        for quote in self.quotes.values():
            self._quotes_by_speaker.setdefault(quote.speaker, []).append(quote)
        self._publishers = {
            article.id: source.publisher.name
            for source in merged.sources
            for article in source.articles
        }

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

    # --- citations -------------------------------------------------------------

    def cite(self, evidence: Evidence) -> Citation:
        """The citation for one piece of evidence (located at load, so it cannot fail)."""
        located = self.map.locate(evidence, FACT_REGIONS)
        if isinstance(located, str):
            located = self.map.locate(evidence, SOURCE_REGIONS)
        if not isinstance(located, Location):  # pragma: no cover - excluded by validation
            raise LookupError(located)
        article = self.articles[evidence.article]
        return Citation(
            article=article.id,
            title=article.title,
            author=article.author,
            publisher=self._publishers[article.id],
            date=article.date.value.label(),
            date_inferred=article.date.how == "inferred",
            seed=located.seed,
            lines=located.label(),
            excerpt=evidence.text,
        )

    def cite_all(self, evidence: Iterable[Evidence], visibility: Visibility) -> list[Citation]:
        """Citations for the visible part of `evidence`."""
        return [self.cite(item) for item in evidence if item.article in visibility.articles]

    # --- facts by actor --------------------------------------------------------

    def roles_of(self, actor: str) -> list[RoleAnnotation]:
        """An actor's roles, earliest attestation first."""
        roles = [role for role in self.roles.values() if role.actor == actor]
        return sorted(roles, key=lambda role: self.attested(role)[0].sort_key())

    def attested(self, role: RoleAnnotation) -> list[FuzzyDate]:
        """The dates of the articles that state a role, in order."""
        dates = {item.article: self.article_date(item.article) for item in role.evidence}
        return sorted(dates.values(), key=FuzzyDate.sort_key)

    def parts_of(self, actor: str) -> list[str]:
        """The actors the sources name as part of `actor` (its spokesman, its ministry)."""
        return sorted(self._parts.get(actor, []), key=lambda part: self.actors[part].name)

    def quotes_by(self, actor: str) -> list[QuoteAnnotation]:
        """An actor's quotes, in order of date (undated ones by their article's date)."""
        return sorted(self._quotes_by_speaker.get(actor, []), key=self.quote_sort_key)

    def quote_sort_key(self, quote: QuoteAnnotation) -> tuple[dt.date, dt.date, str, int]:
        """Sort by the quote's date (else its article's), then by where it is printed."""
        first = quote.evidence[0]
        date = quote.date.value if quote.date else self.article_date(first.article)
        seed = self.map.seed_of[first.article]
        return (*date.sort_key(), seed, self.map.seeds[seed].text.find(first.text))

    def _span(self, article: str, text: str) -> tuple[str, int, int]:
        """(seed, start, end) of the first place `text` stands in the article's seed."""
        seed = self.map.seed_of[article]
        start = self.map.seeds[seed].text.find(text)
        return seed, start, start + len(text)

    def printing_errors_in(self, evidence: Iterable[Evidence]) -> list[PrintingErrorAnnotation]:
        """Misprints that overlap the given excerpts (an unclosed quotation runs past them)."""
        spans = [self._span(item.article, item.text) for item in evidence]
        found = []
        for error in self.printing_errors.values():
            seed, start, end = self._span(error.article, error.printed)
            if any(s == seed and start < e and b < end for s, b, e in spans):
                found.append(error)
        return found

    def discrepancies_about(self, fact_ids: Iterable[str]) -> list[DiscrepancyAnnotation]:
        """Discrepancies that concern any of the facts."""
        wanted = set(fact_ids)
        return [d for d in self.discrepancies.values() if wanted & set(d.facts)]
