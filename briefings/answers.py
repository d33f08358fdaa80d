"""The answer layer: one implementation of every command, for every front end.

`Answerer.answer("!quote kono")` parses command text (console, CLI) with the command
registry; `Answerer.run("quote", speaker="kono")` is what Discord's generated commands
call with their typed options. Both return a rendered `Reply`, dispatched from the
registry in `briefings.commands`. A question that cannot be answered as asked gets a
helpful reply (did-you-mean, usage), never an exception.

`CurrentAnswerer` is the one place a new store reaches: front ends hold it, not an
`Answerer`, and ask it for the answerer of the store in use.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, NamedTuple

from pydantic import BaseModel

from briefings.commands import (
    REGISTRY,
    Command,
    HelpGroup,
    Registry,
    UnknownCommandError,
    answer_help,
    help_topics,
)
from briefings.dates import FuzzyDate, Precision
from briefings.errors import BadPeriodError, QueryError, UnknownNameError
from briefings.rendering import Renderer
from briefings.replies import Reply
from briefings.store import FactStore
from briefings.typed_dates import typed_period, with_days

if TYPE_CHECKING:
    from briefings.charts import Picture

__all__ = ["Answered", "Answerer", "CurrentAnswerer"]

Typed = dict[str, str | None]

log = logging.getLogger(__name__)


class Answered(NamedTuple):
    """A reply, the result it was rendered from (None when the question could not be
    answered as asked) and the key of the question, for a front end that also draws
    the result: one query feeds both."""

    reply: Reply
    result: BaseModel | None
    question: Hashable


def _question(command: Command, arguments: dict[str, str | None]) -> tuple[Typed, Hashable]:
    """The arguments as typed, blank meaning absent (so `!timeline` and `/timeline
    period:` are one question), and the key a question is kept under."""
    typed = {key: (value or "").strip() or None for key, value in arguments.items()}
    return typed, (command.name, tuple(sorted(typed.items())))


def _on_day(command: Command, arguments: dict[str, str | None], today: dt.date) -> Typed:
    """The arguments with `today`, `last week` and the like written as the periods they
    mean on `today`, bound again to the command (`!timeline last week kono` reaches it
    as `last` and `week kono`)."""
    typed = " ".join(value for a in command.arguments if (value := arguments.get(a.name)))
    dated = with_days(typed, today)
    return arguments if dated == typed else command.bind(dated.split())


def _periods(command: Command, typed: Typed) -> dict[str, FuzzyDate | None]:
    """For each day argument, the longer period it was typed as (`2019-11` for the day
    2019-11-30), so that the reply can say which day of it is meant; None for a day."""
    periods: dict[str, FuzzyDate | None] = {}
    for argument in command.arguments:
        if argument.kind == "day":
            text = typed.get(argument.name)
            period = typed_period(text) if text is not None else None
            periods[f"{argument.name}_period"] = (
                None if period is None or period.precision is Precision.DAY else period
            )
    return periods


class Answerer:
    """Answers commands from one fact store through one renderer."""

    def __init__(
        self,
        store: FactStore,
        renderer: Renderer | None = None,
        registry: Registry = REGISTRY,
        more_help: tuple[HelpGroup, ...] = (),
        today: Callable[[], dt.date] | None = None,
    ) -> None:
        """`today`: the front end's clock, for `today`, `last week` and the like typed
        as dates (None: such words are no dates)."""
        self.store = store
        self.today = today
        self.renderer = renderer or Renderer()
        self.registry = registry
        # The front end's own commands (Discord's /brief ...), listed by `!help` too.
        self.more_help = more_help

    def help_topics(self, current: str) -> list[str]:
        """What `/help command:` offers for what was typed: every command's name."""
        return help_topics(self.registry, self.more_help, current)

    def answer(self, text: str) -> Reply:
        """Answer a command typed as text, such as `!timeline 2019-11 kono`."""
        try:
            parsed = self.registry.parse(text)
        except UnknownCommandError as error:
            return self.unknown_command(error)
        return self.run(parsed.command.name, **parsed.arguments)

    def run(self, name: str, /, **arguments: str | None) -> Reply:
        """Answer the registered command `name` with its arguments as typed (None: absent)."""
        command = self.registry[name]
        typed, _ = self._asked(command, arguments)
        return self._run(command, typed)

    def answered(self, name: str, /, **arguments: str | None) -> Answered:
        """Answer the registered command `name` as `run` does, with the result the reply
        was rendered from (never from the reply cache: the result is what is wanted)."""
        command = self.registry[name]
        typed, key = self._asked(command, arguments)
        return Answered(*self._answered(command, typed), key)

    def picture_for(self, text: str) -> Picture | None:
        """The picture of a command typed as text, such as `!timeline 2019-11`."""
        try:
            parsed = self.registry.parse(text)
        except UnknownCommandError:
            return None
        return self.picture(parsed.command.name, **parsed.arguments)

    def picture(self, name: str, /, **arguments: str | None) -> Picture | None:
        """The PNG a command draws of its answer (`!timeline`'s chart), drawn here (the
        bot draws in worker processes), or None when it draws none or the question
        cannot be answered as asked."""
        command = self.registry[name]
        if command.chart is None:
            return None
        typed, _ = self._asked(command, arguments)
        try:
            return self._draw(command, typed)
        except Exception:  # a picture that cannot be drawn leaves the text answer whole
            log.exception("could not draw the picture of %s %s", command.name, typed)
            return None

    def _asked(self, command: Command, arguments: dict[str, str | None]) -> tuple[Typed, Hashable]:
        """The question as `_question` keeps it, its days relative to today resolved."""
        if command.dated and self.today is not None:
            arguments = _on_day(command, arguments, self.today())
        return _question(command, arguments)

    def _draw(self, command: Command, typed: Typed) -> Picture | None:
        assert command.chart is not None
        try:
            result = self._query(command, typed)
        except QueryError:
            return None
        chart = None if result is None else command.chart(result)
        return None if chart is None else chart.drawn()

    def _query(self, command: Command, typed: Typed) -> BaseModel | None:
        """The command's result for typed arguments; None when a required one is missing."""
        values = {}
        for argument in command.arguments:
            text = typed.get(argument.name)
            if text is None and argument.required:
                return None
            values[argument.name] = None if text is None else argument.parse(text)
        if command.query is None:  # help: about the commands, not the store
            return answer_help(self.registry, self.more_help, values.get("command"))
        with self.store.reading():
            return command.query(self.store, **values)

    def _run(self, command: Command, typed: Typed) -> Reply:
        return self._answered(command, typed)[0]

    def _answered(self, command: Command, typed: Typed) -> tuple[Reply, BaseModel | None]:
        for argument in command.arguments:
            if argument.required and typed.get(argument.name) is None:
                problem = f"{argument.prompt}, for example `{command.examples[0]}`."
                return self.usage(problem, command.name, title=argument.ask), None
        try:
            result = self._query(command, typed)
        except BadPeriodError as error:  # from an argument's parser or from the query
            return self.usage(str(error), command.name), None
        except UnknownNameError as error:
            return self._not_found(error, command), None
        except UnknownCommandError as error:
            return self.unknown_command(error), None
        assert result is not None  # every required argument is there
        return self.renderer.reply(command.reply, result, **_periods(command, typed)), result

    # --- replies for questions that cannot be answered as asked -------------------

    def usage(
        self, problem: str, command: str, suggestions: list[str] | None = None, title: str = ""
    ) -> Reply:
        """A reply that shows how `command` (a name, alias or group) is used, after saying
        what went wrong."""
        found = self.registry.find(command)
        return self.renderer.reply(
            "usage",
            title=title or f"Cannot run !{command} like that",
            problem=problem,
            usage=found.usage if found else "",
            suggestions=suggestions or [],
        )

    def _not_found(self, error: UnknownNameError, command: Command) -> Reply:
        return self.renderer.reply(
            "not-found",
            query=error.name,
            suggestions=error.suggestions,
            authored=error.authored,
            teasers=error.teasers,
            usage=command.usage,
        )

    def unknown_command(self, error: UnknownCommandError) -> Reply:
        """No such command (or subcommand): say so and offer the close ones."""
        return self.renderer.reply(
            "usage",
            title="Unknown command",
            problem=str(error),
            usage="",
            suggestions=[self.registry[name].usage for name in error.suggestions],
        )


