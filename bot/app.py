"""Build the bot: `create_bot(settings)` returns a configured, unconnected `commands.Bot`."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.cogs.admin import AdminCog
from bot.cogs.briefings import BriefingsCog
from bot.cogs.errors import ErrorsCog
from bot.markdown import escape_markdown
from bot.responding import Responder
from bot.settings import Settings
from briefings.answers import Answerer
from briefings.loading import load_store
from briefings.rendering import Renderer
from briefings.store import FactStore

__all__ = ["BriefBot", "create_bot"]

log = logging.getLogger(__name__)


class BriefBot(commands.Bot):
    """The briefing bot; its dependencies arrive as arguments, its set-up runs once."""

    def __init__(self, settings: Settings, store: FactStore | None = None) -> None:
        intents = discord.Intents.default()
        intents.message_content = True  # prefix commands read message text (privileged)
        super().__init__(
            command_prefix=commands.when_mentioned_or(settings.command_prefix),
            intents=intents,
            # No reply may ping anyone, whatever a quote or an argument contains.
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            owner_ids=set(settings.owner_ids) or None,
            case_insensitive=True,
        )
        self.settings = settings
        self._store = store

    async def setup_hook(self) -> None:
        """Load the fact store and the cogs once (on_ready fires again after resumes)."""
        store = self._store or load_store(self.settings.seeds_dir)
        answerer = Answerer(store, Renderer(escape=escape_markdown))
        responder = Responder(answerer.renderer)
        await self.add_cog(BriefingsCog(answerer, responder))
        await self.add_cog(AdminCog(self))
        await self.add_cog(ErrorsCog(self, answerer, responder))
        if self.settings.dev_guild_id is not None:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to dev guild %s", len(synced), guild.id)

    async def on_ready(self) -> None:
        """Log who we are (this can fire many times; it sets nothing up)."""
        log.info("connected as %s to %d guilds", self.user, len(self.guilds))


def create_bot(settings: Settings | None = None, store: FactStore | None = None) -> BriefBot:
    """The configured bot, not connected. Tests and tools drive it; `run_bot` connects it."""
    return BriefBot(settings or Settings(), store)
