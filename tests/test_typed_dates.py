"""Dates as people type them, in the commands that take a period or a day."""

from __future__ import annotations

import pytest

from bot.app import BriefBot
from briefings.answers import Answerer
from briefings.errors import BadPeriodError
from briefings.store import FactStore
from briefings.typed_dates import AmbiguousDayError, find_period, typed_period
from tests.world import World, make_bot


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("november 2019", "2019-11"),
        ("Nov 2019", "2019-11"),
        ("Nov. 2019", "2019-11"),
        ("Sept 2019", "2019-09"),
        ("11/2019", "2019-11"),
        ("22 August 2019", "2019-08-22"),
        ("22nd August 2019", "2019-08-22"),
        ("August 22, 2019", "2019-08-22"),
        ("Aug 22 2019", "2019-08-22"),
        ("22/08/2019", "2019-08-22"),  # day first: there is no month 22
        ("08/22/2019", "2019-08-22"),  # month first, likewise
        ("2019-08 to 2019-11", "2019-08/2019-11"),
        ("2019-08..2019-11", "2019-08/2019-11"),
        ("Nov 2019 – Jan 2020", "2019-11/2020-01"),
        ("22 Aug 2019 to 1 Sep 2019", "2019-08-22/2019-09-01"),
        ("2019", "2019"),
        ("2019-11", "2019-11"),
    ],
)
def test_a_date_as_people_type_it(typed: str, iso: str) -> None:
    assert typed_period(typed).iso == iso


def test_a_day_that_reads_two_ways_is_asked_back_not_guessed() -> None:
    with pytest.raises(AmbiguousDayError) as asked:
        typed_period("03/04/2019")
    assert str(asked.value) == (
        "'03/04/2019' could be 4 March 2019 or 3 April 2019: write 2019-03-04 or 2019-04-03"
    )


@pytest.mark.parametrize("typed", ["kono", "south korea", "31/31/2019", "march", "2019 kono"])
def test_words_that_are_no_date_are_refused(typed: str) -> None:
    with pytest.raises(ValueError, match="not"):
        typed_period(typed)


def test_a_period_is_found_at_either_end_of_the_words() -> None:
    period, rest = find_period(["kang", "kyung-wha", "november", "2019"])
    assert period is not None
    assert (period.iso, rest) == ("2019-11", ["kang", "kyung-wha"])
    period, rest = find_period(["22", "August", "2019", "kono"])
    assert period is not None
    assert (period.iso, rest) == ("2019-08-22", ["kono"])
    assert find_period(["kono"]) == (None, ["kono"])


def test_a_word_meant_as_a_date_says_why_it_is_none() -> None:
    with pytest.raises(BadPeriodError, match="out of range"):
        find_period(["0001"])


def test_the_answers_read_typed_dates(answerer: Answerer) -> None:
    assert answerer.answer("!timeline november 2019").title == "Timeline: November 2019"
    ranged = answerer.answer("!timeline 2019-08 to 2019-11")
    assert ranged.lines[0].startswith("10 events dated between August 2019 and November 2019")
    assert answerer.answer("!gsomia status August 22, 2019").title == (
        "GSOMIA status as of 2019-08-22"
    )
    asked = answerer.answer("!gsomia status 03/04/2019")
    assert asked.kind == "usage"
    assert "could be 4 March 2019 or 3 April 2019" in "\n".join(asked.lines)


@pytest.fixture
def simcord_bot(store: FactStore) -> BriefBot:
    return make_bot(store)


async def test_a_member_types_dates_as_people_do(synced: World) -> None:
    await synced.alice.send(synced.channel, "!timeline Nov 2019")
    assert synced.last_embed().title == "Timeline: November 2019"
    result = await synced.alice.slash(synced.channel, "gsomia status", as_of="22/08/2019")
    assert result.response is not None
    assert result.response.embeds[0].title == "GSOMIA status as of 2019-08-22"
