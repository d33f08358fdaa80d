"""The annotation files: curated facts about the seeds, as written by a person.

Every file in `seeds/annotations/` follows `AnnotationFile`; the loader merges them.
These models only check shape. Whether an excerpt is really in its seed, whether an
id points anywhere, and whether every quotation is covered is checked afterwards by
`briefings.validation`, which reports every problem at once.

`briefbot facts schema` writes the JSON schema of these files for editors.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    WithJsonSchema,
)
from pydantic.dataclasses import dataclass

from briefings.dates import FuzzyDate
from briefings.effects import EffectKind

__all__ = [
    "ActorAnnotation",
    "ActorKind",
    "AnnotationFile",
    "ArticleAnnotation",
    "DateClaim",
    "DiscrepancyAnnotation",
    "DiscrepancyClaim",
    "EffectAnnotation",
    "EventAnnotation",
    "EventStatus",
    "Evidence",
    "ExcludedQuotation",
    "LineSpan",
    "PrintingErrorAnnotation",
    "PublisherAnnotation",
    "QuoteAnnotation",
    "RoleAnnotation",
    "Segment",
    "SourceAnnotation",
    "SpeakerGiven",
    "cited_evidence",
    "claim_id",
]

# Ids, attributions and notes repeat across thousands of facts: keep one copy of each.
Identifier = Annotated[
    str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64), AfterValidator(sys.intern)
]
Shared = Annotated[str, AfterValidator(sys.intern)]


IsoDate = Annotated[
    FuzzyDate,
    WithJsonSchema(
        {
            "type": "string",
            "description": "ISO day, month or year, or START/END",
            "examples": ["2019-08-22", "2016-11", "2019", "2019-08-19/2019-08-22"],
        }
    ),
]

LineSpan = Annotated[
    str,
    Field(
        pattern=r"^\d+(-\d+)?$",
        description="A line number of the seed file, or FIRST-LAST (inclusive)",
    ),
]


# Facts are slotted pydantic dataclasses, not BaseModels: a store may hold 100,000 of
# them, and a BaseModel's per-instance bookkeeping would triple its memory.
_STRICT = ConfigDict(extra="forbid")


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class Evidence:
    """Words that must appear verbatim in an article of a seed."""

    article: Identifier
    text: Annotated[str, Field(min_length=3)]


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class DateClaim:
    """A date and how it was arrived at."""

    value: IsoDate
    how: Literal["printed", "resolved", "inferred"] = Field(
        description=(
            "printed: the words give the date; resolved: a relative phrase worked out "
            "against the article's date; inferred: reasoning over the sources, see reason"
        )
    )
    phrase: str | None = Field(
        default=None, description="The words as printed, e.g. 'On Thursday' or 'November 2016'"
    )
    anchor: Identifier | None = Field(
        default=None,
        description="For a resolved date: the article whose date the phrase counts from",
    )
    reason: str | None = Field(default=None, description="Why, for an inferred date")


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class Segment:
    """A run of lines that is not article text."""

    lines: LineSpan
    what: str


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class ArticleAnnotation:
    """One article on a seed page."""

    id: Identifier
    title: str
    author: str | None
    date: DateClaim
    title_line: int
    metadata_lines: list[LineSpan] = Field(
        default_factory=list, description="Byline, date line, comment count, footer lines"
    )
    body: LineSpan
    evidence: list[Evidence] = Field(min_length=1, description="Where title, author, date stand")


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class PublisherAnnotation:
    """Who published the page, or that the page does not say."""

    name: str | None
    how: Literal["printed", "inferred", "not printed"]
    reason: str
    evidence: list[Evidence] = Field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class ReviewRecord:
    """Provenance of a page drafted from the web and accepted in review: not a fact
    about the story, so nothing cites it; `!sources` shows it."""

    url: str
    accepted_by: str  # the reviewer, as "name (id)"
    accepted_at: dt.datetime


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class SourceAnnotation:
    """A seed file: its publisher, its articles and everything else on the page."""

    seed: str
    publisher: PublisherAnnotation
    articles: list[ArticleAnnotation] = Field(min_length=1)
    furniture: list[Segment] = Field(
        default_factory=list, description="Page parts that are not news: bios, addresses, forms"
    )
    off_topic: list[Segment] = Field(
        default_factory=list, description="Paragraphs about other subjects: never cited"
    )
    review: ReviewRecord | None = Field(
        default=None, description="Where the page was fetched and who accepted its draft"
    )


ActorKind = Literal["person", "government", "ministry", "body", "collective", "organisation"]


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class ActorAnnotation:
    """A person, government, ministry or collective voice named in the sources."""

    id: Identifier
    name: str
    kind: ActorKind
    aliases: list[str] = Field(default_factory=list)
    description: str | None = None
    # The government or body the sources name it as part of, in its own name or its
    # evidence ("a South Korean government spokesman"): asking for the government
    # finds the voices speaking for it.
    part_of: Identifier | None = None
    evidence: list[Evidence] = Field(min_length=1)


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class RoleAnnotation:
    """A post an actor holds, as one source states it on its date."""

    id: Identifier
    actor: Identifier
    title: str
    evidence: list[Evidence] = Field(min_length=1)
    note: str | None = None


EventStatus = Literal["happened", "announced", "expected"]


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class EffectAnnotation:
    """What a milestone does to the agreement, in a source's words (the vocabulary and
    the words each kind needs: `briefings.effects`). On an expected event, the effect
    expected."""

    kind: EffectKind = Field(
        description=(
            "signed, in_force, extended, termination_notified, termination_suspended,"
            " termination_withdrawn, normalized, expired or terminated"
        )
    )
    evidence: list[Evidence] = Field(
        min_length=1,
        description="Words stating the effect: one excerpt must use a word of its kind",
    )
    takes_effect: DateClaim | None = Field(
        default=None,
        description=(
            "termination_notified only: the day the termination would take effect, as a"
            " source gives it (its phrase must stand in this effect's evidence)"
        ),
    )
    conditional: bool = Field(
        default=False,
        description="termination_suspended only: the suspension holds on a condition",
    )
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class EventAnnotation:
    """Something that happened, was announced, or is expected, at a date of known precision."""

    id: Identifier
    title: str
    past_tense: str | None = Field(
        default=None,
        description="The event told afterwards, for anniversaries: 'GSOMIA was due to be renewed'",
    )
    date: DateClaim
    status: EventStatus
    actors: list[Identifier] = Field(default_factory=list)
    milestone: bool = Field(
        default=False, description="A step in the agreement's own life, shown by `status`"
    )
    effect: EffectAnnotation | None = Field(
        default=None, description="A milestone's effect on the agreement's state"
    )
    evidence: list[Evidence] = Field(min_length=1)
    note: str | None = None


def cited_evidence(fact: object) -> list[Evidence]:
    """Every excerpt a fact cites, in order: its evidence, then an event's effect's
    (the database keeps where each stands in this order)."""
    evidence: list[Evidence] = list(getattr(fact, "evidence", ()))
    effect = getattr(fact, "effect", None)
    if isinstance(effect, EffectAnnotation):
        evidence += effect.evidence
    return evidence


def claim_id(base: str, taken: set[str]) -> str:
    """`base`, or the first of `base-2`, `base-3`, ... not in `taken`; it joins `taken`,
    so ids drafted or added one after another never collide."""
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    taken.add(ident)
    return ident


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class SpeakerGiven:
    """A speaker a curator gave a quote in review, where its printed words do not name
    them: the attribution check takes the curator's word only with this record, and
    every answer citing the quote shows it."""

    by: str = Field(description="The curator, as 'name (id)'")
    at: dt.datetime
    reason: str = Field(min_length=3, description="Why: the curator's own words")
    drafted: str | None = Field(
        default=None, description="The speaker the draft gave, if any (an actor id)"
    )


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class QuoteAnnotation:
    """Words in quotation marks, their speaker and when they were said."""

    id: Identifier
    speaker: Identifier
    role: Identifier | None = Field(
        default=None, description="The speaker's role as the printing source states it"
    )
    words: list[str] = Field(
        min_length=1, description="Each quoted span exactly as printed, in order"
    )
    attribution: Shared = Field(
        description="The printed words that name the speaker, e.g. 'he added' or 'said Taro Kono'"
    )
    attribution_note: Shared | None = Field(
        default=None, description="How a pronoun or role was resolved to the speaker"
    )
    date: DateClaim | None = Field(default=None, description="Absent when the source is silent")
    date_note: Shared | None = None
    evidence: list[Evidence] = Field(min_length=1)
    speaker_given: SpeakerGiven | None = Field(
        default=None,
        description="A speaker given in review that the attribution does not name: who, when, why",
    )


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class ExcludedQuotation:
    """A quoted span in an on-topic paragraph that deliberately is not a stored quote."""

    article: Identifier
    text: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class PrintingErrorAnnotation:
    """A misprint kept as printed and marked, never silently fixed."""

    id: Identifier
    article: Identifier
    printed: str
    kind: Literal["typo", "unclosed quotation", "broken sentence", "missing letter"]
    intended: str | None = Field(default=None, description="What was evidently meant")
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class DiscrepancyClaim:
    """One side of a discrepancy."""

    evidence: Evidence
    reading: str = Field(description="What this excerpt says, in plain words")
    date: DateClaim | None = Field(
        default=None,
        description="The date this side gives, when the disagreement is about a date",
    )


@dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)
class DiscrepancyAnnotation:
    """Sources, or one source with itself, that do not agree."""

    id: Identifier
    summary: str
    claims: list[DiscrepancyClaim] = Field(min_length=2)
    facts: list[Identifier] = Field(default_factory=list, description="Ids of facts it concerns")
    note: str | None = None


class AnnotationFile(BaseModel):
    """One YAML file of annotations; every section is optional."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    sources: list[SourceAnnotation] = Field(default_factory=list)
    actors: list[ActorAnnotation] = Field(default_factory=list)
    roles: list[RoleAnnotation] = Field(default_factory=list)
    events: list[EventAnnotation] = Field(default_factory=list)
    quotes: list[QuoteAnnotation] = Field(default_factory=list)
    excluded_quotations: list[ExcludedQuotation] = Field(default_factory=list)
    printing_errors: list[PrintingErrorAnnotation] = Field(default_factory=list)
    discrepancies: list[DiscrepancyAnnotation] = Field(default_factory=list)

    def all_evidence(self) -> Iterator[Evidence]:
        """Every excerpt the file cites, of every kind of fact (a printing error's
        printed text counts: it must stand in its article)."""
        for source in self.sources:
            yield from source.publisher.evidence
            for article in source.articles:
                yield from article.evidence
        for facts in (self.actors, self.roles, self.events, self.quotes):
            for fact in facts:
                yield from fact.evidence
        for event in self.events:
            if event.effect is not None:
                yield from event.effect.evidence
        for error in self.printing_errors:
            yield Evidence(article=error.article, text=error.printed)
        for discrepancy in self.discrepancies:
            for claim in discrepancy.claims:
                yield claim.evidence
