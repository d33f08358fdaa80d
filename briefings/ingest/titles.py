"""An event's title: its sentence as a clean clause, without the dates that date it.

The drafter dates an event from the date phrases of its sentence and keeps them in
the date's claim; the title reads without the one that dates it ("South Korea on
Friday decided to suspend …" is titled "South Korea decided to suspend …"), and
without a list's number ("4. The two sides plan …"). A date is taken out only where
the sentence still reads without it: one joined to another ("in April and May") or
the whole of a phrase set off by commas ("GSOMIA, signed in November 2016, is
renewed …") stays.
"""

from __future__ import annotations

import re

from briefings.dates import MONTH_PATTERN
from briefings.ingest.quotes import DATE_PHRASE, EXPLICIT_DATE

__all__ = ["event_title"]

LIMIT = 200  # characters: a title longer than this is cut at a word, with an ellipsis
_NUMBERED = re.compile(r"^\s*(?:\d{1,2}|[a-z])[.)]\s+")
# A day told by the event before ("entered into force on the day of its signing").
THAT_DAY = re.compile(
    r"\b(?:on )?(?:the (?:same )?day of (?:its|their|the) \w+|that (?:same )?day|the same day)\b",
    re.IGNORECASE,
)
_DAY_WORD = rf"(?:{MONTH_PATTERN}|[A-Z][a-z]+day|\d{{1,4}})"
_JOINED_AFTER = re.compile(rf"^\s*(?:and|or|to|through|until|till|-|–)\s+(?:\w+ )?{_DAY_WORD}")
_JOINED_BEFORE = re.compile(rf"{_DAY_WORD}\.?\s+(?:and|or|to|through|until|till|-|–)\s*$")
# A word the date phrase leans on, which would be left alone without it.
_HELD = re.compile(r"\b(?:last|this|next|past|coming)\s*$", re.IGNORECASE)
# What a comma-set phrase would keep of itself: a word or two ("signed", "first signed").
_SET_OFF_BEFORE = re.compile(r",\s*(?:\w+\s+){0,1}\w+\s*$")


def _date_span(sentence: str, phrase: str) -> tuple[int, int] | None:
    """Where the date of `phrase` stands: "will sign the pact on Monday" dates by its
    last words, "on Monday"; the verb stays."""
    at = sentence.find(phrase)
    if at < 0:
        return None
    found = [
        match.span()
        for pattern in (EXPLICIT_DATE, DATE_PHRASE, THAT_DAY)
        for match in pattern.finditer(phrase)
    ]
    if not found:
        return None
    start, end = max(found, key=lambda span: (span[1], -span[0]))
    return at + start, at + end


def _without(text: str, start: int, end: int) -> str:
    before, after = text[:start], text[end:]
    if _JOINED_AFTER.match(after) or _JOINED_BEFORE.search(before):
        return text  # one of several dates: the sentence needs them all
    if _HELD.search(before) or after.startswith(("'s", "’s")):
        return text  # "a summit last Thursday", "today's decision": the words hold the date
    if _SET_OFF_BEFORE.search(before) and re.match(r"^\s*[,;]", after):
        return text  # the phrase would be left a word alone between commas
    if re.search(r"\d{4}$", text[start:end]) and after.startswith(","):
        after = after[1:]  # "on Nov. 23, 2016, in Seoul": the year's comma goes with it
    before, after = before.rstrip(), after.lstrip()
    if not before.strip(" ,") and after.startswith(","):
        after = after[1:].lstrip()
    if before.endswith(",") and after[:1] in {",", ".", ";", ""}:
        before = before[:-1]
    joint = "" if not before or after[:1] in {",", ".", ";", ":", ")", ""} else " "
    return before + joint + after


def event_title(sentence: str, phrase: str | None) -> str:
    """The sentence as a title: the date `phrase` that dates the event taken out where
    the sentence reads on without it (other dates stay: "which will expire on Nov. 23"),
    and a list's number."""
    text = _NUMBERED.sub("", sentence.strip())
    if phrase and (span := _date_span(text, phrase)) is not None:
        text = _without(text, *span)
    text = re.sub(r"\s+", " ", text).strip(" ,;")
    text = text.rstrip(".") if not text.endswith("..") else text
    text = text[:1].upper() + text[1:]
    if len(text) <= LIMIT:
        return text
    return text[: LIMIT - 3].rsplit(" ", 1)[0].rstrip(" ,;") + "..."
