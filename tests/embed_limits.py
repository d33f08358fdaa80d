"""Discord's limits on messages and embeds, checked the way Discord checks them."""

from __future__ import annotations

import discord

from bot.pages import Limits


def embed_size(embed: discord.Embed) -> int:
    """Characters that count towards the 6,000 total."""
    size = len(embed.title or "") + len(embed.description or "") + len(embed.footer.text or "")
    size += len(embed.author.name or "")
    return size + sum(len(f.name or "") + len(f.value or "") for f in embed.fields)


def assert_fits(embed: discord.Embed) -> None:
    """Fail if Discord would reject `embed`."""
    assert len(embed.title or "") <= Limits.TITLE
    assert len(embed.description or "") <= Limits.DESCRIPTION
    assert len(embed.fields) <= Limits.FIELDS
    for field in embed.fields:
        assert 0 < len(field.name or "") <= Limits.FIELD_NAME
        assert 0 < len(field.value or "") <= Limits.FIELD_VALUE
    assert len(embed.footer.text or "") <= Limits.FOOTER
    assert embed_size(embed) <= Limits.EMBED_TOTAL
