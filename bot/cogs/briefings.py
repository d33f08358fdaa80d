"""The answer commands, generated from the registry: `!quote kono` and `/quote speaker:kono` alike.

Nothing here lists the commands. For each entry of `briefings.commands.REGISTRY` this
module makes one hybrid command (prefix and slash) whose signature is the entry's
arguments, whose descriptions and autocomplete come from the entry, and whose callback
hands the arguments to the answer layer and sends what comes back. A group (`gsomia`)
becomes a hybrid group; an alias typed at the top level for a subcommand (`!status`)
becomes a prefix shortcut. Each generated command carries the registry name in
`extras["registry"]`, which the meta-tests and the error handler read.
"""

from __future__ import annotations

import asyncio
import inspect
import io
import logging
from collections.abc import Callable, Coroutine, Hashable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.chart_workers import ChartWorkers
from bot.pages import shorten
from bot.ratelimit import UserRateLimit
from bot.responding import Responder, database_failure
from briefings.answers import Answerer, CurrentAnswerer
from briefings.charts import Chart, Picture, Segment
from briefings.commands import (
    REGISTRY,
    Argument,
    Command,
    Group,
    Registry,
    Suggest,
    command_choices,
)
from briefings.rendering import Renderer
from briefings.replies import Reply

__all__ = [
    "ALIAS_KEY",
    "ALT_TEXT_LIMIT",
    "ELSEWHERE",
    "NO_CHART",
    "REGISTRY_KEY",
    "BriefingsCog",
    "alt_text",
    "build_cog_class",
]

log = logging.getLogger(__name__)

Choices = list[app_commands.Choice[str]]
Callback = Callable[..., Coroutine[Any, Any, None]]
REGISTRY_KEY = "registry"  # extras key: the registry command a Discord command runs
ALIAS_KEY = "alias_of"  # extras key: a prefix shortcut for a subcommand (no slash form)
CLASS_NAME = "BriefingsCog"
# The costly commands allow a few calls per user per 30 seconds. The limit lives on the
# cog, not on the command objects, whose cooldown caches every copy of a command shares.
COOLDOWN_RATE, COOLDOWN_PER = 5, 30.0
# Registry commands whose Discord form another cog makes: `sources` is the group that
# also holds watching and review (bot.cogs.sources); `!sources` alone answers as here.
ELSEWHERE = frozenset({"sources"})
ALT_TEXT_LIMIT = 1024  # Discord's, on an attachment's description
NO_CHART = "The chart could not be drawn."  # the text below it stands whole


def alt_text(renderer: Renderer, title: str | None, band: list[Segment]) -> str:
    """A chart's alt text, read by screen readers in place of it: what it shows, and
    the band above it stretch by stretch, within Discord's limit."""
    told = renderer.fragment("discord/picture_alt.txt.j2", title=title, band=band)
    return shorten(told, ALT_TEXT_LIMIT)


def _choices(names: list[str]) -> Choices:
    return [app_commands.Choice(name=name[:100], value=name[:100]) for name in names]


