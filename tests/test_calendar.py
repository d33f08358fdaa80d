"""The briefing calendar: an iCalendar file of the coming briefings, read back with
icalendar as a calendar app would, from the domain, the CLI and Discord."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import discord
import icalendar
import pytest

from bot.app import BriefBot
from bot.cli import main
from briefings.calendar import calendar_ics
from briefings.occasions import digest_for
from briefings.rendering import Renderer
from briefings.store import FactStore
from tests.world import World, make_bot

STAMP = dt.datetime(2026, 11, 30, 5, 0, tzinfo=dt.UTC)
YEAR = dt.date(2026, 1, 1)


def _events(data: bytes) -> list[icalendar.cal.Component]:
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar["VERSION"] == "2.0"
    assert str(calendar["PRODID"]).startswith("-//briefbot//")
    events = calendar.walk("VEVENT")
    assert all(isinstance(event, icalendar.Event) for event in events)
    return events


def test_one_all_day_event_per_briefing_with_its_text_and_sources(store: FactStore) -> None:
    made = calendar_ics(store, Renderer(), YEAR, 365, STAMP)
    events = _events(made.data)
    days = [YEAR + dt.timedelta(days=n) for n in range(365)]
    briefing_days = [day for day in days if digest_for(store, day) is not None]
    assert made.events == len(events) == len(briefing_days) == 7
    assert [event.decoded("DTSTART") for event in events] == briefing_days
    for event, day in zip(events, briefing_days, strict=True):
        assert event.decoded("DTEND") == day + dt.timedelta(days=1)  # all day
        assert event.decoded("DTSTAMP") == STAMP
        assert str(event["SUMMARY"]) == f"GSOMIA briefing · {day.isoformat()}"
        description = str(event["DESCRIPTION"])
        assert "Sources:\n[A] " in description  # each article once, then its citations
        assert re.search(r"\.txt\n  \[1\] lines? \d+", description)
        assert "\\_" not in description  # plain text, not Markdown-escaped
    expiry = str(events[-1]["DESCRIPTION"])
    assert "2026-11-23" in str(events[-1]["SUMMARY"])
    assert "expected" in expiry


def test_a_newer_file_updates_the_same_events(store: FactStore) -> None:
    """Same UIDs, and a higher SEQUENCE: without it Google keeps the older event."""
    made = calendar_ics(store, Renderer(), YEAR, 365, STAMP).data
    assert icalendar.Calendar.from_ical(made)["METHOD"] == "PUBLISH"
    first = _events(made)
    later = _events(
        calendar_ics(store, Renderer(), YEAR, 365, STAMP + dt.timedelta(minutes=1)).data
    )
    assert [e["UID"] for e in first] == [e["UID"] for e in later]
    assert len({e["UID"] for e in first}) == len(first)
    for before, after in zip(first, later, strict=True):
        assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE") >= 0
        assert after.decoded("LAST-MODIFIED") == STAMP + dt.timedelta(minutes=1)


def test_two_channels_files_do_not_share_events(store: FactStore) -> None:
    one = _events(calendar_ics(store, Renderer(), YEAR, 365, STAMP, channel_id=11).data)
    two = _events(calendar_ics(store, Renderer(), YEAR, 365, STAMP, channel_id=22).data)
    assert str(one[0]["UID"]) == "digest-2026-07-01-default-11@briefbot.invalid"
    assert not {e["UID"] for e in one} & {e["UID"] for e in two}


def test_the_cli_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "briefings.ics"
    argv = ["brief", "--next", "365", "--from", "2026-01-01", "--ics", str(target)]
    assert main(argv) == 0
    assert capsys.readouterr().out == f"wrote 7 briefings from 2026-01-01 to {target}\n"
    assert len(_events(target.read_bytes())) == 7


def test_the_cli_says_what_is_wrong_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["brief", "--on", "2026-07-01", "--ics", str(tmp_path / "x.ics")]) == 2
    assert capsys.readouterr().err == "--ics writes the days of --next; give --next DAYS\n"
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    assert main(["brief", "--next", "30", "--ics", str(blocked / "x.ics")]) == 1
    assert capsys.readouterr().err.startswith(f"cannot write {blocked / 'x.ics'}: ")
    unknown = tmp_path / "unknown.ics"
    assert main(["brief", "--next", "30", "--set", "nosuch", "--ics", str(unknown)]) == 2
    err = capsys.readouterr().err
    assert err == "--set: there is no template set 'nosuch'; the sets: default, terse\n"
    assert not unknown.exists()  # nothing written with "nosuch" in its UIDs


@pytest.fixture
def simcord_bot(store: FactStore) -> BriefBot:
    return make_bot(store)


async def test_brief_calendar_attaches_the_channel_s_file(world: World) -> None:
    admins = world.guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    editor = world.guild.add_member(world.env.create_user("editor"), roles=[admins])
    await editor.send(world.channel, "!brief subscribe 09:00 Asia/Seoul terse")
    await world.alice.send(world.channel, "!brief calendar 250")
    message = world.channel.last_message
    assert message is not None
    embed = message.embeds[0]
    assert embed.title == "Briefing calendar"
    assert str(embed.description).startswith("4 briefings from 2026-01-01 over the next 250 days")
    (attachment,) = message.attachments
    assert attachment.filename == "gsomia-briefings.ics"
    events = _events(await attachment.read())
    assert [e.decoded("DTSTART").isoformat() for e in events] == [
        "2026-07-01",
        "2026-08-01",
        "2026-08-22",
        "2026-08-23",
    ]
    # In the subscription's wording (terse), which the UIDs name too, with the channel.
    assert str(events[0]["UID"]) == f"digest-2026-07-01-terse-{world.channel.id}@briefbot.invalid"
    posts = [
        r for r in world.env.http_requests if r.method == "POST" and r.path.endswith("/messages")
    ]
    assert len(posts) == 2  # the subscription's answer and the calendar, nothing else


async def test_brief_calendar_in_a_channel_not_subscribed_says_so(world: World) -> None:
    await world.alice.send(world.channel, "!brief calendar")
    embed = world.last_embed()
    assert "This channel is not subscribed" in str(embed.description)
    message = world.channel.last_message
    assert message is not None
    (attachment,) = message.attachments
    events = _events(await attachment.read())
    assert len(events) == 7  # 365 days from 2026-01-01 (UTC days): July to November
    assert str(events[0]["UID"]) == f"digest-2026-07-01-default-{world.channel.id}@briefbot.invalid"
