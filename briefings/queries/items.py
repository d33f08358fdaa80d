"""The pieces every query result is made of: events, quotes and roles, each with citations.

These are the typed contexts the templates render; each field says what it holds.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from briefings.annotations import (
    ActorKind,
    DateClaim,
    DiscrepancyAnnotation,
    EventAnnotation,
    EventStatus,
    QuoteAnnotation,
    RoleAnnotation,
    SpeakerGiven,
)
from briefings.dates import FuzzyDate, Precision
from briefings.effects import EffectKind
from briefings.store import Citation, FactStore, Visibility

__all__ = [
    "ActorItem",
    "DateItem",
    "Decision",
    "EventItem",
    "Outcome",
    "QuoteItem",
    "RoleItem",
    "StepItem",
    "actor_item",
    "date_item",
    "event_item",
    "quote_item",
    "role_item",
    "visible_discrepancies",
]


class _Item(BaseModel):
    model_config = ConfigDict(frozen=True)


class DateItem(_Item):
    """A date as the sources give it, and how it was worked out."""

    label: str = Field(description="At its own precision: '2019-08-22', 'November 2016', ...")
    iso: str
    precision: Precision
    how: str = Field(description="printed, resolved or inferred")
    phrase: str | None = Field(description="The words as printed, e.g. 'On Thursday'")
    reason: str | None = Field(description="Why, for an inferred date")


class StepItem(_Item):
    """A milestone's effect on the agreement, as far as the visible sources state it."""

    event: str = Field(description="The id of the milestone")
    kind: EffectKind
    title: str = Field(description="The milestone's title")
    when: FuzzyDate = Field(description="The milestone's date, for ordering and comparing")
    date: DateItem
    expected: bool = Field(description="An expected step (the effect is what is expected)")
    conditional: bool = Field(description="A suspension that holds on a condition")
    known_from: dt.date = Field(description="The first day a visible source stating it appeared")
    takes_effect: DateItem | None = Field(
        description="For a notice: the day it would take effect, when a visible source gives it"
    )
    takes_effect_citations: list[Citation]
    discrepancies: list[str] = Field(description="Summaries of discrepancies about the milestone")
    citations: list[Citation] = Field(description="The visible excerpts that state the effect")
    implies: StepItem | None = Field(
        default=None,
        description=(
            "For a notice with its takes-effect day: the ending it implies on that day, an"
            " expected step citing the words that give the day"
        ),
    )
    implied_by: str | None = Field(
        default=None, description="For such an implied ending: the id of the notice's milestone"
    )


# What became of an expected step, as of a day: still to come (pending), its day passed
# with nothing on record (unconfirmed), it happened (confirmed), a state change before
# its day decided against it (superseded), or sources say both (disputed).
Outcome = Literal["pending", "unconfirmed", "confirmed", "superseded", "disputed"]
# The fold's word on an expected step: its outcome, the step that decided it, and if
# disputed the step said to have happened as expected.
Decision = tuple[Outcome, "StepItem | None", "StepItem | None"]


class EventItem(_Item):
    """An event for a timeline or status answer."""

    id: str
    title: str
    date: DateItem
    status: EventStatus
    outcome_unknown: bool = Field(
        description="Expected, and dated after the last source: whether it happened is unknown"
    )
    note: str | None
    discrepancies: list[str] = Field(description="Summaries of discrepancies about this event")
    disputed_dates: list[DateItem] = Field(
        default=[], description="Other dates a source gives for it, from those discrepancies"
    )
    citations: list[Citation]
    outcome: Outcome | None = Field(
        default=None, description="For an expected step of the agreement: what became of it"
    )
    decided_by: StepItem | None = Field(
        default=None, description="The step that confirmed or superseded the expectation"
    )
    confirming: StepItem | None = Field(
        default=None, description="If disputed: the step a source says happened as expected"
    )


class RoleItem(_Item):
    """A post and the dates of the sources that state it."""

    title: str
    attested: list[str] = Field(description="Dates of the articles stating the role")
    inferred_dates: bool = Field(description="True when some of those dates are inferred")
    note: str | None
    citations: list[Citation]


class ActorItem(_Item):
    """Who someone is, as far as the sources say."""

    id: str
    name: str
    kind: ActorKind
    description: str | None
    aliases: list[str]


