"""Arbitrary text thrown at every command, prefix and slash: the bot always answers within
Discord's limits, pings nobody, and no exception escapes."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import simcord
from discord.ext import commands
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cogs.briefings import COOLDOWN_PER
from bot.pages import Limits
from briefings.store import FactStore
from tests.embed_limits import assert_fits
from tests.world import World, make_bot

NASTY = [
    "brief subscribe #x 09:00 Mars/Base",
    "sync global",
    "brief preview someday",
    "@everyone",
    "@here <@&1> <@2> <#3>",
    "`code` **bold** __u__ ~~s~~ ||spoiler|| > quote # head",
    '"unclosed',
    "kono " * 400,
    "2019-13",
    "2019-08..2019-02",
    "\u200b\n\n\t",
    "ｋｏｎｏ",
]
arguments = st.one_of(st.sampled_from(NASTY), st.text(max_size=300))
PREFIX_COMMANDS = ["!quote {}", "!who {}", "!timeline {}", "!gsomia status {}", "!{}", "!help {}"]
SLASH_COMMANDS = [
    ("quote", "speaker"),
    ("who", "name"),
    ("timeline", "actor"),
    ("timeline", "period"),
    ("gsomia status", "as_of"),
]


def _check_posts(world: World) -> None:
    posts = world.message_posts()
    assert posts, "the bot said nothing"
    for post in posts:
        assert post.get("allowed_mentions") == {"parse": []}
        assert len(post.get("content") or "") <= Limits.CONTENT
        for embed in post.get("embeds") or []:
            assert_fits(discord.Embed.from_dict(embed))


def _only_user_errors(errors: list[BaseException]) -> None:
    # Bad input and refused checks (an owner or Manage Server command) are answered, not bugs.
    handled = (commands.UserInputError, commands.CheckFailure)
    unexpected = [e for e in errors if not isinstance(e, handled)]
    assert not unexpected, unexpected


async def _drive(store: FactStore, texts: list[str]) -> None:
    async with simcord.run(make_bot(store)) as env:
        world = World(env)
        await world.bot.tree.sync()
        for index, text in enumerate(texts):
            await env.advance_time(COOLDOWN_PER)  # past the cooldown, which test_bot tests
            template = PREFIX_COMMANDS[index % len(PREFIX_COMMANDS)]
            await world.alice.send(world.channel, template.format(text)[:2000])
            name, option = SLASH_COMMANDS[index % len(SLASH_COMMANDS)]
            value: Any = text[:100] or "x"
            result = await world.alice.slash(world.channel, name, **{option: value})
            assert result.acknowledged
        _only_user_errors(env.errors)
        _check_posts(world)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(arguments, min_size=5, max_size=5))
def test_arbitrary_arguments(store: FactStore, texts: list[str]) -> None:
    asyncio.run(_drive(store, texts))
