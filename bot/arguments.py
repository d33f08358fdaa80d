"""Command arguments: what the domain parses (a refusal becomes a bad-argument error,
which the error cog answers with the refusal's one line), and whether the bot can
post in a channel it is given."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import discord
from discord.ext import commands

from briefings import errors

__all__ = ["NEEDED", "BadSettingError", "argument", "missing_permissions"]

T = TypeVar("T")
# What the bot needs in a channel it posts embeds in.
NEEDED = ("view_channel", "send_messages", "embed_links")


class BadSettingError(commands.BadArgument):
    """A channel, time, zone, date, address or interval that cannot be used; the
    message says why."""


def argument(parse: Callable[[str], T], text: str) -> T:
    """`parse(text)`, with a domain refusal raised as a command-argument error."""
    try:
        return parse(text)
    except errors.BriefingError as error:
        raise BadSettingError(str(error)) from None


def missing_permissions(channel: discord.abc.GuildChannel) -> list[str]:
    """A warning for each permission the bot lacks in a channel it is told to post in:
    the setting is kept (a server admin may grant them next), and said out loud."""
    permissions = channel.permissions_for(channel.guild.me)
    return [
        f"The bot lacks the {name.replace('_', ' ').title()} permission in #{channel.name}."
        for name in NEEDED
        if not getattr(permissions, name)
    ]
