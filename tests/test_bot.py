"""The real bot through real discord.py, driven as a member would, with SimCord."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import discord
import pytest
import simcord
from discord.ext import commands

from bot.app import BriefBot
from bot.cogs.briefings import BriefingsCog
from bot.cogs.errors import GENERIC_FAILURE
from bot.responding import APOLOGY
from briefings.loading import load_store
from briefings.rendering import Renderer
from briefings.store import FactStore
from tests.embed_limits import assert_fits
from tests.synthetic import write_seeds
from tests.world import World, make_bot


@pytest.fixture
def simcord_bot(store: FactStore) -> BriefBot:
    return make_bot(store)


def field_text(embed: discord.Embed) -> str:
    return "\n".join(str(field.value) for field in embed.fields)


# --- prefix commands ----------------------------------------------------------------


async def test_quote_kono_shows_words_roles_and_citations(world: World) -> None:
    await world.alice.send(world.channel, "!quote kono")
    embed = world.last_embed()
    assert embed.title == "Quotes: Taro Kono"
    assert "“make a sensible decision” [3]" in str(embed.description)
    assert "as Japan’s Minister of Defense" in str(embed.description)
    assert "as Japanese foreign minister" in str(embed.description)
    assert embed.fields[0].name == "Sources"
    sources = field_text(embed)
    # Compact: each article once under a letter; each citation its lines and excerpt.
    assert sources.startswith(
        "**[A]** *South Korea relies on US to share intelligence with Japan*, Mark Wood, "
        "Cole of Duty, between 2019-08-22 and 2019-11-22 (date inferred) · 000\\_"
    )
    assert sources.count("*South Korea relies on US to share intelligence with Japan*") == 1
    assert "\n[2] line 28: ““We can not accept the claims" in sources
    assert "**[B]** *South Korea rejects US pressure" in sources
    assert "publisher not printed, 2019-11-22 · 004\\_0c24133c7eb35b49.txt" in sources
    assert "\n[3] line 30: “Japan’s Minister of Defense, Taro Kono" in sources
    assert embed.footer.text == "3 quotes · words exactly as printed"
    assert embed.colour == discord.Colour.gold()
    assert_fits(embed)


async def test_status_prefix_and_as_of(world: World) -> None:
    await world.alice.send(world.channel, "!gsomia status")
    now = world.last_embed()
    assert now.title == "GSOMIA status"
    # The bottom line first, and the first page short; details one page on.
    description = str(now.description)
    # The state first, then the last step, then what was expected next.
    assert description.startswith(
        "As of the latest source (2019-11-22): In force, termination notified on 2019-08-22"
    )
    assert "Before that: signed in November 2016" in description
    assert (
        "Expected next (2019-11-23): GSOMIA is expected to expire; not confirmed by any source"
        in description
    )
    assert "(expected, not confirmed): GSOMIA is expected to expire" in description
    assert now.footer.text is not None
    assert now.footer.text.endswith("page 1/2")
    fields = sum(len(str(field.name)) + len(str(field.value)) for field in now.fields)
    assert len(description) + fields + len(str(now.title)) + len(now.footer.text) <= 1500
    await world.alice.send(world.channel, "!gsomia status 2019-09-01")
    then = world.last_embed()
    assert then.title == "GSOMIA status as of 2019-09-01"
    assert "expire" not in str(then.description)


async def test_bare_group_gives_the_status(world: World) -> None:
    await world.alice.send(world.channel, "!gsomia")
    assert world.last_embed().title == "GSOMIA status"


async def test_timeline_in_either_order(world: World) -> None:
    await world.alice.send(world.channel, "!timeline kang kyung-wha 2019-11")
    embed = world.last_embed()
    assert embed.title == "Timeline: November 2019 · Kang Kyung-wha"


async def test_who_and_sources_and_help(world: World) -> None:
    await world.alice.send(world.channel, "!who kang gi-jung")
    assert world.last_embed().title == "Who: Kang Gi-jung"
    await world.alice.send(world.channel, "!sources")
    assert "Off-topic, never cited (12)" in str(world.last_embed().description)
    await world.alice.send(world.channel, "!help")
    assert "`!quote <speaker>`" in str(world.last_embed().description)


async def test_unknown_command_gets_did_you_mean(world: World) -> None:
    await world.alice.send(world.channel, "!quot kono")
    embed = world.last_embed()
    assert embed.title == "Unknown command"
    assert "Did you mean: `!quote <speaker>`?" in str(embed.description)


async def test_punctuation_is_not_a_command(world: World) -> None:
    for text in ("!!!", "!5", "! hello"):
        await world.alice.send(world.channel, text)
    assert world.message_posts() == []


async def test_unknown_speaker_gets_did_you_mean(world: World) -> None:
    await world.alice.send(world.channel, "!quote Iwasaki")
    embed = world.last_embed()
    assert embed.title == 'No match for "Iwasaki"'
    assert "Did you mean: Takeshi Iwaya?" in str(embed.description)


async def test_missing_argument_gets_usage(world: World) -> None:
    await world.alice.send(world.channel, "!quote")
    embed = world.last_embed()
    assert embed.title == "Whose quotes?"  # as the console answers `!quote`
    assert "Usage: `!quote <speaker>`" in str(embed.description)
    assert [type(e) for e in world.env.errors] == [commands.MissingRequiredArgument]


async def test_cooldown_per_user(world: World) -> None:
    for _ in range(5):
        await world.alice.send(world.channel, "!quote kono")
    await world.alice.send(world.channel, "!quote kono")
    message = world.channel.last_message
    assert message is not None
    assert message.content.startswith("Too many requests: try again in")
    assert [type(e) for e in world.env.errors] == [commands.CommandOnCooldown]
    await world.bob.send(world.channel, "!quote kono")  # others are not held up
    assert world.last_embed().title == "Quotes: Taro Kono"
    await world.env.advance_time(31)
    await world.alice.send(world.channel, "!quote kono")
    assert world.last_embed().title == "Quotes: Taro Kono"


async def test_every_reply_pings_nobody(world: World) -> None:
    for text in ("!quote kono", "!quote @everyone", "!who <@&1234>", "!nonsense @here"):
        await world.alice.send(world.channel, text)
    posts = world.message_posts()
    assert len(posts) == 4
    for post in posts:
        assert post["allowed_mentions"] == {"parse": []}


# --- slash commands and autocomplete ------------------------------------------------


async def test_slash_quote(synced: World) -> None:
    result = await synced.alice.slash(synced.channel, "quote", speaker="kono")
    assert result.response is not None
    embed = result.response.embeds[0]
    assert embed.title == "Quotes: Taro Kono"
    assert not result.ephemeral


async def test_slash_status_with_date(synced: World) -> None:
    result = await synced.alice.slash(synced.channel, "gsomia status", as_of="2019-09-01")
    assert result.response is not None
    assert result.response.embeds[0].title == "GSOMIA status as of 2019-09-01"


async def test_slash_timeline_options(synced: World) -> None:
    result = await synced.alice.slash(synced.channel, "timeline", period="2019-11", actor="kang")
    assert result.response is not None
    assert result.response.embeds[0].title == (
        "Timeline: November 2019 · Kang Gi-jung, Kang Kyung-wha"
    )


async def test_slash_commands_have_described_options(synced: World) -> None:
    options = {
        command.qualified_name: {p.name: p.description for p in command.parameters}
        for command in synced.bot.tree.walk_commands()
        if isinstance(command, discord.app_commands.Command)
    }
    assert set(options["quote"]) == {"speaker"}
    assert set(options["who"]) == {"name"}
    assert set(options["timeline"]) == {"period", "actor"}
    assert all(d and d != "…" for params in options.values() for d in params.values())


async def test_autocomplete_speakers(synced: World) -> None:
    choices = await synced.alice.autocomplete(synced.channel, "quote", "speaker", "kan")
    assert [c["name"] for c in choices] == ["Kang Gi-jung", "Kang Kyung-wha"]
    everyone = await synced.alice.autocomplete(synced.channel, "quote", "speaker", "")
    assert 0 < len(everyone) <= 25
    assert "Moon Jae-in" not in [c["name"] for c in everyone]  # never quoted


async def test_autocomplete_actors_and_periods(synced: World) -> None:
    names = await synced.alice.autocomplete(synced.channel, "who", "name", "moo")
    assert names[0]["value"] == "Moon Jae-in"
    actors = await synced.alice.autocomplete(synced.channel, "timeline", "actor", "moo")
    assert actors == names
    periods = await synced.alice.autocomplete(synced.channel, "timeline", "period", "2019-")
    assert [c["value"] for c in periods] == ["2019-07", "2019-08", "2019-11"]


async def test_slow_answer_defers_then_follows_up(synced: World) -> None:
    cog = synced.bot.get_cog("Briefings")
    assert isinstance(cog, BriefingsCog)
    # SimCord holds virtual timers while worker threads run, so the race with the
    # deadline cannot be staged here; 0 makes every answer count as slow.
    cog.responder.defer_after = 0.0
    result = await synced.alice.slash(synced.channel, "quote", speaker="kono")
    callbacks = [r.json for r in synced.env.http_requests if r.path.endswith("/callback")]
    assert callbacks[-1] == {"type": 5}  # deferred first; the embed followed as a follow-up
    assert result.response is not None
    assert result.response.embeds[0].title == "Quotes: Taro Kono"


# --- owner tools and set-up -----------------------------------------------------------


async def test_sync_is_for_owners_only(world: World) -> None:
    await world.alice.send(world.channel, "!sync")
    message = world.channel.last_message
    assert message is not None
    assert message.content == "Only the bot's owners may use that command."
    assert [type(e) for e in world.env.errors] == [commands.NotOwner]
    world.bot.owner_id = None  # discord.py cached the application's owner on the first check
    world.bot.owner_ids = {world.alice.id}
    await world.alice.send(world.channel, "!sync guild")
    message = world.channel.last_message
    assert message is not None
    assert message.content == "Synced 8 commands (guild)."  # /ping is one
    assert "quote" in world.alice.available_commands(world.channel)


async def test_a_reconnect_sets_nothing_up_again(world: World) -> None:
    """on_ready fires again after every resume: a command is still answered once."""
    world.bot.dispatch("ready")
    await world.env.settle()
    await world.alice.send(world.channel, "!ping")
    assert [m.content for m in world.channel.history() if m.author.bot] == ["pong"]
    assert world.env.errors == []


async def test_ping(world: World) -> None:
    await world.alice.send(world.channel, "!ping")
    message = world.channel.last_message
    assert message is not None
    assert message.content == "pong"


# --- failures -----------------------------------------------------------------------


async def test_broken_template_gets_an_apology(
    world: World, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "answers").mkdir()
    (tmp_path / "answers" / "quotes.j2").write_text(
        "{% block title %}{{ missing }}{% endblock %}", encoding="utf-8"
    )
    cog = world.bot.get_cog("Briefings")
    assert isinstance(cog, BriefingsCog)
    cog.answerer.renderer = Renderer(tmp_path)
    with caplog.at_level(logging.ERROR):
        await world.alice.send(world.channel, "!quote kono")
    message = world.channel.last_message
    assert message is not None
    assert message.content == APOLOGY
    assert not message.embeds
    assert "could not build the reply to '!quote kono'" in caplog.text


async def test_unexpected_error_is_logged_and_answered(
    world: World, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    cog = world.bot.get_cog("Briefings")
    assert isinstance(cog, BriefingsCog)

    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cog.responder, "send", broken)
    with caplog.at_level(logging.ERROR):
        await world.alice.send(world.channel, "!who kono")
    message = world.channel.last_message
    assert message is not None
    assert message.content == GENERIC_FAILURE
    assert "command 'who' failed" in caplog.text
    assert "disk on fire" in caplog.text
    assert [type(e) for e in world.env.errors] == [commands.CommandInvokeError]


# --- stores built for the purpose -----------------------------------------------------


@pytest.fixture
def mention_store(tmp_path: Path) -> FactStore:
    statements = [
        ("Alex Example", "@everyone read this, <@&1234> and <@5678> too"),
        ("Alex Example", "**not bold** and __not underlined__ either"),
    ]
    return load_store(write_seeds(tmp_path / "seeds", statements))


@pytest.mark.simcord
async def test_quote_with_everyone_pings_nobody(mention_store: FactStore) -> None:
    async with simcord.run(make_bot(mention_store)) as env:
        world = World(env)
        await world.alice.send(world.channel, "!quote alex")
        embed = world.last_embed()
        description = str(embed.description)
        assert "@everyone read this" in description
        assert "\\*\\*not bold\\*\\*" in description  # shown as typed, not bold
        assert world.message_posts()[-1]["allowed_mentions"] == {"parse": []}


@pytest.fixture
def long_store(tmp_path: Path) -> FactStore:
    words = "a long and winding statement that goes on " * 6
    statements = [("Chatty Person", f"{words}number {n}") for n in range(60)]
    return load_store(write_seeds(tmp_path / "seeds", statements))


def _footers(embeds: Iterator[discord.Embed]) -> list[str]:
    return [str(embed.footer.text) for embed in embeds]


async def test_long_answer_pages_with_buttons_only_the_caller_can_press(
    long_store: FactStore,
) -> None:
    async with simcord.run(make_bot(long_store)) as env:
        world = World(env)
        await world.alice.send(world.channel, "!quote chatty")
        message = world.channel.last_message
        assert message is not None
        first = message.embeds[0]
        assert_fits(first)
        footer = str(first.footer.text)
        assert footer.startswith("60 quotes · words exactly as printed · page 1/")
        pages = int(footer.rsplit("/", 1)[1])
        assert pages > 1

        refused = await world.bob.click(message, label="Next ▶")
        assert refused.ephemeral
        assert refused.response is not None
        assert refused.response.content == "Only the person who asked can turn these pages."

        await world.alice.click(message, label="Next ▶")
        message = world.channel.last_message
        assert message is not None
        assert str(message.embeds[0].footer.text).endswith(f"page 2/{pages}")
        assert_fits(message.embeds[0])

        await env.advance_time(181)
        message = world.channel.last_message
        assert message is not None
        buttons = [
            child
            for row in message.components
            if isinstance(row, discord.ActionRow)
            for child in row.children
            if isinstance(child, discord.Button)
        ]
        assert [button.label for button in buttons] == ["◀ Previous", f"2/{pages}", "Next ▶"]
        assert all(button.disabled for button in buttons)
