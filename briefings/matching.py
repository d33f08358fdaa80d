"""Fuzzy name matching, shared by the queries and (later) by autocomplete.

A query is compared with each actor's name and aliases after folding case, accents
and punctuation ("Kōno" is "kono", "Kang Gi-jung" is "kang gi jung"). Matches fall
into tiers, so that an exact name always beats a shared surname and a shared surname
always beats a near spelling:

    100  the whole name or an alias
     90  one word of a name ("kang" for both Kangs)
     80  the start of a word ("iwa" for Iwaya)
  < 80   a near spelling ("kno" for Kono), scaled from rapidfuzz's ratio
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

__all__ = ["Candidate", "Match", "NameIndex", "fold"]

EXACT, WORD, PREFIX = 100.0, 90.0, 80.0
FUZZY_SCALE = 0.78  # keeps the best near spelling (ratio 100) just under PREFIX
MATCH_THRESHOLD = 55.0  # a fuzzy ratio of about 70
SUGGEST_THRESHOLD = 45.0
_ARTICLES = {"a", "an", "the"}


def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, drop leading articles, squeeze spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = re.sub(r"[^\w]+", " ", plain.casefold()).split()
    while len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True)
class Candidate:
    """Something that can be found by name."""

    key: str
    label: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    """A candidate and how well it matched."""

    key: str
    label: str
    score: float

    @property
    def tier(self) -> float:
        """The tier of the score: exact, word, prefix, or fuzzy (0)."""
        return self.score if self.score >= PREFIX else 0.0


def _score(query: str, name: str) -> float:
    if query == name:
        return EXACT
    words = name.split()
    query_words = query.split()
    if query in words or (len(query_words) > 1 and all(w in words for w in query_words)):
        return WORD
    if any(word.startswith(query) for word in words) and len(query) >= 2:
        return PREFIX
    whole = fuzz.ratio(query, name)
    best_word = max((fuzz.ratio(query, word) for word in words), default=0.0)
    return max(whole, best_word) * FUZZY_SCALE


class NameIndex:
    """Candidates searchable by folded name."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self._entries = [
            (candidate, tuple(dict.fromkeys(fold(name) for name in candidate.names)))
            for candidate in candidates
        ]

    def rank(self, query: str) -> list[Match]:
        """Every candidate with its best score, best first, ties by label."""
        folded = fold(query)
        if not folded:
            return []
        matches = [
            Match(candidate.key, candidate.label, max(_score(folded, name) for name in names))
            for candidate, names in self._entries
        ]
        return sorted(matches, key=lambda match: (-match.score, match.label))

    def search(self, query: str, limit: int = 25) -> list[Match]:
        """The matches worth showing for `query` (for autocomplete), best first."""
        return [m for m in self.rank(query) if m.score >= MATCH_THRESHOLD][:limit]

    def resolve(self, query: str) -> list[Match]:
        """The candidates `query` means: all that share the best tier, or none.

        "kang" names both Kangs (one word of each name), "kono" names only Taro Kono.
        Among near spellings only the closest ones count.
        """
        ranked = self.search(query)
        if not ranked:
            return []
        best = ranked[0]
        if best.tier:
            return [match for match in ranked if match.tier == best.tier]
        return [match for match in ranked if best.score - match.score < 4.0]

    def suggest(self, query: str, limit: int = 3) -> list[str]:
        """Labels to offer as did-you-mean when nothing matched."""
        return [m.label for m in self.rank(query) if m.score >= SUGGEST_THRESHOLD][:limit]
