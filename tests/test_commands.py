"""The command registry and what is registered from it, walked rather than listed.

Every check reads what discord.py actually holds (`bot.walk_commands()`, the app
command tree) or what the registry declares, so a command added, renamed or dropped
on one side and not the other fails here.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Iterator
from typing import Any

import pytest
from discord import app_commands
from discord.ext import commands
from pydantic import BaseModel

from bot.app import BriefBot
from bot.cli import main
from bot.cogs.briefings import ALIAS_KEY, REGISTRY_KEY, build_cog_class
from bot.console import run_console
from briefings.answers import Answerer
from briefings.commands import REGISTRY, Argument, Command, Registry
from briefings.store import FactStore
from tests.world import World, make_bot

AnyCommand = commands.Command[Any, ..., Any]


@pytest.fixture
def simcord_bot(store: FactStore) -> BriefBot:
    return make_bot(store)


@pytest.fixture
def bot(world: World) -> BriefBot:
    """A started bot: its cogs are added in setup_hook."""
    return world.bot


def _owner_only(command: AnyCommand) -> bool:
    return any("is_owner" in getattr(check, "__qualname__", "") for check in command.checks)


def _slash(bot: BriefBot) -> dict[str, app_commands.Command[Any, ..., Any]]:
    return {
        command.qualified_name: command
        for command in bot.tree.walk_commands()
        if isinstance(command, app_commands.Command)
    }


def _invocable(bot: BriefBot) -> Iterator[AnyCommand]:
    """Prefix commands that run something of their own (a group with a default does)."""
    for command in bot.walk_commands():
        if not isinstance(command, commands.Group) or command.invoke_without_command:
            yield command


# --- Discord: what discord.py holds ---------------------------------------------------


async def test_every_command_has_a_description_and_help(bot: BriefBot) -> None:
    for command in bot.walk_commands():
        assert 0 < len(command.description) <= 100, command.qualified_name
        assert command.help, command.qualified_name
    for app in bot.tree.walk_commands():
        assert 0 < len(app.description) <= 100, app.qualified_name
        if isinstance(app, app_commands.Command):
            for parameter in app.parameters:
                assert parameter.description not in ("", "…"), (app.qualified_name, parameter)


async def test_every_member_command_is_prefix_and_slash(bot: BriefBot) -> None:
    tree = {command.qualified_name for command in bot.tree.walk_commands()}
    for command in _invocable(bot):
        if _owner_only(command) or ALIAS_KEY in command.extras:
            continue
        # A group typed alone runs a subcommand; as a slash command it is a group.
        assert command.qualified_name in tree, command.qualified_name
    prefix = {command.qualified_name for command in bot.walk_commands()}
    # A group that runs something alone (`!sources`) does so in slash as its fallback
    # subcommand (`/sources show`).
    prefix |= {f"{group.qualified_name} {group.fallback}" for group in _fallback_groups(bot)}
    assert set(tree) <= prefix  # and no slash command without its prefix form


def _fallback_groups(bot: BriefBot) -> list[commands.HybridGroup[Any, ..., Any]]:
    return [
        command
        for command in bot.walk_commands()
        if isinstance(command, commands.HybridGroup) and command.fallback
    ]


async def test_every_registry_entry_is_reachable_from_discord(bot: BriefBot) -> None:
    slash = _slash(bot)
    for command in REGISTRY:
        prefix = bot.get_command(command.name)
        assert prefix is not None, command.name
        assert prefix.extras[REGISTRY_KEY] == command.name
        fallback = getattr(prefix, "fallback", None)  # `/sources show` runs `!sources`
        name = f"{command.name} {fallback}" if fallback else command.name
        assert name in slash, command.name
        options = {p.name: p for p in slash[name].parameters}
        assert list(options) == [a.name for a in command.arguments]
        for argument in command.arguments:
            option = options[argument.name]
            assert option.required == argument.required
            assert option.description == argument.description
            assert option.autocomplete == (argument.suggest is not None), argument.name
        for alias in command.aliases:
            found = bot.get_command(alias)
            assert found is not None, alias
            assert found.extras[REGISTRY_KEY] == command.name


async def test_aliases_are_commands_not_errors(world: World) -> None:
    for text, title in (("!quotes kono", "Quotes: Taro Kono"), ("!status", "GSOMIA status")):
        await world.alice.send(world.channel, text)
        assert world.last_embed().title == title
    quotes = world.bot.get_command("quotes")
    assert quotes is not None
    assert quotes is world.bot.get_command("quote")


async def test_help_for_one_command_prefix_and_slash(synced: World) -> None:
    await synced.alice.send(synced.channel, "!help timeline")
    embed = synced.last_embed()
    assert embed.title == "Help: !timeline"
    description = str(embed.description)
    assert "Usage: `!timeline [period] [actor]`" in description
    assert "`!timeline 2019-11`" in description
    result = await synced.alice.slash(synced.channel, "help", command="quote")
    assert result.response is not None
    assert result.response.embeds[0].title == "Help: !quote"
    choices = await synced.alice.autocomplete(synced.channel, "help", "command", "gs")
    assert [c["value"] for c in choices] == ["gsomia status", "gsomia history"]


async def test_help_lists_every_command_discord_holds_grouped(world: World) -> None:
    """`!help` lists every command, /brief's too: it is generated from what discord.py
    holds, so a command added anywhere appears, under its cog's heading."""
    await world.alice.send(world.channel, "!help")
    text = str(world.last_embed().description)
    for command in _invocable(world.bot):
        if ALIAS_KEY in command.extras or isinstance(command, commands.Group):
            continue
        assert f"`!{command.qualified_name}" in text, command.qualified_name
    headings = [line for line in text.splitlines() if line.endswith(":")]
    assert headings == [
        "Answers (from the two seed documents, every one cited):",
        "Checking on the bot, and tools for its owners:",
        "Scheduled briefings in this server's channels:",
        "Watching feeds and pages, and reviewing the facts they add:",
    ]
    assert "(servers only; changing needs Manage Server)" in text
    assert len(text) <= 4096


