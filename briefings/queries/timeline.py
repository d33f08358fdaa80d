"""The events in order, optionally within a period and involving an actor."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from briefings.dates import FuzzyDate
from briefings.queries.items import ActorItem, EventItem, actor_item, event_item
from briefings.queries.people import find_actors
from briefings.store import FactStore

__all__ = ["TimelineResult", "timeline"]


class TimelineResult(BaseModel):
    """Events in date order, with the filters that selected them."""

    model_config = ConfigDict(frozen=True)

    period: str | None = Field(description="The period asked for, at its own precision")
    actors: list[ActorItem] = Field(description="The actors the events were filtered by")
    events: list[EventItem]


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
    events = [
        event
        for event in store.events.values()
        if (period is None or event.date.value.overlaps(period))
        and (not actor_ids or set(actor_ids) & set(event.actors))
    ]
    events.sort(key=lambda event: (*event.date.value.sort_key(), event.id))
    return TimelineResult(
        period=period.label() if period else None,
        actors=[actor_item(store, actor_id) for actor_id in actor_ids],
        events=[event_item(store, event, visibility) for event in events],
    )
