"""The command registry: every answer command declared once.

A `Command` holds its name, aliases, arguments (with their descriptions and where
autocomplete finds choices), the query it runs, the template that words its reply,
and its usage with two examples. Everything else reads from here:

- the answer layer (`briefings.answers`) dispatches on it, with no list of commands
  of its own;
- the console and `briefbot ask` parse typed text with `Registry.parse`;
- the Discord adapter generates its hybrid commands and slash options from it;
- `!help` and `!help <command>` render it.

Adding a read-only command is a query, a template in `templates/answers/`, one entry
in `REGISTRY` below, and a test.
"""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz, process

from briefings import queries
from briefings.errors import SHOWN_LENGTH, BadPeriodError, QueryError, shown
from briefings.replies import ReplyKind
from briefings.store import FactStore
from briefings.suggestions import MAX_CHOICES, actor_choices, period_choices, speaker_choices
from briefings.typed_dates import find_period, typed_period

if TYPE_CHECKING:
    from briefings.charts import Chart

__all__ = [
    "PREFIX",
    "REGISTRY",
    "Argument",
    "Command",
    "Group",
    "HelpEntry",
    "HelpGroup",
    "HelpOption",
    "HelpResult",
    "ParsedCommand",
    "Registry",
    "UnknownCommandError",
    "answer_help",
    "command_choices",
    "help_entry",
    "help_topics",
]

PREFIX = "!"
_TYPED_PREFIXES = ("!", "/")  # people paste slash commands into the console too
# "period": text in which the query itself finds a period (`!timeline kono 2019-11`)
ArgumentKind = Literal["text", "day", "period"]
Suggest = Callable[[FactStore, str], list[str]]


class UnknownCommandError(QueryError):
    """A command name (or group subcommand) that is not in the registry."""

    def __init__(self, name: str, suggestions: list[str], group: Group | None = None) -> None:
        """`suggestions` are names of registered commands."""
        self.name = name
        self.suggestions = suggestions
        self.group = group
        if group is None:
            super().__init__(f"There is no command {shown(name)!r}.")
        else:
            super().__init__(f"!{group.name} has no subcommand {shown(name)!r}.")


def parse_day(text: str) -> dt.date:
    """A day a user typed; a month or year means its last day."""
    try:
        return typed_period(text).latest
    except ValueError as error:
        why = _why(text, error)
        raise BadPeriodError(f"{shown(text)!r} is not a date like 2019-09-01{why}") from None


def _why(text: str, error: ValueError) -> str:
    """The parser's reason in brackets; it quotes the text, so only for short text."""
    return f" ({error})" if len(text) <= SHOWN_LENGTH else ""


_PARSERS: dict[ArgumentKind, Callable[[str], Any]] = {
    "text": str,
    "day": parse_day,
    "period": str,
}


@dataclass(frozen=True, slots=True)
class Argument:
    """One argument of a command, as every front end offers it."""

    name: str
    description: str  # the slash option's description (at most 100 characters)
    required: bool = False
    rest: bool = False  # takes the rest of the line, so names need no quotes
    kind: ArgumentKind = "text"
    placeholder: str = ""  # shown in usage; the name when empty
    suggest: Suggest | None = None  # where autocomplete finds its choices
    ask: str = ""  # the title of the reply when a required argument is missing
    prompt: str = ""  # what to type instead, e.g. "Name a speaker"

    @property
    def usage(self) -> str:
        """`<speaker>` when required, `[period]` when optional."""
        word = self.placeholder or self.name
        return f"<{word}>" if self.required else f"[{word}]"

    def parse(self, text: str) -> Any:
        """The typed value, converted to what the query takes."""
        return _PARSERS[self.kind](text)


