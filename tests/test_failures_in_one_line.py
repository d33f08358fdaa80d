"""What a member can make go wrong in the bot ends in one line to them and one line in
the log, never the generic apology over a traceback: a date past what the calendar
holds, a database that stops answering."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import BriefBot
from briefings.factbase import DatabaseFactStore, sync_facts
from briefings.inputs import DEFAULT_SEEDS_DIR
from briefings.storage import open_database
from tests.world import World, make_bot

OUT_OF_RANGE = "out of range: the supported dates are 1000-01-01 to 8999-12-31"


@pytest.fixture
def facts_folder(tmp_path: Path) -> Path:
    """A folder holding a SQLite database with the seed facts synced into it."""
    folder = tmp_path / "facts"
    database = open_database(None, folder)
    sync_facts(database, DEFAULT_SEEDS_DIR)
    database.dispose()
    return folder


@pytest.fixture
def database_store(facts_folder: Path) -> Iterator[DatabaseFactStore]:
    """The facts read from that database, as the running bot reads them."""
    store = DatabaseFactStore(open_database(None, facts_folder))
    yield store
    store.database.dispose()  # SimCord detaches the bot without closing it


@pytest.fixture
def simcord_bot(database_store: DatabaseFactStore) -> BriefBot:
    return make_bot(database_store)


def _no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    assert [record.getMessage() for record in caplog.records if record.exc_info] == []


@pytest.mark.parametrize(
    "command", ["!timeline 0001", "!timeline 0001-01-01", "!gsomia status 9999-12-31"]
)
async def test_a_date_past_the_calendar_is_refused_with_the_supported_range(
    world: World, command: str, caplog: pytest.LogCaptureFixture
) -> None:
    await world.alice.send(world.channel, command)
    assert OUT_OF_RANGE in str(world.last_embed().description)
    _no_traceback(caplog)


async def test_a_preview_past_the_calendar_is_refused_with_the_supported_range(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    await world.alice.send(world.channel, "!brief preview 9999-12-31")
    assert str(world.last_embed().description).startswith(f"'9999-12-31' is {OUT_OF_RANGE}.")
    assert world.env.errors  # acknowledged: a user's error, answered as such
    _no_traceback(caplog)


async def test_a_database_that_stops_answering_is_one_line_not_an_apology(
    world: World,
    database_store: DatabaseFactStore,
    facts_folder: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await world.alice.send(world.channel, "!quote kang")
    assert world.last_embed().title == "Quotes: Kang Gi-jung / Kang Kyung-wha"
    # The database goes away (its server is down, its volume unmounted): the
    # connections in hand are closed, and no new one can be made.
    database_store.database.dispose()
    facts_folder.rename(facts_folder.with_name("gone"))
    with caplog.at_level(logging.WARNING):
        await world.alice.send(world.channel, "!quote kono")
    message = world.channel.last_message
    assert message is not None
    assert message.content == (
        "Not done: the database did not answer: unable to open database file. Try again shortly."
    )
    assert "unable to open database file" in caplog.text
    _no_traceback(caplog)
