"""The agreement's steps as the visible sources state them, and its history.

`agreement_steps` turns the milestones a store returns (either store: the effect is
part of the event's payload) into the steps `briefings.queries.agreement_state.fold` folds;
`history` is `!gsomia history`: every span of the state, each with the step that
opened it and its citations.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from briefings.annotations import DateClaim, EventAnnotation, Evidence
from briefings.effects import states
from briefings.queries.agreement_state import AgreementState, fold
from briefings.queries.items import (
    Decision,
    EventItem,
    StepItem,
    date_item,
    visible_discrepancies,
)
from briefings.store import FactStore, Visibility

__all__ = [
    "IMPLIED_TITLE",
    "HistoryResult",
    "agreement_state",
    "agreement_steps",
    "decision_of",
    "history",
    "implied_events",
]


# The title of the ending a notice implies on its takes-effect day: an event no
# source tells as such, named like the curated ones in every answer, chart and briefing.
IMPLIED_TITLE = "GSOMIA ends, as notified on {notified}"


def _implied(
    store: FactStore, event: EventAnnotation, takes_effect: DateClaim, giving: list[Evidence]
) -> StepItem:
    """The ending a notice implies on the day it takes effect, citing the words that
    give the day."""
    return StepItem(
        event=f"{event.id}.takes-effect",
        kind="terminated",
        title=IMPLIED_TITLE.format(notified=event.date.value.label()),
        when=takes_effect.value,
        date=date_item(takes_effect),
        expected=True,
        conditional=False,
        known_from=min(store.article_date(item.article).earliest for item in giving),
        takes_effect=None,
        takes_effect_citations=[],
        discrepancies=[],
        citations=[store.cite(item) for item in giving],
        implied_by=event.id,
    )


def _step(store: FactStore, event: EventAnnotation, visibility: Visibility) -> StepItem | None:
    effect = event.effect
    if effect is None:
        return None
    visible = [item for item in effect.evidence if item.article in visibility.articles]
    stating = [item for item in visible if states(effect.kind, [item.text])]
    if not stating:  # no source published by then says so
        return None
    takes_effect, giving, implies = None, [], None
    if effect.takes_effect is not None:
        phrase = effect.takes_effect.phrase
        giving = [item for item in visible if phrase is None or phrase in item.text]
        takes_effect = date_item(effect.takes_effect) if giving else None
        if giving and effect.kind == "termination_notified" and event.status != "expected":
            implies = _implied(store, event, effect.takes_effect, giving)
    return StepItem(
        event=event.id,
        kind=effect.kind,
        title=event.title,
        when=event.date.value,
        date=date_item(event.date),
        expected=event.status == "expected",
        conditional=effect.conditional,
        known_from=min(store.article_date(item.article).earliest for item in stating),
        takes_effect=takes_effect,
        takes_effect_citations=[store.cite(item) for item in giving],
        discrepancies=[d.summary for d in visible_discrepancies(store, event.id, visibility)],
        citations=[store.cite(item) for item in stating],
        implies=implies,
    )


def agreement_steps(store: FactStore, visibility: Visibility) -> list[StepItem]:
    """The steps of the agreement that the visible sources state, in store order."""
    steps = (_step(store, event, visibility) for event in store.milestones())
    return [step for step in steps if step is not None]


def agreement_state(store: FactStore, visibility: Visibility, day: dt.date) -> AgreementState:
    """The agreement's state on `day`, from the visible sources."""
    return fold(agreement_steps(store, visibility), day)


def implied_events(state: AgreementState, horizon: dt.date) -> list[EventItem]:
    """The endings the state's notices imply, as the events every answer lists beside
    the store's (`horizon`: the last day the sources speak of)."""
    return [
        EventItem(
            id=e.step.event,
            title=e.step.title,
            date=e.step.date,
            status="expected",
            outcome_unknown=e.step.when.latest > horizon and e.decided_by is None,
            note=None,
            discrepancies=[],
            citations=e.step.citations,
            outcome=e.outcome,
            decided_by=e.decided_by,
            confirming=e.confirming,
        )
        for e in state.expectations
        if e.step.implied_by is not None
    ]


def decision_of(state: AgreementState | None, event: str) -> Decision | None:
    """What became of milestone `event` if it is an expected step (for `event_item`)."""
    e = state.outcome_of(event) if state is not None else None
    return None if e is None else (e.outcome, e.decided_by, e.confirming)


class HistoryResult(BaseModel):
    """The agreement's state, span by span, from the sources published by a day."""

    model_config = ConfigDict(frozen=True)

    as_of: dt.date | None = Field(description="The day asked about; None for 'now'")
    horizon: dt.date | None = Field(description="The last day the considered sources speak of")
    state: AgreementState


def history(store: FactStore, as_of: dt.date | None = None) -> HistoryResult:
    """Every span of the agreement's state, from the sources published by `as_of`."""
    visibility = store.visibility(as_of)
    dates = [store.article_date(article).latest for article in visibility.articles]
    horizon = max(dates, default=None)
    return HistoryResult(
        as_of=as_of,
        horizon=horizon,
        state=agreement_state(store, visibility, as_of or store.horizon),
    )
