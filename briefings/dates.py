"""Dates at the precision a source gives them.

A source may say "2019-08-22", "November 2016", "2016" or "earlier this week". A
`FuzzyDate` keeps that precision: it is the interval [earliest, latest] of days the
words allow, plus how precise the words were, so "November 2016" can never be
mistaken for 1 November 2016.

Annotation files write dates in ISO 8601 forms: `2019-08-22` (day), `2019-08`
(month), `2019` (year) and `START/END` for a range of any of those. A date a user
types (`parse_period`, `iso_day`) must lie from `FIRST_DAY` to `LAST_DAY`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_serializer, model_validator

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "MONTH_NAMES",
    "MONTH_PATTERN",
    "FuzzyDate",
    "Precision",
    "iso_day",
    "month_number",
    "parse_period",
]

MONTH_NAMES = tuple(calendar.month_name)[1:]
MONTH_PATTERN = "|".join(MONTH_NAMES)  # for regular expressions: "January|February|..."
# Python's calendar holds years 1 to 9999, and a day near either end breaks the sums
# made from it (a countdown's days ahead, a query's look-back, a calendar's span) with
# an OverflowError. The dates people type are kept a thousand years inside it.
FIRST_DAY = dt.date(1000, 1, 1)
LAST_DAY = dt.date(8999, 12, 31)
SUPPORTED = f"the supported dates are {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"


def month_number(name: str) -> int:
    """1 for "January" ... 12 for "December"."""
    return MONTH_NAMES.index(name) + 1


class Precision(StrEnum):
    """How precisely a source states a date."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    RANGE = "range"


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _parse_point(text: str) -> tuple[dt.date, dt.date, Precision]:
    """Parse one ISO day, month or year into its first and last day."""
    parts = text.strip().split("-")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        raise ValueError(f"not an ISO date: {text!r}") from None
    if len(parts[0]) != 4:
        raise ValueError(f"not an ISO date (year needs 4 digits): {text!r}")
    try:
        if len(numbers) == 1:
            (year,) = numbers
            return dt.date(year, 1, 1), dt.date(year, 12, 31), Precision.YEAR
        if len(numbers) == 2:
            year, month = numbers
            return dt.date(year, month, 1), _month_end(year, month), Precision.MONTH
        if len(numbers) == 3:
            day = dt.date(*numbers)
            return day, day, Precision.DAY
    except ValueError as error:
        raise ValueError(f"not a valid date: {text!r} ({error})") from None
    raise ValueError(f"not an ISO date: {text!r}")


def _supported(text: str, first: dt.date, last: dt.date) -> None:
    if first < FIRST_DAY or last > LAST_DAY:
        raise ValueError(f"{text.strip()!r} is out of range: {SUPPORTED}")


def iso_day(text: str) -> dt.date:
    """A day written YYYY-MM-DD, inside the supported dates; ValueError in one line
    (safe to show) if it is not."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text.strip()[:40]!r} is not a day like 2026-11-23") from None
    _supported(text, day, day)
    return day


class FuzzyDate(BaseModel):
    """An interval of days together with the precision the source gave it."""

    model_config = ConfigDict(frozen=True)

    earliest: dt.date
    latest: dt.date
    precision: Precision
    # The ISO text it was written as, kept so that a range of months stays a range of months.
    iso: str

    @model_validator(mode="before")
    @classmethod
    def _from_iso(cls, data: Any) -> Any:
        if isinstance(data, str):
            return cls.fields_from_iso(data)
        if isinstance(data, dt.date):
            return cls.fields_from_iso(data.isoformat())
        if isinstance(data, int) and not isinstance(data, bool):
            # YAML reads a bare year such as 2019 as a number.
            return cls.fields_from_iso(f"{data:04d}")
        return data

    @model_validator(mode="after")
    def _ordered(self) -> FuzzyDate:
        if self.latest < self.earliest:
            raise ValueError(f"date range ends before it starts: {self.iso}")
        return self

    @model_serializer
    def _to_iso(self) -> str:
        return self.iso

    @staticmethod
    def fields_from_iso(text: str) -> dict[str, Any]:
        """Turn ISO text into the model's fields."""
        text = text.strip()
        if "/" in text:
            start, _, end = text.partition("/")
            earliest, _, _ = _parse_point(start)
            _, latest, _ = _parse_point(end)
            return {
                "earliest": earliest,
                "latest": latest,
                "precision": Precision.RANGE,
                "iso": text,
            }
        earliest, latest, precision = _parse_point(text)
        return {"earliest": earliest, "latest": latest, "precision": precision, "iso": text}

    @classmethod
    def parse(cls, text: str) -> FuzzyDate:
        """Parse ISO text (day, month, year or START/END); ValueError says what is wrong."""
        try:
            return cls.model_validate(text)
        except ValidationError as error:
            message = error.errors()[0]["msg"].removeprefix("Value error, ")
            raise ValueError(message) from None

    @classmethod
    def day(cls, day: dt.date) -> FuzzyDate:
        """The single day `day`."""
        return cls.parse(day.isoformat())

    @classmethod
    def between(cls, earliest: dt.date, latest: dt.date) -> FuzzyDate:
        """A range of whole days (a single day if both ends are equal)."""
        if earliest == latest:
            return cls.day(earliest)
        return cls.parse(f"{earliest.isoformat()}/{latest.isoformat()}")

    @classmethod
    def month(cls, year: int, month: int) -> FuzzyDate:
        """A whole month."""
        return cls.parse(f"{year:04d}-{month:02d}")

    @property
    def is_exact_day(self) -> bool:
        """True when the source names one day."""
        return self.precision is Precision.DAY

    def overlaps(self, other: FuzzyDate) -> bool:
        """True when the two intervals share at least one day."""
        return self.earliest <= other.latest and other.earliest <= self.latest

    def could_be_on_or_before(self, day: dt.date) -> bool:
        """True when some day of this interval is on or before `day`."""
        return self.earliest <= day

    def sort_key(self) -> tuple[dt.date, dt.date]:
        """Order by first possible day, then by last."""
        return (self.earliest, self.latest)

    def label(self) -> str:
        """Human wording at the date's own precision."""
        return _label_for(self.iso, self.precision)

    def __str__(self) -> str:
        return self.label()


def _point_label(text: str) -> str:
    _, _, precision = _parse_point(text)
    parts = [int(p) for p in text.split("-")]
    if precision is Precision.MONTH:
        return f"{calendar.month_name[parts[1]]} {parts[0]}"
    return text


def _label_for(iso: str, precision: Precision) -> str:
    if precision is not Precision.RANGE:
        return _point_label(iso)
    start, _, end = iso.partition("/")
    return f"between {_point_label(start)} and {_point_label(end)}"


def parse_period(text: str) -> FuzzyDate:
    """Parse a period a user typed: `2019`, `2019-11`, `2019-08-22`, or a range,
    inside the supported dates.

    Ranges may be written `A/B`, `A..B` or `A:B`.
    """
    cleaned = text.strip()
    for separator in ("..", ":"):
        cleaned = cleaned.replace(separator, "/")
    period = FuzzyDate.parse(cleaned)
    _supported(text, period.earliest, period.latest)
    return period
