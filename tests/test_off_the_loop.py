"""Nothing waits on the event loop: the bot's database work runs in worker threads.

Every statement the bot's engine runs is watched (SQLAlchemy's `before_cursor_execute`
event, at the driver's boundary): none of what a member, an owner, the facts poll or a
wake does may run on the loop's thread. And while another connection holds the
database's lock, the loop goes on turning: SQLite's write lock (a subscribe waits for
it), or, under `make test-postgres`, a migration's lock on PostgreSQL's tables (reads
wait for it too).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import discord
import pytest
import simcord
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bot.app import BriefBot, create_bot
from bot.cogs.facts import FactsCog
from bot.settings import Settings
from briefings import storage
from briefings.errors import StorageError
from tests.test_posting import database_url, empty_database
from tests.world import World

# How long the loop may go without turning while another holds the lock; before, it
# stood still for the whole busy timeout (SQLite) or statement timeout (PostgreSQL).
STALL_BOUND = 0.25
HELD_FOR = 0.5  # seconds the other connection keeps its lock
# SQLite's busy timeout and PostgreSQL's statement timeout here, so that the failing
# case ends sooner (they are 10 and 60 s).
BUSY_SECONDS = 2.0


@pytest.fixture
def simcord_bot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> BriefBot:
    """The bot on the database fact store (SQLite, or PostgreSQL under `make
    test-postgres`), with its scheduler and the facts poll on."""
    monkeypatch.setattr(storage, "SQLITE_BUSY_SECONDS", BUSY_SECONDS)
    url = database_url(tmp_path)
    empty_database(url).dispose()
    settings = Settings(
        _env_file=None,
        database_url=url,
        facts_poll_seconds=300,
        database_statement_timeout_seconds=BUSY_SECONDS,
    )
    return create_bot(settings)


class Newsroom(World):
    """The world with an admin (Manage Server), who is also the bot's owner."""

    def __init__(self, env: simcord.Env) -> None:
        super().__init__(env)
        admins = self.guild.create_role(
            "Admins", permissions=discord.Permissions(manage_guild=True)
        )
        self.admin = self.guild.add_member(env.create_user("editor"), roles=[admins])
        self.bot.owner_ids = {self.admin.id}

    @property
    def engine(self) -> Engine:
        assert self.bot.briefings is not None
        return self.bot.briefings.database.engine

    def text(self) -> str:
        message = self.channel.last_message
        assert message is not None
        if message.embeds:
            return f"{message.embeds[0].title}\n{message.embeds[0].description}"
        return message.content


@pytest.fixture
async def room(simcord_env: simcord.Env) -> AsyncIterator[Newsroom]:
    room = Newsroom(simcord_env)
    await room.bot.tree.sync()
    yield room
    # SimCord detaches the bot without closing it: on PostgreSQL, pooled connections
    # would be closed by the garbage collector in some later test.
    room.engine.dispose()


@contextlib.contextmanager
def statements_on(engine: Engine, thread: int) -> Iterator[list[str]]:
    """The statements `engine` runs on `thread` while the block runs."""
    seen: list[str] = []

    def watch(*args: Any) -> None:
        if threading.get_ident() == thread:
            seen.append(" ".join(str(args[2]).split())[:60])

    event.listen(engine, "before_cursor_execute", watch)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", watch)


async def test_no_statement_of_a_command_a_poll_or_a_wake_runs_on_the_loop(
    room: Newsroom,
) -> None:
    """Before, `/brief list`, subscribe, unsubscribe, next, preview and now, every
    answer to a prefix command (from the database store), the autocompletes, the facts
    poll, `!reload` and a subscription's wake ran their SQL on the event loop: a
    locked SQLite file (10 s busy timeout) or a slow PostgreSQL stopped the gateway's
    heartbeat and every other command with it."""
    bot, admin, channel = room.bot, room.admin, room.channel
    facts = bot.get_cog("Facts")
    assert isinstance(facts, FactsCog)

    async def wake() -> None:
        assert bot.briefings is not None
        [subscription] = await asyncio.to_thread(bot.briefings.database.subscriptions)
        await bot._wake(subscription.id)

    async def reload() -> None:
        await admin.send(channel, "!reload")
        assert room.text().startswith("Reloaded: 15 quotes")

    steps: dict[str, Callable[[], Awaitable[object]]] = {
        "subscribe": lambda: admin.send(channel, "!brief subscribe 09:00 Asia/Seoul"),
        "list": lambda: room.alice.send(channel, "!brief list"),
        "/brief list": lambda: room.alice.slash(channel, "brief list"),
        "next": lambda: room.alice.send(channel, "!brief next 200"),
        "preview": lambda: room.alice.send(channel, "!brief preview 2026-08-22"),
        "now": lambda: admin.send(channel, "!brief now"),
        "wake": wake,
        "quote": lambda: room.alice.send(channel, "!quote kono"),
        "who": lambda: room.alice.send(channel, "!who kang"),
        "a mistyped command": lambda: room.alice.send(channel, "!quot kono"),
        "speaker autocomplete": lambda: room.alice.autocomplete(channel, "quote", "speaker", "ka"),
        "period autocomplete": lambda: room.alice.autocomplete(
            channel, "timeline", "period", "2019"
        ),
        "zone autocomplete": lambda: room.alice.autocomplete(
            channel, "brief subscribe", "timezone", "Asia/S"
        ),
        "facts poll": facts.follow,
        "!reload": reload,
        "unsubscribe": lambda: admin.send(channel, "!brief unsubscribe"),
    }
    on_loop: dict[str, list[str]] = {}
    for name, step in steps.items():
        with statements_on(room.engine, threading.get_ident()) as seen:
            await step()
        if seen:
            on_loop[name] = seen
    assert not on_loop, f"SQL ran on the event loop in: {', '.join(on_loop)} ({on_loop})"
    assert not room.env.errors
    assert room.text().startswith("Briefings unsubscribed")


