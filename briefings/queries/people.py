"""Finding actors by name, shared by every query that takes one."""

from __future__ import annotations

from functools import lru_cache

from briefings.errors import UnknownNameError
from briefings.matching import Candidate, Match, NameIndex
from briefings.store import FactStore

__all__ = ["actor_index", "find_actors"]


@lru_cache(maxsize=4)
def actor_index(store: FactStore) -> NameIndex:
    """The name index of a store's actors (built once per store)."""
    return NameIndex(
        Candidate(actor.id, actor.name, (actor.name, *actor.aliases))
        for actor in store.actors.values()
    )


def find_actors(store: FactStore, name: str) -> list[Match]:
    """Every actor `name` means; raise `UnknownNameError` with suggestions if none."""
    index = actor_index(store)
    matches = index.resolve(name)
    if not matches:
        raise UnknownNameError(name, index.suggest(name))
    return matches
