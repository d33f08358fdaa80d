"""Whether a quote's own words name who said it.

Checking that quoted words stand verbatim in the source says nothing about who said
them: a quote given to the Japanese government under the attribution "President
Yoon Suk Yeol said" is verbatim and false. So every quote's speaker must be named in
its attribution, by name or alias (title words dropped: "President Moon" is Moon,
and "President Yoon" is not), or by a surname no other known person bears ("Kono
said"; "Kang said" could be either Kang), or else in a back-reference its
evidence records: an excerpt besides its own sentence (the sentence where "he" or
"the official" was named), or, for an attribution by pronoun ("he added"), the
attribution note that says who the pronoun is. A description names a voice the same
way ("a ministry official said" names the voice called "ministry official"). An
attribution that holds another known person's full name, and not the speaker's,
names them instead.

A curator who knows better (the words are a statement's, or name the wrong person)
may give a quote its speaker in review: the quote then carries that record
(`SpeakerGiven`: who, when and why), which stands in for the naming words and is
shown wherever the quote is cited. Without the record, nothing passes unnamed.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from briefings.annotations import ActorAnnotation, QuoteAnnotation
from briefings.ingest.attribution import TITLE_WORDS, surname_of
from briefings.matching import fold

__all__ = ["unnamed_speaker"]

_ARTICLES = re.compile(r"^(?:the|a|an|one) ")
_PRONOUN = re.compile(r"\b(?:he|she|it|they)\b", re.IGNORECASE)
_TITLE_WORDS = {fold(word) for word in TITLE_WORDS}


def _untitled(name: str) -> str:
    """The name without its title words: "President Moon" is Moon, and "president"
    names every president."""
    return fold(" ".join(word for word in name.split() if fold(word) not in _TITLE_WORDS))


def _named_person(actor: ActorAnnotation) -> bool:
    """A person known by a name ("Moon Jae-in"), not by a description ("the South
    Korean ambassador to Japan", whose last word is no surname)."""
    return actor.kind == "person" and all(word[:1].isupper() for word in actor.name.split())


def _full_names(actor: ActorAnnotation) -> set[str]:
    """The names of several words: a person's given and family names together."""
    if not _named_person(actor):
        return set()
    names = {_untitled(name) for name in (actor.name, *actor.aliases)}
    return {name for name in names if len(name.split()) > 1}


def _surnames(actor: ActorAnnotation) -> set[str]:
    """The single words a later sentence calls a person by ("Kono", "Moon"): the
    family name and the aliases of one word. Never a given-name syllable ("jae" of
    Moon Jae-in names Yoon Jae-in too)."""
    if not _named_person(actor):
        return set()
    names = {_untitled(name) for name in (actor.name, *actor.aliases)}
    return {_untitled(surname_of(actor.name))} | {name for name in names if " " not in name}


def _names(actor: ActorAnnotation, actors: Collection[ActorAnnotation]) -> set[str]:
    """The words that name `actor`: a surname only when no other person bears it
    ("Kang said" could be Kang Kyung-wha or Kang Gi-jung)."""
    if not _named_person(actor):
        names = {_ARTICLES.sub("", fold(name)) for name in (actor.name, *actor.aliases)}
        return {name for name in names if name}
    shared = {name for other in actors if other.id != actor.id for name in _surnames(other)}
    surnames = {name for name in _surnames(actor) if name not in shared}
    return _full_names(actor) | surnames


def _other_named(
    text: str, speaker: ActorAnnotation, actors: Collection[ActorAnnotation]
) -> str | None:
    """Another person whose full name the words hold, when the speaker's is not there
    too ("Kang Gi-jung, secretary to President Moon Jae-in, added" is Kang's)."""
    own = _full_names(speaker)
    if _named_in(text, own):
        return None
    for other in actors:
        if other.id != speaker.id and _named_in(text, _full_names(other) - own):
            return other.name
    return None


def _named_in(text: str, names: set[str]) -> bool:
    folded = fold(text)
    return any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", folded) for name in names)


def unnamed_speaker(
    quote: QuoteAnnotation, speaker: ActorAnnotation, actors: Collection[ActorAnnotation]
) -> str | None:
    """The problem, if neither the quote's attribution nor a back-reference in its
    evidence names `speaker` (one of the known `actors`), or if the attribution names
    another of them in full; None when the speaker alone is named, or a curator gave
    the speaker in review (the record says who, and why)."""
    if quote.speaker_given is not None:
        return None
    if other := _other_named(quote.attribution, speaker, actors):
        return (
            f"its attribution {quote.attribution!r} names {other!r}, not its speaker "
            f"{speaker.name!r}"
        )
    names = _names(speaker, actors)
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
