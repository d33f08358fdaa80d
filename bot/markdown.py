"""Text as Discord shows it: escaping for its Markdown (applied by the template
environment to every value), moments as its timestamps, and who did something."""

from __future__ import annotations

import datetime as dt

import discord

__all__ = ["escape_markdown", "moment", "who"]


def escape_markdown(text: str) -> str:
    """Escape Markdown so that source text and user input show as typed.

    Mentions are not escaped here: the bot sends every message with
    `AllowedMentions.none()`, so "@everyone" in a quote is shown and pings nobody.
    """
    return discord.utils.escape_markdown(text)


def moment(at: dt.datetime) -> str:
    """A moment as Discord timestamps, which each member's client shows in their own
    time zone, with how long ago or ahead it is."""
    return f"{discord.utils.format_dt(at, 'f')} ({discord.utils.format_dt(at, 'R')})"


def who(user: discord.abc.User) -> str:
    """Who did something, as provenance records them: the name, and the id, since a
    name can change."""
    return f"{user.name} ({user.id})"
