"""The agreement's steps as the visible sources state them, and its history.

`agreement_steps` turns the milestones a store returns (either store: the effect is
part of the event's payload) into the steps `briefings.queries.agreement_state.fold` folds;
`history` is `!gsomia history`: every span of the state, each with the step that
opened it and its citations.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from briefings.annotations import EventAnnotation
from briefings.effects import states
from briefings.queries.agreement_state import AgreementState, fold
from briefings.queries.items import Outcome, StepItem, date_item, visible_discrepancies
from briefings.store import FactStore, Visibility

__all__ = ["HistoryResult", "agreement_state", "agreement_steps", "decision_of", "history"]


def _step(store: FactStore, event: EventAnnotation, visibility: Visibility) -> StepItem | None:
    effect = event.effect
    if effect is None:
        return None
    visible = [item for item in effect.evidence if item.article in visibility.articles]
    stating = [item for item in visible if states(effect.kind, [item.text])]
    if not stating:  # no source published by then says so
        return None
    takes_effect, giving = None, []
    if effect.takes_effect is not None:
        phrase = effect.takes_effect.phrase
        giving = [item for item in visible if phrase is None or phrase in item.text]
        takes_effect = date_item(effect.takes_effect) if giving else None
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
    )


def agreement_steps(store: FactStore, visibility: Visibility) -> list[StepItem]:
    """The steps of the agreement that the visible sources state, in store order."""
    steps = (_step(store, event, visibility) for event in store.milestones())
    return [step for step in steps if step is not None]


def agreement_state(store: FactStore, visibility: Visibility, day: dt.date) -> AgreementState:
    """The agreement's state on `day`, from the visible sources."""
    return fold(agreement_steps(store, visibility), day)


def decision_of(state: AgreementState | None, event: str) -> tuple[Outcome, StepItem | None] | None:
    """What became of milestone `event` if it is an expected step (for `event_item`)."""
    expectation = state.outcome_of(event) if state is not None else None
    return None if expectation is None else (expectation.outcome, expectation.decided_by)


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
