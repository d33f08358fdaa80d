"""Send a reply from the answer layer: embeds, paging, deferral, and a plain apology on failure.

A database that does not answer is not a bug to apologise for: the user reads one line
saying so, and the log holds the same line, not a traceback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import discord
from discord.ext import commands
from sqlalchemy.exc import SQLAlchemyError

from bot.pages import Limits, build_pages, shorten
from bot.views import PageView
from briefings.errors import StorageError
from briefings.rendering import Renderer
from briefings.replies import Reply
from briefings.storage import reason
from briefings.store import Citation

__all__ = ["APOLOGY", "DEFER_AFTER", "Responder", "database_failure", "not_done"]

log = logging.getLogger(__name__)

APOLOGY = "Sorry, that answer could not be put together. The error has been logged."
# Discord drops an interaction not answered within 3 seconds; defer well before that.
DEFER_AFTER = 1.5


def database_failure(error: BaseException) -> StorageError | None:
    """The database failure behind an error (a command's, or an answer's own), as one
    line; None if it was not the database."""
    original = getattr(error, "original", error)
    if isinstance(original, StorageError):
        return original
    if isinstance(original, SQLAlchemyError):
        return StorageError(f"the database did not answer: {reason(original)}")
    return None


def not_done(failure: StorageError) -> str:
    """What the user is told when the database failed them."""
    return f"Not done: {failure}. Try again shortly."


class Responder:
    """Turns `Reply` objects into messages in a channel or an interaction."""

    def __init__(
        self, renderer: Renderer, page_timeout: float = 180.0, defer_after: float = DEFER_AFTER
    ) -> None:
        self.renderer = renderer
        self.page_timeout = page_timeout
        self.defer_after = defer_after

    def pages(self, reply: Reply) -> list[discord.Embed]:
        """The reply's embeds."""
        return build_pages(reply, self.citation, self.source)

    def source(self, letter: str, citation: Citation) -> str:
        """An article, once per page, under its letter."""
        return self.renderer.fragment("discord/source.md.j2", letter=letter, c=citation)

    def citation(self, number: int, citation: Citation) -> str:
        """One citation as a line of an embed field."""
        excerpt = shorten(" ".join(citation.excerpt.split()), Limits.EXCERPT)
        return self.renderer.fragment(
            "discord/citation.md.j2", number=number, c=citation, excerpt=excerpt
        )

    async def _produce(
        self, ctx: commands.Context[commands.Bot], produce: Callable[[], Reply]
    ) -> Reply:
        """Compute the reply off the loop (an answer from the database store runs SQL,
        which may wait on a lock or a slow server); for an interaction, deferred if it
        takes long.

        An interaction must be acknowledged within 3 seconds: the loop waits up to
        `defer_after` for the answer (0 or less: defer at once). A prefix command has
        no deadline.
        """
        task = asyncio.ensure_future(asyncio.to_thread(produce))
        if ctx.interaction is None:
            return await task
        done: set[asyncio.Future[Reply]] = set()
        if self.defer_after > 0:
            done, _ = await asyncio.wait({task}, timeout=self.defer_after)
        if not done and not ctx.interaction.response.is_done():
            await ctx.defer()
        return await task

    async def send(
        self,
        ctx: commands.Context[commands.Bot],
        produce: Callable[[], Reply],
        file: discord.File | None = None,
        ephemeral: bool = False,
    ) -> discord.Message | None:
        """Answer `ctx` with the reply `produce` makes, paged if long; `file` goes with
        the first page; `ephemeral`: seen by the one who asked alone (slash only)."""
        try:
            reply = await self._produce(ctx, produce)
            pages = self.pages(reply)
        except Exception as error:
            if (failure := database_failure(error)) is not None:
                log.warning("no reply to %r: %s", ctx.message.content or ctx.command, failure)
                return await ctx.send(not_done(failure), ephemeral=True)
            # A template that fails to render must not leave half a message.
            log.exception("could not build the reply to %r", ctx.message.content or ctx.command)
            return await ctx.send(APOLOGY, ephemeral=True)
        files = [file] if file is not None else []
        if len(pages) == 1:
            return await ctx.send(embed=pages[0], files=files, ephemeral=ephemeral)
        view = PageView(pages, ctx.author.id, timeout=self.page_timeout)
        message = await ctx.send(embed=pages[0], view=view, files=files, ephemeral=ephemeral)
        view.message = message
        return message
