"""Dates as people type them into a command: `november 2019`, `Nov 2019`, `11/2019`,
`22 August 2019`, `August 22, 2019`, `22/08/2019`, and ranges of any of those with
`to`, `–`, `..` (`2019-08 to 2019-11`), beside the ISO forms the bot itself shows
(`2019`, `2019-11`, `2019-08-22`, `2019-08..2019-11`), which are tried first.

A day written with numbers only is read day first or month first only where one
reading is impossible (`22/08/2019`, `08/22/2019`); `03/04/2019` could be either, and
is asked back rather than guessed.

Words relative to today (`today`, `yesterday`, `last week`, `this month`, `last
year`) are read against a day the caller gives (`with_days`): the domain reads no
clock. They are written over as the ISO period they mean before anything else reads
the words, so an answer asked "today" is the answer asked for that day, and says which.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from briefings.dates import FuzzyDate, parse_period
from briefings.errors import SHOWN_LENGTH, BadPeriodError, shown
from briefings.relative_dates import resolve_relative

__all__ = ["PERIOD_LIKE", "AmbiguousDayError", "find_period", "typed_period", "with_days"]

# "sept" as well as "sep": both are common.
_MONTHS = {
    **{name.lower(): number for number, name in enumerate(calendar.month_name) if name},
    **{name.lower(): number for number, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}
_MONTH = rf"(?P<month>{'|'.join(sorted(_MONTHS, key=len, reverse=True))})\.?"
_YEAR = r"(?P<year>\d{4})"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_FORMS = [
    re.compile(rf"{_MONTH},? {_YEAR}"),  # november 2019, Nov. 2019
    re.compile(rf"{_DAY} {_MONTH},? {_YEAR}"),  # 22 August 2019
    re.compile(rf"{_MONTH} {_DAY},? {_YEAR}"),  # August 22, 2019
    re.compile(rf"(?P<month>\d{{1,2}})[/.]{_YEAR}"),  # 11/2019
]
_NUMERIC_DAY = re.compile(r"(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.]" + _YEAR)
# Between two dates of a range; ISO's own `..` and `/` are read by `parse_period`.
_RANGE = re.compile(r"\s+(?:to|until|till|through|-|–|—)\s+|\s*(?:–|—|\.\.)\s*")
_ISO_LIKE = re.compile(r"^\d{4}[-/.:\d]*$")  # what the bot itself writes
_LONGEST = 7  # words in the longest range: "22 August 2019 to 1 September 2019"
PERIOD_LIKE = "a period like 2019, November 2019, 2019-11 or 2019-08 to 2019-11"
# Relative to the day the caller gives; "this" and "last" weeks run Monday to Sunday,
# as the articles' "last week" does (see `briefings.relative_dates`).
_RELATIVE = re.compile(r"\b(today|yesterday|(?:this|last) (?:week|month|year))\b", re.IGNORECASE)


class AmbiguousDayError(BadPeriodError):
    """A day of numbers that reads as two different days."""


def typed_period(text: str) -> FuzzyDate:
    """The period `text` names; ValueError if it names none, `AmbiguousDayError` (safe
    to show) if it could name two days."""
    # One space between words, and a comma always as ", ": the forms below expect it.
    cleaned = re.sub(r"\s*,\s*", ", ", " ".join(text.split())).strip(" ,")
    try:
        return parse_period(cleaned)
    except ValueError:
        if _ISO_LIKE.match(cleaned):  # its own reason: a bad month, a year out of range
            raise
    halves = _RANGE.split(cleaned.lower(), maxsplit=1)
    try:
        if len(halves) == 2:
            first, last = (_point(half.strip(" ,")) for half in halves)
            return parse_period(f"{first.iso}/{last.iso}")
        return _point(cleaned.lower())
    except AmbiguousDayError:
        raise
    except ValueError:
        raise ValueError(f"not a date: {text.strip()[:40]!r}") from None


def _point(text: str) -> FuzzyDate:
    """One day, month or year as typed."""
    try:
        return parse_period(text)
    except ValueError:
        pass
    for form in _FORMS:
        found = form.fullmatch(text)
        if found:
            return _from_parts(text, found.groupdict())
    numeric = _NUMERIC_DAY.fullmatch(text)
    if numeric:
        return _numeric_day(text, int(numeric["a"]), int(numeric["b"]), int(numeric["year"]))
    raise ValueError(f"not a date: {text!r}")


def _from_parts(text: str, parts: dict[str, str | None]) -> FuzzyDate:
    month_text = parts["month"] or ""
    month = int(month_text) if month_text.isdigit() else _MONTHS[month_text]
    year = int(parts["year"] or "")
    if parts.get("day"):
        return parse_period(_iso_day(text, year, month, int(parts["day"] or "")))
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}: {text!r}")
    return parse_period(f"{year:04d}-{month:02d}")


def _numeric_day(text: str, a: int, b: int, year: int) -> FuzzyDate:
    """`a/b/year`: day first or month first, whichever alone makes a day."""
    found = (_iso_or_none(year, month, day) for day, month in ((a, b), (b, a)))
    readings = sorted({reading for reading in found if reading is not None})
    if not readings:
        raise ValueError(f"not a day: {text!r}")
    if len(readings) > 1:
        first, second = (dt.date.fromisoformat(day) for day in readings)
        raise AmbiguousDayError(
            f"{shown(text)!r} could be {_spoken(first)} or {_spoken(second)}: write"
            f" {first.isoformat()} or {second.isoformat()}"
        )
    return parse_period(readings[0])


def _iso_or_none(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _iso_day(text: str, year: int, month: int, day: int) -> str:
    found = _iso_or_none(year, month, day)
    if found is None:
        raise ValueError(f"not a day: {text!r}")
    return found


def _spoken(day: dt.date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def with_days(text: str, today: dt.date) -> str:
    """`text` with each word relative to `today` written as the ISO period it means:
    `last week kono` on 2019-11-27 is `2019-11-18/2019-11-24 kono`."""
    return _RELATIVE.sub(lambda found: _relative(found[1].lower(), today).iso, text)


def _relative(phrase: str, today: dt.date) -> FuzzyDate:
    """The period one of `_RELATIVE`'s phrases means on `today`."""
    if phrase == "this week":
        monday = today - dt.timedelta(days=today.weekday())
        return FuzzyDate.between(monday, monday + dt.timedelta(days=6))
    if phrase == "this month":
        return FuzzyDate.month(today.year, today.month)
    if phrase.endswith("year"):
        return parse_period(f"{today.year - (phrase == 'last year'):04d}")
    resolved = resolve_relative(phrase, today)  # today, yesterday, last week, last month
    assert resolved is not None, phrase
    return resolved


def find_period(words: list[str]) -> tuple[FuzzyDate | None, list[str]]:
    """A period typed at the start or the end of `words` (the longest that reads as
    one), and the words left: `!timeline november 2019 kono`, `!timeline kono Nov 2019`.
    `AmbiguousDayError` if the words hold a day that reads two ways."""
    for count in range(min(_LONGEST, len(words)), 0, -1):
        for start in (0, len(words) - count):
            typed = " ".join(words[start : start + count])
            try:
                period = typed_period(typed)
            except ValueError as error:
                if count == 1 and _ISO_LIKE.match(typed):  # meant as a date: say why not
                    # The parser's reason quotes the text: only for text short enough to echo.
                    why = f" ({error})" if len(typed) <= SHOWN_LENGTH else ""
                    raise BadPeriodError(f"{shown(typed)!r} is not {PERIOD_LIKE}{why}") from None
                continue
            return period, words[:start] + words[start + count :]
    return None, words
