"""Several processes, each over some shards (`SHARD_COUNT`, `SHARD_IDS`), share one
database: a process answers only its own servers, wakes for its own servers'
briefings, and posts any briefing that is due, its own or not, exactly once.

SimCord runs one bot; it places each server on a shard as Discord would, and the
bot sees only the servers of the shards it runs.
"""

from __future__ import annotations

import datetime as dt

import discord
import pytest
import simcord

from bot.app import BriefBot, ShardedBriefBot, create_bot
from bot.settings import Settings
from briefings.storage import PostStatus
from briefings.store import FactStore

SEOUL = "Asia/Seoul"
NINE = dt.time(9, 0)
FIRST_BRIEFING = dt.datetime(2026, 7, 1, 0, 0, tzinfo=dt.UTC)  # 09:00 in Seoul


@pytest.fixture
def simcord_bot(store: FactStore) -> BriefBot:
    settings = Settings(_env_file=None, shard_count=2, shard_ids=[1])
    return create_bot(settings, store)


async def test_one_process_of_two_answers_its_servers_and_posts_any_due_briefing(
    simcord_env: simcord.Env,
) -> None:
    env = simcord_env
    bot = env.bot
    assert isinstance(bot, ShardedBriefBot)
    ours = env.create_guild("ours", shard_id=1)
    theirs = env.create_guild("theirs", shard_id=0)
    editors = [
        guild.add_member(
            env.create_user(f"editor-{guild.name}"),
            roles=[guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))],
        )
        for guild in (ours, theirs)
    ]
    our_channel = ours.create_text_channel("news")
    their_channel = theirs.create_text_channel("news")

    await editors[0].send(our_channel, "!brief subscribe 09:00 Asia/Seoul")
    assert our_channel.last_message is not None
    assert our_channel.last_message.embeds[0].title == "Briefings subscribed"
    # The other server's events go to the other process: this one stays silent.
    await editors[1].send(their_channel, "!brief subscribe 09:00 Asia/Seoul")
    assert their_channel.last_message is not None
    assert their_channel.last_message.author.id != bot.user.id  # type: ignore[union-attr]

    service = bot.briefings
    assert service is not None
    # ...which subscribes it, in the database both share.
    service.subscribe(theirs.id, their_channel.id, NINE, SEOUL, user_id=editors[1].id)
    await bot.resync_jobs()
    assert bot.scheduler is not None
    ours_only = {job.id for job in bot.scheduler.get_jobs() if job.id.startswith("subscription:")}
    assert ours_only == {"subscription:1"}  # it wakes for its own server only

    # The sweep posts whatever is due, whoever's it is, to a channel it has never seen.
    assert bot.get_channel(their_channel.id) is None
    await env.advance_time((FIRST_BRIEFING - env.now()).total_seconds() + 60)
    await service.run_due()  # as the sweep does, if the scheduler has not already
    posted = [
        request.path
        for request in env.http_requests
        if request.method == "POST"
        and isinstance(request.json, dict)
        and request.json.get("embeds", [{}])[0].get("title") == "GSOMIA briefing · 2026-07-01"
    ]
    assert sorted(posted) == sorted(
        f"/channels/{channel.id}/messages" for channel in (our_channel, their_channel)
    )
    for channel in (our_channel, their_channel):
        assert channel.last_message is not None
        assert channel.last_message.embeds[0].title == "GSOMIA briefing · 2026-07-01"
    assert {entry.status for entry in service.ledger.latest()} == {PostStatus.SENT}


def test_the_shard_of_a_server_follows_discords_rule(store: FactStore) -> None:
    settings = Settings(_env_file=None, shard_count=4, shard_ids=[2, 3])
    bot = create_bot(settings, store)
    assert [bot.owns(shard << 22) for shard in range(8)] == [False, False, True, True] * 2
    assert create_bot(Settings(_env_file=None), store).owns(0)
    assert type(create_bot(Settings(_env_file=None), store)) is BriefBot