async def test_every_command_of_the_bot_s_own_has_two_examples(bot: BriefBot) -> None:
    for command in _invocable(bot):
        if REGISTRY_KEY in command.extras or ALIAS_KEY in command.extras:
            continue  # the registry declares those
        if isinstance(command, commands.Group):
            continue  # help lists its subcommands
        examples = command.extras.get("examples", ())
        assert len(examples) == 2, command.qualified_name
        assert all(e.split()[0].lstrip("!/@") for e in examples)


async def test_help_for_a_brief_command_prefix_slash_and_autocomplete(synced: World) -> None:
    await synced.alice.send(synced.channel, "!help brief subscribe")
    embed = synced.last_embed()
    assert embed.title == "Help: !brief subscribe"
    description = str(embed.description)
    assert description.startswith(
        "Post the daily briefing in a channel at a local time. "
        "(servers only; changing needs Manage Server)"
    )
    assert (
        "Usage: `!brief subscribe [channel] [time=09:00] [timezone=UTC] [template=default] "
        "[developments=False] [ping]`" in description
    )
    assert "• `timezone` (optional): IANA time zone, e.g. Asia/Seoul" in description
    assert "`!brief subscribe #briefings 09:00 Asia/Seoul`" in description
    assert "Also a slash command: `/brief subscribe`." in description
    result = await synced.alice.slash(synced.channel, "help", command="brief next")
    assert result.response is not None
    assert result.response.embeds[0].title == "Help: !brief next"
    choices = await synced.alice.autocomplete(synced.channel, "help", "command", "brief n")
    assert [c["value"] for c in choices] == ["brief next", "brief now"]
    await synced.alice.send(synced.channel, "!help sync")
    assert "A prefix command only: it has no slash form." in str(synced.last_embed().description)


def test_the_console_help_lists_the_answers_only(answerer: Answerer) -> None:
    """The console has no /brief: its help does not offer what it cannot run."""
    text = "\n".join(answerer.answer("!help").lines)
    assert "!quote <speaker>" in text
    assert "!brief" not in text


