"""Whether a quote's own words name who said it.

Checking that quoted words stand verbatim in the source says nothing about who said
them: a quote given to the Japanese government under the attribution "President
Yoon Suk Yeol said" is verbatim and false. So every quote's speaker must be named in
its attribution, by name, alias, or a word of a person's name (the surname a later
sentence uses: "Kim said"), or else in a back-reference its evidence records: an
excerpt besides its own sentence (the sentence where "he" or "the official" was
named), or, for an attribution by pronoun ("he added"), the attribution note that
says who the pronoun is. A description names a voice the same way ("a ministry
official said" names the voice called "ministry official").
"""

from __future__ import annotations

import re

from briefings.annotations import ActorAnnotation, QuoteAnnotation
from briefings.matching import fold

__all__ = ["unnamed_speaker"]

_ARTICLES = re.compile(r"^(?:the|a|an|one) ")
_MIN_NAME_WORD = 3  # letters: "Kim" names Kim Jae-hwan; "of" names no one
_PRONOUN = re.compile(r"\b(?:he|she|it|they)\b", re.IGNORECASE)


def _names(actor: ActorAnnotation) -> set[str]:
    names = {_ARTICLES.sub("", fold(name)) for name in (actor.name, *actor.aliases)}
    if actor.kind == "person":
        for name in (actor.name, *actor.aliases):
            names |= {word for word in fold(name).split() if len(word) >= _MIN_NAME_WORD}
    return {name for name in names if name}


def _named_in(text: str, names: set[str]) -> bool:
    folded = fold(text)
    return any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", folded) for name in names)


def unnamed_speaker(quote: QuoteAnnotation, speaker: ActorAnnotation) -> str | None:
    """The problem, if neither the quote's attribution nor a back-reference in its
    evidence names `speaker`; None when one does."""
    names = _names(speaker)
    if _named_in(quote.attribution, names):
        return None
    if any(_named_in(item.text, names) for item in quote.evidence[1:]):
        return None
    note = quote.attribution_note
    if note and _PRONOUN.search(quote.attribution) and _named_in(note, names):
        return None
    return (
        f"its attribution {quote.attribution!r} does not name its speaker {speaker.name!r} "
        "(by name, alias or surname), nor does a back-reference in its evidence or, "
        "for a pronoun, its attribution note"
    )
