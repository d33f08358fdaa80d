"""`/sources` through the real bot and SimCord: the keywords a watched source is
filtered by, what they skip, and the cog's database calls made in threads, never on
the event loop. The feeds are served by the local web site of `tests/web_site.py`."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import simcord

from bot.app import BriefBot
from bot.arguments import BadSettingError
from tests.test_review_flow import Desk, review_bot
from tests.web_site import Site


@pytest.fixture
def simcord_bot() -> BriefBot:
    return review_bot()


@pytest.fixture
def desk(simcord_env: simcord.Env) -> Desk:
    return Desk(simcord_env)


async def test_setting_the_review_channel_waits_for_a_locked_database_off_the_loop(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process's sync holds SQLite's write lock: the review channel's write waits
    for it off the event loop (waiting on it would hold the gateway's heartbeat up to
    the 10 s busy timeout), so the loop runs on, and the write goes through once the
    lock is let go."""
    review = desk.cog.review
    path = review.database.engine.url.database
    assert path
    entered: list[float] = []  # when the write began (SimCord makes monotonic() virtual)
    real = review.set_channel

    def set_channel(*args: Any) -> None:
        entered.append(time.perf_counter())
        real(*args)

    monkeypatch.setattr(review, "set_channel", set_channel)
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")  # the write lock, as a sync holds it
    try:
        command = asyncio.create_task(
            desk.editor.send(desk.channel, f"!sources review-channel {desk.drafts.mention}")
        )
        while not entered:
            await asyncio.sleep(0.001)
        # The loop turns again at once, or only once the write gave up waiting.
        stall = time.perf_counter() - entered[0]
        assert stall < 0.5, f"the loop stalled {stall:.2f} s"
        for _ in range(5):
            await asyncio.sleep(0.001)
        assert not command.done()  # the write waits for the lock meanwhile
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    await command
    assert desk.text().startswith("Review channel set"), desk.text()


async def test_the_cog_reads_the_review_settings_in_threads(
    desk: Desk, site: tuple[str, Site], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`/sources list`, `/sources watch` and a reviewer's click read the review
    channel and the drafts waiting: in worker threads, like every other call."""
    base, _ = site
    review = desk.cog.review
    threads: list[tuple[str, str]] = []

    def in_thread(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def watched(*args: Any) -> Any:
            threads.append((name, threading.current_thread().name))
            return real(*args)

        return watched

    for name in ("channel", "waiting", "set_channel"):
        monkeypatch.setattr(review, name, in_thread(name, getattr(review, name)))
    await desk.editor.send(
        desk.channel, f"!sources review-channel {desk.drafts.mention} {desk.curators.mention}"
    )
    await desk.editor.send(desk.channel, f"!sources watch {base}/article.html")
    await desk.bob.send(desk.channel, "!sources list")
    await desk.cog.run_round()
    [post] = desk.review_posts()
    await desk.curator.click(post, label="Reject")
    called = {name for name, _ in threads}
    assert called == {"channel", "waiting", "set_channel"}
    on_loop = [name for name, thread in threads if thread == threading.main_thread().name]
    assert on_loop == []


async def test_a_source_s_keywords_skip_what_they_do_not_name_and_the_list_shows_it(
    desk: Desk, site: tuple[str, Site]
) -> None:
    base, _ = site
    feed = f"{base}/feed.xml"
    await desk.editor.send(desk.channel, f"!sources review-channel {desk.drafts.mention}")
    await desk.editor.send(desk.channel, f"!sources watch {feed} 2h include:Sylvania,실바니아")
    watching = desk.text()
    assert watching.startswith(f"Watching\n{feed} is checked every 2 h"), watching
    assert "Only articles that mention one of these are drafted: Sylvania, 실바니아." in watching
    await desk.cog.run_round()
    assert [post.embeds[0].title for post in desk.review_posts()] == [
        "Draft: Freedonia hears from Sylvania"
    ]
    await desk.bob.send(desk.channel, "!sources list")
    listed = desk.text()
    assert "feed “Fictional Times”: 2 items, 2 new; 1 drafted; 1 skipped by the keywords" in (
        listed
    )
    assert "drafts only articles that mention Sylvania, 실바니아" in listed
    assert "1 article skipped by the keywords, the latest:" in listed
    assert "– “Freedonia closes its ports”: mentions no include keyword" in listed

    # Changed later, in the slash form: the interval is kept, the skip judged again.
    await desk.bot.tree.sync()
    changed = await desk.editor.slash(
        desk.channel, "sources watch", url=feed, include="none", exclude="Sylvania"
    )
    assert changed.response is not None
    description = str(changed.response.embeds[0].description)
    assert description.startswith(f"{feed} is checked every 2 h"), description
    assert "skipped, whatever else they mention: Sylvania." in description
    await desk.cog.run_round()  # not due yet: nothing fetched
    await desk.env.advance_time(2 * 3600)
    await desk.cog.run_round()
    titles = [post.embeds[0].title for post in desk.review_posts()]
    assert titles == ["Draft: Freedonia hears from Sylvania", "Draft: Freedonia closes its ports"]


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("include:GSOMIA,,Kono", "An empty include keyword in 'GSOMIA,,Kono'"),
        (f"exclude:{'x' * 41}", "is 41 characters long: a keyword has at most 40."),
        ("include:" + ",".join(f"k{n}" for n in range(21)), "21 include keywords"),
        ("include:GSOMIA exclude:gsomia", "'GSOMIA' is both an include and an exclude keyword."),
        ("2h GSOMIA", "'GSOMIA': an interval given twice"),
    ],
)
async def test_bad_keywords_are_refused_in_one_line_and_nothing_is_watched(
    desk: Desk, typed: str, said: str
) -> None:
    await desk.editor.send(desk.channel, f"!sources watch https://news.example/rss.xml {typed}")
    reply = desk.text()
    assert said in reply.splitlines()[1] or reply.startswith(said), reply
    assert [type(error) for error in desk.env.errors] == [BadSettingError]
    await desk.editor.send(desk.channel, "!sources list")
    assert "This server watches nothing yet." in desk.text()
