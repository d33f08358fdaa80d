"""Resolve relative date phrases ("on Thursday", "come Saturday") against an article's date.

The rules are deliberately few and written down, so that a resolved date in the store
can be recomputed and checked, and so that a reader can see why "on Thursday" in an
article dated Friday 2019-11-22 means 2019-11-21:

- "today", "this morning", "this afternoon", "this evening", "tonight": the article's day.
- "yesterday", "last night", "late last night": the day before.
- "on <weekday>": the most recent such weekday on or before the article's day
  (news writing uses it for the past; the article's own weekday means that day).
- "come <weekday>", "next <weekday>", "by <weekday>": the first such weekday after
  the article's day.
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

__all__ = ["resolve_relative"]

_WEEKDAYS = {name.lower(): index for index, name in enumerate(calendar.day_name)}
_MONTHS = {name.lower(): index for index, name in enumerate(calendar.month_name) if name}
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


def _weekday_phrase(words: str, anchor: dt.date) -> FuzzyDate | None:
    match = re.fullmatch(r"(on|come|next|by) (\w+)", words)
    if not match or match.group(2) not in _WEEKDAYS:
        return None
    weekday = _WEEKDAYS[match.group(2)]
    if match.group(1) == "on":
        return FuzzyDate.day(_previous_weekday(anchor, weekday))
    return FuzzyDate.day(_next_weekday(anchor, weekday))


def _month_phrase(words: str, anchor: dt.date) -> FuzzyDate | None:
    match = re.fullmatch(r"(?:back )?in (\w+)", words)
    if not match or match.group(1) not in _MONTHS:
        return None
    return _named_month(anchor, _MONTHS[match.group(1)])


def resolve_relative(phrase: str, anchor: dt.date) -> FuzzyDate | None:
    """Resolve `phrase` against the article's day `anchor`; None if no rule covers it."""
    words = _normalise(phrase)
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
    if words == "last summer":
        return _last_summer(anchor)
    return _weekday_phrase(words, anchor) or _month_phrase(words, anchor)
