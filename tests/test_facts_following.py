"""A running bot follows the fact store in the database: a sync by another process, or
a `!reload`, reaches every answer within `FACTS_POLL_SECONDS`, without a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
import simcord

from bot.app import BriefBot, create_bot
from bot.cli import main
from bot.cogs.facts import FactsCog
from bot.settings import Settings
from briefings.errors import StorageError
from briefings.factbase import DatabaseFactStore, sync_facts
from briefings.storage import open_database
from tests.conftest import edit
from tests.test_posting import database_url, empty_database
from tests.world import World

NEW_TITLE = "Japan rules the Korean peninsula"


def _text(world: World) -> str:
    """Everything the last embed shows."""
    embed = world.last_embed()
    fields = [f"{field.name}\n{field.value}" for field in embed.fields]
    return "\n".join([embed.title or "", embed.description or "", *fields])


def _settings(seeds: Path, poll: float) -> Settings:
    """A bot on an empty database: SQLite here, PostgreSQL under `make test-postgres`."""
    url = database_url(seeds.parent)
    empty_database(url).dispose()
    return Settings(
        _env_file=None,
        seeds_dir=seeds,
        database_url=url,
        scheduler_enabled=False,
        facts_poll_seconds=poll,
    )


async def test_a_sync_by_another_process_reaches_the_answers_within_the_poll(
    seeds_copy: Path,
) -> None:
    settings = _settings(seeds_copy, poll=5)
    async with simcord.run(create_bot(settings)) as env:
        world = World(env)
        bot = world.bot
        assert isinstance(bot, BriefBot)
        store = bot.answers.store
        assert isinstance(store, DatabaseFactStore)
        await world.alice.send(world.channel, "!timeline 1910")
        assert "Japan occupies the Korean peninsula" in _text(world)

        # Another process (`briefbot facts sync` on the same database) changes the facts.
        edit(
            seeds_copy / "annotations" / "events.yaml",
            "Japan occupies the Korean peninsula",
            NEW_TITLE,
        )
        other = open_database(settings.database_url, settings.data_dir)
        assert sync_facts(other, seeds_copy, by="a curator").version == 2
        other.dispose()
        await world.alice.send(world.channel, "!timeline 1910")
        assert NEW_TITLE not in _text(world)  # not looked yet: still version 1

        await env.advance_time(6)  # the poll runs on the event loop's clock
        assert store.version == 2
        await world.alice.send(world.channel, "!timeline 1910")
        assert NEW_TITLE in _text(world)
        store.database.dispose()  # SimCord detaches the bot without closing it


async def test_a_database_that_stops_answering_keeps_the_facts_in_hand(
    seeds_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with simcord.run(create_bot(_settings(seeds_copy, poll=5))) as env:
        world = World(env)
        cog = world.bot.get_cog("Facts")
        assert isinstance(cog, FactsCog)
        store = cog.answers.store
        assert isinstance(store, DatabaseFactStore)

        def down() -> int:
            raise StorageError("cannot read the fact store's version: connection refused")

        store.current_version = down  # type: ignore[method-assign]
        assert not await cog.follow()
        assert "still answering from the facts in hand: cannot read" in caplog.text
        await world.alice.send(world.channel, "!quote kono")
        assert world.last_embed().title == "Quotes: Taro Kono"
        # SimCord detaches the bot without closing it: on PostgreSQL, connections left
        # in its pool would be closed by the garbage collector, in some later test.
        store.database.dispose()


def test_facts_sync_says_what_it_did_in_one_line(
    seeds_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--seeds", str(seeds_copy), "facts", "sync"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("synced version 1 in ")
    assert "15 quotes" in out
    assert out.count("\n") == 1
    assert main(["--seeds", str(seeds_copy), "facts", "sync"]) == 0
    assert capsys.readouterr().out.startswith("unchanged: the database holds version 1 (")


def test_facts_sync_refuses_annotations_that_do_not_check_in_one_line(
    seeds_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(seeds_copy / "annotations" / "events.yaml", "value: 1965,", "value: 1965-02-30,")
    assert main(["--seeds", str(seeds_copy), "facts", "sync"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("not synced: the annotations have 1 problem(s);")
    assert captured.err.count("\n") == 1


def test_facts_sync_names_a_database_it_cannot_open_in_one_line(
    seeds_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none")
    assert main(["--seeds", str(seeds_copy), "facts", "sync"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("not synced: cannot open the database ")
    assert captured.err.count("\n") == 1


async def test_a_bot_that_does_not_sync_at_start_answers_from_the_database(
    seeds_copy: Path,
) -> None:
    """In a fleet whose deploys roll, an old process restarting must not write its older
    files back: with FACTS_SYNC_AT_START=false it starts on what the database holds."""
    settings = _settings(seeds_copy, poll=0)
    edit(
        seeds_copy / "annotations" / "events.yaml", "Japan occupies the Korean peninsula", NEW_TITLE
    )
    database = open_database(settings.database_url, settings.data_dir)
    sync_facts(database, seeds_copy, by="the deploy")
    edit(seeds_copy / "annotations" / "events.yaml", NEW_TITLE, "An older title")
    quiet = settings.model_copy(update={"facts_sync_at_start": False})
    async with simcord.run(create_bot(quiet)) as env:
        world = World(env)
        await world.alice.send(world.channel, "!timeline 1910")
        assert NEW_TITLE in _text(world)
        bot = world.bot
        assert isinstance(bot, BriefBot)
        started_on = bot.answers.store
        assert isinstance(started_on, DatabaseFactStore)
        started_on.database.dispose()  # SimCord detaches the bot without closing it
    assert DatabaseFactStore(database).version == 1  # nothing written back
    database.dispose()
