"""Dates keep the precision their source gives them; relative phrases resolve by rule."""

from __future__ import annotations

import datetime as dt

import pytest

from briefings.dates import FIRST_DAY, LAST_DAY, FuzzyDate, Precision, iso_day, parse_period
from briefings.relative_dates import resolve_relative

FRIDAY_NOV_22 = dt.date(2019, 11, 22)
FRIDAY_AUG_23 = dt.date(2019, 8, 23)


@pytest.mark.parametrize(
    ("text", "precision", "earliest", "latest", "label"),
    [
        ("2019-08-22", Precision.DAY, "2019-08-22", "2019-08-22", "2019-08-22"),
        ("2016-11", Precision.MONTH, "2016-11-01", "2016-11-30", "November 2016"),
        ("2016", Precision.YEAR, "2016-01-01", "2016-12-31", "2016"),
        ("2019-02", Precision.MONTH, "2019-02-01", "2019-02-28", "February 2019"),
        ("1910/1945", Precision.RANGE, "1910-01-01", "1945-12-31", "between 1910 and 1945"),
        (
            "2019-08-19/2019-08-22",
            Precision.RANGE,
            "2019-08-19",
            "2019-08-22",
            "between 2019-08-19 and 2019-08-22",
        ),
    ],
)
def test_parse_keeps_precision(
    text: str, precision: Precision, earliest: str, latest: str, label: str
) -> None:
    date = FuzzyDate.parse(text)
    assert date.precision is precision
    assert date.earliest == dt.date.fromisoformat(earliest)
    assert date.latest == dt.date.fromisoformat(latest)
    assert date.label() == label


def test_month_is_not_its_first_day() -> None:
    month = FuzzyDate.parse("2016-11")
    assert not month.is_exact_day
    assert month != FuzzyDate.parse("2016-11-01")


@pytest.mark.parametrize("bad", ["2019-13", "19-11", "yesterday", "2019-02-30", "2019/2018", ""])
def test_bad_dates_raise_value_error(bad: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message varies with the mistake
        FuzzyDate.parse(bad)


def test_yaml_numbers_and_dates_are_accepted() -> None:
    assert FuzzyDate.model_validate(2019).precision is Precision.YEAR
    assert FuzzyDate.model_validate(dt.date(2019, 8, 22)).is_exact_day


def test_period_ranges_accept_several_separators() -> None:
    for text in ("2019-08..2019-11", "2019-08/2019-11", "2019-08:2019-11"):
        period = parse_period(text)
        assert period.earliest == dt.date(2019, 8, 1)
        assert period.latest == dt.date(2019, 11, 30)


def test_overlap() -> None:
    november = FuzzyDate.parse("2019-11")
    assert FuzzyDate.parse("2019-11-23").overlaps(november)
    assert FuzzyDate.parse("2019-06/2019-11-22").overlaps(november)
    assert not FuzzyDate.parse("2019-08-22").overlaps(november)


@pytest.mark.parametrize(
    ("phrase", "anchor", "expected"),
    [
        ("On Thursday", FRIDAY_NOV_22, "2019-11-21"),
        ("come Saturday", FRIDAY_NOV_22, "2019-11-23"),
        ("this morning", FRIDAY_AUG_23, "2019-08-23"),
        ("today", FRIDAY_AUG_23, "2019-08-23"),
        ("Late last night", FRIDAY_AUG_23, "2019-08-22"),
        ("Earlier this week", FRIDAY_AUG_23, "2019-08-19/2019-08-22"),
        ("A few days ago", FRIDAY_AUG_23, "2019-08-16/2019-08-22"),
        ("Last month", FRIDAY_AUG_23, "2019-07"),
        ("last summer", FRIDAY_NOV_22, "2019-06/2019-08"),
        ("In July", FRIDAY_NOV_22, "2019-07"),
        ("Back in August", FRIDAY_NOV_22, "2019-08"),
        ("in December", FRIDAY_NOV_22, "2018-12"),
        ("on Friday", FRIDAY_NOV_22, "2019-11-22"),
        ("next Friday", FRIDAY_NOV_22, "2019-11-29"),
    ],
)
def test_relative_phrases(phrase: str, anchor: dt.date, expected: str) -> None:
    assert resolve_relative(phrase, anchor) == FuzzyDate.parse(expected)


@pytest.mark.parametrize("phrase", ["in due course", "on Blursday", "soon"])
def test_unknown_phrases_are_not_guessed(phrase: str) -> None:
    assert resolve_relative(phrase, FRIDAY_NOV_22) is None


def test_earlier_this_week_on_a_monday_has_no_answer() -> None:
    assert resolve_relative("earlier this week", dt.date(2019, 11, 18)) is None


def test_an_annotated_date_is_parsed_and_a_bad_one_fails_in_the_model_s_words() -> None:
    from pydantic import TypeAdapter, ValidationError

    from briefings.annotations import DateClaim

    claim = TypeAdapter(DateClaim).validate_python({"value": "2019-08-22", "how": "printed"})
    assert claim.value == FuzzyDate.parse("2019-08-22")
    with pytest.raises(ValidationError, match="not a valid date: '2019-02-30'"):
        TypeAdapter(DateClaim).validate_python({"value": "2019-02-30", "how": "printed"})


@pytest.mark.parametrize(
    "text", ["0001", "0001-01-01", "0999-12", "9999-12-31", "9000", "2019/9000"]
)
def test_dates_past_what_the_calendar_holds_are_refused_naming_the_range(text: str) -> None:
    """A day near year 1 or 9999 broke every sum made from it (OverflowError)."""
    with pytest.raises(ValueError, match="the supported dates are 1000-01-01 to 8999-12-31"):
        parse_period(text)
    assert parse_period("1000").earliest == FIRST_DAY
    assert parse_period("8999-12").latest == LAST_DAY


def test_a_typed_day_is_read_inside_the_supported_dates() -> None:
    assert iso_day(" 2026-11-23 ") == dt.date(2026, 11, 23)
    with pytest.raises(ValueError, match=r"^'9999-12-31' is out of range: the supported dates"):
        iso_day("9999-12-31")
    with pytest.raises(ValueError, match=r"^'2026-11' is not a day like 2026-11-23$"):
        iso_day("2026-11")