async def test_a_subscribe_schedules_its_own_job_and_leaves_the_others(room: Newsroom) -> None:
    """Every subscribe and unsubscribe rebuilt every subscription's job on the event
    loop: 2.5 s at 1,000 subscriptions, 23 s at 10,000 on the loaded 2-core machine."""
    news = room.guild.create_text_channel("news")
    await room.admin.send(room.channel, "!brief subscribe 09:00 Asia/Seoul")
    scheduler = room.bot.scheduler
    assert scheduler is not None
    first = scheduler.get_job("subscription:1")
    await room.admin.send(news, "!brief subscribe 07:30 Europe/London")
    assert scheduler.get_job("subscription:1") is first
    assert scheduler.get_job("subscription:2") is not None
    await room.admin.send(news, "!brief unsubscribe")
    assert {job.id for job in scheduler.get_jobs()} == {"subscription:1", "sweep"}
    assert scheduler.get_job("subscription:1") is first


@contextlib.contextmanager
def locked(engine: Engine) -> Iterator[Callable[[], None]]:
    """Another connection holds the database's lock, as another process would: SQLite's
    write lock, or on PostgreSQL a migration's lock on the tables (which stops reads
    too); the block gets the function that releases it."""
    other = engine.raw_connection()
    cursor = other.cursor()
    if engine.dialect.name == "sqlite":
        cursor.execute("BEGIN IMMEDIATE")
    else:
        cursor.execute("LOCK TABLE subscriptions, fact_quotes IN ACCESS EXCLUSIVE MODE")
    try:
        yield other.commit
    finally:
        other.rollback()
        other.close()


async def _longest_stall(work: Awaitable[object], release: Callable[[], None]) -> float:
    """Seconds of the longest the loop went without turning while `work` ran; the lock
    is released `HELD_FOR` seconds in. (It yields with `sleep(0)`, so no timer of
    SimCord's virtual clock has a say.)"""
    task = asyncio.ensure_future(work)
    began = last = time.perf_counter()
    longest, held = 0.0, True
    while not task.done():
        await asyncio.sleep(0)
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
        if held and now - began > HELD_FOR:
            release()
            held = False
    if held:
        release()
    await task
    return longest


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("subscribe", "!brief subscribe 09:00 Asia/Seoul"),
        ("list", "!brief list"),
        ("autocomplete", None),
    ],
)
async def test_a_command_waiting_for_another_connections_lock_never_stops_the_loop(
    room: Newsroom, name: str, command: str | None
) -> None:
    """The loop turns on while the command's statement waits for the lock; the command
    answers once it is released (on SQLite only a write waits: readers go on)."""
    if command is None:
        work: Awaitable[object] = room.alice.autocomplete(room.channel, "quote", "speaker", "ka")
    else:
        work = room.admin.send(room.channel, command)
    # The command is meant to wait for the lock: SimCord's 5 s settle is not what is
    # checked here. (After other tests, a subscribe behind a lock held 0.5 s took 2.4
    # to 3.4 s and an autocomplete up to 5.4 s: SQLite's busy waits, to be looked into.)
    room.env.settle_timeout = 30
    with locked(room.engine) as release:
        stall = await _longest_stall(work, release)
    assert stall < STALL_BOUND, f"{name}: the loop stood still {stall:.2f} s"
    assert not room.env.errors
    if name == "subscribe":
        assert room.text().startswith("Briefings subscribed")
    if name == "list":
        assert room.text().startswith("Briefing subscriptions")


async def test_an_autocomplete_the_database_fails_offers_nothing_and_logs_one_line(
    room: Newsroom, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def down() -> set[str]:
        raise StorageError("cannot read the fact store's version: connection refused")

    monkeypatch.setattr(room.bot.answers.store, "speakers", down)
    choices = await room.alice.autocomplete(room.channel, "quote", "speaker", "ka")
    assert choices == []
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.getMessage() == (
        "no choices offered for 'ka': cannot read the fact store's version: connection refused"
    )
    assert record.exc_info is None
