"""The one error boundary: every command error becomes a short, useful reply.

Unknown commands and bad arguments get did-you-mean and usage from the answer layer;
cooldowns and permission checks get one plain sentence; anything else is logged with
its context and answered with a generic message, never a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.briefings import REGISTRY_KEY
from bot.responding import Responder, database_failure, not_done
from briefings.answers import CurrentAnswerer
from briefings.errors import StorageError

__all__ = ["GENERIC_FAILURE", "ErrorsCog"]

log = logging.getLogger(__name__)

GENERIC_FAILURE = "Something went wrong answering that. The error has been logged."
_ARGUMENT_ERRORS = (
    commands.MissingRequiredArgument,
    commands.BadArgument,
    commands.TooManyArguments,
    commands.BadLiteralArgument,
    commands.ArgumentParsingError,
)


class ErrorsCog(commands.Cog, name="Errors"):
    """Answers for command errors, prefix and slash alike."""

    def __init__(
        self, tree: app_commands.CommandTree[Any], answers: CurrentAnswerer, responder: Responder
    ) -> None:
        self.answers = answers
        self.responder = responder
        tree.error(self.on_app_command_error)

    async def _say(self, ctx: commands.Context[commands.Bot], text: str) -> None:
        try:
            await ctx.send(text, ephemeral=True)
        except discord.HTTPException:
            log.warning("could not send an error reply in channel %s", ctx.channel.id)

    @commands.Cog.listener()
    async def on_command_error(
        self, ctx: commands.Context[commands.Bot], error: commands.CommandError
    ) -> None:
        """Map each kind of error to a reply."""
        answerer = self.answers.answerer
        if isinstance(error, commands.CommandNotFound):
            # "!!!" or "!5" is punctuation, not a mistyped command: stay quiet. Every
            # command and alias is registered, so this only offers close names.
            name = ctx.invoked_with or ""
            if name.replace("-", "").isalpha():
                await self.responder.send(ctx, lambda: answerer.answer(name))
        elif isinstance(error, _ARGUMENT_ERRORS) and ctx.command is not None:
            registered: str | None = ctx.command.extras.get(REGISTRY_KEY)
            name = registered or ctx.command.qualified_name
            if registered and isinstance(error, commands.MissingRequiredArgument):
                # The answer layer has its own reply for this (`!who` asks "Who?"): the
                # same reply as the console's.
                await self.responder.send(ctx, lambda: answerer.run(name))
            else:
                await self.responder.send(ctx, lambda: answerer.usage(str(error), name))
        elif isinstance(error, commands.CommandOnCooldown):
            await self._say(ctx, f"Too many requests: try again in {error.retry_after:.0f} s.")
        elif isinstance(error, commands.NotOwner):
            await self._say(ctx, "Only the bot's owners may use that command.")
        elif isinstance(error, commands.MissingPermissions):
            needed = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
            await self._say(ctx, f"You need the {needed.replace('Guild', 'Server')} permission.")
        elif isinstance(error, commands.NoPrivateMessage):
            await self._say(ctx, "That command works only in a server.")
        elif isinstance(error, commands.CheckFailure):
            await self._say(ctx, "You may not use that command here.")
        elif isinstance(stored := database_failure(error), StorageError):
            # The database is down or busy: the user is told so in one line, and the
            # operator reads the same line in the log, not a traceback.
            log.warning(
                "command %r not done: %s", ctx.command and ctx.command.qualified_name, stored
            )
            await self._say(ctx, not_done(stored))
        else:
            original = getattr(error, "original", error)
            log.error(
                "command %r failed (user %s, channel %s, message %r)",
                ctx.command.qualified_name if ctx.command else None,
                ctx.author.id,
                ctx.channel.id,
                ctx.message.content if ctx.interaction is None else "(slash)",
                exc_info=original,
            )
            await self._say(ctx, GENERIC_FAILURE)

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Errors in pure app-command machinery (not hybrid callbacks): log and apologise."""
        log.error(
            "app command %r failed (user %s)",
            interaction.command.qualified_name if interaction.command else None,
            interaction.user.id,
            exc_info=error,
        )
        try:
            if interaction.response.is_done():
                await interaction.followup.send(GENERIC_FAILURE, ephemeral=True)
            else:
                await interaction.response.send_message(GENERIC_FAILURE, ephemeral=True)
        except discord.HTTPException:
            log.warning("could not tell user %s about the failure", interaction.user.id)
