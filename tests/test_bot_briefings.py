"""Scheduled briefings through the real bot and SimCord: subscribing, posting, failing.

SimCord's clock starts on 2026-01-01 and moves only when the test advances it; the
bot reads time through discord.py, which SimCord drives, so no test waits.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import discord
import pytest
import simcord
from discord.ext import commands

from bot.app import BriefBot, create_bot
from bot.arguments import BadSettingError
from bot.briefing_sender import DiscordSender
from bot.ratelimit import TokenBucket
from bot.settings import Settings
from briefings.occasions import digest_for
from briefings.replies import Reply
from briefings.storage import PostStatus
from briefings.store import FactStore
from briefings.subscriptions import BriefingService, PostOutcome
from tests.embed_limits import assert_fits
from tests.nonces import honour_nonces
from tests.test_posting import database_url, fresh_database
from tests.world import World
from tests.year import DST_POSTS, EVENTS, SUBSCRIPTIONS

FIRST_BRIEFING = dt.datetime(2026, 7, 1, 0, 0, tzinfo=dt.UTC)  # 09:00 in Seoul


def quiet_bot(store: FactStore) -> BriefBot:
    """The bot without APScheduler: these tests ask the service directly what is due."""
    return create_bot(Settings(_env_file=None, scheduler_enabled=False), store)


@pytest.fixture
def simcord_bot(store: FactStore) -> BriefBot:
    return quiet_bot(store)


class Newsroom(World):
    """A world with an admin who may manage the server."""

    def __init__(self, env: simcord.Env) -> None:
        super().__init__(env)
        admins = self.guild.create_role(
            "Admins", permissions=discord.Permissions(manage_guild=True)
        )
        self.admin = self.guild.add_member(env.create_user("editor"), roles=[admins])

    @property
    def service(self) -> BriefingService:
        assert self.bot.briefings is not None
        return self.bot.briefings

    async def run_due_after(self, seconds: float) -> list[PostOutcome]:
        """Let `seconds` pass, then run what is due, as the scheduler's retry job would."""
        await self.env.advance_time(seconds)
        return await self.service.run_due()

    async def advance_to(self, moment: dt.datetime) -> None:
        await self.env.advance_time((moment - self.env.now()).total_seconds())

    def text(self) -> str:
        message = self.channel.last_message
        assert message is not None
        if message.embeds:
            embed = message.embeds[0]
            return f"{embed.title}\n{embed.description}"
        return message.content


@pytest.fixture
def room(simcord_env: simcord.Env) -> Newsroom:
    return Newsroom(simcord_env)


async def test_subscribing_needs_manage_server(room: Newsroom) -> None:
    await room.alice.send(room.channel, "!brief subscribe 09:00 Asia/Seoul")
    assert room.text() == "You need the Manage Server permission."
    assert [type(e) for e in room.env.errors] == [commands.MissingPermissions]
    assert room.bot.briefings is not None
    assert room.bot.briefings.database.subscriptions() == []


async def test_subscribe_list_next_unsubscribe(room: Newsroom) -> None:
    await room.admin.send(room.channel, "!brief subscribe 09:00 Asia/Seoul")
    text = room.text()
    assert text.startswith("Briefings subscribed\n")
    assert "every day at 09:00 (Asia/Seoul)" in text
    # A Discord timestamp: each reader's client shows it in their own time zone.
    at = int(FIRST_BRIEFING.timestamp())
    assert f"Next briefing: <t:{at}:F> (<t:{at}:R>; 09:00 Asia/Seoul)." in text

    await room.alice.send(room.channel, "!brief list")
    assert "#briefings: 09:00 (Asia/Seoul), template default" in room.text()

    await room.alice.send(room.channel, "!brief next 200")
    text = room.text()
    assert text.startswith("Coming briefings (200 days)")
    assert f"<t:{at}:F> (<t:{at}:R>; 09:00 Asia/Seoul) in #briefings: Tokyo limited" in text

    await room.admin.send(room.channel, "!brief unsubscribe")
    assert room.text().startswith("Briefings unsubscribed")


