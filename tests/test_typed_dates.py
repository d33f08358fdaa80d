"""Dates as people type them, in the commands that take a period or a day."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.app import BriefBot, create_bot
from bot.settings import Settings
from briefings.answers import Answerer
from briefings.errors import BadPeriodError
from briefings.store import FactStore
from briefings.typed_dates import AmbiguousDayError, find_period, typed_period, with_days
from tests.world import World

WEDNESDAY = dt.date(2019, 11, 27)


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


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("today", "2019-11-27"),
        ("Today", "2019-11-27"),
        ("yesterday", "2019-11-26"),
        ("last week", "2019-11-18/2019-11-24"),  # Monday to Sunday, as in the articles
        ("this week", "2019-11-25/2019-12-01"),
        ("last month", "2019-10"),
        ("this month", "2019-11"),
        ("last year", "2018"),
        ("this year", "2019"),
        ("kono last week", "kono 2019-11-18/2019-11-24"),
        ("todays", "todays"),  # a word that only begins like one is left alone
    ],
)
def test_words_relative_to_today_mean_the_days_a_person_means(typed: str, meant: str) -> None:
    assert with_days(typed, WEDNESDAY) == meant


@pytest.fixture
def dated(either_store: FactStore) -> Answerer:
    return Answerer(either_store, today=lambda: WEDNESDAY)


def test_an_answer_asked_for_today_is_the_answer_for_the_day_given(dated: Answerer) -> None:
    """Before, `!gsomia status today` was refused: 'today' is not a date."""
    assert dated.answer("!gsomia status today").title == "GSOMIA status as of 2019-11-27"
    assert dated.answer("!gsomia history yesterday").title == "GSOMIA history as of 2019-11-26"
    assert (
        dated.answer("!timeline last week").title == "Timeline: between 2019-11-18 and 2019-11-24"
    )
    assert dated.answer("!timeline kono last month").title == "Timeline: October 2019 · Taro Kono"
    assert dated.run("timeline", period="this year").title == "Timeline: 2019"


def test_today_moves_with_the_clock_not_with_the_cache(either_store: FactStore) -> None:
    days = iter([WEDNESDAY, WEDNESDAY + dt.timedelta(days=1)])
    answerer = Answerer(either_store, today=lambda: next(days))
    assert answerer.answer("!gsomia status today").title.endswith("2019-11-27")
    assert answerer.answer("!gsomia status today").title.endswith("2019-11-28")


def test_without_a_clock_today_is_no_date(answerer: Answerer) -> None:
    reply = answerer.answer("!gsomia status today")
    assert reply.kind == "usage"
    assert "'today' is not a date" in "\n".join(reply.lines)


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("2019-11", "GSOMIA status as of 2019-11-30, the end of November 2019"),
        ("Nov 2019", "GSOMIA status as of 2019-11-30, the end of November 2019"),
        ("2019", "GSOMIA status as of 2019-12-31, the end of 2019"),
        (
            "2019-08 to 2019-11",
            "GSOMIA status as of 2019-11-30, the end of the period between August 2019 and"
            " November 2019",
        ),
        ("2019-11-22", "GSOMIA status as of 2019-11-22"),
    ],
)
def test_a_longer_period_asked_as_of_says_which_day_of_it_is_meant(
    answerer: Answerer, typed: str, title: str
) -> None:
    """Before, `!gsomia status 2019-11` silently became 2019-11-30."""
    assert answerer.answer(f"!gsomia status {typed}").title == title


def test_a_range_is_worded_one_way_whether_or_not_events_fall_in_it(answerer: Answerer) -> None:
    """Before, an empty range read "falls in between January 2018 and March 2018"."""
    empty = answerer.answer("!timeline 2018-01 to 2018-03").lines[0]
    assert empty == "No event in the sources falls between January 2018 and March 2018."
    full = answerer.answer("!timeline 2019-08 to 2019-11").lines[0]
    assert full.startswith("10 events dated between August 2019 and November 2019")


class _Clock:
    def now(self) -> dt.datetime:
        return dt.datetime(2019, 11, 27, 23, 30, tzinfo=dt.UTC)


@pytest.fixture
def simcord_bot(store: FactStore) -> BriefBot:
    return create_bot(Settings(_env_file=None, scheduler_enabled=False), store, _Clock())


async def test_a_member_types_dates_as_people_do(synced: World) -> None:
    await synced.alice.send(synced.channel, "!timeline Nov 2019")
    assert synced.last_embed().title == "Timeline: November 2019"
    result = await synced.alice.slash(synced.channel, "gsomia status", as_of="22/08/2019")
    assert result.response is not None
    assert result.response.embeds[0].title == "GSOMIA status as of 2019-08-22"
    await synced.alice.send(synced.channel, "!gsomia status yesterday")
    assert synced.last_embed().title == "GSOMIA status as of 2019-11-26"  # the bot's clock
    await synced.alice.send(synced.channel, "!gsomia history last month")
    assert synced.last_embed().title == "GSOMIA history as of 2019-10-31, the end of October 2019"
