"""Choices to offer while someone types: speakers, actors and periods.

Ranked by the same fuzzy match the queries use, so that what autocomplete offers is
what the command will find.
"""

from __future__ import annotations

from briefings.dates import parse_period
from briefings.matching import Candidate, NameIndex, fold
from briefings.queries.people import actor_index
from briefings.store import FactStore

__all__ = ["MAX_CHOICES", "actor_choices", "period_choices", "speaker_choices"]

MAX_CHOICES = 25  # Discord shows at most 25 autocomplete choices


def _ranked(index: NameIndex, labels: list[str], current: str, limit: int) -> list[str]:
    if not current.strip():
        return sorted(labels, key=fold)[:limit]
    return [match.label for match in index.search(current, limit)]


def actor_choices(store: FactStore, current: str, limit: int = MAX_CHOICES) -> list[str]:
    """Actor names matching what has been typed, best first."""
    index = actor_index(store)
    return _ranked(index, [a.name for a in store.actors.values()], current, limit)


def speaker_choices(store: FactStore, current: str, limit: int = MAX_CHOICES) -> list[str]:
    """Names of actors with at least one quote, matching what has been typed."""
    actors = [store.actors[actor_id] for actor_id in sorted(store.speakers())]
    index = NameIndex(Candidate(a.id, a.name, (a.name, *a.aliases)) for a in actors)
    return _ranked(index, [a.name for a in actors], current, limit)


def period_choices(store: FactStore, current: str, limit: int = MAX_CHOICES) -> list[str]:
    """Years and months that hold events, starting with what has been typed."""
    periods = store.event_periods()
    typed = current.strip()
    matching = sorted(p for p in periods if p.startswith(typed))
    if typed and typed not in matching and _is_period(typed):
        matching.insert(0, typed)  # let a valid period typed in full be chosen as is
    return matching[:limit]


def _is_period(text: str) -> bool:
    try:
        parse_period(text)
    except ValueError:
        return False
    return True
