"""The answer layer: one implementation of every command, for every front end.

`Answerer.answer("!quote kono")` parses command text (console, CLI, Discord prefix
commands); the per-command methods (`status`, `timeline`, `quote`, `who`, `sources`,
`help`) are what slash commands call with their typed options. Both return a
rendered `Reply`. A question that cannot be answered as asked gets a helpful reply
(did-you-mean, usage), never an exception.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import re
import shlex
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Concatenate, ParamSpec

from pydantic import BaseModel, ConfigDict

from briefings import queries
from briefings.dates import FuzzyDate, parse_period
from briefings.errors import BadPeriodError, UnknownNameError
from briefings.rendering import Renderer
from briefings.replies import Reply
from briefings.store import FactStore

__all__ = ["COMMANDS", "Answerer", "CommandInfo", "ReplyCache"]

log = logging.getLogger(__name__)

PREFIXES = ("!", "/")
_PERIOD_LIKE = re.compile(r"^\d{4}([-/.:\d]*)$")


class CommandInfo(BaseModel):
    """A command as help shows it."""

    model_config = ConfigDict(frozen=True)

    name: str
    usage: str
    summary: str
    example: str


COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo(
        name="gsomia status",
        usage="!gsomia status [YYYY-MM-DD]",
        summary="Where GSOMIA stands, from the latest sources or as of a day.",
        example="!gsomia status 2019-09-01",
    ),
    CommandInfo(
        name="timeline",
        usage="!timeline [period] [actor]",
        summary="Events in order; period 2019, 2019-11 or 2019-08..2019-11; actor by name.",
        example="!timeline 2019-11",
    ),
    CommandInfo(
        name="quote",
        usage="!quote <speaker>",
        summary="What a speaker said, word for word, with role, date and source.",
        example="!quote kono",
    ),
    CommandInfo(
        name="who",
        usage="!who <name>",
        summary="Who someone is: roles with when each is attested, and what they said.",
        example="!who kang gi-jung",
    ),
    CommandInfo(
        name="sources",
        usage="!sources",
        summary="The source documents and what each contributed.",
        example="!sources",
    ),
    CommandInfo(
        name="help",
        usage="!help",
        summary="This list.",
        example="!help",
    ),
)
_USAGE = {info.name.split()[0]: info.usage for info in COMMANDS}


def _parse_day(text: str) -> dt.date:
    """A day a user typed; a month or year means its last day."""
    try:
        return parse_period(text).latest
    except ValueError as error:
        raise BadPeriodError(f"{text!r} is not a date like 2019-09-01 ({error})") from None


def _split_period(words: list[str]) -> tuple[FuzzyDate | None, str | None]:
    """Take a period from the first or last word; the rest names an actor."""
    for index in (0, -1):
        if words and _PERIOD_LIKE.match(words[index]):
            word = words.pop(index)
            try:
                period = parse_period(word)
            except ValueError as error:
                raise BadPeriodError(
                    f"{word!r} is not a period like 2019, 2019-11 or 2019-08..2019-11 ({error})"
                ) from None
            return period, " ".join(words) or None
    return None, " ".join(words) or None


P = ParamSpec("P")


class ReplyCache:
    """The most recent replies by question. The store never changes under an answerer,
    so a question asked again has the same answer; a new store means a new answerer."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._replies: OrderedDict[Hashable, Reply] = OrderedDict()
        self._lock = threading.Lock()  # slash answers are computed in worker threads

    def get(self, key: Hashable, make: Callable[[], Reply]) -> Reply:
        """The cached reply for `key`, made and kept if absent."""
        with self._lock:
            if key in self._replies:
                self._replies.move_to_end(key)
                return self._replies[key]
        reply = make()
        with self._lock:
            self._replies[key] = reply
            while len(self._replies) > self.size:
                self._replies.popitem(last=False)
        return reply


def _cached(
    method: Callable[Concatenate[Answerer, P], Reply],
) -> Callable[Concatenate[Answerer, P], Reply]:
    """Serve a command method's replies from the answerer's cache."""

    def wrapper(self: Answerer, /, *args: P.args, **kwargs: P.kwargs) -> Reply:
        key = (method.__name__, args, tuple(sorted(kwargs.items())))
        return self.cache.get(key, lambda: method(self, *args, **kwargs))

    wrapper.__name__, wrapper.__doc__ = method.__name__, method.__doc__
    return wrapper