async def test_a_group_with_an_unknown_subcommand_says_so(world: World) -> None:
    await world.alice.send(world.channel, "!gsomia 2019-09-01")
    embed = world.last_embed()
    assert embed.title == "Unknown command"
    assert "`!gsomia status [YYYY-MM-DD]`" in str(embed.description)


# --- the console and `briefbot ask` -----------------------------------------------------


@pytest.mark.parametrize("command", list(REGISTRY), ids=lambda c: c.name)
def test_every_registry_entry_is_reachable_from_the_console_and_ask(
    command: Command, answerer: Answerer, capsys: pytest.CaptureFixture[str]
) -> None:
    for example in command.examples:
        assert answerer.answer(example).kind == command.reply, example
    example = command.examples[0]
    expected = answerer.renderer.text(answerer.answer(example))
    assert main(["ask", example]) == 0
    assert capsys.readouterr().out == expected
    out: list[str] = []

    class Sink:
        def write(self, text: str) -> None:
            out.append(text)

        def flush(self) -> None:
            pass

    run_console(answerer, [example], Sink())  # type: ignore[arg-type]
    assert "".join(out) == expected + "\n"


def test_every_alias_and_name_parses_to_its_command() -> None:
    for command in REGISTRY:
        for name in (command.name, *command.aliases):
            assert REGISTRY.parse(f"!{name}").command is command


# --- the registry itself ------------------------------------------------------------------


def test_a_new_registry_entry_becomes_a_discord_command_with_its_options() -> None:
    """What adding a command takes on the Discord side: nothing but the entry."""

    class Echo(BaseModel):
        words: str

    def echo(_: FactStore, word: str, rest: str | None) -> Echo:
        return Echo(words=f"{word} {rest or ''}")

    required = Argument(name="word", description="What to say", required=True)
    rest = Argument(
        name="rest", description="And then", rest=True, suggest=lambda _, current: [current]
    )
    entry = Command(
        name="echo",
        summary="Say it back.",
        arguments=(required, rest),
        query=echo,
        reply="usage",
        examples=("!echo hi", "!echo hi there"),
    )
    registry = Registry((*REGISTRY.commands, entry), tuple(REGISTRY.groups.values()))
    cog_class = build_cog_class(registry)
    generated = next(c for c in cog_class.__cog_commands__ if c.name == "echo")
    assert isinstance(generated, commands.HybridCommand)
    assert generated.extras[REGISTRY_KEY] == "echo"
    assert generated.description == "Say it back."
    assert list(generated.clean_params) == ["word", "rest"]
    assert generated.clean_params["rest"].kind is inspect.Parameter.KEYWORD_ONLY
    app = generated.app_command
    assert app is not None
    assert [(p.name, p.required, p.autocomplete) for p in app.parameters] == [
        ("word", True, False),
        ("rest", False, True),
    ]


def _fields(command: Command) -> dict[str, Any]:
    return {name: getattr(command, name) for name in Command.__dataclass_fields__}


def test_a_registry_refuses_a_clash_or_a_misplaced_rest_argument() -> None:
    first = REGISTRY["quote"]
    with pytest.raises(ValueError, match="declared twice"):
        Registry((first, Command(**{**_fields(first), "name": "quotes", "aliases": ()})))
    rest_first = Command(
        **{
            **_fields(first),
            "arguments": (
                Argument(name="a", description="a", rest=True),
                Argument(name="b", description="b"),
            ),
        }
    )
    with pytest.raises(ValueError, match="only the last argument"):
        Registry((rest_first,))
    optional_first = Command(
        **{
            **_fields(first),
            "arguments": (
                Argument(name="a", description="a"),
                Argument(name="b", description="b", required=True),
            ),
        }
    )
    with pytest.raises(ValueError, match="required arguments must come first"):
        Registry((optional_first,))


def test_a_day_argument_is_parsed_before_the_query() -> None:
    argument = REGISTRY["gsomia status"].argument("as_of")
    assert argument.parse("2019-09") == dt.date(2019, 9, 30)
