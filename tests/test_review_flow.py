"""Watching and review through the real bot and SimCord: a curator watches a feed,
the drafts appear in the review channel, only curators can decide them, an accept
reaches `!quote`, `!timeline` and `!sources` at once, and the buttons outlive a
restart. The feed is served by the local web site of `tests/web_site.py`."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import discord
import pytest
import simcord
from discord.ext import commands
from sqlalchemy.exc import OperationalError

from bench.ingest_speed import wire_page
from bot.app import BriefBot, create_bot
from bot.arguments import BadSettingError
from bot.cogs.sources import SourcesCog
from bot.review_views import ReviewButton
from bot.settings import Settings
from briefings.errors import StorageError
from briefings.ingest.seen import claim
from briefings.ingest.web import WebPage
from briefings.review.desk import draft_items
from briefings.review.drafts import DraftStatus
from tests.embed_limits import assert_fits
from tests.web_site import Site
from tests.world import World


def review_bot(**settings: Any) -> BriefBot:
    """The bot on its own database (`DATA_DIR`, per test), allowed to fetch from the
    local web site, with no scheduler: the tests run the watcher's rounds."""
    return create_bot(
        Settings(_env_file=None, scheduler_enabled=False, allow_private_urls=True, **settings)
    )


async def restarted(env: simcord.Env, bot: BriefBot) -> None:
    """A new process in place of the running one (SimCord detaches the old bot
    without closing it: its database is closed here)."""
    stopped = env.bot
    await env.restart_bot(bot)
    assert isinstance(stopped, BriefBot)
    assert stopped.briefings is not None
    stopped.briefings.database.dispose()


@pytest.fixture
def simcord_bot() -> BriefBot:
    return review_bot()


class Desk(World):
    """A newsroom: an editor (Manage Server), a curator (the review role), a reader
    (bob), and a review channel."""

    def __init__(self, env: simcord.Env) -> None:
        super().__init__(env)
        admins = self.guild.create_role(
            "Admins", permissions=discord.Permissions(manage_guild=True)
        )
        self.curators = self.guild.create_role("Curators")
        self.editor = self.guild.add_member(env.create_user("editor"), roles=[admins])
        self.curator = self.guild.add_member(env.create_user("cora"), roles=[self.curators])
        self.drafts = self.guild.create_text_channel("drafts")

    @property
    def cog(self) -> SourcesCog:
        cog = self.bot.get_cog("Sources")
        assert isinstance(cog, SourcesCog)
        return cog

    def text(self, channel: Any = None) -> str:
        message = (channel or self.channel).last_message
        assert message is not None
        if message.embeds:
            embed = message.embeds[0]
            return f"{embed.title}\n{embed.description}\n{embed.footer.text or ''}"
        return str(message.content)

    def review_posts(self) -> list[discord.Message]:
        return [m for m in self.drafts.history() if m.embeds]


def _labels(message: discord.Message) -> list[str]:
    """The labels of the message's buttons."""
    return [
        str(child.label)
        for row in message.components
        for child in getattr(row, "children", [])
        if isinstance(child, discord.Button)
    ]


def select_id(message: discord.Message, action: str) -> str:
    """The custom_id of the message's select for `action` (drop, edit)."""
    [found] = [
        str(child.custom_id)
        for row in message.components
        for child in getattr(row, "children", [])
        if isinstance(child, discord.SelectMenu)
        and str(child.custom_id).startswith(f"briefbot:review:{action}:")
    ]
    return found


@pytest.fixture
def desk(simcord_env: simcord.Env) -> Desk:
    return Desk(simcord_env)


async def _watching(desk: Desk, base: str) -> None:
    await desk.editor.send(
        desk.channel, f"!sources review-channel {desk.drafts.mention} {desk.curators.mention}"
    )
    assert desk.text().startswith("Review channel set\nDrafts from watched sources will be")
    await desk.editor.send(desk.channel, f"!sources watch {base}/feed.xml 2h")
    assert desk.text().startswith(f"Watching\n{base}/feed.xml is checked every 2 h")
    await desk.cog.run_round()


