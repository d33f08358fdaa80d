"""What a dated sentence does to the agreement, proposed for the curator to confirm.

A few verbs, as wire copy uses them, mark the agreement's steps: signed, extended,
termination notified, termination suspended, normalized, expired. Only a sentence
that names the agreement (GSOMIA, the pact, the deal, the agreement) is read. The
reading is a proposal: a sentence that reports a reaction to a step ("welcomed the
decision to suspend the termination") is proposed as that step too.
"""

from __future__ import annotations

import re

__all__ = ["EFFECTS", "proposed_effect"]

_AGREEMENT = re.compile(r"\b(?:GSOMIA|pact|deal|accord|agreement)\b", re.IGNORECASE)


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(patterns), re.IGNORECASE)


# Checked in order: "suspend … termination" before "terminate".
EFFECTS = (
    (
        "termination suspended",
        _words(
            r"\bsuspen(?:d|ded|ds|sion)\b.*\b(?:terminat|end|expir|notice)",
            r"\b(?:halt|suspend)\w* (?:the |its )?(?:termination|notice|decision to end)",
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
    return next((effect for effect, pattern in EFFECTS if pattern.search(sentence)), None)