class AnswerCog(commands.Cog):
    """What every generated command shares: the answerer, the responder, the rate limit."""

    registry: Registry = REGISTRY

    def __init__(
        self, answers: CurrentAnswerer, responder: Responder, charts: ChartWorkers
    ) -> None:
        self.answers = answers
        self.responder = responder
        self.charts = charts
        self._limit = UserRateLimit(COOLDOWN_RATE, COOLDOWN_PER)

    @property
    def answerer(self) -> Answerer:
        """The answerer of the store in use."""
        return self.answers.answerer

    async def cog_check(self, ctx: commands.Context[commands.Bot]) -> bool:  # type: ignore[override]
        """Apply the per-user limit to the costly commands, prefix and slash alike."""
        name = ctx.command.extras.get(REGISTRY_KEY) if ctx.command else None
        if name is None or not self.registry[name].costly:
            return True
        retry_after = self._limit.hit(ctx.author.id)
        if retry_after:
            cooldown = commands.Cooldown(COOLDOWN_RATE, COOLDOWN_PER)
            raise commands.CommandOnCooldown(cooldown, retry_after, commands.BucketType.user)
        return True

    async def run(
        self, ctx: commands.Context[commands.Bot], name: str, arguments: dict[str, Any]
    ) -> None:
        """Answer the registered command `name` and send the reply; then attach the
        chart the command draws of it, if it draws one (`!timeline`). The text goes
        first: a chart takes a hundred times as long as its answer, and the words are
        what the reader came for. One query feeds both."""
        answerer, command = self.answerer, self.registry[name]
        if command.chart is None:
            await self.responder.send(ctx, lambda: answerer.run(name, **arguments))
            return
        charts: list[tuple[Hashable, Chart]] = []  # what the answer's thread found to draw

        def produce() -> Reply:
            # The version before the query: a chart is never kept under a newer one
            # than it was read from (the store may move on while it is read).
            version = answerer.store.version
            reply, result, question = answerer.answered(name, **arguments)
            chart = None if result is None or command.chart is None else command.chart(result)
            if chart is not None:
                charts.append(((version, question), chart))
            return reply

        message = await self.responder.send(ctx, produce)
        if message is None or not message.embeds or not charts:
            return  # nothing drawn of an apology, nor of a timeline without events
        await self._attach(message, name, *charts[0])

    async def _attach(
        self, message: discord.Message, name: str, key: Hashable, chart: Chart
    ) -> None:
        """Attach the chart to the message its text went out in, once a worker has drawn
        it; if it cannot be drawn in time, say so in one line above the text."""
        title = message.embeds[0].title
        try:
            png = await self.charts.png(key, chart)
        except Exception as error:  # past the deadline, a drawing that failed, a dead worker
            reason = "it took too long" if isinstance(error, TimeoutError) else repr(error)
            log.warning("could not draw the chart of %r: %s", title, reason)
            await self._edit(message, name, content=NO_CHART)
            return
        alt = alt_text(self.responder.renderer, title, Picture(png, chart.band).told)
        file = discord.File(io.BytesIO(png), filename=f"{name}.png", description=alt)
        await self._edit(message, name, attachments=[file])

    async def _edit(self, message: discord.Message, name: str, **changes: Any) -> None:
        try:
            await message.edit(**changes)
        except discord.HTTPException as error:  # the text stands without its chart
            log.warning("could not attach the chart of %s: %s", name, error)

    async def run_text(self, ctx: commands.Context[commands.Bot], text: str) -> None:
        """Answer command text, as the console would."""
        await self.responder.send(ctx, lambda: self.answerer.answer(text))

    def suggest(self, suggest: Suggest, current: str) -> Choices:
        """Autocomplete choices from the current store (for `/help`, every command's name,
        this bot's own commands included)."""
        if suggest is command_choices:
            return _choices(self.answerer.help_topics(current))
        return _choices(suggest(self.answers.store, current))


def _as_method(function: Callable[..., Any], name: str) -> None:
    """Name a generated function as a method of the cog class.

    discord.py tells a method (called with the cog first) from a free function by its
    `__qualname__`, and the cog sets each command on itself by the callback's `__name__`.
    """
    function.__name__ = name
    function.__qualname__ = f"{CLASS_NAME}.{name}"
    function.__module__ = __name__


_POSITIONAL, _KEYWORD = inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY


def _parameter(argument: Argument) -> commands.Parameter:
    # discord.py's own Parameter class: it reads converters and defaults from it.
    # A rest argument is keyword-only: discord.py then gives it the rest of the message.
    kind = _KEYWORD if argument.rest else _POSITIONAL
    if argument.required:
        return commands.Parameter(argument.name, kind, annotation=str)
    return commands.Parameter(argument.name, kind, annotation=str | None, default=None)


def _autocomplete(suggest: Suggest) -> Callable[..., Coroutine[Any, Any, Choices]]:
    async def complete(cog: AnswerCog, _: discord.Interaction, current: str) -> Choices:
        # The database store reads some choices (periods, speakers) once per version.
        try:
            return await asyncio.to_thread(cog.suggest, suggest, current)
        except Exception as error:
            if (failure := database_failure(error)) is None:
                raise
            log.warning("no choices offered for %r: %s", current, failure)  # one line
            return []

    _as_method(complete, "complete")
    return complete


