"""Prometheus metrics: briefings by outcome, command latency, the store in use; served
on 127.0.0.1 only, and a port that cannot be had is one logged line, not a crash."""

from __future__ import annotations

import datetime as dt
import logging
import socket
import urllib.error
import urllib.request

import discord
import pytest
import simcord

from bot.app import BriefBot, create_bot
from bot.metrics import Metrics
from bot.settings import Settings
from briefings.storage import PostStatus
from briefings.store import FactStore
from briefings.subscriptions import PostOutcome

FIRST_BRIEFING = dt.datetime(2026, 7, 1, 0, 0, tzinfo=dt.UTC)  # 09:00 in Seoul


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_each_post_is_counted_once_by_what_became_of_it() -> None:
    metrics = Metrics()
    day = dt.date(2026, 7, 1)
    metrics.count_posts(
        [
            PostOutcome(1, day, PostStatus.SENT),
            PostOutcome(2, day, PostStatus.SENT, late=True),
            PostOutcome(3, day, PostStatus.RETRY),
            PostOutcome(4, day, PostStatus.FAILED),
            PostOutcome(7, day, PostStatus.FAILED, given_up=True),
            PostOutcome(5, day, PostStatus.SKIPPED),
            PostOutcome(6, day, PostStatus.SENT),
        ]
    )
    value = metrics.registry.get_sample_value
    counts = {
        outcome: value("briefbot_posts_total", {"outcome": outcome})
        for outcome in ("sent", "late", "retry", "failed", "skipped")
    }
    assert counts == {"sent": 2, "late": 1, "retry": 1, "failed": 2, "skipped": 1}
    assert value("briefbot_posts_given_up_total") == 1


@pytest.fixture
def simcord_bot(store: FactStore) -> BriefBot:
    return create_bot(Settings(_env_file=None, scheduler_enabled=False), store)


async def test_the_bot_counts_briefings_and_times_commands(
    simcord_env: simcord.Env, store: FactStore
) -> None:
    env = simcord_env
    guild = env.create_guild()
    channel = guild.create_text_channel("news")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    editor = guild.add_member(env.create_user("editor"), roles=[admins])
    bot = env.bot
    assert isinstance(bot, BriefBot)
    value = bot.metrics.registry.get_sample_value
    assert value("briefbot_store_facts", {"kind": "quotes"}) == store.counts().quotes

    await editor.send(channel, "!brief subscribe 09:00 Asia/Seoul")
    await editor.send(channel, "!quote kono")
    await editor.send(channel, "!quote kono")
    await bot.tree.sync()
    await editor.slash(channel, "timeline")
    assert value("briefbot_command_seconds_count", {"command": "quote"}) == 2
    assert value("briefbot_command_seconds_count", {"command": "timeline"}) == 1
    assert value("briefbot_command_seconds_count", {"command": "brief subscribe"}) == 1

    await env.advance_time((FIRST_BRIEFING - env.now()).total_seconds())
    assert bot.briefings is not None
    await bot.briefings.run_due()
    assert value("briefbot_posts_total", {"outcome": "sent"}) == 1


async def test_metrics_are_served_on_localhost(store: FactStore) -> None:
    port = _free_port()
    settings = Settings(_env_file=None, scheduler_enabled=False, metrics_port=port)
    async with simcord.run(create_bot(settings, store)) as env:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as page:
            text = page.read().decode()
        await env.bot.close()
    assert f'briefbot_store_facts{{kind="quotes"}} {float(store.counts().quotes)}' in text
    assert "# TYPE briefbot_posts_total counter" in text
    assert "# TYPE briefbot_command_seconds histogram" in text
    with pytest.raises(urllib.error.URLError, match="Connection refused"):  # closed with the bot
        urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10)


async def test_a_port_in_use_is_one_logged_line_and_the_bot_runs_on(
    store: FactStore, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = Settings(_env_file=None, scheduler_enabled=False, metrics_port=port)
        with caplog.at_level(logging.ERROR, logger="bot.metrics"):
            async with simcord.run(create_bot(settings, store)) as env:
                guild = env.create_guild()
                channel = guild.create_text_channel("news")
                member = guild.add_member(env.create_user("alice"))
                await member.send(channel, "!ping")
                assert channel.last_message is not None
                assert channel.last_message.content == "pong"
    (record,) = caplog.records
    assert record.getMessage().startswith(f"metrics not served on 127.0.0.1:{port}: ")
    assert record.exc_info is None