async def test_a_watched_feed_s_articles_are_posted_for_review_once(
    desk: Desk, site: tuple[str, Site]
) -> None:
    base, _ = site
    await _watching(desk, base)
    posts = desk.review_posts()
    assert [post.embeds[0].title for post in posts] == [
        "Draft: Freedonia closes its ports",
        "Draft: Freedonia hears from Sylvania",
    ]
    description = str(posts[0].embeds[0].description)
    assert "Rufus Tadwell, Freedonia’s Minister of Ports (2021-03-03)" in description
    assert "? new actor 'Rufus Tadwell'" in description  # what the extractor was unsure of
    assert _labels(posts[0]) == ["Accept all", "Reject"]
    await desk.cog.run_round()  # nothing new, nothing posted again
    assert len(desk.review_posts()) == 2
    await desk.bob.send(desk.channel, "!sources list")
    listed = desk.text()
    assert f"• {base}/feed.xml: every 2 h" in listed
    assert "feed “Fictional Times”: 2 items, 2 new; 2 drafted" in listed
    assert "2 drafts wait for review." in listed
    assert "Drafts go to #drafts; @Curators (or Manage Server) reviews them." in listed


async def test_only_curators_decide_and_an_accept_is_answered_from_at_once(
    desk: Desk, site: tuple[str, Site]
) -> None:
    base, _ = site
    await _watching(desk, base)
    ports, _ = desk.review_posts()
    refused = await desk.bob.click(ports, label="Accept all")
    assert refused.ephemeral
    assert refused.followups == []
    assert refused.response is not None
    assert refused.response.content == (
        "Only curators (the review role, or Manage Server) can review drafts."
    )
    assert desk.cog.desk.drafts(DraftStatus.PENDING)  # nothing was decided
    await desk.bob.send(desk.channel, "!quote tadwell")
    assert "not sign anything this month" not in desk.text()

    # The curator leaves the second quote out, then accepts the rest.
    await desk.curator.select(
        ports, ["ada-quill-2021-03-05-q2"], custom_id=select_id(ports, "drop")
    )
    [ports, _] = desk.review_posts()
    assert "• ~~Rufus Tadwell (2021-03-03): “We have waited long enough,”~~ (left out)" in str(
        ports.embeds[0].description
    )
    await desk.curator.click(ports, label="Accept all")
    [ports, _] = desk.review_posts()
    decided = str(ports.embeds[0].description)
    assert f"✅ Accepted by cora ({desk.curator.id}) on " in decided
    assert "in the store as version 2, answered from at once." in decided
    assert _labels(ports) == []  # decided: no buttons left

    await desk.bob.send(desk.channel, "!quote tadwell")
    quotes = desk.text()
    assert "not sign anything this month" in quotes
    assert "waited long enough" not in quotes
    await desk.bob.send(desk.channel, "!timeline 2021")
    assert "Rufus Tadwell" in desk.text()
    await desk.bob.send(desk.channel, "!sources")
    assert f"accepted in review by cora ({desk.curator.id}) on 2026-01-01" in desk.text()


async def test_the_buttons_work_after_a_restart(
    simcord_env: simcord.Env, desk: Desk, site: tuple[str, Site]
) -> None:
    base, _ = site
    await _watching(desk, base)
    _, kovac = desk.review_posts()
    stopped = desk.bot
    await simcord_env.restart_bot(review_bot())  # same database, a new process
    assert desk.bot is not stopped
    await desk.curator.click(kovac, label="Reject")
    [_, kovac] = desk.review_posts()
    assert f"✖ Rejected by cora ({desk.curator.id}) on " in str(kovac.embeds[0].description)
    [rejected] = desk.cog.desk.drafts(DraftStatus.REJECTED)
    assert rejected.title == "Freedonia hears from Sylvania"
    # A rejected article is not drafted again.
    await desk.editor.send(desk.channel, f"!sources watch {base}/second.html 15m")
    await desk.cog.run_round()
    assert len(desk.review_posts()) == 2
    assert stopped.briefings is not None
    stopped.briefings.database.dispose()  # SimCord detaches the old bot without closing it


