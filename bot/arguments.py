"""Command arguments the domain parses: a refusal becomes a bad-argument error, which
the error cog answers with the refusal's one line."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from discord.ext import commands

from briefings import errors

__all__ = ["BadSettingError", "argument"]

T = TypeVar("T")


class BadSettingError(commands.BadArgument):
    """A channel, time, zone, date, address or interval that cannot be used; the
    message says why."""


def argument(parse: Callable[[str], T], text: str) -> T:
    """`parse(text)`, with a domain refusal raised as a command-argument error."""
    try:
        return parse(text)
    except errors.BriefingError as error:
        raise BadSettingError(str(error)) from None
