"""Owner tools: a deliberate slash-command sync, and a trivial ping."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from discord import app_commands
from discord.ext import commands

from bot.markdown import who
from briefings.errors import AnnotationError, StorageError
from briefings.store import FactStore

__all__ = ["AdminCog"]

log = logging.getLogger(__name__)


class AdminCog(commands.Cog, name="Admin"):
    """Checking on the bot, and tools for its owners."""

    def __init__(
        self,
        tree: app_commands.CommandTree[Any],
        reload_store: Callable[[str], Awaitable[FactStore]],
    ) -> None:
        self.tree = tree
        self.reload_store = reload_store

    @commands.hybrid_command(
        name="ping",
        description="Check that the bot answers.",
        extras={"examples": ("!ping", "/ping")},
    )
    async def ping(self, ctx: commands.Context[commands.Bot]) -> None:
        """Answer pong."""
        await ctx.send("pong")

    @commands.command(
        name="reload",
        description="Reload the fact store from disk, after briefbot ingest --accept.",
        extras={"examples": ("!reload", "@briefbot reload"), "note": "the bot's owners only"},
    )
    @commands.is_owner()
    async def reload(self, ctx: commands.Context[commands.Bot]) -> None:
        """Pick up accepted drafts without a restart; keep the old store if the new one fails."""
        try:
            store = await self.reload_store(f"!reload by {who(ctx.author)}")
        except AnnotationError as error:
            log.error("reload refused: %s", error)
            await ctx.send(
                f"Not reloaded: the fact store has {len(error.problems)} problems "
                "(see `briefbot facts check`). Still answering from the previous store."
            )
            return
        except StorageError as error:
            log.error("reload failed: %s", error)
            await ctx.send(f"Not reloaded: {error}. Still answering from the previous store.")
            return
        counts = store.counts()
        await ctx.send(f"Reloaded: {counts.quotes} quotes, {counts.events} events.")

    @commands.command(
        name="sync",
        description="Sync the slash commands to this server, or to every server.",
        usage="[guild or global]",
        extras={"examples": ("!sync", "!sync global"), "note": "the bot's owners only"},
    )
    @commands.is_owner()
    @commands.guild_only()
    async def sync(
        self, ctx: commands.Context[commands.Bot], scope: Literal["guild", "global"] = "guild"
    ) -> None:
        """Sync the slash commands to this guild (instant) or globally (slow to spread)."""
        if scope == "global":
            synced = await self.tree.sync()
        else:
            assert ctx.guild is not None  # guild_only
            self.tree.copy_global_to(guild=ctx.guild)
            synced = await self.tree.sync(guild=ctx.guild)
        log.info("synced %d commands (%s) at the request of %s", len(synced), scope, ctx.author.id)
        await ctx.send(f"Synced {len(synced)} commands ({scope}).")
