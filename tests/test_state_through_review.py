"""The record grows through review and the answers follow, end to end: the bot drafts a
new article (its own test page, in wire style, with invented people), a curator
accepts the untouched draft in Discord, and the status leads with the new state, the
subscribed channel is told of the change, and the countdown it decides stops."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import simcord

from bot.app import create_bot
from bot.settings import Settings
from briefings.factbase import DatabaseFactStore
from briefings.ingest.seen import claim
from briefings.ingest.web import WebPage
from briefings.review.desk import draft_items
from tests.agreement import PAGES_DIR, agreement_seeds
from tests.test_review_flow import Desk

SUSPENSION = "903_hanbit_20191122.txt"
URL = "https://news.example/hanbit/suspension"
DRAFTED = dt.datetime(2019, 11, 22, 12, tzinfo=dt.UTC)


async def test_an_article_accepted_as_drafted_changes_the_state_and_tells_the_channel(
    tmp_path: Path,
) -> None:
    seeds = agreement_seeds(tmp_path / "seeds", ("902_hanbit_20190823.txt",))
    settings = Settings(_env_file=None, seeds_dir=seeds, scheduler_enabled=False)
    async with simcord.run(create_bot(settings)) as env:
        desk = Desk(env)
        await desk.editor.send(
            desk.channel,
            f"!sources review-channel {desk.drafts.mention} {desk.curators.mention}",
        )
        await desk.editor.send(
            desk.channel, f"!brief subscribe {desk.channel.mention} 09:00 UTC default yes"
        )
        await desk.alice.send(desk.channel, "!gsomia status")
        assert str(desk.last_embed().description).startswith(
            "As of the latest source (2019-11-22): In force, termination notified on"
        )
        await desk.alice.send(desk.channel, "!brief preview 2019-11-22")
        assert "In one day, on 2019-11-23: GSOMIA is" in str(desk.last_embed().description)

        # The watcher's work, without the network: the page is claimed and drafted.
        review = desk.cog.desk
        database = review.database
        page = WebPage(URL, (PAGES_DIR / SUSPENSION).read_text(encoding="utf-8"))
        draft = review.stage(
            page, claim(database, page, DRAFTED), DatabaseFactStore(database), DRAFTED
        )
        # The drafter proposes the step's effect; the curator sees it under the draft.
        [event] = [item for item in draft_items(draft) if item.kind == "event"]
        assert event.label.endswith("; effect: termination_suspended, conditional")
        await desk.cog.post_drafts()
        [post] = desk.review_posts()
        await desk.curator.click(post, label="Accept all")

        await desk.alice.send(desk.channel, "!gsomia status")
        assert str(desk.last_embed().description).startswith(
            "As of the latest source (2019-11-22): In force (termination suspended,"
            " conditionally, since 2019-11-22)"
        )
        told = [
            str(embed["description"])
            for body in desk.message_posts()
            for embed in body.get("embeds", [])
            if str(embed.get("title", "")).startswith("New on record")
        ]
        assert len(told) == 1
        assert "GSOMIA's state changed: termination notified" in told[0]
        assert "→ termination suspended, conditionally, on 2019-11-22" in told[0]
        await desk.alice.send(desk.channel, "!brief preview 2019-11-22")
        after = desk.channel.last_message
        assert after is not None
        shown = after.embeds[0].title if after.embeds else after.content
        assert str(shown).startswith("No briefing on 2019-11-22")