async def test_watching_needs_manage_server_and_an_address(desk: Desk) -> None:
    await desk.bob.send(desk.channel, "!sources watch https://news.example/rss.xml")
    assert desk.channel.last_message is not None
    assert "Manage Server" in str(desk.channel.last_message.content)
    for typed, said in (
        ("ftp://news.example/rss.xml", "only http and https are fetched, not ftp"),
        ("https://news.example/rss.xml 5m", "'5m' is 5 min: poll every 15 min to 7 d."),
        ("https://news.example/rss.xml soon", "'soon' is not an interval"),
    ):
        await desk.editor.send(desk.channel, f"!sources watch {typed}")
        reply = desk.text()  # the refusal, then the command's usage
        assert reply.startswith(f"!sources watch\n{said}") or said in reply.splitlines()[1], reply
    assert [type(e) for e in desk.env.errors] == [
        commands.MissingPermissions,
        *[BadSettingError] * 3,
    ]
    await desk.editor.send(desk.channel, "!sources unwatch https://news.example/rss.xml")
    assert desk.text().startswith("Not watched\nhttps://news.example/rss.xml is not on")
    await desk.editor.send(desk.channel, "!sources list")
    assert "This server watches nothing yet." in desk.text()


def _posts_to(desk: Desk, channel: Any) -> list[dict[str, Any]]:
    """The JSON of every message the bot posted in `channel`."""
    return [
        request.json
        for request in desk.env.http_requests
        if request.method == "POST"
        and request.path == f"/channels/{channel.id}/messages"
        and isinstance(request.json, dict)
    ]


async def test_an_accepted_event_is_announced_once_pinging_only_the_chosen_role(
    simcord_env: simcord.Env, desk: Desk, site: tuple[str, Site]
) -> None:
    base, _ = site
    analysts = desk.guild.create_role("Analysts")
    quiet = desk.guild.create_text_channel("quiet")
    await desk.editor.send(
        desk.channel,
        f"!brief subscribe {desk.channel.mention} 09:00 UTC default yes {analysts.mention}",
    )
    subscribed = desk.text()
    assert "It also gets a “New on record” post when an accepted article adds an event." in (
        subscribed
    )
    assert "These posts mention @Analysts; nothing else is ever pinged." in subscribed
    await desk.editor.send(desk.channel, f"!brief subscribe {quiet.mention} 09:00 UTC")
    await _watching(desk, base)
    ports, _ = desk.review_posts()
    await desk.curator.click(ports, label="Accept all")

    [announced] = [p for p in _posts_to(desk, desk.channel) if p.get("content")]
    assert announced["content"] == f"<@&{analysts.id}>"
    # That role, and nothing else: no @everyone, no user, no other role.
    assert announced["allowed_mentions"] == {"parse": [], "roles": [analysts.id]}
    embed = announced["embeds"][0]
    assert embed["title"] == "New on record: Freedonia closes its ports"
    assert (
        "• 2021-03-03: Freedonia’s Minister of Ports, Rufus Tadwell, said" in embed["description"]
    )
    assert (
        f"Source: “Freedonia closes its ports”, {base}/article.html, accepted in review by cora"
        in (embed["description"])
    )
    assert _posts_to(desk, quiet) == []  # it did not ask for developments

    # Every other message the bot sent pings no one.
    for request in desk.env.http_requests:
        body = request.json
        if isinstance(body, dict) and body is not announced and "allowed_mentions" in body:
            assert body["allowed_mentions"].get("parse") == [], body
            assert not body["allowed_mentions"].get("roles"), body

    # Exactly once per (channel, article): later sweeps, in this process or a new one.
    assert desk.bot.briefings is not None
    await desk.bot.briefings.run_due()
    stopped = desk.bot
    await simcord_env.restart_bot(review_bot())
    assert desk.bot.briefings is not None
    await desk.bot.briefings.run_due()
    titles = [p["embeds"][0]["title"] for p in _posts_to(desk, desk.channel) if p.get("embeds")]
    assert titles.count("New on record: Freedonia closes its ports") == 1
    assert stopped.briefings is not None
    stopped.briefings.database.dispose()


