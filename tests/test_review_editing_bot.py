"""Editing a draft in Discord, through the real bot and SimCord: under a review post, a
curator picks an item, a form opens with what the draft says of it, and what they
change there is the edit; the post then shows the edited draft. A refusal is one
private line. From an unattributed quotation to `!quote` with the speaker a curator
gave, and who gave it."""

from __future__ import annotations

import discord
import pytest
import simcord

from bot.app import BriefBot
from briefings.ingest.seen import claim
from briefings.ingest.web import WebPage
from briefings.review.desk import draft_items
from briefings.review.drafts import Draft, DraftStatus
from tests.embed_limits import assert_fits
from tests.test_review_edits import ARTICLE, PAGE, QUOTE, SUSPENSION, UNDATED_PAGE, URL
from tests.test_review_flow import Desk, review_bot, select_id


@pytest.fixture
def simcord_bot() -> BriefBot:
    return review_bot()


@pytest.fixture
def desk(simcord_env: simcord.Env) -> Desk:
    return Desk(simcord_env)


async def _posted(desk: Desk) -> tuple[Draft, discord.Message]:
    """The test article, drafted and posted in the review channel."""
    await desk.editor.send(
        desk.channel, f"!sources review-channel {desk.drafts.mention} {desk.curators.mention}"
    )
    page, database, now = WebPage(URL, PAGE), desk.cog.desk.database, desk.env.now()
    staged = desk.cog.desk.stage(page, claim(database, page, now), desk.bot.answers.store, now)
    await desk.cog.post_drafts()
    [post] = desk.review_posts()
    return staged, post


def _form(shown: simcord.InteractionResult) -> tuple[str, dict[str, str]]:
    """The title of the form the bot opened, and each field's starting value."""
    modal = shown.modal
    assert modal is not None
    fields = {
        child["custom_id"]: child.get("value") or ""
        for row in modal["components"]
        for child in row.get("components", [row.get("component")])
        if child
    }
    return modal["title"], fields


async def test_a_curator_gives_a_left_out_quotation_its_speaker_and_quote_cites_it(
    desk: Desk,
) -> None:
    draft, post = await _posted(desk)
    [left_out] = [item.id for item in draft_items(draft) if item.kind == "left out"]
    editing = select_id(post, "edit")
    assert editing == f"briefbot:review:edit:{draft.id}:{draft.digest}"  # bound like the buttons
    assert "Quotations left out (give one its speaker to make it a quote) (1):" in str(
        post.embeds[0].description
    )

    refused = await desk.bob.select(post, [left_out], custom_id=editing)
    assert refused.ephemeral
    assert refused.modal is None

    shown = await desk.curator.select(post, [left_out], custom_id=editing)
    title, fields = _form(shown)
    assert title == "Give the quotation its speaker"
    assert fields == {"speaker": "", "role": "", "date": "", "reason": ""}
    reason = "the statement was read by the ministry's spokesman, Ivo Brandt"
    await desk.curator.submit_modal(
        shown, {"speaker": "Ivo Brandt", "role": "ministry spokesman", "reason": reason}
    )
    [post] = desk.review_posts()
    assert_fits(post.embeds[0])
    description = str(post.embeds[0].description)
    assert "• Ivo Brandt, ministry spokesman (undated): “The door remains open to Freedonia,”" in (
        description
    )
    assert f"✎ speaker given in review by cora ({desk.curator.id}): the statement was read" in (
        description
    )
    assert "Quotations left out" not in description

    await desk.curator.click(post, label="Accept all")
    [post] = desk.review_posts()
    assert "✅ Accepted by cora" in str(post.embeds[0].description)
    await desk.bob.send(desk.channel, "!quote brandt")
    answer = desk.text()
    assert "“The door remains open to Freedonia,”" in answer
    assert f"speaker given in review by cora ({desk.curator.id}) on 2026-01-01: " in answer


async def test_the_form_holds_what_the_draft_says_and_an_edit_that_would_not_check_is_refused(
    desk: Desk,
) -> None:
    draft, post = await _posted(desk)
    editing = select_id(post, "edit")
    shown = await desk.curator.select(post, [SUSPENSION], custom_id=editing)
    title, fields = _form(shown)
    assert title == "Edit the event"
    # The drafted effect, as the drafter proposed it, to confirm or change.
    assert fields == {
        "date": "2021-03-04",
        "effect": "termination_suspended",
        "takes_effect": "",
        "reason": "",
    }
    refused = await desk.curator.submit_modal(shown, {**fields, "effect": "normalized"})
    assert refused.ephemeral
    assert refused.response is not None
    content = str(refused.response.content)
    assert content.startswith(
        "Not done: not edited, the draft would not check: draft: event "
        f"{ARTICLE}-e2: effect normalized: no excerpt of its evidence says so"
    )
    assert "\n" not in content
    assert desk.cog.desk.edits(draft.id) == []

    [post] = desk.review_posts()
    shown = await desk.curator.select(post, [SUSPENSION], custom_id=editing)
    await desk.curator.submit_modal(
        shown, {**fields, "effect": "termination_suspended, conditional"}
    )
    [post] = desk.review_posts()
    assert "; effect: termination\\_suspended, conditional" in str(post.embeds[0].description)

    # The article's date and a quote's role, each from its own form.
    shown = await desk.curator.select(post, [ARTICLE], custom_id=editing)
    assert _form(shown) == ("Edit the article", {"date": "2021-03-05", "reason": ""})
    shown = await desk.curator.select(post, [QUOTE], custom_id=editing)
    title, fields = _form(shown)
    assert fields["role"] == "Sylvania's Foreign Minister"
    await desk.curator.submit_modal(shown, {**fields, "role": ""})
    [post] = desk.review_posts()
    assert "• Mara Ostrow (2021-03-04): “keep the pact for one more year”" in str(
        post.embeds[0].description
    )
    assert [edit.field for edit in desk.cog.desk.edits(draft.id)] == ["effect", "role of the quote"]
    pending = desk.cog.desk.get(draft.id)
    assert pending is not None
    assert pending.status is DraftStatus.PENDING


async def test_an_undated_page_is_given_its_date_from_the_post_and_drafted(desk: Desk) -> None:
    await desk.editor.send(desk.channel, f"!sources review-channel {desk.drafts.mention}")
    page, database, now = WebPage(URL, UNDATED_PAGE), desk.cog.desk.database, desk.env.now()
    staged = desk.cog.desk.stage(page, claim(database, page, now), desk.bot.answers.store, now)
    await desk.cog.post_drafts()
    [post] = desk.review_posts()
    assert "📅 The page prints no date: give the article's date" in str(post.embeds[0].description)
    shown = await desk.editor.select(post, ["article"], custom_id=select_id(post, "edit"))
    assert _form(shown) == ("Edit the article", {"date": "", "reason": ""})
    await desk.editor.submit_modal(shown, {"date": "2021-03-12", "reason": "the agency's"})
    [post] = desk.review_posts()
    description = str(post.embeds[0].description)
    assert "📅" not in description
    assert "by Ada Quill, 2021-03-12 (inferred)" in description
    assert "• Mara Ostrow, Sylvania's Foreign Minister (2021-03-11)" in description
    [edit] = desk.cog.desk.edits(staged.id)
    assert (edit.item, edit.after) == ("article", "2021-03-12")
