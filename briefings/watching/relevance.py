"""Which articles a watched source wants: its include and exclude keywords.

A source may carry include keywords (an article is drafted only if it mentions one of
them) and exclude keywords (an article that mentions one is skipped, whatever else it
mentions); with neither, every article is drafted. They are looked for in the feed
item's title and summary and in the article's text as read.

Matching ignores case and Unicode form (both sides NFKC and casefolded: `ＧＳＯＭＩＡ`
is `gsomia`). Where a keyword begins or ends with a letter or digit of a script that
spaces its words (Latin, Cyrillic …), that end must fall on a word boundary: `pact`
is not found in `impact`, nor `GSOMIA` in `GSOMIAs`. Korean, Japanese and Chinese
letters count as a boundary there, since particles attach to a word (`GSOMIA는`,
`GSOMIAの`), and a keyword's own CJK end is looked for inside words (`지소미아를`,
`日韓軍事情報包括保護協定`). Spaces and hyphens inside a keyword match any run of
spaces and hyphens: `intelligence-sharing` finds `intelligence sharing`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from briefings.errors import BadSettingError, shown

__all__ = [
    "CLEAR",
    "MAX_KEYWORDS",
    "MAX_LENGTH",
    "Keywords",
    "Skip",
    "Which",
    "parse_keywords",
    "sort_typed",
]

Which = Literal["include", "exclude"]
MAX_KEYWORDS = 20  # per list: a desk's topic and its names, not an index
MAX_LENGTH = 40  # characters: a name or a phrase, not a sentence
CLEAR = "none"  # typed for a list, it empties it

# Hangul (jamo, compatibility jamo, syllables), kana, CJK ideographs and radicals,
# half-width kana: scripts that write no spaces between words, or attach particles.
_CJK = (
    "\u1100-\u11ff\u2e80-\u2fdf\u3005-\u3007\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff66-\uff9f"
)
_SPACED_LETTER = f"[^\\W{_CJK}]"  # a letter or digit of a script that spaces its words
_SEPARATORS = r"[\s\-\u2010-\u2015]+"
_LIST_COMMAS = re.compile("[,\uff0c\u3001]")  # the comma, full-width and ideographic


@dataclass(frozen=True)
class Skip:
    """Why an article is skipped: the exclude keyword it mentions, or (None) that it
    mentions no include keyword."""

    excluded_by: str | None = None


@dataclass(frozen=True)
class Keywords:
    """A watched source's include and exclude keywords, as typed."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        both = {_fold(word) for word in self.include} & {_fold(word) for word in self.exclude}
        if both:
            clash = next(word for word in self.include if _fold(word) in both)
            raise BadSettingError(f"{shown(clash)!r} is both an include and an exclude keyword.")

    def __bool__(self) -> bool:
        return bool(self.include or self.exclude)

    def changed(self, include: tuple[str, ...] | None, exclude: tuple[str, ...] | None) -> Keywords:
        """These keywords with each list given replaced (None keeps that list)."""
        return Keywords(
            self.include if include is None else include,
            self.exclude if exclude is None else exclude,
        )

    def verdict(self, texts: Sequence[str]) -> Skip | None:
        """None if an article with these texts (title, summary, text) is wanted, else
        why it is skipped: an exclude keyword wins over any include keyword."""
        if not self:
            return None
        folded = _fold("\n".join(texts))
        for word in self.exclude:
            if _pattern(word).search(folded):
                return Skip(excluded_by=word)
        if self.include and not any(_pattern(word).search(folded) for word in self.include):
            return Skip()
        return None


def parse_keywords(text: str, which: Which) -> tuple[str, ...]:
    """The keywords typed, comma-separated (`none` for none); `BadSettingError` in one
    line for an empty one, a long one, one with nothing to look for, or too many."""
    if text.strip().casefold() == CLEAR:
        return ()
    found: dict[str, str] = {}
    for typed in _LIST_COMMAS.split(text):
        word = " ".join(typed.split())
        if not word:
            raise BadSettingError(
                f"An empty {which} keyword in {shown(text)!r}: separate keywords with "
                "commas, as in GSOMIA,지소미아."
            )
        if len(word) > MAX_LENGTH:
            raise BadSettingError(
                f"{shown(word)!r} is {len(word)} characters long: a keyword has at most "
                f"{MAX_LENGTH}."
            )
        if not any(character.isalnum() for character in word):
            raise BadSettingError(f"{shown(word)!r} has no letter or digit to look for.")
        found.setdefault(_fold(word), word)
    if len(found) > MAX_KEYWORDS:
        raise BadSettingError(
            f"{len(found)} {which} keywords: a source takes at most {MAX_KEYWORDS}."
        )
    return tuple(found.values())


def sort_typed(
    every: str | None, include: str | None, exclude: str | None, *, prefix: bool
) -> tuple[str | None, str | None, str | None]:
    """The interval and the two keyword lists as typed. The slash form names each
    option; the prefix form gives words in any order after the address, each list
    marked `include:` or `exclude:` (`!sources watch URL 2h include:GSOMIA`)."""
    if not prefix:
        return every, _unmarked(include, "include"), _unmarked(exclude, "exclude")
    sorted_: dict[str, str | None] = {"every": None, "include": None, "exclude": None}
    for word in (every, include, exclude):
        if word is None:
            continue
        slot = next(
            (name for name in ("include", "exclude") if word.casefold().startswith(f"{name}:")),
            "every",
        )
        if sorted_[slot] is not None:
            what = "an interval" if slot == "every" else f"{slot}: keywords"
            raise BadSettingError(
                f"{shown(word)!r}: {what} given twice (keywords with spaces go in quotes, "
                'as in "include:intelligence sharing,GSOMIA").'
            )
        sorted_[slot] = _unmarked(word, slot) if slot != "every" else word
    return sorted_["every"], sorted_["include"], sorted_["exclude"]


def _unmarked(text: str | None, which: str) -> str | None:
    """`text` without an `include:` (or `exclude:`) typed before it."""
    if text is not None and text.casefold().startswith(f"{which}:"):
        return text[len(which) + 1 :]
    return text


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _pattern(keyword: str) -> re.Pattern[str]:
    """The keyword as a pattern over folded text (see the module's docstring); `re`
    keeps the compiled patterns."""
    parts = [part for part in re.split(_SEPARATORS, _fold(keyword)) if part]
    body = _SEPARATORS.join(re.escape(part) for part in parts)
    first, last = parts[0][0], parts[-1][-1]
    if re.fullmatch(_SPACED_LETTER, first):
        # The boundary is looked behind from after the first letter, not before it: a
        # pattern that begins with a letter is searched for by that letter, one that
        # begins with a look-behind tried at every position (0.04 ms against 10 ms for
        # a 100 KB article, per keyword).
        body = f"{re.escape(first)}(?<!{_SPACED_LETTER}.){body[len(re.escape(first)) :]}"
    after = f"(?!{_SPACED_LETTER})" if re.fullmatch(_SPACED_LETTER, last) else ""
    return re.compile(body + after)