class QuoteItem(_Item):
    """A stored quote ready to show."""

    id: str
    speaker: str
    speaker_kind: ActorKind
    role: str | None = Field(description="The speaker's post as the printing source states it")
    words: list[str] = Field(description="Each quoted span exactly as printed")
    attribution: str
    attribution_note: str | None
    speaker_given: SpeakerGiven | None = Field(
        default=None, description="Who gave the speaker in review, when and why, if a curator did"
    )
    date: DateItem | None = Field(description="None when the source does not date it")
    date_note: str | None
    printing_errors: list[str] = Field(description="Misprints in the quote's sentence, explained")
    discrepancies: list[str]
    citations: list[Citation]


def date_item(claim: DateClaim) -> DateItem:
    """Describe a date claim for display."""
    return DateItem(
        label=claim.value.label(),
        iso=claim.value.iso,
        precision=claim.value.precision,
        how=claim.how,
        phrase=claim.phrase,
        reason=claim.reason,
    )


def visible_discrepancies(
    store: FactStore, fact_id: str, visibility: Visibility
) -> list[DiscrepancyAnnotation]:
    """The discrepancies about a fact that every side of has been published."""
    return [
        d
        for d in store.discrepancies_about([fact_id])
        if all(claim.evidence.article in visibility.articles for claim in d.claims)
    ]


def event_item(
    store: FactStore,
    event: EventAnnotation,
    visibility: Visibility,
    decided: Decision | None = None,
) -> EventItem:
    """An event with its visible citations and the discrepancies about it; for an
    expected step of the agreement, what became of it (`decided`, from the fold)."""
    disagreements = visible_discrepancies(store, event.id, visibility)
    outcome, decided_by, confirming = decided if decided is not None else (None, None, None)
    other_dates = {
        claim.date.value.iso: claim.date
        for d in disagreements
        for claim in d.claims
        if claim.date is not None and claim.date.value != event.date.value
    }
    return EventItem(
        id=event.id,
        title=event.title,
        date=date_item(event.date),
        status=event.status,
        outcome_unknown=event.status == "expected"
        and event.date.value.latest > store.horizon
        and decided_by is None,
        note=event.note,
        discrepancies=[d.summary for d in disagreements],
        disputed_dates=[date_item(claim) for _, claim in sorted(other_dates.items())],
        citations=store.cite_all(event.evidence, visibility),
        outcome=outcome,
        decided_by=decided_by,
        confirming=confirming,
    )


def _printing_error_text(printed: str, kind: str, intended: str | None, note: str | None) -> str:
    explained = f'{kind}: "{printed}"'
    if intended:
        explained += f', meaning "{intended}"'
    return f"{explained}. {note}" if note else f"{explained}."


def quote_item(store: FactStore, quote: QuoteAnnotation, visibility: Visibility) -> QuoteItem:
    """A quote with its speaker, role, date, misprints and citations."""
    speaker = store.actors[quote.speaker]
    role = store.role(quote.role).title if quote.role else None
    return QuoteItem(
        id=quote.id,
        speaker=speaker.name,
        speaker_kind=speaker.kind,
        role=role,
        words=list(quote.words),
        attribution=quote.attribution,
        attribution_note=quote.attribution_note,
        speaker_given=quote.speaker_given,
        date=date_item(quote.date) if quote.date else None,
        date_note=quote.date_note,
        printing_errors=[
            _printing_error_text(e.printed, e.kind, e.intended, e.note)
            for e in store.printing_errors_in(quote.evidence)
        ],
        discrepancies=[d.summary for d in store.discrepancies_about([quote.id])],
        citations=store.cite_all(quote.evidence, visibility),
    )


def role_item(store: FactStore, role: RoleAnnotation, visibility: Visibility) -> RoleItem:
    """A role with the dates it is attested."""
    articles = [item.article for item in role.evidence if item.article in visibility.articles]
    return RoleItem(
        title=role.title,
        attested=[store.article_date(article).label() for article in dict.fromkeys(articles)],
        inferred_dates=any(store.articles[a].date.how == "inferred" for a in articles),
        note=role.note,
        citations=store.cite_all(role.evidence, visibility),
    )


def actor_item(store: FactStore, actor_id: str) -> ActorItem:
    """Name, kind and aliases of an actor."""
    actor = store.actors[actor_id]
    return ActorItem(
        id=actor.id,
        name=actor.name,
        kind=actor.kind,
        description=actor.description,
        aliases=list(actor.aliases),
    )
