"""What a dated sentence does to the agreement, proposed for the curator to confirm.

A few verbs, as wire copy uses them, mark the agreement's steps: signed, in force,
extended, termination notified, suspended or withdrawn, terminated, normalized, expired (the
kinds of `briefings.effects`, spaced). Only a sentence that names the agreement
(GSOMIA, the pact, the deal, the agreement) is read. A step a sentence only reacts
to ("Japan welcomed Seoul's decision to suspend the termination", "Japan lodged a
protest after Seoul said it would end the pact") is not proposed: that sentence
dates the reaction, not the step. Where a sentence dates more than one thing, the
step is read in the clause its date stands in (`step_at`: "GSOMIA, signed in November
2016, is renewed every year" dates the signing). The reading is a proposal still.
"""

from __future__ import annotations

import re

__all__ = ["EFFECTS", "conditional", "is_reaction", "proposed_effect", "step_at"]

_AGREEMENT = re.compile(r"\b(?:GSOMIA|pact|deal|accord|agreement)\b", re.IGNORECASE)


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(patterns), re.IGNORECASE)


# A reaction to a step, as a verb: what follows it is the step reacted to, which the
# sentence does not date ("in protest", a noun, reacts to nothing).
_REACTION = re.compile(
    r"\b(?:welcom(?:e|ed|es|ing)|critici[sz](?:e|ed|es|ing)|prais(?:e|ed|es|ing)|"
    r"regret(?:s|ted|ting)?|condemn(?:s|ed|ing)?|slam(?:s|med|ming)?|protest(?:s|ed|ing)|"
    r"lodged (?:a|an) (?:\w+ )?protest|denounc(?:e|ed|es|ing)|hail(?:s|ed|ing)?|"
    r"deplor(?:e|ed|es|ing)|lament(?:s|ed|ing)?|rebuk(?:e|ed|es|ing)|decr(?:y|ied|ies)|"
    r"express(?:ed|es|ing)? (?:\w+ ){0,2}?(?:regret|concern|disappointment|relief|support))\b",
    re.IGNORECASE,
)
# Where one clause of a sentence ends: commas, semicolons, colons, brackets, dashes.
_CLAUSE_END = re.compile(r"[,;:()]|\s[-–—]{1,2}\s")
_CONDITIONAL = re.compile(r"\bconditional(?:ly)?\b|\bon (?:the )?conditions? that\b", re.I)

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
    ("in force", _words(r"\b(?:enter(?:s|ed)?|c[ao]me|comes|brought|put) into force\b")),
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


def _own(sentence: str) -> str | None:
    """The part of the sentence that can state a step: none if it does not name the
    agreement; what comes before a reaction if it reacts."""
    if not _AGREEMENT.search(sentence):
        return None
    reaction = _REACTION.search(sentence)
    return sentence[: reaction.start()] if reaction else sentence


def _step(text: str) -> str | None:
    return next((effect for effect, pattern in EFFECTS if pattern.search(text)), None)


def proposed_effect(sentence: str) -> str | None:
    """The step of the agreement the sentence reads as, if any (for an expected
    event, the step it is expected to be)."""
    own = _own(sentence)
    return None if own is None else _step(own)


def step_at(sentence: str, phrase: str) -> str | None:
    """The step of the agreement stated in the clause where `phrase` (a date) stands."""
    own = _own(sentence)
    at = -1 if own is None else own.find(phrase)
    if own is None or at < 0:
        return None
    starts = [end.end() for end in _CLAUSE_END.finditer(own, 0, at)]
    after = _CLAUSE_END.search(own, at + len(phrase))
    return _step(own[starts[-1] if starts else 0 : after.start() if after else len(own)])


def is_reaction(sentence: str) -> bool:
    """Whether the sentence only reacts ("Japan's Defense Ministry welcomed Seoul's
    stance on Thursday"): a reaction verb, and no step stated before it."""
    return _REACTION.search(sentence) is not None and proposed_effect(sentence) is None


def conditional(sentence: str) -> bool:
    """Whether the sentence says the step holds on a condition ("conditionally")."""
    return _CONDITIONAL.search(sentence) is not None