async def test_bad_settings_get_a_clear_answer(room: Newsroom) -> None:
    await room.admin.send(room.channel, "!brief subscribe 25:00 Asia/Seoul")
    assert "'25:00' is not a time like 09:00" in room.text()
    await room.admin.send(room.channel, "!brief subscribe 09:00 Mars/Base")
    assert "'Mars/Base' is not a time zone" in room.text()
    assert room.env.errors  # acknowledged: these were user errors


async def test_a_mistyped_channel_is_an_error_never_this_channel(room: Newsroom) -> None:
    """A mistyped channel (`#newz`) is an error: it never falls back to this channel."""
    assert room.bot.briefings is not None
    database = room.bot.briefings.database
    await room.admin.send(room.channel, "!brief subscribe 09:00 Asia/Seoul")
    for text in ("!brief unsubscribe #newz", "!brief unsubscribe nws"):
        await room.admin.send(room.channel, text)
        typed = text.split()[-1]
        assert f'Channel "{typed}" not found' in room.text(), text
        assert [s.channel_id for s in database.subscriptions()] == [room.channel.id], text
    for text in ("!brief subscribe #newz 07:00 UTC", "!brief subscribe nws 07:00"):
        await room.admin.send(room.channel, text)
        typed = text.split()[2]
        assert f"{typed!r} is neither a channel of this server nor a time" in room.text()
        assert [s.post_time for s in database.subscriptions()] == ["09:00"], text
    assert {type(e).__name__ for e in room.env.errors} == {"ChannelNotFound", "BadSettingError"}
    await room.admin.send(room.channel, "!brief unsubscribe")  # no channel: this one
    assert database.subscriptions() == []


async def test_an_unresolvable_channel_in_slash_is_never_this_channel(room: Newsroom) -> None:
    await room.bot.tree.sync()
    await room.admin.send(room.channel, "!brief subscribe 09:00 Asia/Seoul")
    result = await room.admin.slash(room.channel, "brief unsubscribe")
    assert result.response is not None
    assert result.response.embeds[0].title == "Briefings unsubscribed"


@pytest.mark.parametrize(
    ("command", "complaint"),
    [
        ("!brief subscribe 09:00 America", "'America' is not a time zone"),
        ("!brief subscribe 09:00 " + "x" * 300, "is not a time zone"),
        ("!brief subscribe 09:00 ../etc/passwd", "'../etc/passwd' is not a time zone"),
        ("!brief subscribe " + "1" * 30 + ":00 UTC", "is not a time like 09:00"),
        ("!brief subscribe 9:7 UTC", "'9:7' is not a time like 09:00"),
        ("!brief subscribe -1:00 UTC", "'-1:00' is not a time like 09:00"),
    ],
    ids=["folder", "300 characters", "path", "30-digit hour", "one-digit minute", "negative"],
)
async def test_impossible_zones_and_times_get_a_clear_answer(
    room: Newsroom, command: str, complaint: str
) -> None:
    """A plain complaint, never an IsADirectoryError, OSError or OverflowError."""
    await room.admin.send(room.channel, command)
    assert complaint in room.text()
    assert "Something went wrong" not in room.text()
    assert room.bot.briefings is not None
    assert room.bot.briefings.database.subscriptions() == []
    assert room.env.errors


async def test_the_briefing_posts_once_at_local_time(room: Newsroom) -> None:
    await room.admin.send(room.channel, "!brief subscribe 09:00 Asia/Seoul")
    service = room.bot.briefings
    assert service is not None
    await room.advance_to(FIRST_BRIEFING - dt.timedelta(minutes=1))
    assert await service.run_due() == []
    await room.advance_to(FIRST_BRIEFING)
    outcomes = await service.run_due()
    assert [o.status for o in outcomes] == [PostStatus.SENT]
    message = room.channel.last_message
    assert message is not None
    embed = message.embeds[0]
    assert embed.title == "GSOMIA briefing · 2026-07-01"
    assert "Seven years ago this month (July 2019" in str(embed.description)
    assert embed.fields[0].name == "Sources"
    assert_fits(embed)
    assert await service.run_due() == []  # and not again
    briefings = [
        post
        for post in room.message_posts()
        if post.get("embeds") and post["embeds"][0]["title"].startswith("GSOMIA briefing")
    ]
    assert len(briefings) == 1
    assert briefings[0]["allowed_mentions"] == {"parse": []}


