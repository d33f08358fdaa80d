"""Who may change the shared record: the curators of the curating servers, and the
bot's owners.

The fact store is one for every server the bot is in, so a decision on a draft is a
decision for all of them. A server that is not curating may watch sources: their
drafts go to its own review channel and to the curating servers', where they stay a
suggestion until a curator of a curating server (or an owner) decides them. A "New on
record" post reaches a server only for what its own curators or a curating server's
accepted (`Trust.audience`).

With no curating server configured, a bot that is in a single server (seen whole by
this process) treats that server as curating: a one-server install works as it
always did. In two servers or more, no server curates until the operator names one,
and only the owners can decide.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Reviewer", "Standing", "Trust"]


class Standing(StrEnum):
    """As what a reviewer decided a draft."""

    CURATOR = "curator"  # a curator of a curating server
    OWNER = "owner"  # one of the bot's owners, from any server


@dataclass(frozen=True)
class Reviewer:
    """Who decides a draft, and from which server."""

    name: str  # "name (id)", as the record shows it
    guild_id: int | None
    owner: bool = False


class Trust:
    """The curating servers, given by the operator or, unset, the bot's only server."""

    def __init__(
        self,
        configured: Collection[int] = (),
        servers: Callable[[], Collection[int]] | None = None,
    ) -> None:
        """`servers`: every server the bot is in, when this process sees all of them
        (not when it runs some shards of several), for the single-server default."""
        self.configured = frozenset(configured)
        self.servers = servers

    def curating(self) -> frozenset[int]:
        """The servers whose curators decide what goes on record."""
        if self.configured or self.servers is None:
            return self.configured
        known = frozenset(self.servers())
        return known if len(known) == 1 else frozenset()

    def curates(self, guild_id: int | None) -> bool:
        """Whether the server's curators may change the shared record."""
        return guild_id is not None and guild_id in self.curating()

    def standing(self, reviewer: Reviewer) -> Standing | None:
        """As what the reviewer may decide a draft, or None: not at all (a curator of a
        server that does not curate, whose decision would change every server's record)."""
        if reviewer.owner:
            return Standing.OWNER
        return Standing.CURATOR if self.curates(reviewer.guild_id) else None

    def audience(self, accepted_in: int | None, standing: str | None) -> frozenset[int] | None:
        """The servers told of what was accepted in `accepted_in`: every one (None)
        for an owner's or a curating server's accept, else that server alone; none for
        an accept that recorded neither (made before servers were told apart)."""
        if standing == Standing.OWNER or self.curates(accepted_in):
            return None
        return frozenset() if accepted_in is None else frozenset({accepted_in})
