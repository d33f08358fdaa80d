"""Escaping for Discord's Markdown, applied by the template environment to every value."""

from __future__ import annotations

import discord

__all__ = ["escape_markdown"]


def escape_markdown(text: str) -> str:
    """Escape Markdown so that source text and user input show as typed.

    Mentions are not escaped here: the bot sends every message with
    `AllowedMentions.none()`, so "@everyone" in a quote is shown and pings nobody.
    """
    return discord.utils.escape_markdown(text)
