"""`/brief history`: why nothing was posted, answered in Discord from the post ledger."""

from __future__ import annotations

import datetime as dt

import discord
import pytest
import simcord

from bot.app import BriefBot
from briefings.occasions import digest_for
from briefings.storage import PostStatus
from briefings.store import FactStore
from briefings.subscriptions import ScheduledPost
from briefings.subscriptions.reports import HISTORY_LOOKED_AT
from tests.test_bot_briefings import FIRST_BRIEFING, Newsroom, quiet_bot


@pytest.fixture
def simcord_bot(store: FactStore) -> BriefBot:
    return quiet_bot(store)


@pytest.fixture
def room(simcord_env: simcord.Env) -> Newsroom:
    return Newsroom(simcord_env)


def _stamp(at: dt.datetime) -> str:
    return f"<t:{int(at.timestamp())}:f>"


async def test_the_history_tells_each_post_sent_late_skipped_or_waiting(room: Newsroom) -> None:
    """Before, no command said why a post had not come: only the last problems of
    `!brief list`, without the posts that went out late or were skipped."""
    await room.admin.send(room.channel, "!brief subscribe 09:00 Asia/Seoul")
    await room.alice.send(room.channel, "!brief history")
    assert room.text() == (
        "Posts in #briefings\nNothing has been posted here yet; the first post is due"
        f" {_stamp(FIRST_BRIEFING)} (<t:{int(FIRST_BRIEFING.timestamp())}:R>)."
    )
    await room.advance_to(FIRST_BRIEFING + dt.timedelta(minutes=10))
    assert [o.status for o in await room.service.run_due()] == [PostStatus.SENT]
    on_time = dt.datetime(2026, 8, 1, 0, 0, tzinfo=dt.UTC)
    await room.advance_to(on_time)
    assert [o.status for o in await room.service.run_due()] == [PostStatus.SENT]
    # Every process was down past the six hours of grace.
    await room.advance_to(dt.datetime(2026, 8, 22, 7, 5, tzinfo=dt.UTC))
    assert [o.status for o in await room.service.run_due()] == [PostStatus.SKIPPED]
    await room.advance_to(dt.datetime(2026, 8, 23, 0, 0, tzinfo=dt.UTC))
    room.env.inject_error("POST", "/channels/*/messages", status=503, times=None)
    assert [o.status for o in await room.service.run_due()] == [PostStatus.RETRY]
    room.env.backend.faults.clear()

    await room.alice.send(room.channel, "!brief history")
    lines = room.text().splitlines()
    assert lines[0] == "Posts in #briefings"
    waiting, skipped, sent, late = lines[1:]
    assert waiting.startswith("• 2026-08-23 briefing: not posted yet: ")
    assert "; tried again <t:" in waiting
    assert skipped == (
        "• 2026-08-22 briefing: skipped: the bot got to it 7 h 5 min after its time,"
        " past the grace window"
    )
    assert sent.startswith(f"• 2026-08-01 briefing: sent {_stamp(on_time)[:-4]}")
    assert late.startswith("• 2026-07-01 briefing: sent 10 min late, <t:")


async def test_the_history_says_why_a_channel_failed_and_was_disabled(room: Newsroom) -> None:
    assert room.bot.user is not None
    closed = room.guild.create_text_channel(
        "closed", overwrites={room.bot.user: discord.PermissionOverwrite(send_messages=False)}
    )
    await room.admin.send(room.channel, f"!brief subscribe {closed.mention} 09:00 Asia/Seoul")
    await room.advance_to(FIRST_BRIEFING)
    assert [o.status for o in await room.service.run_due()] == [PostStatus.FAILED]
    await room.alice.send(room.channel, f"!brief history {closed.mention}")
    title, stopped, gap, failed = room.text().splitlines()
    assert (title, gap) == ("Posts in #closed", "")
    assert stopped.startswith("Briefings here are stopped: the bot may no longer post in channel")
    assert failed.startswith("• 2026-07-01 briefing: failed: ")
    # The slash command is the same command.
    await room.bot.tree.sync()
    result = await room.alice.slash(room.channel, "brief history", channel=closed)
    assert result.response is not None
    assert result.response.embeds[0].description == "\n".join([stopped, gap, failed])


async def test_the_history_of_a_channel_never_subscribed_or_hidden(room: Newsroom) -> None:
    await room.alice.send(room.channel, "!brief history")
    assert room.text().endswith(
        "#briefings is not subscribed, and nothing was ever posted here."
        " `/brief subscribe` starts the daily briefing."
    )
    hidden = room.guild.create_text_channel(
        "desk",
        overwrites={room.guild.default_role: discord.PermissionOverwrite(read_messages=False)},
    )
    await room.alice.send(room.channel, f"!brief history {hidden.mention}")
    assert "You cannot read #desk; name a channel you can." in room.text()
    await room.alice.send(room.channel, "!brief history #nosuch")
    assert 'Channel "#nosuch" not found' in room.text()
    assert room.env.errors  # acknowledged: these were user errors


async def test_a_long_history_is_paged(room: Newsroom, store: FactStore) -> None:
    digest = digest_for(store, FIRST_BRIEFING.date())
    assert digest is not None
    first = FIRST_BRIEFING.date()
    posts = [
        ScheduledPost(None, room.channel.id, first + dt.timedelta(days=n), FIRST_BRIEFING, digest)
        for n in range(HISTORY_LOOKED_AT + 10)
    ]
    room.service.ledger.claim(posts, PostStatus.SKIPPED, FIRST_BRIEFING + dt.timedelta(days=1))
    await room.alice.send(room.channel, "!brief history")
    message = room.channel.last_message
    assert message is not None
    assert message.components  # the page buttons
    shown = [line for line in str(message.embeds[0].description).splitlines() if line]
    assert 0 < len(shown) < HISTORY_LOOKED_AT
    newest = first + dt.timedelta(days=HISTORY_LOOKED_AT + 9)
    assert shown[1].startswith(f"• {newest.isoformat()} briefing: skipped")


async def test_a_closed_channel_s_history_is_shown_to_the_asker_alone(room: Newsroom) -> None:
    """`!brief history #mods` typed in a channel everyone reads would show #mods' post
    days and failures to all of them: a channel not open to everyone is told only in
    itself, or by the slash command to the asker alone."""
    moderators = room.guild.create_role("Moderators")
    moderator = room.guild.add_member(room.env.create_user("moderator"), roles=[moderators])
    mods = room.guild.create_text_channel(
        "mods",
        overwrites={
            room.guild.default_role: discord.PermissionOverwrite(read_messages=False),
            moderators: discord.PermissionOverwrite(read_messages=True),
        },
    )
    await moderator.send(room.channel, f"!brief history {mods.mention}")
    assert "#mods is not open to everyone: ask there" in room.text()
    assert "Posts in #mods" not in room.text()
    assert room.env.errors  # acknowledged: a refusal the asker was told of
    await room.bot.tree.sync()
    result = await moderator.slash(room.channel, "brief history", channel=mods)
    assert result.response is not None
    assert result.response.ephemeral
    assert result.response.embeds[0].title == "Posts in #mods"
