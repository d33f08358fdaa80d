"""What a dated sentence does to the agreement, proposed for the curator to confirm.

A few verbs, as wire copy uses them, mark the agreement's steps: signed, extended,
termination notified, suspended or withdrawn, terminated, normalized, expired (the
kinds of `briefings.effects`, spaced). Only a sentence that names the agreement
(GSOMIA, the pact, the deal, the agreement) is read. A step a sentence only reacts
to ("Japan welcomed Seoul's decision to suspend the termination") is not proposed:
that sentence dates the reaction, not the step. The reading is a proposal still.
"""

from __future__ import annotations

import re

__all__ = ["EFFECTS", "proposed_effect"]

_AGREEMENT = re.compile(r"\b(?:GSOMIA|pact|deal|accord|agreement)\b", re.IGNORECASE)


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(patterns), re.IGNORECASE)


# A reaction to a step: what follows it is the step reacted to, done on another day.
_REACTION = re.compile(
    r"\b(?:welcom|critici[sz]|prais|regret|condemn|slam|protest|denounc|hail)"
    r"\w*\s+(?:\S+\s+){0,4}?(?:decision|move|plan|bid|choice|steps?)\s+to\b",
    re.IGNORECASE,
)

# Checked in order: "suspend … termination" and "withdrew its notice to terminate"
# before "terminate".
EFFECTS = (
    (
        "termination suspended",
        _words(
            r"\bsuspen(?:d|ded|ds|sion)\b.*\b(?:terminat|end|expir|notice)",
            r"\b(?:halt|suspend)\w* (?:the |its )?(?:termination|notice|decision to end)",
        ),
    ),
    (
        "termination withdrawn",
        _words(
            r"\b(?:withdr|retract|revok|rescind)\w* (?:(?:the|its|their|a) )?(?:\w+ ){0,2}?"
            r"(?:terminat|notice)"
        ),
    ),
    (
        "terminated",
        _words(
            r"\b(?:was|were|has been|have been|had been) (?:\w+ )?(?:terminated|ended)\b",
            r"\b(?:GSOMIA|pact|deal|accord|agreement) (?:formally |officially )?ended\b",
        ),
    ),
    ("normalized", _words(r"\bnormali[sz]", r"\bfully restor", r"\bback to normal")),
    (
        "termination notified",
        _words(
            r"\bterminat(?:e|ed|es|ing|ion)\b",
            r"\bscrap(?:ped|s|ping)?\b",
            r"\bto end\b",
            r"\bend(?:ed|s|ing)? (?:the|its|a)\b",
            r"\bwithdr[ae]w\b",
        ),
    ),
    ("extended", _words(r"\bextend(?:ed|s)?\b", r"\brenew(?:ed|al)?\b")),
    ("signed", _words(r"\bsign(?:ed|s)?\b", r"\bink(?:ed|s)?\b")),
    ("expired", _words(r"\bexpir(?:e|ed|es)\b")),
)


def proposed_effect(sentence: str) -> str | None:
    """The step of the agreement the sentence reads as, if any (for an expected
    event, the step it is expected to be)."""
    if not _AGREEMENT.search(sentence):
        return None
    reaction = _REACTION.search(sentence)
    own = sentence[: reaction.start()] if reaction else sentence
    return next((effect for effect, pattern in EFFECTS if pattern.search(own)), None)
