"""Where the agreement stands, as of the latest source or as of a given day."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

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


def status(store: FactStore, as_of: dt.date | None = None) -> StatusResult:
    """The agreement's milestones from the sources published by `as_of` (all when None)."""
    visibility = store.visibility(as_of)
    day = as_of or store.horizon
    milestones = [
        event
        for event in store.events.values()
        if event.milestone
        and visibility.admits(event.evidence)
        and (event.status == "expected" or event.date.value.earliest <= day)
    ]
    milestones.sort(key=lambda event: event.date.value.sort_key())
    articles = sorted(visibility.articles, key=lambda a: store.article_date(a).sort_key())
    horizon = max((store.article_date(a).latest for a in articles), default=None)
    items = [event_item(store, event, visibility) for event in milestones]
    done = [item for item in items if item.status != "expected"]
    return StatusResult(
        as_of=as_of,
        horizon=horizon,
        milestones=items,
        latest=done[-1] if done else None,
        pending=[item for item in items if item.outcome_unknown],
        sources=[
            ConsideredSource(
                title=store.articles[a].title,
                date=store.article_date(a).label(),
                date_inferred=store.articles[a].date.how == "inferred",
            )
            for a in articles
        ],
    )
