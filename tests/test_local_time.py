"""Times of day and time zones as people type them: accepted, or one clear refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from briefings.errors import BadSettingError
from briefings.local_time import parse_time, parse_zone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00", dt.time(9)),
        ("9", dt.time(9)),
        (" 23:59 ", dt.time(23, 59)),
        ("0:05", dt.time(0, 5)),
    ],
)
def test_times_that_read(text: str, expected: dt.time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text", ["24:00", "9:7", "9:60", "-1:00", "1" * 30 + ":00", "noon", "", "09:00:00", "٩:٠٠"]
)
def test_times_that_do_not(text: str) -> None:
    with pytest.raises(BadSettingError, match="is not a time like 09:00"):
        parse_time(text)


def test_zones_are_canonical_names() -> None:
    assert parse_zone(" Asia/Seoul ") == "Asia/Seoul"
    assert parse_zone("UTC") == "UTC"


@pytest.mark.parametrize(
    "text",
    [
        *("America", "x" * 300, "../etc/passwd", "/etc/localtime", "", "Mars/Base", "Asia/"),
        *("localtime", "posixrules", "posix/Asia/Seoul", "right/Asia/Seoul"),
    ],
)
def test_zones_that_are_not(text: str) -> None:
    with pytest.raises(BadSettingError, match="is not a time zone"):
        parse_zone(text)


def test_a_long_input_is_cut_short_in_the_message() -> None:
    with pytest.raises(BadSettingError) as error:
        parse_zone("y" * 300)
    assert len(str(error.value)) < 100