async def test_a_long_page_s_draft_fits_one_embed_and_says_what_it_leaves_out(
    desk: Desk,
) -> None:
    await desk.editor.send(desk.channel, f"!sources review-channel {desk.drafts.mention}")
    page = WebPage("https://news.example/wire", wire_page(32 * 1024))
    database = desk.cog.desk.database
    now = desk.env.now()
    staged = desk.cog.desk.stage(page, claim(database, page, now), desk.bot.answers.store, now)
    await desk.cog.post_drafts()
    [post] = desk.review_posts()
    embed = post.embeds[0]
    assert_fits(embed)
    description = str(embed.description)
    listed = description.count("\n• ")
    unlisted = len(draft_items(staged)) - listed
    assert unlisted > 0
    assert f"… and {unlisted} more items, not listed here" in description
    selects = [
        child
        for row in post.components
        for child in getattr(row, "children", [])
        if isinstance(child, discord.SelectMenu)
    ]
    assert [len(select.options) for select in selects] == [25, 25]  # Discord's most


async def test_the_slash_forms_and_the_unwatch_autocomplete(
    desk: Desk, site: tuple[str, Site]
) -> None:
    base, _ = site
    await desk.bot.tree.sync()
    watched = await desk.editor.slash(desk.channel, "sources watch", url=f"<{base}/feed.xml>")
    assert watched.response is not None
    assert watched.response.embeds[0].description is not None
    assert watched.response.embeds[0].description.startswith(
        f"{base}/feed.xml is checked every 1 h"  # Discord's <…> (no preview) is taken off
    )
    choices = await desk.editor.autocomplete(desk.channel, "sources unwatch", "url", "feed")
    assert [choice["value"] for choice in choices] == [f"{base}/feed.xml"]
    shown = await desk.bob.slash(desk.channel, "sources show")
    assert shown.response is not None
    assert shown.response.embeds[0].title == "Sources"
    gone = await desk.editor.slash(desk.channel, "sources unwatch", url=f"{base}/feed.xml")
    assert gone.response is not None
    assert gone.response.embeds[0].title == "No longer watched"


async def test_the_watcher_runs_on_its_own_every_watch_poll_seconds(
    site: tuple[str, Site],
) -> None:
    """With `WATCH_POLL_SECONDS` set, nobody runs a round by hand: the cog's loop does,
    on the event loop's clock."""
    base, _ = site
    settings = Settings(
        _env_file=None, scheduler_enabled=False, allow_private_urls=True, watch_poll_seconds=60
    )
    async with simcord.run(create_bot(settings)) as env:
        desk = Desk(env)
        await desk.editor.send(desk.channel, f"!sources review-channel {desk.drafts.mention}")
        await desk.editor.send(desk.channel, f"!sources watch {base}/article.html")
        await env.advance_time(61)
        [post] = desk.review_posts()
        assert post.embeds[0].title == "Draft: Freedonia closes its ports"
        assert desk.bot.briefings is not None
        desk.bot.briefings.database.dispose()  # SimCord detaches the bot without closing it