async def test_a_briefing_pings_the_subscription_s_role_and_nothing_else(
    room: Newsroom,
) -> None:
    """A subscription may name one role to ping. That role is mentioned on
    the briefing's first page, and is the only mention its payload allows; @everyone
    cannot be that role."""
    desk = room.guild.create_role("Desk")
    await room.admin.send(room.channel, "!brief subscribe 09:00 Asia/Seoul default no @everyone")
    assert "everyone cannot be pinged; name a role of its own." in room.text()
    assert [type(e) for e in room.env.errors] == [BadSettingError]
    await room.admin.send(
        room.channel, f"!brief subscribe 09:00 Asia/Seoul default no {desk.mention}"
    )
    assert "These posts mention @Desk; nothing else is ever pinged." in room.text()
    await room.alice.send(room.channel, "!brief list")
    assert "#briefings: 09:00 (Asia/Seoul), template default, pings @Desk" in room.text()
    await room.advance_to(FIRST_BRIEFING)
    assert room.bot.briefings is not None
    await room.bot.briefings.run_due()
    [briefing] = [
        post
        for post in room.message_posts()
        if post.get("embeds") and post["embeds"][0]["title"].startswith("GSOMIA briefing")
    ]
    assert briefing["content"] == f"<@&{desk.id}>"
    assert briefing["allowed_mentions"] == {"parse": [], "roles": [desk.id]}
    others = [post for post in room.message_posts() if post is not briefing]
    assert all(post.get("allowed_mentions", {}).get("roles") is None for post in others)


async def test_a_storm_of_server_errors_is_tried_until_the_grace_then_given_up_and_said(
    room: Newsroom,
) -> None:
    """discord.py retries a 500 itself; the service adds no retries of its own on top,
    but tries again from the scheduler: three times soon, then about once a sweep, and
    never after the grace window. A storm longer than the three retries waits for the
    next sweep rather than giving up for good, and a post given up is in `!brief list`
    and counted, not only on its row.

    (SimCord answers below discord.py's HTTP retry loop, so each try is one request.)"""
    await room.admin.send(room.channel, "!brief subscribe 09:00 Asia/Seoul")
    await room.advance_to(FIRST_BRIEFING)
    room.env.inject_error("POST", "/channels/*/messages", status=500, times=None)
    sends_before = len(room.env.http_requests)
    outcomes = await room.service.run_due()
    # One request: the service no longer sleeps and sends again within a run.
    assert len(room.env.http_requests) - sends_before == 1
    statuses = [o.status for o in outcomes]
    while outcomes and outcomes[-1].status is PostStatus.RETRY:
        (entry,) = room.service.ledger.latest(room.channel.id)
        assert entry.next_try_at is not None
        await room.advance_to(entry.next_try_at)
        outcomes = await room.service.run_due()
        statuses += [o.status for o in outcomes]
    grace = room.service.policy.grace
    assert room.env.now() <= FIRST_BRIEFING + grace
    # 3 soon, then every 15 minutes through the six hours of grace: 23 more.
    assert statuses == [PostStatus.RETRY] * 26 + [PostStatus.FAILED]
    (entry,) = room.service.ledger.latest(room.channel.id)
    assert entry.attempts == 27
    room.env.backend.faults.clear()
    await room.alice.send(room.channel, "!brief list")
    assert "2026-07-01: failed (500" in room.text()
    assert "given up: not delivered within the grace window" in room.text()
    value = room.bot.metrics.registry.get_sample_value
    assert value("briefbot_posts_given_up_total") == 1
    titles = [m.embeds[0].title for m in room.channel.history() if m.author.bot and m.embeds]
    assert "GSOMIA briefing · 2026-07-01" not in titles


