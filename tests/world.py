"""A simulated guild for driving the real bot through SimCord, shared by the bot tests.

The fixtures `world` (a started bot in that guild) and `synced` (the same, with the
slash commands synced) live in conftest.py; each test module says which bot to build
with its own `simcord_bot` fixture.
"""

from __future__ import annotations

import functools
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import discord
import simcord

from bot.app import BriefBot, create_bot
from bot.chart_workers import ChartWorkers
from bot.settings import Settings
from briefings.store import FactStore

__all__ = ["World", "make_bot"]


def make_bot(store: FactStore) -> BriefBot:
    """The bot with default settings (no .env) answering from `store`."""
    warm_chart_workers()
    return create_bot(Settings(_env_file=None), store)


@functools.cache
def warm_chart_workers() -> None:
    """Have the fork server that chart workers come from import matplotlib before a bot
    asks it for a chart, once per test process: under load that took 8 s, longer than
    SimCord waits for the bot to settle."""
    ChartWorkers.start()
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")) as pool:
        pool.submit(int).result()  # a worker is forked once the server has imported


class World:
    """A guild with a channel and two members, alice and bob."""

    def __init__(self, env: simcord.Env) -> None:
        self.env = env
        self.guild = env.create_guild()
        self.channel = self.guild.create_text_channel("briefings")
        self.alice = self.guild.add_member(env.create_user("alice"))
        self.bob = self.guild.add_member(env.create_user("bob"))

    @property
    def bot(self) -> BriefBot:
        bot = self.env.bot
        assert isinstance(bot, BriefBot)
        return bot

    def last_embed(self) -> discord.Embed:
        message = self.channel.last_message
        assert message is not None
        assert message.embeds, message.content
        return message.embeds[0]

    def message_posts(self) -> list[dict[str, Any]]:
        """The JSON of every message the bot posted (channel messages and interaction replies)."""
        posts = []
        for request in self.env.http_requests:
            body = request.json
            if not isinstance(body, dict):
                continue
            if request.method == "POST" and request.path.endswith("/messages"):
                posts.append(body)
            elif request.path.endswith("/callback") and isinstance(body.get("data"), dict):
                posts.append(body["data"])
            elif request.method in ("POST", "PATCH") and "/webhooks/" in request.path:
                posts.append(body)
        return posts
