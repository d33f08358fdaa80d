"""Owner tools: a deliberate slash-command sync, and a trivial ping."""

from __future__ import annotations

import logging
from typing import Literal

from discord.ext import commands

from briefings.errors import AnnotationError

__all__ = ["AdminCog"]

log = logging.getLogger(__name__)


class AdminCog(commands.Cog, name="Admin"):
    """Commands for the bot's owners, plus `!ping`."""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @commands.command(name="ping", description="Check that the bot answers.")
    async def ping(self, ctx: commands.Context[commands.Bot]) -> None:
        """Answer pong."""
        await ctx.send("pong")

    @commands.command(name="reload", description="Owner only: reload the fact store from disk.")
    @commands.is_owner()
    async def reload(self, ctx: commands.Context[commands.Bot]) -> None:
        """Pick up accepted drafts without a restart; keep the old store if the new one fails."""
        reload_store = getattr(self.bot, "reload_store", None)
        assert reload_store is not None
        try:
            store = reload_store()
        except AnnotationError as error:
            log.error("reload refused: %s", error)
            await ctx.send(
                f"Not reloaded: the fact store has {len(error.problems)} problems "
                "(see `briefbot facts check`). Still answering from the previous store."
            )
            return
        await ctx.send(f"Reloaded: {len(store.quotes)} quotes, {len(store.events)} events.")

    @commands.command(name="sync", description="Owner only: sync slash commands (guild or global).")
    @commands.is_owner()
    @commands.guild_only()
    async def sync(
        self, ctx: commands.Context[commands.Bot], scope: Literal["guild", "global"] = "guild"
    ) -> None:
        """Sync the slash commands to this guild (instant) or globally (slow to spread)."""
        if scope == "global":
            synced = await self.bot.tree.sync()
        else:
            assert ctx.guild is not None  # guild_only
            self.bot.tree.copy_global_to(guild=ctx.guild)
            synced = await self.bot.tree.sync(guild=ctx.guild)
        log.info("synced %d commands (%s) at the request of %s", len(synced), scope, ctx.author.id)
        await ctx.send(f"Synced {len(synced)} commands ({scope}).")
