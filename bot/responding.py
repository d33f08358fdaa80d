"""Send a reply from the answer layer: embeds, paging, deferral, and a plain apology on failure."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import discord
from discord.ext import commands

from bot.pages import Limits, build_pages, shorten
from bot.views import PageView
from briefings.rendering import Renderer
from briefings.replies import Reply
from briefings.store import Citation

__all__ = ["APOLOGY", "DEFER_AFTER", "Responder"]

log = logging.getLogger(__name__)

APOLOGY = "Sorry, that answer could not be put together. The error has been logged."
# Discord drops an interaction not answered within 3 seconds; defer well before that.
DEFER_AFTER = 1.5


class Responder:
    """Turns `Reply` objects into messages in a channel or an interaction."""

    def __init__(
        self, renderer: Renderer, page_timeout: float = 180.0, defer_after: float = DEFER_AFTER
    ) -> None:
        self.renderer = renderer
        self.page_timeout = page_timeout
        self.defer_after = defer_after

    def citation(self, number: int, citation: Citation) -> str:
        """One citation as a line of an embed field."""
        excerpt = shorten(" ".join(citation.excerpt.split()), Limits.EXCERPT)
        return self.renderer.fragment(
            "discord/citation.md.j2", number=number, c=citation, excerpt=excerpt
        )

    async def _produce(
        self, ctx: commands.Context[commands.Bot], produce: Callable[[], Reply]
    ) -> Reply:
        """Compute the reply off the event loop; defer an interaction if it takes long.

        `defer_after` of 0 or less defers every interaction before computing.
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
        self, ctx: commands.Context[commands.Bot], produce: Callable[[], Reply]
    ) -> discord.Message | None:
        """Answer `ctx` with the reply `produce` makes, paged if long."""
        try:
            reply = await self._produce(ctx, produce)
            pages = build_pages(reply, self.citation)
        except Exception:
            # A template that fails to render must not leave half a message.
            log.exception("could not build the reply to %r", ctx.message.content or ctx.command)
            return await ctx.send(APOLOGY, ephemeral=True)
        if len(pages) == 1:
            return await ctx.send(embed=pages[0])
        view = PageView(pages, ctx.author.id, timeout=self.page_timeout)
        message = await ctx.send(embed=pages[0], view=view)
        view.message = message
        return message