class Answerer:
    """Answers commands from one fact store through one renderer."""

    def __init__(
        self, store: FactStore, renderer: Renderer | None = None, cache_size: int = 512
    ) -> None:
        self.store = store
        self.renderer = renderer or Renderer()
        self.cache = ReplyCache(cache_size)

    # --- one method per command ---------------------------------------------------

    @_cached
    def status(self, as_of: str | None = None) -> Reply:
        """`!gsomia status [date]`."""
        try:
            day = _parse_day(as_of) if as_of else None
        except BadPeriodError as error:
            return self.usage(str(error), "gsomia")
        return self.renderer.reply("status", queries.status(self.store, day))

    @_cached
    def timeline(self, period: str | None = None, actor: str | None = None) -> Reply:
        """`!timeline [period] [actor]`; the two may come in either order."""
        words = f"{period or ''} {actor or ''}".split()
        try:
            parsed, actor_name = _split_period(words)
        except BadPeriodError as error:
            return self.usage(str(error), "timeline")
        try:
            result = queries.timeline(self.store, parsed, actor_name)
        except UnknownNameError as error:
            return self._not_found(error, "timeline")
        return self.renderer.reply("timeline", result)

    @_cached
    def quote(self, speaker: str) -> Reply:
        """`!quote <speaker>`."""
        if not speaker.strip():
            return self.usage(
                "Name a speaker, for example `!quote kono`.", "quote", title="Whose quotes?"
            )
        try:
            result = queries.quotes(self.store, speaker)
        except UnknownNameError as error:
            return self._not_found(error, "quote")
        return self.renderer.reply("quotes", result, quote_count=result.quote_count)

    @_cached
    def who(self, name: str) -> Reply:
        """`!who <name>`."""
        if not name.strip():
            return self.usage("Name someone, for example `!who kang gi-jung`.", "who", title="Who?")
        try:
            result = queries.who(self.store, name)
        except UnknownNameError as error:
            return self._not_found(error, "who")
        return self.renderer.reply("who", result)

    @_cached
    def sources(self) -> Reply:
        """`!sources`."""
        return self.renderer.reply("sources", queries.sources(self.store))

    @_cached
    def help(self) -> Reply:
        """`!help`."""
        return self.renderer.reply("help", commands=COMMANDS)

    # --- command text ---------------------------------------------------------------

    def answer(self, text: str) -> Reply:
        """Answer a command typed as text, such as `!timeline 2019-11 kono`."""
        words = self._words(text)
        if not words:
            return self.help()
        name, args = words[0].lower(), words[1:]
        if name == "gsomia":
            return self._gsomia(args)
        if name == "status":
            return self.status(args[0] if args else None)
        if name == "timeline":
            return self.timeline(" ".join(args))
        if name in ("quote", "quotes"):
            return self.quote(" ".join(args))
        if name == "who":
            return self.who(" ".join(args))
        if name == "sources":
            return self.sources()
        if name == "help":
            return self.help()
        return self._unknown_command(name)

    def _gsomia(self, args: list[str]) -> Reply:
        if not args or args[0].lower() == "status":
            return self.status(args[1] if len(args) > 1 else None)
        return self.usage(f"Unknown subcommand {args[0]!r}", "gsomia", ["!gsomia status"])

    @staticmethod
    def _words(text: str) -> list[str]:
        stripped = text.strip()
        for prefix in PREFIXES:
            stripped = stripped.removeprefix(prefix)
        try:
            return shlex.split(stripped)
        except ValueError:  # an unbalanced quote: fall back to plain words
            return stripped.split()

    # --- replies for questions that cannot be answered as asked -------------------

    def usage(
        self, problem: str, command: str, suggestions: list[str] | None = None, title: str = ""
    ) -> Reply:
        """A reply that shows how `command` is used, after saying what went wrong."""
        return self.renderer.reply(
            "usage",
            title=title or f"Cannot run !{command} like that",
            problem=problem,
            usage=_USAGE.get(command, ""),
            suggestions=suggestions or [],
        )

    def _not_found(self, error: UnknownNameError, command: str) -> Reply:
        return self.renderer.reply(
            "not-found", query=error.name, suggestions=error.suggestions, usage=_USAGE[command]
        )

    def _unknown_command(self, name: str) -> Reply:
        names = [info.name.split()[0] for info in COMMANDS]
        close = difflib.get_close_matches(name, names, n=2, cutoff=0.5)
        suggestions = [_USAGE[match] for match in close]
        return self.renderer.reply(
            "usage",
            title="Unknown command",
            problem=f"There is no command {name!r}.",
            usage="",
            suggestions=suggestions,
        )