@dataclass(frozen=True, slots=True)
class Command:
    """One answer command: what it is called, what it takes, what it runs."""

    name: str  # qualified: "gsomia status" is the subcommand status of the group gsomia
    summary: str  # the description Discord shows (at most 100 characters)
    query: Callable[..., BaseModel] | None  # (store, **arguments) -> result; None: help
    reply: ReplyKind  # names the template, templates/answers/<reply>.j2
    examples: tuple[str, str]
    arguments: tuple[Argument, ...] = ()
    aliases: tuple[str, ...] = ()  # other names typed at the top level, e.g. "quotes"
    costly: bool = False  # rate-limited per user in Discord
    # What to chart of the query's result, as plain data a worker process draws (the
    # chart attached to the answer; None from it: nothing to draw); None: text only
    chart: Callable[[Any], Chart | None] | None = None

    @property
    def usage(self) -> str:
        """How the command is typed, e.g. `!quote <speaker>`."""
        return " ".join([f"{PREFIX}{self.name}", *(a.usage for a in self.arguments)])

    @property
    def group(self) -> str | None:
        """The group this command belongs to, if any."""
        words = self.name.split()
        return words[0] if len(words) > 1 else None

    @property
    def leaf(self) -> str:
        """The last word of the name: what is typed after the group."""
        return self.name.split()[-1]

    @property
    def dated(self) -> bool:
        """Whether it takes a day or a period, so that `today` in its words is a date."""
        return any(argument.kind != "text" for argument in self.arguments)

    def argument(self, name: str) -> Argument:
        """The argument called `name`."""
        return next(a for a in self.arguments if a.name == name)

    def bind(self, words: list[str]) -> dict[str, str | None]:
        """Typed words as this command's arguments; extra words are ignored."""
        values: dict[str, str | None] = {}
        remaining = list(words)
        for argument in self.arguments:
            if argument.rest:
                values[argument.name] = " ".join(remaining) or None
                remaining = []
            else:
                values[argument.name] = remaining.pop(0) if remaining else None
        return values


@dataclass(frozen=True, slots=True)
class Group:
    """Commands that share a first word; the group typed alone runs `default`."""

    name: str
    summary: str
    default: str


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    """A command typed as text: which command, with which arguments."""

    command: Command
    arguments: dict[str, str | None] = field(default_factory=dict)


class Registry:
    """The commands and groups, looked up by name or alias."""

    def __init__(self, commands: tuple[Command, ...], groups: tuple[Group, ...] = ()) -> None:
        self.commands = commands
        self.groups = {group.name: group for group in groups}
        self._by_name: dict[str, Command] = {}
        for command in commands:
            for name in (command.name, *command.aliases):
                if name in self._by_name or name in self.groups:
                    raise ValueError(f"command name {name!r} is declared twice")
                self._by_name[name] = command
        self._check()

    def _check(self) -> None:
        """Refuse a registry that no front end could serve."""
        for command in self.commands:
            if command.group and command.group not in self.groups:
                raise ValueError(f"{command.name!r} belongs to an undeclared group")
            if any(a.rest for a in command.arguments[:-1]):
                raise ValueError(f"{command.name!r}: only the last argument may take the rest")
            required = [a.required for a in command.arguments]
            if required != sorted(required, reverse=True):
                raise ValueError(f"{command.name!r}: required arguments must come first")
        for group in self.groups.values():
            if self._by_name.get(group.default) is None:
                raise ValueError(f"group {group.name!r} runs an unknown command")

    def __iter__(self) -> Iterator[Command]:
        return iter(self.commands)

    def __getitem__(self, name: str) -> Command:
        """A command by its name or an alias."""
        return self._by_name[name]

    def find(self, name: str) -> Command | None:
        """A command by name or alias, or the default command of a group; else None."""
        cleaned = " ".join(name.lower().removeprefix(PREFIX).split())
        if cleaned in self.groups:
            return self._by_name[self.groups[cleaned].default]
        return self._by_name.get(cleaned)

    def names(self) -> list[str]:
        """Every name a command answers to, groups included."""
        return sorted({*self._by_name, *self.groups})

    def parse(self, text: str) -> ParsedCommand:
        """Read `!timeline 2019-11 kono` as a command and its arguments.

        Empty text is `!help`. Raises `UnknownCommandError` with suggestions.
        """
        words = _words(text)
        if not words:
            return ParsedCommand(self["help"])
        name, rest = words[0].lower(), words[1:]
        group = self.groups.get(name)
        if group is not None:
            if not rest:
                return ParsedCommand(self[group.default])
            command = self._by_name.get(f"{name} {rest[0].lower()}")
            if command is None:
                leaves = [c.leaf for c in self.commands if c.group == name]
                # A group has few subcommands: offer them all when none is close.
                close = _close(rest[0].lower(), leaves) or leaves
                close = [f"{name} {leaf}" for leaf in close]
                raise UnknownCommandError(rest[0], close, group)
            return ParsedCommand(command, command.bind(rest[1:]))
        command = self._by_name.get(name)
        if command is None:
            raise UnknownCommandError(name, [c.name for c in self.suggest(name)])
        return ParsedCommand(command, command.bind(rest))

    def suggest(self, name: str) -> list[Command]:
        """Commands whose names (or aliases) are close to a mistyped one, each once."""
        found = [self.find(match) for match in _close(name.lower(), self.names())]
        return list(dict.fromkeys(command for command in found if command is not None))


