"""Following the fact store: a sync or an accept by any process reaches this one.

Every `FACTS_POLL_SECONDS` the store looks up its version in the database (one
indexed read). When it moved, the store reads the new version's sources and actors
and the one `CurrentAnswerer` hands it on: a new answerer (so no reply of the old
version is served from a cache), autocomplete, the error handler and the briefing
service all answer from the new version from the next question on.
"""

from __future__ import annotations

import asyncio
import logging

from discord.ext import commands, tasks

from briefings.answers import CurrentAnswerer
from briefings.errors import StorageError
from briefings.store import FactStore

__all__ = ["FactsCog", "follow_facts"]

log = logging.getLogger(__name__)


class FactsCog(commands.Cog, name="Facts"):
    """Looks for a new version of the fact store every few seconds."""

    def __init__(self, answers: CurrentAnswerer, every_seconds: float) -> None:
        self.answers = answers
        self.following.change_interval(seconds=every_seconds)

    async def cog_load(self) -> None:
        self.following.start()

    async def cog_unload(self) -> None:
        self.following.cancel()

    @tasks.loop(seconds=5)
    async def following(self) -> None:
        await self.follow()

    async def follow(self) -> bool:
        """Move to the store's newest version; True when there was one."""
        return await follow_facts(self.answers)


async def follow_facts(answers: CurrentAnswerer) -> bool:
    """Answer from the store's newest version from now on; True when there was a new
    one. A database that fails is one warning, and the facts in hand stay. The store
    reads its new version in a worker thread (SQL never waits on the event loop); the
    new answerer is handed on from the loop, between two answers: by the poll, and
    right after an accept in this process."""
    store = answers.store
    try:
        moved = await asyncio.to_thread(_refreshed, store)
    except StorageError as error:
        log.warning("still answering from the facts in hand: %s", error)
        return False
    if moved:
        answers.use_store(store)
        log.info(
            "now answering from version %d of the facts: %s",
            store.version,
            store.counts().summary(),
        )
    return moved


def _refreshed(store: FactStore) -> bool:
    """Move the store to its newest version, and read its counts (kept per version,
    and asked for as the new version is announced)."""
    moved = store.refresh()
    if moved:
        store.counts()
    return moved