async def test_a_database_that_fails_is_one_line_for_every_path(
    desk: Desk,
    site: tuple[str, Site],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A command, a click and a round of the watcher, each meeting a database that
    fails: the person is told in one line, the log says it in one line, no traceback."""
    base, _ = site
    await _watching(desk, base)
    ports, _ = desk.review_posts()

    def locked(*_: object, **__: object) -> None:
        raise OperationalError("INSERT …", None, Exception("database is locked"))

    monkeypatch.setattr(desk.cog.watchlist, "add", locked)
    await desk.editor.send(desk.channel, f"!sources watch {base}/second.html")
    message = desk.channel.last_message
    assert message is not None
    assert message.content == (
        "Not done: the database did not answer: database is locked. Try again shortly."
    )
    assert [type(e) for e in desk.env.errors] == [commands.CommandInvokeError]

    def down(*_: object, **__: object) -> None:
        raise StorageError("could not sync the facts into sqlite:///x: disk I/O error")

    monkeypatch.setattr(desk.cog.desk, "accept", down)
    clicked = await desk.curator.click(ports, label="Accept all")
    [said] = clicked.followups
    assert said.content == ("Not done: could not sync the facts into sqlite:///x: disk I/O error.")
    assert desk.cog.desk.drafts(DraftStatus.PENDING)  # nothing was decided

    async def poll_down(_: object) -> None:
        raise StorageError("could not poll the watched sources: database is locked")

    monkeypatch.setattr(desk.cog.watcher, "poll", poll_down)
    with caplog.at_level(logging.WARNING):
        await desk.cog.watching()
    [record] = [r for r in caplog.records if "watcher" in r.getMessage()]
    assert record.getMessage() == (
        "the watcher's round stopped: could not poll the watched sources: database is locked"
    )
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert all(r.exc_info is None for r in warnings)  # no traceback anywhere


def _other_server(env: simcord.Env, name: str) -> tuple[Any, Any, Any]:
    """Another server, with a member who has Manage Server there, and its drafts channel."""
    other = env.create_guild(name)
    admins = other.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    admin = other.add_member(env.create_user(name.lower()), roles=[admins])
    return other, admin, other.create_text_channel("drafts")


async def test_a_decision_shows_in_every_server_that_was_shown_the_draft(
    simcord_env: simcord.Env, desk: Desk, site: tuple[str, Site]
) -> None:
    base, _ = site
    other, editor, other_drafts = _other_server(simcord_env, "Bureau")
    await restarted(simcord_env, review_bot(curating_guild_ids=[desk.guild.id, other.id]))
    await editor.send(other_drafts, f"!sources review-channel {other_drafts.mention}")
    await _watching(desk, base)
    here = desk.review_posts()[0]
    title = here.embeds[0].title  # the same draft, posted in the other server too
    there = next(m for m in other_drafts.history() if m.embeds and m.embeds[0].title == title)
    assert _labels(there) == ["Accept all", "Reject"]
    await desk.curator.click(here, label="Accept all")
    there = next(message for message in other_drafts.history() if message.id == there.id)
    assert f"✅ Accepted by cora ({desk.curator.id})" in str(there.embeds[0].description)
    assert _labels(there) == []


async def test_a_round_whose_posting_meets_a_failing_database_is_one_line(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def locked(*_: object) -> None:
        raise OperationalError("SELECT …", None, Exception("database is locked"))

    monkeypatch.setattr(desk.cog.review, "unposted", locked)
    with caplog.at_level(logging.WARNING):
        await desk.cog.watching()
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.getMessage() == (
        "the watcher's round stopped: could not post the drafts for review: database is locked"
    )
    assert record.exc_info is None


async def test_a_stranger_server_s_admin_cannot_change_what_this_server_is_told(
    simcord_env: simcord.Env, desk: Desk, site: tuple[str, Site]
) -> None:
    """Mallory has Manage Server in a server of her own, watches a page she controls
    and accepts it there: the newsroom (the curating server) is not told her words,
    gets no "New on record" post and no ping; a server that watches nothing is not
    shown her draft. The newsroom's curator decides it."""
    base, _ = site
    stranger, mallory, her_drafts = _other_server(simcord_env, "Mallory")
    bystander, admin, their_drafts = _other_server(simcord_env, "Bystander")
    await restarted(simcord_env, review_bot(curating_guild_ids=[desk.guild.id]))
    analysts = desk.guild.create_role("Analysts")
    await desk.editor.send(
        desk.channel,
        f"!brief subscribe {desk.channel.mention} 09:00 UTC default yes {analysts.mention}",
    )
    await desk.editor.send(
        desk.channel, f"!sources review-channel {desk.drafts.mention} {desk.curators.mention}"
    )
    await admin.send(their_drafts, f"!sources review-channel {their_drafts.mention}")
    await mallory.send(her_drafts, f"!sources review-channel {her_drafts.mention}")
    assert "☞ This server does not curate the shared record: drafts of what it watches" in (
        desk.text(her_drafts)
    )
    await mallory.send(her_drafts, f"!sources watch {base}/article.html")
    await desk.cog.run_round()

    [hers] = [m for m in her_drafts.history() if m.embeds and m.embeds[0].title.startswith("Dr")]
    clicked = await mallory.click(hers, label="Accept all")
    await desk.bob.send(desk.channel, "!quote tadwell")
    assert "not sign anything this month" not in desk.text()
    assert desk.bot.briefings is not None
    await desk.bot.briefings.run_due()
    assert not [p for p in _posts_to(desk, desk.channel) if p.get("content")]  # no ping
    titles = [e["title"] for p in _posts_to(desk, desk.channel) for e in p.get("embeds", [])]
    assert not [title for title in titles if title.startswith("New on record")]
    [said] = clicked.followups
    assert said.content == (
        "Not done: this server does not curate the shared record: only the curators of a "
        "curating server, or the bot's owners, decide its drafts; this one stays a "
        "suggestion until they do."
    )
    await mallory.select(hers, ["ada-quill-2021-03-05-q2"], custom_id=select_id(hers, "drop"))
    await mallory.click(hers, label="Reject")
    [pending] = desk.cog.desk.drafts()
    assert (pending.status, pending.dropped) == (DraftStatus.PENDING, [])
    assert [m for m in their_drafts.history() if m.embeds and "Draft" in m.embeds[0].title] == []
    await admin.send(their_drafts, "!sources list")
    assert "for review" not in desk.text(their_drafts)  # not even how many
    [hers] = [m for m in her_drafts.history() if m.id == hers.id]  # told what it is
    assert "☞ A suggestion from this server's watch: only the curators of a curating" in str(
        hers.embeds[0].description
    )

    # The newsroom was shown it, without the suggestion note, and decides it.
    [ours] = desk.review_posts()
    assert "suggestion" not in str(ours.embeds[0].description)
    await desk.curator.click(ours, label="Accept all")
    await desk.bob.send(desk.channel, "!quote tadwell")
    assert "not sign anything this month" in desk.text()
    [announced] = [p for p in _posts_to(desk, desk.channel) if p.get("content")]
    assert announced["content"] == f"<@&{analysts.id}>"
    del stranger, bystander


async def test_an_old_post_after_a_restore_decides_nothing(
    simcord_env: simcord.Env, desk: Desk, site: tuple[str, Site], tmp_path: Any
) -> None:
    """A review post made before the database was switched names draft 1; in the
    database now, draft 1 is another article. A click on the old post is refused in
    one line and the article it did not show stays pending."""
    base, _ = site
    review_channel = f"!sources review-channel {desk.drafts.mention} {desk.curators.mention}"
    await desk.editor.send(desk.channel, review_channel)
    await desk.editor.send(desk.channel, f"!sources watch {base}/article.html")
    await desk.cog.run_round()
    [old] = desk.review_posts()
    custom_ids = [
        str(child.custom_id)
        for row in old.components
        for child in getattr(row, "children", [])
        if getattr(child, "custom_id", None)
    ]
    assert custom_ids
    assert all(len(custom_id) <= 100 for custom_id in custom_ids)

    await restarted(simcord_env, review_bot(data_dir=tmp_path / "restored"))
    await desk.editor.send(desk.channel, review_channel)
    await desk.editor.send(desk.channel, f"!sources watch {base}/second.html")
    await desk.cog.run_round()
    [other] = desk.cog.desk.drafts()
    assert (other.id, other.title) == (1, "Freedonia hears from Sylvania")  # the same id

    old = next(m for m in desk.drafts.history() if m.id == old.id)
    clicked = await desk.curator.click(old, label="Accept all")
    [said] = clicked.followups
    assert said.content == (
        "Not done: this post no longer matches its draft (the database was switched or "
        "restored); nothing was decided."
    )
    still = desk.cog.desk.get(1)
    assert still is not None
    assert still.status is DraftStatus.PENDING
    newer = next(m for m in desk.review_posts() if m.id != old.id)
    await desk.curator.click(newer, label="Reject")  # the post that shows it decides it
    rejected = desk.cog.desk.get(1)
    assert rejected is not None
    assert rejected.status is DraftStatus.REJECTED


async def test_a_post_older_than_bound_buttons_is_refused_in_one_line(desk: Desk) -> None:
    """Buttons that name only a draft's id (posted by an older release) cannot say
    which draft they showed: a click is refused, privately, in one line."""
    await desk.editor.send(desk.channel, f"!sources review-channel {desk.drafts.mention}")
    page = WebPage("https://news.example/ports", wire_page(2 * 1024))
    database = desk.cog.desk.database
    now = desk.env.now()
    staged = desk.cog.desk.stage(page, claim(database, page, now), desk.bot.answers.store, now)
    channel = desk.bot.get_channel(desk.drafts.id)
    assert isinstance(channel, discord.TextChannel)
    view = discord.ui.View(timeout=None)
    view.add_item(ReviewButton("accept", staged.id, None))
    await channel.send("an old review post", view=view)
    old = desk.drafts.last_message
    assert old is not None
    clicked = await desk.editor.click(old, label="Accept all")
    assert clicked.response is not None
    assert clicked.ephemeral
    assert clicked.response.content == (
        "Not done: this post's buttons are not bound to what it shows (it predates that "
        "check); use the draft's newer post in this channel."
    )
    pending = desk.cog.desk.get(staged.id)
    assert pending is not None
    assert pending.status is DraftStatus.PENDING


async def test_unset_in_two_servers_only_an_owner_decides(
    simcord_env: simcord.Env, desk: Desk, site: tuple[str, Site]
) -> None:
    """With `CURATING_GUILD_IDS` unset, the bot's only server curates (every test
    above); once it is in a second one, neither does until it is set, and only an
    owner decides, from either server."""
    base, _ = site
    _other_server(simcord_env, "Bureau")
    await _watching(desk, base)
    ports, _ = desk.review_posts()
    assert "☞ A suggestion from this server's watch" in str(ports.embeds[0].description)
    await desk.editor.send(desk.channel, "!sources list")
    assert "as suggestions: only the curators of a curating server" in desk.text()
    refused = await desk.curator.click(ports, label="Accept all")
    [said] = refused.followups
    assert said.content.startswith("Not done: this server does not curate the shared record")
    # OWNER_IDS: bob is neither a curator nor an admin here
    desk.bot.owner_id, desk.bot.owner_ids = None, {desk.bob.id}
    await desk.bob.click(ports, label="Accept all")
    [ports, _] = desk.review_posts()
    assert f"✅ Accepted by bob ({desk.bob.id}) on " in str(ports.embeds[0].description)
    await desk.bob.send(desk.channel, "!quote tadwell")
    assert "not sign anything this month" in desk.text()


async def test_a_decision_waits_on_the_database_in_a_thread_never_on_the_loop(
    desk: Desk, site: tuple[str, Site], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Reject waited 8 s on another process's sync lock, on the event loop (the
    gateway's heartbeat stopped with it): the desk's calls run in worker threads."""
    base, _ = site
    await _watching(desk, base)
    _, kovac = desk.review_posts()
    review_desk = desk.cog.desk
    threads: list[str] = []

    def in_thread(real: Callable[..., Any]) -> Callable[..., Any]:
        def watched(*args: Any) -> Any:
            threads.append(threading.current_thread().name)
            return real(*args)

        return watched

    for name in ("reject", "get"):
        monkeypatch.setattr(review_desk, name, in_thread(getattr(review_desk, name)))
    await desk.curator.click(kovac, label="Reject")
    assert len(threads) == 2
    assert threading.main_thread().name not in threads  # the loop runs in the main thread
