"""Pages as they are scraped: the masthead, the section and "Go to contents" come before
the headline, an agency credit or a bracketed subtitle may sit between the headline and
its date line, and an unnamed speaker is the "he" of the next quote. The pages are ours,
with invented people."""

from __future__ import annotations

import datetime as dt

from briefings.ingest.draft import draft_page
from briefings.ingest.segment import LineKind, segment
from briefings.store import MemoryFactStore

MASTHEAD_PAGE = """Go to contents
The Harbor Daily
National | Defense

Seoul and Tokyo trade notes on the intelligence pact

Posted Nov. 20, 2019 07:41,
Updated Nov. 20, 2019 09:02

South Korea's foreign ministry said on Wednesday that it had received Japan's reply.
"""

CREDITED_PAGE = """The Harbor Times
NATIONAL / POLITICS

Tokyo welcomes Seoul's move on the intelligence pact

Kyodo
Mar 21, 2023

Japan on Tuesday welcomed South Korea's decision, a government spokesman said.
"""

STATEMENT_PAGE = """Ministry of Foreign Affairs
Home > Press Releases

On the Announcement Regarding the Agreement
(Statement by Foreign Minister Aoi Tanaka)

November 22, 2019

1. The Government has taken note of today's announcement.
"""


def test_the_masthead_before_the_headline_is_furniture_and_the_date_is_read() -> None:
    """Before, the first line started an article of its own with no date, so the page
    was drafted as undated and its real article's quotes were never drafted."""
    page = segment(MASTHEAD_PAGE)
    (article,) = page.articles
    assert article.title.text == "Seoul and Tokyo trade notes on the intelligence pact"
    assert article.date == dt.date(2019, 11, 20)
    kinds = {line.text: line.kind for line in page.lines}
    assert kinds["Go to contents"] is LineKind.FURNITURE
    assert kinds["The Harbor Daily"] is LineKind.FURNITURE


def test_an_agency_credit_or_a_bracketed_subtitle_under_the_headline_is_not_the_title() -> None:
    (credited,) = segment(CREDITED_PAGE).articles
    assert credited.title.text == "Tokyo welcomes Seoul's move on the intelligence pact"
    assert credited.date == dt.date(2023, 3, 21)
    assert [line.text for line in credited.metadata][:1] == ["Kyodo"]
    (statement,) = segment(STATEMENT_PAGE).articles
    assert statement.title.text == "On the Announcement Regarding the Agreement"
    assert statement.date == dt.date(2019, 11, 22)


def test_a_page_with_no_date_line_anywhere_still_starts_at_its_first_line() -> None:
    (article,) = segment("Why the pact matters\n\nIt carries radar tracks.\n").articles
    assert article.title.text == "Why the pact matters"


def test_he_after_an_unnamed_official_is_that_official_not_the_last_name(
    store: MemoryFactStore,
) -> None:
    """Before, "he added" went to the retired admiral named two sentences up: a
    quotation given to the wrong person."""
    page = "\n\n".join(
        [
            "The radar gap, explained",
            "By Mina Roh",
            "Kenji Sato, a retired rear admiral, has watched the arrangement for years.",
            "“The value is in the minutes saved,” one Japanese defense official said. "
            "“Tracking data fills the gap over the sea,” he added.",
        ]
    )
    drafted, _ = draft_page("radar.txt", page, store, date=dt.date(2024, 6, 1))
    names = {actor.id: actor.name for actor in drafted.actors}
    speakers = {
        words: names.get(quote.speaker, quote.speaker)
        for quote in drafted.quotes
        for words in quote.words
    }
    official = speakers["The value is in the minutes saved,"]
    assert "Sato" not in official
    assert speakers.get("Tracking data fills the gap over the sea,") == official


def test_an_issuer_under_the_headline_is_not_the_title() -> None:
    """A short organisation's name just above the date line, under a longer headline,
    is the issuer: the headline above it is the title (not furniture)."""
    page = (
        "Press Release: Initialling of the Agreement on Protecting Military Information\n\n"
        "Ministry of National Defense\n\nNovember 14, 2016\n\n"
        "1. The Ministry announced today that the text was initialled.\n"
    )
    (article,) = segment(page).articles
    assert article.title.text.startswith("Press Release: Initialling")
    assert article.metadata[0].text == "Ministry of National Defense"


def test_he_after_someone_unnamed_and_then_a_named_subject_is_not_the_official(
    store: MemoryFactStore,
) -> None:
    """A subject the reader cannot name ("Chung said …") stands between: "he" is then
    left unread, not given to the official quoted before."""
    page = "\n\n".join(
        [
            "The radar gap, explained",
            "By Mina Roh",
            "“The value is in the minutes saved,” one Japanese defense official said.",
            "Chung said the talks would go on. “We will keep the line open,” he added.",
        ]
    )
    drafted, _ = draft_page("gap.txt", page, store, date=dt.date(2024, 6, 1))
    speakers = {words: quote.speaker for quote in drafted.quotes for words in quote.words}
    official = speakers["The value is in the minutes saved,"]
    assert speakers.get("We will keep the line open,") != official