async def test_a_storm_shorter_than_the_grace_posts_once_at_the_next_sweep_saying_late(
    room: Newsroom,
) -> None:
    await room.admin.send(room.channel, "!brief subscribe 09:00 Asia/Seoul")
    await room.advance_to(FIRST_BRIEFING)
    room.env.inject_error("POST", "/channels/*/messages", status=503, times=None)
    assert [o.status for o in await room.service.run_due()] == [PostStatus.RETRY]
    for wait in (15, 30, 60):
        assert [o.status for o in await room.run_due_after(wait)] == [PostStatus.RETRY]
    room.env.backend.faults.clear()  # the storm ends after five minutes
    await room.env.advance_time(5 * 60 - 105)
    assert await room.service.run_due() == []  # the next try is a sweep away
    assert [o.status for o in await room.run_due_after(15 * 60)] == [PostStatus.SENT]
    briefings = [
        m
        for m in room.channel.history()
        if m.embeds and (m.embeds[0].title or "").startswith("GSOMIA")
    ]
    assert [m.embeds[0].title for m in briefings] == ["GSOMIA briefing · 2026-07-01"]
    assert (briefings[0].embeds[0].description or "").startswith("(Posted ")


async def test_a_passing_server_error_still_posts(room: Newsroom) -> None:
    await room.admin.send(room.channel, "!brief subscribe 09:00 Asia/Seoul")
    await room.advance_to(FIRST_BRIEFING)
    room.env.inject_error("POST", "/channels/*/messages", status=503, times=1)
    assert [o.status for o in await room.service.run_due()] == [PostStatus.RETRY]
    assert [o.status for o in await room.run_due_after(15)] == [PostStatus.SENT]


