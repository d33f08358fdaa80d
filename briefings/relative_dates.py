"""Resolve relative date phrases ("on Thursday", "come Saturday") against an article's date.

The rules are deliberately few and written down, so that a resolved date in the store
can be recomputed and checked, and so that a reader can see why "on Thursday" in an
article dated Friday 2019-11-22 means 2019-11-21:

- "today", "this morning", "this afternoon", "this evening", "tonight": the article's day.
- "yesterday", "last night", "late last night": the day before.
- "<weekday>", "on <weekday>", with "morning", "evening" and the like ("said
  Thursday", "on Friday evening"): the most recent such weekday on or before the
  article's day (news writing uses it for the past; the article's own weekday
  means that day).
- the same after a verb in the future, kept in the phrase so that the rule can be
  read off it ("will sign on Monday", "is due to meet Friday"): the first such
  weekday on or after the article's day.
- "come <weekday>", "next <weekday>", "by <weekday>": the first such weekday after
  the article's day.
- "on <month> <day>" ("on Nov. 23"): that day in the latest year where it is not
  after the article's day; after a verb in the future, the first one on or after it.
- "next week", "early next week", "last week": the calendar week (Monday to Sunday)
  after or before the article's; "next month": the calendar month after it.
- "earlier this week": Monday of the article's week up to the day before the article.
- "a few days ago": the seven days before the article's day (vague, so a range).
- "last month": the calendar month before the article's month.
- "last summer": June to August of the latest summer that ended before the article's day.
- "in <month>" / "back in <month>": that month in the latest year where it does not
  lie after the article's month.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from briefings.dates import FuzzyDate

__all__ = ["FUTURE_MARKER", "resolve_relative"]

_WEEKDAYS = {name.lower(): index for index, name in enumerate(calendar.day_name)}
_MONTHS = {name.lower(): index for index, name in enumerate(calendar.month_name) if name}
# A verb in the future before the date phrase: "will sign on Monday" looks forward.
FUTURE_MARKER = (
    r"\b(?:will|would|shall|(?:(?:is|are|was|were) )?(?:due|set|scheduled|expected|slated|"
    r"likely|going) to|(?:is|are) to|plans? to|intends? to)\b"
)
_FUTURE = re.compile(f"^{FUTURE_MARKER}", re.IGNORECASE)
_PART_OF_DAY = r"(?: (?:morning|afternoon|evening|night))?"
_SAME_DAY = {"today", "this morning", "this afternoon", "this evening", "tonight"}
_DAY_BEFORE = {"yesterday", "last night", "late last night"}


def _normalise(phrase: str) -> str:
    return re.sub(r"\s+", " ", phrase.strip().lower()).rstrip(",.")


def _previous_weekday(anchor: dt.date, weekday: int) -> dt.date:
    return anchor - dt.timedelta(days=(anchor.weekday() - weekday) % 7)


def _next_weekday(anchor: dt.date, weekday: int) -> dt.date:
    return anchor + dt.timedelta(days=(weekday - anchor.weekday() - 1) % 7 + 1)


def _previous_month(anchor: dt.date) -> FuzzyDate:
    first = anchor.replace(day=1) - dt.timedelta(days=1)
    return FuzzyDate.month(first.year, first.month)


def _last_summer(anchor: dt.date) -> FuzzyDate:
    year = anchor.year if anchor > dt.date(anchor.year, 8, 31) else anchor.year - 1
    return FuzzyDate.parse(f"{year}-06/{year}-08")


def _named_month(anchor: dt.date, month: int) -> FuzzyDate:
    year = anchor.year if month <= anchor.month else anchor.year - 1
    return FuzzyDate.month(year, month)


def _weekday_phrase(words: str, anchor: dt.date, future: bool) -> FuzzyDate | None:
    match = re.fullmatch(rf"(?:(on|come|next|by) )?(\w+){_PART_OF_DAY}", words)
    if not match or match.group(2) not in _WEEKDAYS:
        return None
    weekday = _WEEKDAYS[match.group(2)]
    if match.group(1) in {"come", "next", "by"}:
        return FuzzyDate.day(_next_weekday(anchor, weekday))
    if future:
        return FuzzyDate.day(anchor + dt.timedelta(days=(weekday - anchor.weekday()) % 7))
    return FuzzyDate.day(_previous_weekday(anchor, weekday))


def _month_day_phrase(words: str, anchor: dt.date, future: bool) -> FuzzyDate | None:
    match = re.fullmatch(r"on (\w{3,}?)\.? (\d{1,2})(?:, (\d{4}))?", words)
    if not match:
        return None
    name, day = match.group(1), int(match.group(2))
    month = next((number for full, number in _MONTHS.items() if full.startswith(name)), None)
    if month is None:
        return None
    if match.group(3):
        try:
            return FuzzyDate.day(dt.date(int(match.group(3)), month, day))
        except ValueError:
            return None
    for year in (anchor.year, anchor.year + 1) if future else (anchor.year, anchor.year - 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            return None
        if (candidate >= anchor) if future else (candidate <= anchor):
            return FuzzyDate.day(candidate)
    return None


def _week_phrase(words: str, anchor: dt.date) -> FuzzyDate | None:
    match = re.fullmatch(r"(?:early )?(next|last) week", words)
    if not match:
        return None
    monday = anchor - dt.timedelta(days=anchor.weekday())
    start = monday + dt.timedelta(days=7 if match.group(1) == "next" else -7)
    return FuzzyDate.between(start, start + dt.timedelta(days=6))


def _month_phrase(words: str, anchor: dt.date) -> FuzzyDate | None:
    match = re.fullmatch(r"(?:back )?in (\w+)", words)
    if not match or match.group(1) not in _MONTHS:
        return None
    return _named_month(anchor, _MONTHS[match.group(1)])


def resolve_relative(phrase: str, anchor: dt.date) -> FuzzyDate | None:
    """Resolve `phrase` against the article's day `anchor`; None if no rule covers it."""
    words = _normalise(phrase)
    future = _FUTURE.match(words) is not None
    if future:
        # The verb and what lies between it and the date phrase: only the phrase dates.
        tail = re.search(
            rf"(?:(?:on|come|next|by) )?\w+{_PART_OF_DAY}$|on \w+\.? \d{{1,2}}(?:, \d{{4}})?$|"
            r"(?:early )?next week$|next month$",
            words,
        )
        if tail is None:
            return None
        words = tail.group(0)
    if words in _SAME_DAY:
        return FuzzyDate.day(anchor)
    if words in _DAY_BEFORE:
        return FuzzyDate.day(anchor - dt.timedelta(days=1))
    if words == "earlier this week":
        monday = anchor - dt.timedelta(days=anchor.weekday())
        if monday == anchor:
            return None
        return FuzzyDate.between(monday, anchor - dt.timedelta(days=1))
    if words == "a few days ago":
        return FuzzyDate.between(anchor - dt.timedelta(days=7), anchor - dt.timedelta(days=1))
    if words == "last month":
        return _previous_month(anchor)
    if words == "next month":
        following = anchor.replace(day=28) + dt.timedelta(days=4)
        return FuzzyDate.month(following.year, following.month)
    if words == "last summer":
        return _last_summer(anchor)
    return (
        _weekday_phrase(words, anchor, future)
        or _month_day_phrase(words, anchor, future)
        or _week_phrase(words, anchor)
        or _month_phrase(words, anchor)
    )
