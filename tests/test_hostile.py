"""Every answer and notice rendered from hostile data, through the real bot: names and
words full of Markdown, mentions and great length, in a channel named to match. Each
post must fit Discord's limits, ping no one, and show the text as typed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import discord
import pytest
import simcord

from bot.app import BriefBot
from briefings.loading import load_store
from briefings.store import FactStore
from tests.embed_limits import assert_fits
from tests.synthetic import write_seeds
from tests.world import World, make_bot

LONG = "an endless ||spoiler|| of `code` and *stars* " * 40
HOSTILE_SPEAKERS = ["Ada **Bold** Quill", "Zed @everyone Stone"]


@pytest.fixture
def hostile_store(tmp_path: Path) -> FactStore:
    statements = [
        (HOSTILE_SPEAKERS[0], "@everyone <@&1234> <@5678> look **here** __now__ ~~gone~~"),
        (HOSTILE_SPEAKERS[1], f"`ticks` > quote > {LONG}"),
        (HOSTILE_SPEAKERS[0], "# not a heading, [not a link](https://example.invalid)"),
    ]
    events = [
        (dt.date(2019, 8, 22), "**someone** pinged @here about `code`"),
        (dt.date(2019, 11, 23), f"a long story {LONG}"),
    ]
    return load_store(write_seeds(tmp_path / "seeds", statements, events))


COMMANDS = [
    "!gsomia status",
    "!gsomia status 2019-09-01",
    "!timeline",
    "!timeline 2019-08",
    "!quote ada",
    "!quote zed",
    "!who ada bold quill",
    "!who zed",
    "!sources",
    "!help",
    "!help brief subscribe",
    "!quote " + "x" * 1990,  # as long as a member may type
    "!timeline " + "**" * 50,
    "!brief subscribe 09:00 Asia/Seoul",
    "!brief list",
    "!brief next 366",
    "!brief preview 2026-08-22",
    "!brief calendar",
]


@pytest.mark.simcord
async def test_every_reply_from_hostile_data_fits_pings_no_one_and_shows_as_typed(
    hostile_store: FactStore,
) -> None:
    async with simcord.run(make_bot(hostile_store)) as env:
        world = World(env)
        admins = world.guild.create_role(
            "Admins", permissions=discord.Permissions(manage_guild=True)
        )
        editor = world.guild.add_member(env.create_user("editor"), roles=[admins])
        channel = world.guild.create_text_channel("news__**bold**")
        for command in COMMANDS:
            await env.advance_time(31)  # past the per-member limit on costly answers
            await editor.send(channel, command)
            message = channel.last_message
            assert message is not None, command
            assert message.author.id == env.bot.user.id, command  # type: ignore[union-attr]
            for embed in message.embeds:
                assert_fits(embed)
                description = str(embed.description or "")
                assert "**here**" not in description, command  # escaped, not bold
                assert "**Bold**" not in description, command
        bot = env.bot
        assert isinstance(bot, BriefBot)
        posts = world.message_posts()
        assert len(posts) >= len(COMMANDS)
        assert all(post.get("allowed_mentions") == {"parse": []} for post in posts)