async def test_a_lost_response_is_retried_with_its_nonce_and_posts_once(
    room: Newsroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Discord made the message but the bot heard a 503. The retry
    sends the same nonce, and Discord (SimCord taught its nonce rule) returns the
    message it made: one briefing in the channel, recorded as sent."""
    rule = honour_nonces(room.env, monkeypatch)
    await room.admin.send(room.channel, "!brief subscribe 09:00 Asia/Seoul")
    await room.advance_to(FIRST_BRIEFING)
    rule.lose_responses(1)
    assert [o.status for o in await room.service.run_due()] == [PostStatus.RETRY]
    assert [o.status for o in await room.run_due_after(15)] == [PostStatus.SENT]
    assert rule.deduplicated == 1
    titles = [m.embeds[0].title for m in room.channel.history() if m.author.bot and m.embeds]
    assert titles.count("GSOMIA briefing · 2026-07-01") == 1
    nonces = [post["nonce"] for post in room.message_posts() if post.get("embeds")][-2:]
    assert nonces[0] == nonces[1]


async def test_lost_responses_then_ten_minutes_down_post_no_second_copy(
    room: Newsroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fan-out where Discord made every message but the bot heard a 503 for some;
    every process was then down for ten minutes, and Discord forgot the nonces. A
    retry sending again would make a second copy, so each channel is read first, and
    what Discord made is recorded, not sent again."""
    rule = honour_nonces(room.env, monkeypatch)
    channels = [room.guild.create_text_channel(f"desk-{n}") for n in range(6)]
    for channel in channels:
        await room.admin.send(room.channel, f"!brief subscribe {channel.mention} 09:00 Asia/Seoul")
    await room.advance_to(FIRST_BRIEFING)
    rule.lose_responses(3)
    outcomes = await room.service.run_due()
    assert sorted(o.status for o in outcomes) == [PostStatus.RETRY] * 3 + [PostStatus.SENT] * 3
    sent = [post for post in room.message_posts() if post.get("embeds")]
    await room.env.advance_time(600)
    assert not any(rule.remembers(c.id, str(p["nonce"])) for c in channels for p in sent)
    outcomes = await room.service.run_due()
    assert outcomes == []  # nothing was sent: the three were found in their channels
    for channel in channels:
        titles = [m.embeds[0].title for m in channel.history() if m.embeds]
        assert titles == ["GSOMIA briefing · 2026-07-01"]
    assert {e.status for e in room.service.ledger.latest()} == {PostStatus.SENT}


async def test_a_crash_noticed_after_the_window_reads_the_channel_instead_of_resending(
    room: Newsroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Discord made the message, then the process died before recording it; the restart
    comes ten minutes later, when Discord may have forgotten the nonce. The bot reads
    the channel's history through discord.py, finds its own briefing there and records
    it: one briefing in the channel, none lost, none doubled."""
    await room.admin.send(room.channel, "!brief subscribe 09:00 Asia/Seoul")
    await room.advance_to(FIRST_BRIEFING)
    sender = room.service.delivery.sender
    original = sender.send_page

    async def send_then_die(
        channel_id: int, reply: Reply, page: int, nonce: str, ping_role_id: int | None = None
    ) -> int:
        await original(channel_id, reply, page, nonce)
        raise asyncio.CancelledError  # the process died before the ledger heard of it

    monkeypatch.setattr(sender, "send_page", send_then_die)
    with pytest.raises(asyncio.CancelledError):
        await room.service.run_due()
    monkeypatch.undo()
    (entry,) = room.service.ledger.latest()
    assert (entry.status, entry.pages_sent) == (PostStatus.CLAIMED, 0)
    posts_before = len(room.message_posts())
    outcomes = await room.run_due_after(600)
    assert outcomes == []  # nothing was sent
    assert len(room.message_posts()) == posts_before
    (entry,) = room.service.ledger.latest()
    assert (entry.status, entry.pages_sent) == (PostStatus.SENT, 1)
    titles = [m.embeds[0].title for m in room.channel.history() if m.author.bot and m.embeds]
    assert titles.count("GSOMIA briefing · 2026-07-01") == 1
    assert entry.message_id == room.channel.last_message.id  # type: ignore[union-attr]


async def test_a_deleted_channel_disables_its_subscription(room: Newsroom) -> None:
    other = room.guild.create_text_channel("doomed")
    await room.admin.send(room.channel, f"!brief subscribe {other.mention} 09:00 Asia/Seoul")
    service = room.bot.briefings
    assert service is not None
    room.env.backend.delete_channel(other.id)  # deleted by someone, as the test narrates
    await room.advance_to(FIRST_BRIEFING)
    outcomes = await service.run_due()
    assert [o.status for o in outcomes] == [PostStatus.FAILED]
    await room.alice.send(room.channel, "!brief list")
    assert "DISABLED: channel" in room.text()


async def test_a_channel_closed_to_the_bot_warns_then_disables(room: Newsroom) -> None:
    assert room.bot.user is not None
    closed = room.guild.create_text_channel(
        "closed", overwrites={room.bot.user: discord.PermissionOverwrite(send_messages=False)}
    )
    await room.admin.send(room.channel, f"!brief subscribe {closed.mention} 09:00 Asia/Seoul")
    assert "⚠ The bot lacks the Send Messages permission in #closed." in room.text()
    service = room.bot.briefings
    assert service is not None
    await room.advance_to(FIRST_BRIEFING)
    assert [o.status for o in await service.run_due()] == [PostStatus.FAILED]
    await room.alice.send(room.channel, "!brief list")
    assert "DISABLED: the bot may no longer post in channel" in room.text()


async def test_preview_and_now(room: Newsroom) -> None:
    await room.alice.send(room.channel, "!brief preview 2026-08-22")
    assert room.text().startswith("GSOMIA briefing · 2026-08-22")
    await room.alice.send(room.channel, "!brief preview 2026-08-24")
    assert room.text().startswith("No briefing on 2026-08-24")

    await room.advance_to(dt.datetime(2026, 8, 22, 1, tzinfo=dt.UTC))
    await room.admin.send(room.channel, "!brief now")
    assert room.text().startswith("GSOMIA briefing · 2026-08-22")
    await room.admin.send(room.channel, "!brief now")
    assert room.text().startswith("Already posted")


async def test_slash_brief_subscribe_with_autocomplete(room: Newsroom) -> None:
    await room.bot.tree.sync()
    zones = await room.admin.autocomplete(room.channel, "brief subscribe", "timezone", "seoul")
    assert [z["value"] for z in zones] == ["Asia/Seoul"]
    result = await room.admin.slash(
        room.channel, "brief subscribe", time="07:30", timezone="Europe/London"
    )
    assert result.response is not None
    assert result.response.embeds[0].title == "Briefings subscribed"
    assert room.bot.briefings is not None
    (subscription,) = room.bot.briefings.database.subscriptions()
    assert (subscription.post_time, subscription.timezone) == ("07:30", "Europe/London")


async def test_the_scheduler_is_built_from_the_database_at_start(store: FactStore) -> None:
    async with simcord.run(create_bot(Settings(_env_file=None), store)) as env:
        room = Newsroom(env)
        await room.admin.send(room.channel, "!brief subscribe 09:00 Asia/Seoul")
        scheduler = room.bot.scheduler
        assert scheduler is not None
        assert scheduler.running
        assert {job.id for job in scheduler.get_jobs()} == {"subscription:1", "sweep"}
        await room.bot.close()
        assert not scheduler.running  # stopped with the bot


# --- a simulated year through the real bot ---------------------------------------------


class InstantTime:
    """A token bucket's clock and sleep for tests about what is posted, not when: a
    wait moves the clock and returns at once (SimCord's loop ends a real
    `asyncio.sleep` only when the test advances its time)."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def _unpaced(service: BriefingService) -> BriefingService:
    """`service` with its fan-out's pace kept on a clock of its own (`InstantTime`)."""
    sender = service.delivery.sender
    assert isinstance(sender, DiscordSender)
    instant = InstantTime()
    sender.pace = TokenBucket(45, clock=instant.clock, sleep=instant.sleep)
    return service


async def _sweep(env: simcord.Env, service: BriefingService) -> list[PostOutcome]:
    """Run what is due, then the retries as the scheduler's retry job would."""
    _unpaced(service)
    outcomes = await service.run_due()
    for _ in range(3):
        if not any(outcome.status is PostStatus.RETRY for outcome in outcomes):
            break
        await env.advance_time(60)
        outcomes = await service.run_due()
    return outcomes


def _briefing_days(store: FactStore) -> list[dt.date]:
    days = (dt.date(2026, 1, 1) + dt.timedelta(days=offset) for offset in range(365))
    return [day for day in days if digest_for(store, day)]


def _near_briefing_days(store: FactStore) -> set[dt.date]:
    """The days (in UTC) from three before a briefing day to three after it: every
    zone's post of that day, and its retries, fall within them."""
    return {
        day + dt.timedelta(days=shift) for day in _briefing_days(store) for shift in range(-3, 4)
    }


async def test_a_simulated_year_through_the_bot(dst_store: FactStore, tmp_path: Path) -> None:
    """Five channels whose local times every 2026 DST change skips or repeats, each change
    day with a briefing (tests/year.py), a sweep every three hours around each briefing
    day (every twelve on the quiet days between, where nothing is due: sweeping them
    every three hours made the year three times as long to run), a restart every 45
    days, and Discord answering 503 to the first send of every sweep that sends: every
    briefing appears in its channel exactly once, and nothing else does. Under
    `make test-postgres` the database is PostgreSQL."""
    url = database_url(tmp_path, "year")
    fresh_database(url).dispose()

    def new_bot() -> BriefBot:
        settings = Settings(_env_file=None, scheduler_enabled=False, database_url=url)
        return create_bot(settings, dst_store)

    async with simcord.run(new_bot()) as env:
        room = Newsroom(env)
        channels = {}
        for channel, at, zone in SUBSCRIPTIONS:
            channels[channel] = room.guild.create_text_channel(f"c{channel}")
            await room.admin.send(
                room.channel, f"!brief subscribe {channels[channel].mention} {at:%H:%M} {zone}"
            )
        near = _near_briefing_days(dst_store)
        hours = 0
        while env.now() < dt.datetime(2027, 1, 1, tzinfo=dt.UTC):
            step = 3 if env.now().date() in near else 12
            await env.advance_time(step * 3600)
            hours += step
            if hours % (24 * 45) == 0:
                stopped = room.service
                await env.restart_bot(new_bot())  # same database, new process
                stopped.database.dispose()  # SimCord detaches the old bot without closing it
                room = Newsroom(env)
            if not env.backend.faults:  # the next send fails, whenever it comes
                env.inject_error("POST", "/channels/*/messages", status=503, times=1)
            await _sweep(env, room.service)
        env.backend.faults.clear()

        expected_days = _briefing_days(dst_store)
        assert len(expected_days) == len(EVENTS)
        for handle in channels.values():
            titles = [
                message.embeds[0].title
                for message in handle.history()
                if message.author.bot and message.embeds
            ]
            assert titles == [f"GSOMIA briefing · {day.isoformat()}" for day in expected_days]
        ledger = room.service.ledger.latest(limit=100)
        assert {entry.status for entry in ledger} == {PostStatus.SENT}
        assert len(ledger) == len(EVENTS) * len(SUBSCRIPTIONS)
        scheduled = {(e.channel_id, e.local_date): e.scheduled_for for e in ledger}
        by_channel = {handle.id: number for number, handle in channels.items()}
        on_change_days = {
            (by_channel[channel], day): at for (channel, day), at in scheduled.items()
        }
        assert {key: on_change_days[key] for key in DST_POSTS} == DST_POSTS
        # At least a third of the posts met a 503, and a later try sent each of them.
        assert 3 * sum(entry.attempts > 1 for entry in ledger) >= len(ledger)
        await room.bot.close()  # and its database, which SimCord's exit leaves open


async def test_brief_list_says_when_the_last_briefing_went_out_as_a_timestamp(
    room: Newsroom,
) -> None:
    """Times in `/brief list` are Discord timestamps, each reader's own local time."""
    await room.admin.send(room.channel, "!brief subscribe 09:00 Asia/Seoul")
    await room.advance_to(FIRST_BRIEFING)
    (outcome,) = await room.service.run_due()
    assert outcome.status is PostStatus.SENT
    await room.admin.send(room.channel, "!brief list")
    at = int(FIRST_BRIEFING.timestamp())
    assert f"last post: 2026-07-01's, posted <t:{at}:f> (<t:{at}:R>)" in room.text()


class HeldTime:
    """A token bucket's clock and sleep that move only when the test says: the
    fan-out's senders wait for their tokens until `advance`."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleepers: list[tuple[float, asyncio.Future[None]]] = []
        self.slept = asyncio.Event()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.sleepers.append((self.now + seconds, woken))
        self.slept.set()
        await woken

    async def until_waiting(self, count: int) -> None:
        """Return once `count` senders wait (their claims go through worker threads)."""
        while len(self.sleepers) < count:
            self.slept.clear()
            await asyncio.wait_for(self.slept.wait(), timeout=10)

    def advance(self, seconds: float) -> None:
        self.now += seconds
        for at, woken in self.sleepers:
            if at <= self.now + 1e-9 and not woken.done():  # sums of 1/45 round
                woken.set_result(None)
        self.sleepers = [(at, woken) for at, woken in self.sleepers if not woken.done()]


async def test_a_reply_during_a_fan_out_goes_at_once_and_the_fan_out_keeps_its_pace(
    room: Newsroom,
) -> None:
    """Unpaced, a fan-out draws 429s under Discord's global limit, and discord.py
    answers a global 429 by holding every request of the bot, replies too. The fan-out
    takes a token a request at 45 a second and a reply takes none: with the fan-out's
    senders waiting for their tokens, `!ping` is answered at once, and the briefings
    follow at the bucket's pace, once each."""
    held = HeldTime()
    sender = room.service.delivery.sender
    assert isinstance(sender, DiscordSender)
    sender.pace = TokenBucket(45, clock=held.clock, sleep=held.sleep)
    channels = [room.guild.create_text_channel(f"news-{n}") for n in range(20)]
    for channel in channels:
        room.service.subscribe(room.guild.id, channel.id, dt.time(0, 0), "UTC", user_id=1)
    await room.advance_to(FIRST_BRIEFING)
    fan_out = asyncio.create_task(room.service.run_due())
    await held.until_waiting(1)  # the first went at once, the next waits its turn
    await room.alice.send(room.channel, "!ping")
    assert room.text() == "pong"
    assert not fan_out.done()
    assert sum(channel.last_message is not None for channel in channels) == 1
    while not fan_out.done():  # a token every 1/45 s, as each sender asks for it
        if held.sleepers:
            held.advance(1 / 45)
        await asyncio.wait([fan_out], timeout=0.01)  # the records commit in threads
    assert [o.status for o in fan_out.result()] == [PostStatus.SENT] * len(channels)
    assert all(len(channel.history()) == 1 for channel in channels)
    assert held.now == pytest.approx(19 / 45)  # the 19 after the first, at 45 a second
