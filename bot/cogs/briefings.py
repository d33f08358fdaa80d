"""The briefing commands, each a hybrid command: `!quote kono` and `/quote speaker:kono` alike.

Every callback hands its arguments to the answer layer and sends what comes back;
no command is implemented twice.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.ratelimit import UserRateLimit
from bot.responding import Responder
from briefings.answers import COMMANDS, Answerer
from briefings.suggestions import actor_choices, period_choices, speaker_choices

__all__ = ["BriefingsCog"]

log = logging.getLogger(__name__)

_SUMMARY = {info.name: info.summary for info in COMMANDS}
Choices = list[app_commands.Choice[str]]
# The heavier commands allow a few calls per user per 30 seconds. The limit lives on the
# cog, not on the command objects, whose cooldown caches every copy of a command shares.
COOLDOWN_RATE, COOLDOWN_PER = 5, 30.0
HEAVY_COMMANDS = frozenset({"timeline", "quote", "who", "sources"})


def _choices(names: list[str]) -> Choices:
    return [app_commands.Choice(name=name[:100], value=name[:100]) for name in names]


class BriefingsCog(commands.Cog, name="Briefings"):
    """GSOMIA status, timeline, quotes, people and sources."""

    def __init__(self, answerer: Answerer, responder: Responder) -> None:
        self.answerer = answerer
        self.responder = responder
        self._limit = UserRateLimit(COOLDOWN_RATE, COOLDOWN_PER)

    async def cog_check(self, ctx: commands.Context[commands.Bot]) -> bool:  # type: ignore[override]
        """Apply the per-user cooldown to the heavier commands, prefix and slash alike."""
        if ctx.command is None or ctx.command.qualified_name not in HEAVY_COMMANDS:
            return True
        retry_after = self._limit.hit(ctx.author.id)
        if retry_after:
            cooldown = commands.Cooldown(COOLDOWN_RATE, COOLDOWN_PER)
            raise commands.CommandOnCooldown(cooldown, retry_after, commands.BucketType.user)
        return True

    @commands.hybrid_group(
        name="gsomia", invoke_without_command=True, description="GSOMIA briefings."
    )
    async def gsomia(self, ctx: commands.Context[commands.Bot]) -> None:
        """Show the status when `!gsomia` is typed alone."""
        await self.responder.send(ctx, self.answerer.status)

    @gsomia.command(name="status", description=_SUMMARY["gsomia status"])
    @app_commands.describe(as_of="A day (YYYY-MM-DD): answer from what had been published by then")
    async def gsomia_status(
        self, ctx: commands.Context[commands.Bot], as_of: str | None = None
    ) -> None:
        """Where the agreement stands."""
        await self.responder.send(ctx, lambda: self.answerer.status(as_of))

    @commands.hybrid_command(name="timeline", description=_SUMMARY["timeline"])
    @app_commands.describe(
        period="2019, 2019-11, 2019-08-22 or a range such as 2019-08..2019-11",
        actor="Only events involving this person or body",
    )
    async def timeline(
        self,
        ctx: commands.Context[commands.Bot],
        period: str | None = None,
        *,
        actor: str | None = None,
    ) -> None:
        """Events in order."""
        await self.responder.send(ctx, lambda: self.answerer.timeline(period, actor))

    @commands.hybrid_command(name="quote", description=_SUMMARY["quote"])
    @app_commands.describe(speaker="Who said it: a name, surname or body, e.g. kono")
    async def quote(self, ctx: commands.Context[commands.Bot], *, speaker: str) -> None:
        """What a speaker said."""
        await self.responder.send(ctx, lambda: self.answerer.quote(speaker))

    @commands.hybrid_command(name="who", description=_SUMMARY["who"])
    @app_commands.describe(name="A person, government, ministry or group, e.g. kang gi-jung")
    async def who(self, ctx: commands.Context[commands.Bot], *, name: str) -> None:
        """Who someone is."""
        await self.responder.send(ctx, lambda: self.answerer.who(name))

    @commands.hybrid_command(name="sources", description=_SUMMARY["sources"])
    async def sources(self, ctx: commands.Context[commands.Bot]) -> None:
        """The source documents."""
        await self.responder.send(ctx, self.answerer.sources)

    @commands.hybrid_command(name="help", description=_SUMMARY["help"])
    async def help(self, ctx: commands.Context[commands.Bot]) -> None:
        """The list of commands."""
        await self.responder.send(ctx, self.answerer.help)

    # --- autocomplete ---------------------------------------------------------------

    @quote.autocomplete("speaker")
    async def _speaker(self, _: discord.Interaction, current: str) -> Choices:
        return _choices(speaker_choices(self.answerer.store, current))

    @who.autocomplete("name")
    @timeline.autocomplete("actor")
    async def _actor(self, _: discord.Interaction, current: str) -> Choices:
        return _choices(actor_choices(self.answerer.store, current))

    @timeline.autocomplete("period")
    async def _period(self, _: discord.Interaction, current: str) -> Choices:
        return _choices(period_choices(self.answerer.store, current))
