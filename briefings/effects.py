"""The agreement's steps as a closed vocabulary: what each effect means, and the
words a source must use for a curator to record it.

An event that is a step in the agreement's own life (a milestone) may carry an
`effect` (`briefings.annotations.EffectAnnotation`). The kinds:

- `signed`: the agreement is signed; the sources may not say when it came into force.
- `in_force`: it comes into force.
- `extended`: its term is extended or renewed.
- `termination_notified`: a party gives notice that it ends the agreement (or will not
  renew it), optionally with the day the termination would take effect.
- `termination_suspended`: a notified termination is suspended, conditionally or not.
- `termination_withdrawn`: a notified termination is withdrawn.
- `normalized`: the agreement is restored to full, normal operation.
- `expired`, `terminated`: the agreement ends.

Every kind but `signed`, `expired` and `terminated` is a step of an agreement in
force: a termination can only be notified, suspended or withdrawn while it holds.

An effect is recorded only where the words say so: at least one excerpt of its
evidence must contain one of `STATING_WORDS` for its kind (a conditional suspension:
one of `CONDITIONAL_WORDS` too). The lists are stems, matched at the start of a word
and regardless of case, so "terminated", "termination" and "terminating" all state a
termination.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

__all__ = [
    "CONDITIONAL_WORDS",
    "ENDING",
    "RULES_OUT",
    "STATING_WORDS",
    "EffectKind",
    "Standing",
    "standing_after",
    "states",
    "states_condition",
]

EffectKind = Literal[
    "signed",
    "in_force",
    "extended",
    "termination_notified",
    "termination_suspended",
    "termination_withdrawn",
    "normalized",
    "expired",
    "terminated",
]

# What the agreement is after a step: signed (and not said to be in force yet),
# in force, or ended.
Standing = Literal["signed", "in_force", "ended"]

ENDING: frozenset[EffectKind] = frozenset({"expired", "terminated"})

STATING_WORDS: dict[EffectKind, tuple[str, ...]] = {
    "signed": ("sign", "conclude"),
    "in_force": ("in force", "into force", "take effect", "took effect", "takes effect"),
    "extended": ("extend", "extension", "renew", "prolong"),
    "termination_notified": (
        "terminat",
        "not renew",
        "not to renew",
        "refusing to renew",
        "end it",
        "end the",
        "scrap",
        "notice",
        "notif",
        "withdraw from",
        "pull out",
    ),
    "termination_suspended": ("suspend", "suspension", "halt", "put on hold", "freez", "froze"),
    "termination_withdrawn": ("withdr", "retract", "revok", "rescind", "revers"),
    "normalized": ("normali", "fully restor"),
    "expired": ("expir", "lapse"),
    "terminated": ("terminat", "ceased", "ended", "no longer in force"),
}

CONDITIONAL_WORDS = ("condition",)

# An expectation of the key kind is decided against by a step of one of these kinds
# dated before its day: an expected expiry does not happen once the termination is
# suspended, withdrawn or the agreement extended or normalized.
RULES_OUT: dict[EffectKind, frozenset[EffectKind]] = {
    "expired": frozenset(
        {"termination_suspended", "termination_withdrawn", "extended", "normalized"}
    ),
    "terminated": frozenset(
        {"termination_suspended", "termination_withdrawn", "extended", "normalized"}
    ),
    "extended": frozenset({"termination_notified", "expired", "terminated"}),
    "in_force": frozenset({"expired", "terminated"}),
}


def _pattern(stems: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(stem).replace(r"\ ", r"\s+") for stem in stems)
    return re.compile(rf"\b(?:{alternatives})", re.IGNORECASE)


_STATES = {kind: _pattern(stems) for kind, stems in STATING_WORDS.items()}
_CONDITION = _pattern(CONDITIONAL_WORDS)


def states(kind: EffectKind, texts: Iterable[str]) -> bool:
    """True when any of the excerpts uses a word that states an effect of `kind`."""
    return any(_STATES[kind].search(text) for text in texts)


def states_condition(texts: Iterable[str]) -> bool:
    """True when any of the excerpts says a step holds on a condition."""
    return any(_CONDITION.search(text) for text in texts)


def standing_after(kind: EffectKind, before: Standing | None) -> Standing:
    """What the agreement is after a step of `kind` (`before`: what it was)."""
    if kind in ENDING:
        return "ended"
    if kind == "signed":
        return before if before == "in_force" else "signed"
    return "in_force"
