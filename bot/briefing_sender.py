"""Deliver scheduled briefings to Discord channels, translating Discord's failures.

discord.py retries rate limits and its own server errors itself; what it finally
raises is translated once. Server errors and rate limits become
`TransientSendError` (the service retries later from the scheduler); a channel that
is gone or closed to the bot becomes `ChannelUnavailableError` (the service
disables the subscription).

Every request the fan-out makes (a page, a look at a channel's history) first takes
a token from a bucket at `BRIEFING_SENDS_PER_SECOND`, below Discord's global limit
of 50 a second: discord.py only reacts to a global 429, by stopping every request of
the bot (replies to commands too) until it passes, and each 429 counts towards
Discord's limit of invalid requests per address. Replies take no token: they never
wait behind a fan-out, and the limit's remaining headroom is theirs.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import discord

from bot.ratelimit import TokenBucket
from bot.responding import Responder
from briefings.replies import Reply
from briefings.subscriptions import ChannelUnavailableError, TransientSendError

__all__ = ["DiscordClock", "DiscordSender"]

log = logging.getLogger(__name__)

TOO_MANY_REQUESTS = 429
HISTORY_LOOKED_AT = 100  # messages after a crash's last progress: a briefing is among them
SERVER_ERROR = 500


class DiscordClock:
    """UTC now, as discord.py tells it (SimCord moves it in tests)."""

    def now(self) -> dt.datetime:
        """The current aware UTC time."""
        return discord.utils.utcnow()


def _translate(error: discord.HTTPException, channel_id: int) -> Exception:
    if isinstance(error, discord.NotFound):
        return ChannelUnavailableError(f"channel {channel_id} no longer exists")
    if isinstance(error, discord.Forbidden):
        return ChannelUnavailableError(
            f"the bot may no longer post in channel {channel_id} ({error.text or 'forbidden'})"
        )
    if error.status >= SERVER_ERROR or error.status == TOO_MANY_REQUESTS:
        return TransientSendError(f"{error.status} {error.text or 'server error'}")
    return error


def _same_page(posted: discord.Embed, expected: discord.Embed) -> bool:
    return (posted.title, posted.description, posted.footer.text) == (
        expected.title,
        expected.description,
        expected.footer.text,
    )


class DiscordSender:
    """Sends a briefing's pages as embeds, one page a call, each with its nonce."""

    def __init__(self, client: discord.Client, responder: Responder, pace: TokenBucket) -> None:
        self.client = client
        self.responder = responder
        self.pace = pace  # the fan-out's share of Discord's global rate limit

    def _channel(self, channel_id: int) -> discord.abc.Messageable:
        # A channel of a server on another process's shards is not in this cache: a
        # partial channel posts to it by id alone, and a channel that is gone answers
        # the send with 404, which is translated like any other failure.
        channel = self.client.get_channel(channel_id) or self.client.get_partial_messageable(
            channel_id
        )
        if not isinstance(channel, discord.abc.Messageable):
            raise ChannelUnavailableError(f"channel {channel_id} cannot take messages")
        return channel

    def page_count(self, reply: Reply) -> int:
        """How many embeds the briefing takes (built once per reply, then reused)."""
        return len(self.responder.pages(reply))

    async def delivered(
        self, channel_id: int, reply: Reply, page: int, since: dt.datetime
    ) -> int | None:
        """Look through the channel's messages since `since` for this page, posted by
        the bot (the same title, text and footer); its id, or None. Reading history
        needs the Read Message History permission: without it, this raises."""
        channel = self._channel(channel_id)
        expected = self.responder.pages(reply)[page]
        me = self.client.user
        await self.pace.take()  # one request: a hundred messages are one page of history
        try:
            async for message in channel.history(limit=HISTORY_LOOKED_AT, after=since):
                mine = me is not None and message.author.id == me.id
                if mine and message.embeds and _same_page(message.embeds[0], expected):
                    return message.id
        except discord.HTTPException as error:
            raise _translate(error, channel_id) from error
        return None

    async def send_page(
        self, channel_id: int, reply: Reply, page: int, nonce: str, ping_role_id: int | None = None
    ) -> int:
        """Post one page; discord.py sends `enforce_nonce` with every nonce it is given.

        A subscription's ping role is mentioned on the first page, and that role is the
        only thing the message may ping (never everyone, never a user a quote names);
        every other page keeps the bot's `AllowedMentions.none()`."""
        channel = self._channel(channel_id)
        ping: dict[str, Any] = {}
        if ping_role_id is not None and page == 0:
            ping = {
                "content": f"<@&{ping_role_id}>",
                "allowed_mentions": discord.AllowedMentions(
                    everyone=False,
                    users=False,
                    replied_user=False,
                    roles=[discord.Object(ping_role_id)],
                ),
            }
        await self.pace.take()
        try:
            message = await channel.send(
                embed=self.responder.pages(reply)[page], nonce=nonce, **ping
            )
        except discord.HTTPException as error:
            raise _translate(error, channel_id) from error
        return message.id