def _words(text: str) -> list[str]:
    stripped = text.strip()
    for prefix in _TYPED_PREFIXES:
        stripped = stripped.removeprefix(prefix)
    try:
        return shlex.split(stripped)
    except ValueError:  # an unbalanced quote: fall back to plain words
        return stripped.split()


# A command name typed wrong is offered the names at least this close (rapidfuzz's
# ratio, 0-100): "qoute" and "timline" find theirs, "xyz" and "kono" find nothing.
COMMAND_FLOOR = 60.0


def _close(name: str, names: list[str]) -> list[str]:
    found = process.extract(name, names, scorer=fuzz.ratio, score_cutoff=COMMAND_FLOOR, limit=2)
    return [match for match, _, _ in found]


# --- queries that adapt typed arguments to the pure queries -------------------------


def _timeline(store: FactStore, period: str | None, actor: str | None) -> BaseModel:
    """The period may come first or last; the other words name an actor."""
    parsed, words = find_period(f"{period or ''} {actor or ''}".split())
    return queries.timeline(store, parsed, " ".join(words) or None)


class HelpOption(BaseModel):
    """One option of a command, for help."""

    model_config = ConfigDict(frozen=True, defer_build=True)  # built on first !help

    name: str
    required: bool
    description: str


class HelpEntry(BaseModel):
    """How one command is used: what help shows, from the command's own declaration."""

    model_config = ConfigDict(frozen=True, defer_build=True)  # built on first !help

    name: str  # qualified, e.g. "brief subscribe"
    usage: str
    summary: str
    options: tuple[HelpOption, ...] = ()
    aliases: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    note: str = ""  # who may use it, where, e.g. "servers only; needs Manage Server"
    slash: bool = True  # also a slash command (prefix-only owner tools are not)


class HelpGroup(BaseModel):
    """Commands listed together under a heading."""

    model_config = ConfigDict(frozen=True, defer_build=True)  # built on first !help

    title: str
    entries: tuple[HelpEntry, ...]


class HelpResult(BaseModel):
    """The commands by group, or one command in detail."""

    model_config = ConfigDict(frozen=True, defer_build=True)  # built on first !help

    groups: tuple[HelpGroup, ...]
    entry: HelpEntry | None = None


def help_entry(command: Command) -> HelpEntry:
    """A registry command as help shows it."""
    return HelpEntry(
        name=command.name,
        usage=command.usage,
        summary=command.summary,
        options=tuple(
            HelpOption(name=a.name, required=a.required, description=a.description)
            for a in command.arguments
        ),
        aliases=tuple(f"{PREFIX}{alias}" for alias in command.aliases),
        examples=command.examples,
    )


ANSWERS_TITLE = "Answers (from the two seed documents, every one cited)"


def answer_help(registry: Registry, more: tuple[HelpGroup, ...], command: str | None) -> HelpResult:
    """`!help`: the registry's commands, then the front end's own (`more`), or one of
    them in detail; `UnknownCommandError` with close names for an unknown one."""
    groups = (
        HelpGroup(title=ANSWERS_TITLE, entries=tuple(help_entry(c) for c in registry)),
        *more,
    )
    if command is None:
        return HelpResult(groups=groups)
    found = registry.find(command)
    if found is not None:
        return HelpResult(groups=groups, entry=help_entry(found))
    wanted = " ".join(command.lower().removeprefix(PREFIX).removeprefix("/").split())
    for group in more:
        for entry in group.entries:
            if wanted == entry.name or f"{PREFIX}{wanted}" in entry.aliases:
                return HelpResult(groups=groups, entry=entry)
    names = [c.name for c in registry.suggest(command)]
    raise UnknownCommandError(command.removeprefix(PREFIX), names)


