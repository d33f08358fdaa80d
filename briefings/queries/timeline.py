"""The events in order, optionally within a period and involving an actor."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from briefings.dates import FuzzyDate
from briefings.queries.agreement import agreement_state, decision_of, implied_events
from briefings.queries.agreement_state import AgreementState
from briefings.queries.items import ActorItem, EventItem, actor_item, event_item
from briefings.queries.people import find_actors
from briefings.store import FactStore

__all__ = ["TimelineResult", "timeline"]


class TimelineResult(BaseModel):
    """Events in date order, with the filters that selected them."""

    model_config = ConfigDict(frozen=True)

    period: str | None = Field(description="The period asked for, at its own precision")
    period_iso: str | None = Field(
        default=None, description="The period asked for as an ISO date or range (2019-11)"
    )
    period_is_day: bool = Field(default=False, description="The period is a single day")
    actors: list[ActorItem] = Field(description="The actors the events were filtered by")
    events: list[EventItem]
    state: AgreementState | None = Field(
        default=None,
        description=(
            "The agreement's state from every source, span by span (the chart's band):"
            " the fold `!gsomia history` answers from"
        ),
    )
    overlapping: list[str] = Field(
        default=[],
        description=(
            "With a period: ids of the events only overlapping it (a month-only or ranged"
            " date that may or may not fall in it), told apart from those inside it"
        ),
    )


def timeline(
    store: FactStore, period: FuzzyDate | None = None, actor: str | None = None
) -> TimelineResult:
    """Events overlapping `period` and involving an actor matching `actor`, oldest first.

    An event overlaps when any day it may have happened falls in the period, so a
    month-precise event shows in a search for one of its days. An unknown actor
    raises `UnknownNameError`.
    """
    visibility = store.visibility()
    actor_ids = [match.key for match in find_actors(store, actor)] if actor else []
    events = store.find_events(period, actor_ids)
    events.sort(key=lambda event: (*event.date.value.sort_key(), event.id))
    # What became of each expected step, and the spans the chart draws as its band.
    state = agreement_state(store, visibility, store.horizon)
    items = [event_item(store, event, visibility, decision_of(state, event.id)) for event in events]
    # The endings the notices imply involve no actor: an actor's timeline has none.
    implied = [] if actor else implied_events(state, store.horizon)
    implied = [item for item in implied if period is None or _date(item).overlaps(period)]
    if implied:
        items = sorted([*items, *implied], key=lambda item: (*_date(item).sort_key(), item.id))
    return TimelineResult(
        period=period.label() if period else None,
        period_iso=period.iso if period else None,
        period_is_day=period is not None and period.is_exact_day,
        actors=[actor_item(store, actor_id) for actor_id in actor_ids],
        events=items,
        state=state,
        overlapping=[item.id for item in items if period and not _inside(_date(item), period)],
    )


def _date(item: EventItem) -> FuzzyDate:
    return FuzzyDate.parse(item.date.iso)


def _inside(date: FuzzyDate, period: FuzzyDate) -> bool:
    """Every day the event may have happened on lies in the period."""
    return period.earliest <= date.earliest and date.latest <= period.latest