class CurrentAnswerer:
    """The answerer of the store in use, and the one place a new store arrives.

    Front ends keep this object and read `.answerer` for each question, so a reload
    reaches all of them at once; listeners (the briefing service) hear of it too.
    """

    def __init__(self, answerer: Answerer) -> None:
        self._answerer = answerer
        self._listeners: list[Callable[[FactStore], None]] = []

    @property
    def answerer(self) -> Answerer:
        """The answerer of the current store."""
        return self._answerer

    @property
    def store(self) -> FactStore:
        """The current store."""
        return self._answerer.store

    def on_new_store(self, listener: Callable[[FactStore], None]) -> None:
        """Call `listener` with each new store from now on."""
        self._listeners.append(listener)

    def add_help(self, groups: tuple[HelpGroup, ...]) -> None:
        """List the front end's own commands in `!help` too, from now on."""
        current = self._answerer
        self._answerer = Answerer(
            current.store,
            current.renderer,
            registry=current.registry,
            more_help=groups,
            today=current.today,
        )

    def use_store(self, store: FactStore) -> Answerer:
        """Answer from `store` from now on, with the same renderer."""
        current = self._answerer
        self._answerer = Answerer(
            store,
            current.renderer,
            registry=current.registry,
            more_help=current.more_help,
            today=current.today,
        )
        for listener in self._listeners:
            listener(store)
        return self._answerer