def _timeline_chart(result: Any) -> Chart | None:
    from briefings.charts import timeline_chart

    return timeline_chart(result)


def help_topics(registry: Registry, more: tuple[HelpGroup, ...], current: str) -> list[str]:
    """Command names that contain what was typed: the registry's, then the front end's."""
    typed = current.strip().lower().removeprefix(PREFIX).removeprefix("/")
    names = [c.name for c in registry if typed in c.name or any(typed in a for a in c.aliases)]
    names += [e.name for group in more for e in group.entries if typed in e.name]
    return names[:MAX_CHOICES]


def command_choices(_: FactStore, current: str) -> list[str]:
    """Autocomplete for `/help command:` where only the registry is known (the Discord
    side asks its answerer instead, which knows its own commands too)."""
    return help_topics(REGISTRY, (), current)


# The day both of the agreement's answers may be asked as of.
AS_OF = Argument(
    name="as_of",
    kind="day",
    rest=True,  # "August 22, 2019" is three words
    placeholder="YYYY-MM-DD",
    description=(
        "A day (2019-09-01, 1 Sep 2019, today): answer from what had been published by then"
    ),
)

REGISTRY = Registry(
    groups=(Group(name="gsomia", summary="GSOMIA briefings.", default="gsomia status"),),
    commands=(
        Command(
            name="gsomia status",
            aliases=("status",),
            summary="Where GSOMIA stands, from the latest sources or as of a day.",
            arguments=(AS_OF,),
            query=queries.status,
            reply="status",
            examples=("!gsomia status", "!gsomia status 2019-09-01"),
        ),
        Command(
            name="gsomia history",
            aliases=("history",),
            summary="GSOMIA's state span by span, each with the step that opened it, cited.",
            arguments=(AS_OF,),
            query=queries.history,
            reply="history",
            examples=("!gsomia history", "!gsomia history 2019-11-21"),
        ),
        Command(
            name="timeline",
            summary="Events in order; period 2019, 2019-11 or 2019-08..2019-11; actor by name.",
            arguments=(
                Argument(
                    name="period",
                    kind="period",
                    description="2019, Nov 2019, last week, or a range such as 2019-08 to 2019-11",
                    suggest=period_choices,
                ),
                Argument(
                    name="actor",
                    rest=True,
                    description="Only events involving this person or body",
                    suggest=actor_choices,
                ),
            ),
            query=_timeline,
            reply="timeline",
            examples=("!timeline 2019-11", "!timeline 2019 kang kyung-wha"),
            costly=True,
            chart=_timeline_chart,
        ),
        Command(
            name="quote",
            aliases=("quotes",),
            summary="What a speaker said, word for word, with role, date and source.",
            arguments=(
                Argument(
                    name="speaker",
                    required=True,
                    rest=True,
                    description="Who said it: a name, surname or body, e.g. kono",
                    suggest=speaker_choices,
                    ask="Whose quotes?",
                    prompt="Name a speaker",
                ),
            ),
            query=queries.quotes,
            reply="quotes",
            examples=("!quote kono", "!quote kang"),
            costly=True,
        ),
        Command(
            name="who",
            summary="Who someone is: roles with when each is attested, and what they said.",
            arguments=(
                Argument(
                    name="name",
                    required=True,
                    rest=True,
                    description="A person, government, ministry or group, e.g. kang gi-jung",
                    suggest=actor_choices,
                    ask="Who?",
                    prompt="Name someone",
                ),
            ),
            query=queries.who,
            reply="who",
            examples=("!who kang gi-jung", "!who kono"),
            costly=True,
        ),
        Command(
            name="sources",
            summary="The source documents and what each contributed.",
            query=queries.sources,
            reply="sources",
            examples=("!sources", "/sources"),
            costly=True,
        ),
        Command(
            name="help",
            summary="Every command, or how to use one.",
            arguments=(
                Argument(
                    name="command",
                    rest=True,
                    description="A command to explain, e.g. timeline",
                    suggest=command_choices,
                ),
            ),
            query=None,  # answered from the registry, not the store: see `answer_help`
            reply="help",
            examples=("!help", "!help timeline"),
        ),
    ),
)
