"""Finding actors by name, shared by every query that takes one."""

from __future__ import annotations

from functools import lru_cache

from briefings.errors import Authorship, UnknownNameError
from briefings.matching import Candidate, Match, NameIndex, fold
from briefings.source_map import span_lines
from briefings.store import FactStore

__all__ = ["actor_index", "author_index", "find_actors", "teaser_mentions"]


def actor_index(store: FactStore) -> NameIndex:
    """The name index of a store's actors (built once per version of the store)."""
    return _actor_index(store, store.version)


def author_index(store: FactStore) -> NameIndex:
    """The name index of the articles' authors, keyed by article id."""
    return _author_index(store, store.version)


# Keyed by the version too: a database store moves to a new version in place.
@lru_cache(maxsize=4)
def _actor_index(store: FactStore, version: int) -> NameIndex:
    del version
    return NameIndex(
        Candidate(actor.id, actor.name, (actor.name, *actor.aliases))
        for actor in store.actors.values()
    )


@lru_cache(maxsize=4)
def _author_index(store: FactStore, version: int) -> NameIndex:
    del version
    return NameIndex(
        Candidate(article.id, article.author, (article.author,))
        for article in store.articles.values()
        if article.author
    )


def find_actors(store: FactStore, name: str) -> list[Match]:
    """Every actor `name` means. If none: `UnknownNameError` saying what the name is
    instead (an author, a name in an off-topic teaser) and which names are close."""
    index = actor_index(store)
    matches = index.resolve(name)
    if not matches:
        raise UnknownNameError(
            name, index.suggest(name), _authorships(store, name), teaser_mentions(store, name)
        )
    return matches


def _authorships(store: FactStore, name: str) -> list[Authorship]:
    found = []
    for match in author_index(store).resolve(name):
        article = store.articles[match.key]
        when = store.article_date(article.id).label()
        publisher = store.publisher_of(article.id)
        label = f"“{article.title}” ({publisher + ', ' if publisher else ''}{when})"
        found.append(Authorship(author=match.label, article=label))
    return found


def teaser_mentions(store: FactStore, name: str) -> list[str]:
    """Where `name`, as whole words, stands in off-topic paragraphs: one "seed lines
    9, 11" per seed."""
    wanted = f" {fold(name)} "
    if not wanted.strip():
        return []
    found = []
    for source in store.sources:
        if not source.off_topic:
            continue
        seed = store.page(source.seed)
        numbers = [
            str(number)
            for segment in source.off_topic
            for number in span_lines(segment.lines)
            if wanted in f" {fold(seed.line(number))} "
        ]
        if numbers:
            word = "line" if len(numbers) == 1 else "lines"
            found.append(f"{source.seed} {word} {', '.join(numbers)}")
    return found
