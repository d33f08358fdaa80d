"""Who someone is: roles with when each is attested, what they said, what they did."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from briefings.queries.items import (
    ActorItem,
    EventItem,
    QuoteItem,
    RoleItem,
    actor_item,
    event_item,
    quote_item,
    role_item,
)
from briefings.queries.people import find_actors
from briefings.store import FactStore

__all__ = ["WhoEntry", "WhoResult", "who"]


class WhoEntry(BaseModel):
    """Everything the store holds about one actor."""

    model_config = ConfigDict(frozen=True)

    actor: ActorItem
    roles: list[RoleItem]
    quotes: list[QuoteItem]
    events: list[EventItem]
    named_in: int
    part_of: str | None = None  # the whole the sources name it part of
    parts: list[str] = []  # what the sources name as part of it


class WhoResult(BaseModel):
    """Every actor a name matched."""

    model_config = ConfigDict(frozen=True)

    query: str
    entries: list[WhoEntry]


def who(store: FactStore, name: str) -> WhoResult:
    """Describe each actor matching `name`."""
    visibility = store.visibility()
    entries = []
    for match in find_actors(store, name):
        actor = store.actors[match.key]
        events = sorted(store.find_events(actors=[actor.id]), key=lambda e: e.date.value.sort_key())
        entries.append(
            WhoEntry(
                actor=actor_item(store, actor.id),
                roles=[role_item(store, r, visibility) for r in store.roles_of(actor.id)],
                quotes=[quote_item(store, q, visibility) for q in store.quotes_by(actor.id)],
                events=[event_item(store, e, visibility) for e in events],
                named_in=len({item.article for item in actor.evidence}),
                part_of=store.actors[actor.part_of].name if actor.part_of else None,
                parts=[store.actors[part].name for part in store.parts_of(actor.id)],
            )
        )
    return WhoResult(query=name, entries=entries)
