"""Fuzzy name matching, shared by the queries and (later) by autocomplete.

A query is compared with each actor's name and aliases after folding case, accents
and punctuation ("Kōno" is "kono", "Kang Gi-jung" is "kang gi jung"). Matches fall
into tiers, so that an exact name always beats a shared surname and a shared surname
always beats a near spelling:

    100  the whole name or an alias
     90  one word of a name ("kang" for both Kangs)
     80  the start of a word ("iwa" for Iwaya)
  < 80   a near spelling ("kno" for Kono), scaled from rapidfuzz's ratio

A near spelling names someone only as a typo would: each typed word begins as a
word of the name does ("kno", "Iwaia Takesh"). "yoon" is not Moon Jae-in misspelt
but another name; it is only offered as a did-you-mean.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

__all__ = ["Candidate", "Match", "NameIndex", "fold"]

EXACT, WORD, PREFIX = 100.0, 90.0, 80.0
FUZZY_SCALE = 0.78  # keeps the best near spelling (ratio 100) just under PREFIX
MATCH_THRESHOLD = 55.0  # a fuzzy ratio of about 70
SUGGEST_THRESHOLD = 50.0  # a fuzzy ratio of about 64: close spellings only
SHOWN = 25  # matches offered at most (Discord's autocomplete shows 25)
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


class NameIndex:
    """Candidates searchable by folded name.

    Exact names and words are looked up in dictionaries, prefixes by bisection in the
    sorted words, and near spellings by rapidfuzz over all names and words at once, so
    a search stays fast with thousands of candidates.
    """

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self._candidates = list(candidates)
        self._by_key = {candidate.key: candidate for candidate in self._candidates}
        self._names: list[str] = []
        self._name_owner: list[int] = []
        self._exact: dict[str, set[int]] = {}
        self._words: dict[str, set[int]] = {}
        for index, candidate in enumerate(self._candidates):
            for name in dict.fromkeys(fold(name) for name in candidate.names):
                self._names.append(name)
                self._name_owner.append(index)
                self._exact.setdefault(name, set()).add(index)
                for word in name.split():
                    self._words.setdefault(word, set()).add(index)
        self._word_list = sorted(self._words)

    def _word_matches(self, query: str) -> set[int]:
        words = query.split()
        if len(words) == 1:
            return self._words.get(query, set())
        sets = [self._words.get(word, set()) for word in words]
        return set.intersection(*sets)

    def _prefix_matches(self, query: str) -> set[int]:
        found: set[int] = set()
        if len(query) < 2:
            return found
        position = bisect.bisect_left(self._word_list, query)
        while position < len(self._word_list) and self._word_list[position].startswith(query):
            found |= self._words[self._word_list[position]]
            position += 1
        return found

    def _looked_up(self, query: str) -> list[tuple[set[int], float]]:
        """The candidates found without a scan: by whole name, by word, by prefix."""
        return [
            (self._exact.get(query, set()), EXACT),
            (self._word_matches(query), WORD),
            (self._prefix_matches(query), PREFIX),
        ]

    def _scores(self, query: str) -> dict[int, float]:
        scores: dict[int, float] = {}

        def offer(indexes: Iterable[int], score: float) -> None:
            for index in indexes:
                if score > scores.get(index, 0.0):
                    scores[index] = score

        for indexes, score in self._looked_up(query):
            offer(indexes, score)
        cutoff = SUGGEST_THRESHOLD / FUZZY_SCALE
        # Whole names: as typed, and with the words sorted ("iwaia takesh" for
        # Takeshi Iwaya); each name keeps the better of the two.
        for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
            for _, ratio, position in process.extract(
                query, self._names, scorer=scorer, score_cutoff=cutoff, limit=None
            ):
                offer([self._name_owner[position]], ratio * FUZZY_SCALE)
        if " " not in query:
            # One typed word may be a misspelt word of a name ("iwaia"); a typed name of
            # several words is compared whole: "kim jong un" is not "Kang Gi-jung" for
            # sharing a near "jung".
            for word, ratio, _ in process.extract(
                query, self._word_list, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
            ):
                offer(self._words[word], ratio * FUZZY_SCALE)
        return scores

    def rank(self, query: str) -> list[Match]:
        """Candidates that match at all, best first, ties by label."""
        folded = fold(query)
        if not folded:
            return []
        matches = [
            Match(self._candidates[index].key, self._candidates[index].label, score)
            for index, score in self._scores(folded).items()
        ]
        return sorted(matches, key=lambda match: (-match.score, match.label))

    def search(self, query: str, limit: int = SHOWN) -> list[Match]:
        """The matches worth showing for `query` (for autocomplete), best first."""
        return [m for m in self.rank(query) if m.score >= MATCH_THRESHOLD][:limit]

    def resolve(self, query: str) -> list[Match]:
        """The candidates `query` means: all that share the best tier, or none.

        "kang" names both Kangs (one word of each name), "kono" names only Taro Kono.
        Among near spellings only the closest ones count. A near spelling never
        reaches a looked-up tier, so the scan over every name runs only when the
        lookups find no one (it took 1.07 ms with 1,020 actors, the lookups 0.01 ms).
        """
        folded = fold(query)
        if not folded:
            return []
        for indexes, score in self._looked_up(folded):
            if indexes:
                found = [self._candidates[index] for index in indexes]
                found.sort(key=lambda candidate: candidate.label)
                return [Match(c.key, c.label, score) for c in found[:SHOWN]]
        ranked = self.search(query)
        if not ranked:
            return []
        best = ranked[0]
        if best.tier:
            return [match for match in ranked if match.tier == best.tier]
        return [
            match
            for match in ranked
            if best.score - match.score < 4.0 and self._a_typo_of(folded, match.key)
        ]

    def _a_typo_of(self, typed: str, key: str) -> bool:
        """Whether every typed word begins as a word of one of the candidate's names."""
        initials = [word[0] for word in typed.split()]
        for name in self._by_key[key].names:
            available = [word[0] for word in fold(name).split()]
            if all(initials.count(letter) <= available.count(letter) for letter in initials):
                return True
        return False

    def suggest(self, query: str, limit: int = 3) -> list[str]:
        """Labels to offer as did-you-mean when nothing matched."""
        return [m.label for m in self.rank(query) if m.score >= SUGGEST_THRESHOLD][:limit]
