"""Date lines beside a site's own words: a label of its own before the stamp, a section's
name before or after it, parts set apart by a mark. The pages are ours, with invented
people; a sentence of body text with a date in it is never a date line."""

from __future__ import annotations

import datetime as dt

import pytest

from briefings.dates import FuzzyDate
from briefings.ingest.draft import draft_page
from briefings.ingest.printed_dates import read_date_line
from briefings.ingest.segment import segment
from briefings.store import FactStore


def page(date_line: str, *more_stamps: str) -> str:
    return "\n\n".join(
        [
            "Seoul weighs the pact's fate",
            date_line,
            *more_stamps,
            "By Ahn Do-yeon",
            'SEOUL, Feb. 3 (Yonhap) -- Vice Minister Roh Jae-hwan said Wednesday the pact "will '
            'stand as long as both sides keep their word."',
        ]
    )


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("2021.02.03 21:10 Politics", "2021-02-03"),
        ("2021-02-03 08:40 KST North Korea", "2021-02-03"),
        ("Diplomacy Feb. 3, 2021", "2021-02-03"),
        ("Live blog opened: Feb. 3, 2021", "2021-02-03"),
        ("First published on: March 3, 2021 09:12 KST", "2021-03-03"),
        ("Originally published Jan. 12, 2021 3:10 p.m.", "2021-01-12"),
        ("Defense · Feb. 3, 2021 · 5:10 AM", "2021-02-03"),
        ("North Korea | 2021-02-03", "2021-02-03"),
    ],
)
def test_a_stamp_beside_a_label_or_a_section_of_the_sites_own_is_a_date_line(
    line: str, day: str
) -> None:
    printed = read_date_line(line)
    assert printed is not None
    assert printed.day.isoformat() == day


@pytest.mark.parametrize(
    "line",
    [
        "The ministry said on Nov. 22, 2019 that it would wait.",
        "Talks resumed on Feb. 3, 2021 in Tokyo",
        "Officials met Feb. 3, 2021",
        "Seoul Will Decide By Feb. 3, 2021",
        "Note: the ministry said on Feb. 3, 2021 that it would wait",
    ],
)
def test_a_sentence_with_a_date_in_it_is_not_a_date_line(line: str) -> None:
    assert read_date_line(line) is None


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("Last modified: 2021-02-05 Posted: 2021-02-03", "2021-02-03"),
        ("Updated : Feb. 5, 2021 First published : Feb. 3, 2021", "2021-02-03"),
        ("Updated 2021-02-05 10:00", "2021-02-05"),
    ],
)
def test_an_updates_stamp_dates_a_line_only_when_it_prints_no_other(line: str, day: str) -> None:
    printed = read_date_line(line)
    assert printed is not None
    assert printed.day.isoformat() == day


def test_an_update_printed_above_the_first_stamp_does_not_date_the_article() -> None:
    text = page("Last updated: Feb. 5, 2021", "First published: Feb. 3, 2021")
    (article,) = segment(text).articles
    assert article.date == dt.date(2021, 2, 3)


@pytest.mark.parametrize(
    "date_line", ["2021.02.03 21:10 Politics", "Live blog opened: Feb. 3, 2021"]
)
def test_a_page_dated_beside_its_section_is_drafted_dated_and_attributed(
    store: FactStore, date_line: str
) -> None:
    (article,) = segment(page(date_line)).articles
    assert article.date == dt.date(2021, 2, 3)
    assert article.author == "Ahn Do-yeon"
    annotations, _ = draft_page("section.txt", page(date_line), store)
    assert annotations.sources[0].articles[0].date.value == FuzzyDate.day(dt.date(2021, 2, 3))
    (quote,) = annotations.quotes
    speaker = next(actor for actor in annotations.actors if actor.id == quote.speaker)
    assert speaker.name == "Roh Jae-hwan"