def _callback(command: Command, method_name: str) -> Callback:
    """A coroutine whose signature is the command's arguments, for discord.py to read."""
    self_and_ctx = [
        commands.Parameter("self", _POSITIONAL),
        commands.Parameter("ctx", _POSITIONAL, annotation=commands.Context),
    ]
    signature = inspect.Signature([*self_and_ctx, *map(_parameter, command.arguments)])

    def bind(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return signature.bind(*args, **kwargs).arguments

    bind.__signature__ = signature  # type: ignore[attr-defined]

    async def callback(*args: Any, **kwargs: Any) -> None:
        arguments = bind(*args, **kwargs)
        cog, ctx = arguments.pop("self"), arguments.pop("ctx")
        await cog.run(ctx, command.name, arguments)

    # discord.py reads parameters with inspect.signature, and sets then deletes a
    # callback's own __signature__ while it builds the slash command; inspect.signature
    # follows __wrapped__, so the signature lives on `bind` and survives every copy.
    callback.__wrapped__ = bind  # type: ignore[attr-defined]
    callback.__doc__ = command.summary
    _as_method(callback, method_name)
    app_commands.describe(**{a.name: a.description for a in command.arguments})(callback)
    completions = {a.name: _autocomplete(a.suggest) for a in command.arguments if a.suggest}
    if completions:
        app_commands.autocomplete(**completions)(callback)
    return callback


def _group_callback(group: Group) -> Callback:
    async def callback(
        cog: AnswerCog, ctx: commands.Context[commands.Bot], *, words: str | None = None
    ) -> None:
        # `!gsomia` alone runs the default; `!gsomia foo` is answered as the console would
        # (discord.py clears ctx.subcommand_passed before the callback, hence `words`).
        await cog.run_text(ctx, f"{group.name} {words or ''}")

    callback.__doc__ = group.summary
    _as_method(callback, f"group_{group.name}")
    return callback


def _method_name(name: str) -> str:
    return name.replace(" ", "_").replace("-", "_")


def _commands(
    registry: Registry, elsewhere: frozenset[str]
) -> dict[str, commands.Command[Any, ..., Any]]:
    """Every Discord command the registry declares, by the cog attribute that holds it,
    but those another cog gives a Discord form of its own (`elsewhere`)."""
    made: dict[str, commands.Command[Any, ..., Any]] = {}
    groups: dict[str, commands.HybridGroup[Any, ..., Any]] = {}
    for group in registry.groups.values():
        hybrid_group: commands.HybridGroup[Any, ..., Any] = commands.HybridGroup(
            _group_callback(group),
            name=group.name,
            description=group.summary,
            invoke_without_command=True,
            extras={REGISTRY_KEY: group.default},
        )
        groups[group.name] = made[f"group_{group.name}"] = hybrid_group
    for command in registry:
        if command.name in elsewhere:
            continue
        method = _method_name(command.name)
        # A subcommand's aliases are typed at the top level: shortcuts, made below.
        top_level = list(command.aliases) if command.group is None else []
        parent = groups[command.group] if command.group else None
        hybrid: commands.HybridCommand[Any, ..., Any] = commands.HybridCommand(
            _callback(command, method),
            name=command.leaf,
            description=command.summary,
            aliases=top_level,
            extras={REGISTRY_KEY: command.name},
            parent=parent,  # a keyword, as `@group.command()` passes it: copies keep it
        )
        if parent is not None:
            parent.add_command(hybrid)
            for alias in command.aliases:  # a subcommand's alias is typed at the top level
                shortcut = f"shortcut_{_method_name(alias)}"
                made[shortcut] = commands.Command(
                    _callback(command, shortcut),
                    name=alias,
                    description=command.summary,
                    help=f"Short for !{command.name}.",
                    extras={REGISTRY_KEY: command.name, ALIAS_KEY: command.name},
                )
        made[method] = hybrid
    return made


def build_cog_class(
    registry: Registry = REGISTRY, elsewhere: frozenset[str] = ELSEWHERE
) -> type[AnswerCog]:
    """A cog class holding one generated command per registry entry (but those in
    `elsewhere`)."""
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "__qualname__": CLASS_NAME,
        "__doc__": "GSOMIA status, timeline, quotes, people and sources.",
        "registry": registry,
        **_commands(registry, elsewhere),
    }
    return commands.CogMeta(CLASS_NAME, (AnswerCog,), namespace, name="Briefings")  # type: ignore[return-value]


BriefingsCog = build_cog_class()
