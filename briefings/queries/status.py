"""Where the agreement stands, as of the latest source or as of a given day."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from briefings.dates import FuzzyDate
from briefings.queries.agreement import agreement_state, decision_of, implied_events
from briefings.queries.agreement_state import AgreementState, Span
from briefings.queries.items import EventItem, event_item
from briefings.store import FactStore

__all__ = ["ConsideredSource", "StatusResult", "status"]


class ConsideredSource(BaseModel):
    """An article the answer draws on, with its date as known."""

    model_config = ConfigDict(frozen=True)

    title: str
    date: str
    date_inferred: bool


class StatusResult(BaseModel):
    """The agreement's milestones known at a point in time, and where knowledge stops."""

    model_config = ConfigDict(frozen=True)

    as_of: dt.date | None = Field(description="The day asked about; None for 'now'")
    horizon: dt.date | None = Field(
        description="The last day the considered sources can speak of; None if there are none"
    )
    milestones: list[EventItem]
    latest: EventItem | None = Field(
        default=None, description="The last milestone that had happened or been announced"
    )
    pending: list[EventItem] = Field(
        description="Expected milestones whose day lies after the horizon: outcome unknown"
    )
    sources: list[ConsideredSource]
    state: AgreementState = Field(description="The agreement's state on the day, as then known")
    state_later: Span | None = Field(
        default=None,
        description=(
            "With a day asked about: the state on that day as every source tells it, when"
            " the sources published by then told it otherwise"
        ),
    )
    later: list[EventItem] = Field(
        default=[],
        description=(
            "With a day asked about: milestones of that day or before, known only from"
            " sources published after it"
        ),
    )


def status(store: FactStore, as_of: dt.date | None = None) -> StatusResult:
    """The agreement's milestones from the sources published by `as_of` (all when None)."""
    visibility = store.visibility(as_of)
    day = as_of or store.horizon
    milestones = [
        event
        for event in store.milestones()
        if visibility.admits(event.evidence)
        and (event.status == "expected" or event.date.value.earliest <= day)
    ]
    milestones.sort(key=lambda event: event.date.value.sort_key())
    articles = sorted(visibility.articles, key=lambda a: store.article_date(a).sort_key())
    horizon = max((store.article_date(a).latest for a in articles), default=None)
    state = agreement_state(store, visibility, day)
    items = [
        event_item(store, event, visibility, decision_of(state, event.id)) for event in milestones
    ]
    if horizon is not None:  # the endings the notices imply, in date order among them
        items += implied_events(state, horizon)
        items.sort(key=lambda item: FuzzyDate.parse(item.date.iso).sort_key())
    done = [item for item in items if item.status != "expected"]
    later = _known_later(store, as_of, {event.id for event in milestones}) if as_of else []
    return StatusResult(
        as_of=as_of,
        horizon=horizon,
        milestones=items,
        latest=done[-1] if done else None,
        pending=[item for item in items if _pending(item)],
        state=state,
        state_later=_state_later(store, state, as_of) if as_of else None,
        later=later,
        sources=[
            ConsideredSource(
                title=store.articles[a].title,
                date=store.article_date(a).label(),
                date_inferred=store.articles[a].date.how == "inferred",
            )
            for a in articles
        ],
    )


def _pending(item: EventItem) -> bool:
    """Expected and still to come: by the fold for a step of the agreement, else by the
    store's horizon."""
    return item.outcome == "pending" if item.outcome is not None else item.outcome_unknown


def _state_later(store: FactStore, known: AgreementState, day: dt.date) -> Span | None:
    """The state on `day` as every source tells it, if not the state then known."""
    told = agreement_state(store, store.visibility(), day).current
    if told is None or (known.current is not None and known.current.step.event == told.step.event):
        return None
    return told


def _known_later(store: FactStore, day: dt.date, known: set[str]) -> list[EventItem]:
    """Milestones that had happened by `day` (or were announced) as sources published
    later tell it, which the sources of `day` do not: the record of that day is empty
    or thin, and the later sources still speak about it."""
    everything = store.visibility()
    found = [
        event
        for event in store.milestones()
        if event.id not in known and event.status != "expected" and event.date.value.earliest <= day
    ]
    found.sort(key=lambda event: event.date.value.sort_key())
    return [event_item(store, event, everything) for event in found]
