"""Which line of a seed belongs to which article, and what kind of line it is.

Every non-blank line of a seed page is one of: an article's title, its metadata
(byline, date line, footer), its body, page furniture (bios, comment forms), or an
off-topic paragraph. Facts may only draw on article bodies; nothing may draw on
off-topic lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from briefings.annotations import ArticleAnnotation, Evidence, LineSpan, SourceAnnotation
from briefings.seeds import SeedText

__all__ = ["Location", "Region", "SourceMap", "span_lines"]


class Region(StrEnum):
    """What a line of a seed page is."""

    TITLE = "title"
    METADATA = "metadata"
    BODY = "body"
    FURNITURE = "furniture"
    OFF_TOPIC = "off-topic"


FACT_REGIONS = frozenset({Region.BODY})
SOURCE_REGIONS = frozenset({Region.TITLE, Region.METADATA, Region.BODY, Region.FURNITURE})


def span_lines(span: LineSpan) -> range:
    """The line numbers of `12` or `12-30`."""
    first, _, last = span.partition("-")
    return range(int(first), int(last or first) + 1)


@dataclass(frozen=True)
class Location:
    """Where an excerpt stands: seed file and lines."""

    seed: str
    first_line: int
    last_line: int

    def label(self) -> str:
        """`line 12` or `lines 12-13`."""
        if self.first_line == self.last_line:
            return f"line {self.first_line}"
        return f"lines {self.first_line}-{self.last_line}"


@dataclass(frozen=True)
class LineOwner:
    """The region of one line and, unless it is page-wide, its article."""

    region: Region
    article: str | None


class SourceMap:
    """Line ownership for every seed page described by the annotations."""

    def __init__(self, sources: list[SourceAnnotation], seeds: dict[str, SeedText]) -> None:
        self.seeds = seeds
        self.articles: dict[str, ArticleAnnotation] = {}
        self.seed_of: dict[str, str] = {}
        # seed name -> every claimed run of lines; kept as runs, not per line, so that a
        # page of 100,000 lines costs a handful of entries
        self.runs: dict[str, list[tuple[range, LineOwner]]] = {}
        # (seed, excerpt) -> where it stands (its lines; the offset of its first
        # occurrence), found for all evidence at once by `prepare`
        self._found: dict[tuple[str, str], list[tuple[int, int]]] = {}
        self._first: dict[tuple[str, str], int] = {}
        for source in sources:
            self._add_source(source)

    def prepare(self, evidence: Iterable[Evidence]) -> None:
        """Find every excerpt of `evidence` in its page in one pass per page, so that
        locating them one by one afterwards costs no search of the page each."""
        by_seed: dict[str, set[str]] = {}
        for item in evidence:
            seed = self.seed_of.get(item.article)
            if seed is not None:
                by_seed.setdefault(seed, set()).add(item.text)
        for seed, excerpts in by_seed.items():
            page = self.seeds[seed]
            for excerpt, starts in page.starts_of_all(excerpts).items():
                self._found[(seed, excerpt)] = page.spans_of(excerpt, starts)
                self._first[(seed, excerpt)] = starts[0] if starts else -1

    def first_offset(self, seed: str, excerpt: str) -> int:
        """Where `excerpt` first starts in the page (-1 when it is not there)."""
        found = self._first.get((seed, excerpt))
        return self.seeds[seed].text.find(excerpt) if found is None else found

    def _claim(self, seed: str, lines: range, owner: LineOwner) -> None:
        self.runs.setdefault(seed, []).append((lines, owner))

    def owners(self, seed: str, line: int) -> list[LineOwner]:
        """Every claim on a line (more than one is an annotation error)."""
        return [owner for lines, owner in self.runs.get(seed, []) if line in lines]

    def _add_source(self, source: SourceAnnotation) -> None:
        for article in source.articles:
            self.articles[article.id] = article
            self.seed_of[article.id] = source.seed
            title = range(article.title_line, article.title_line + 1)
            self._claim(source.seed, title, LineOwner(Region.TITLE, article.id))
            for span in article.metadata_lines:
                self._claim(source.seed, span_lines(span), LineOwner(Region.METADATA, article.id))
            self._claim(source.seed, span_lines(article.body), LineOwner(Region.BODY, article.id))
        for segment in source.furniture:
            self._claim(source.seed, span_lines(segment.lines), LineOwner(Region.FURNITURE, None))
        for segment in source.off_topic:
            self._claim(source.seed, span_lines(segment.lines), LineOwner(Region.OFF_TOPIC, None))

    def owner(self, seed: str, line: int) -> LineOwner | None:
        """The single owner of a line, or None when unclaimed or claimed twice."""
        owners = self.owners(seed, line)
        return owners[0] if len(owners) == 1 else None

    def body_lines(self, article: str) -> list[int]:
        """The body line numbers of an article."""
        return list(span_lines(self.articles[article].body))

    def _allowed(self, seed: str, lines: range, article: str, regions: frozenset[Region]) -> bool:
        for number in lines:
            if not self.seeds[seed].line(number).strip():
                continue  # a blank line between two parts of an excerpt belongs to no one
            owner = self.owner(seed, number)
            if owner is None or owner.region not in regions:
                return False
            if owner.article is not None and owner.article != article:
                return False
        return True

    def locate(self, evidence: Evidence, regions: frozenset[Region]) -> Location | str:
        """Where `evidence` stands within its article, or why it cannot be used."""
        seed_name = self.seed_of.get(evidence.article)
        if seed_name is None:
            return f"names an unknown article {evidence.article!r}"
        occurrences = self._found.get((seed_name, evidence.text))
        if occurrences is None:
            occurrences = self.seeds[seed_name].occurrences(evidence.text)
        if not occurrences:
            return f"excerpt not found verbatim in {seed_name}: {evidence.text!r}"
        for first, last in occurrences:
            if self._allowed(seed_name, range(first, last + 1), evidence.article, regions):
                return Location(seed_name, first, last)
        first, _ = occurrences[0]
        owner = self.owner(seed_name, first)
        where = owner.region.value if owner else "unclassified"
        allowed = ", ".join(sorted(region.value for region in regions))
        return (
            f"excerpt stands only outside article {evidence.article!r}'s {allowed} "
            f"(line {first} is {where}): {evidence.text!r}"
        )
