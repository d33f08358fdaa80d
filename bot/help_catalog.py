"""`!help` for the commands that exist only in Discord (`/brief …`, `!ping`, owner tools).

The answer commands are described by the registry; these are described by their own
discord.py declarations: the name, the signature discord.py derives from the
callback, the description, the slash options' descriptions, and two examples and a
note (who may use it) in the command's `extras`. Nothing is listed twice, so help
cannot drift from the commands.
"""

from __future__ import annotations

from typing import Any

from discord.ext import commands

from bot.cogs.briefings import ALIAS_KEY, REGISTRY_KEY
from briefings.commands import HelpEntry, HelpGroup, HelpOption

__all__ = ["help_groups"]


def _option_descriptions(command: commands.Command[Any, ..., Any]) -> dict[str, str]:
    app_command = getattr(command, "app_command", None)  # a hybrid command's slash form
    if app_command is None:
        return {}
    return {parameter.name: parameter.description for parameter in app_command.parameters}


def help_entry(command: commands.Command[Any, ..., Any], prefix: str) -> HelpEntry:
    """One command as help shows it."""
    described = _option_descriptions(command)
    options = tuple(
        HelpOption(
            name=name,
            required=parameter.required,
            description=described.get(name) or parameter.description or "",
        )
        for name, parameter in command.clean_params.items()
    )
    # `usage`, where a command sets it, reads better than a signature from its types.
    usage = f"{prefix}{command.qualified_name} {command.usage or command.signature}".strip()
    return HelpEntry(
        name=command.qualified_name,
        usage=usage,
        summary=command.description or command.short_doc,
        options=options,
        examples=tuple(command.extras.get("examples", ())),
        note=command.extras.get("note", ""),
        slash=isinstance(command, commands.HybridCommand),
    )


def help_groups(bot: commands.Bot, prefix: str) -> tuple[HelpGroup, ...]:
    """The bot's own commands, one group per cog, titled by the cog's description.

    A group command is listed through its subcommands (`/brief subscribe`, ...); the
    registry's generated commands and their shortcuts are left to the registry."""
    groups = []
    for cog in bot.cogs.values():
        # Sorted by name: discord.py keeps a group's subcommands in a set.
        found = sorted(cog.walk_commands(), key=lambda command: command.qualified_name)
        entries = [
            help_entry(command, prefix)
            for command in found
            if not command.hidden
            and not isinstance(command, commands.Group)
            and REGISTRY_KEY not in command.extras
            and ALIAS_KEY not in command.extras
        ]
        if entries:
            title = (cog.description or cog.qualified_name).strip().rstrip(".")
            groups.append(HelpGroup(title=title, entries=tuple(entries)))
    return tuple(groups)
