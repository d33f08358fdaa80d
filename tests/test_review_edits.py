"""Editing a draft in review: a curator gives a quote its speaker (an actor the store
knows, or a new person), changes a role, a date or an event's effect, and gives a
quotation the drafter left out its speaker; each edit is one transaction, checked
against the page, recorded with who made it, and refused in one line when it would
not check. The page is ours, written in the style of wire copy, with invented people."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import text

from bot.cli import main
from bot.console import answer_text
from briefings.annotations import AnnotationFile
from briefings.answers import Answerer
from briefings.errors import StorageError
from briefings.factbase import DatabaseFactStore
from briefings.ingest.seen import claim
from briefings.ingest.web import WebPage
from briefings.loading import DEFAULT_SEEDS_DIR
from briefings.rendering import Renderer
from briefings.review.desk import DecisionError, ReviewDesk, draft_items, read_draft
from briefings.review.drafts import Draft
from briefings.review.edits import Edit, EditError, draft_problems, edit_of_form, form_of
from briefings.review.trust import Reviewer, Trust
from briefings.seeds import SeedText
from briefings.storage import Database
from briefings.yaml_files import load_yaml

NOW = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)
URL = "https://news.example/sylvania-pact"
NEWSROOM = 1001  # the curating server
CURATOR = Reviewer("Cora (42)", NEWSROOM)
ARTICLE = "ada-quill-2021-03-05"
QUOTE, EXTENSION, SUSPENSION = f"{ARTICLE}-q1", f"{ARTICLE}-e1", f"{ARTICLE}-e2"
PAGE = """Sylvania keeps the pact alive on conditions
March 5, 2021 by Ada Quill

SYLVANIA CITY, March 5 -- Sylvania's Foreign Minister, Mara Ostrow, said on Thursday that her government would “keep the pact for one more year”.

“The door remains open to Freedonia,” according to a statement read out at the ministry.

Sylvania suspended the termination of the pact on a condition on March 4, 2021, the ministry said.
"""  # noqa: E501 - a page as fetched: one paragraph per line


@pytest.fixture
def desk(database: Database) -> ReviewDesk:
    return ReviewDesk(database, DEFAULT_SEEDS_DIR, trust=Trust([NEWSROOM]))


@pytest.fixture
def draft(database: Database, desk: ReviewDesk) -> Draft:
    page = WebPage(URL, PAGE)
    return desk.stage(page, claim(database, page, NOW), DatabaseFactStore(database), NOW)


def _file(desk: ReviewDesk, draft: Draft) -> AnnotationFile:
    current = desk.get(draft.id)
    assert current is not None
    return AnnotationFile.model_validate(load_yaml(current.annotations.encode("utf-8")))


def _left_out(draft: Draft) -> str:
    [item] = [item for item in draft_items(draft) if item.kind == "left out"]
    return item.id


def _answer(database: Database, question: str) -> str:
    renderer = Renderer()
    return answer_text(Answerer(DatabaseFactStore(database), renderer), renderer, question)


def test_the_drafter_leaves_the_unattributed_quotation_out_and_the_desk_shows_why(
    draft: Draft,
) -> None:
    items = {item.id: item for item in draft_items(draft)}
    left_out = items[_left_out(draft)]
    assert left_out.label.startswith("“The door remains open to Freedonia,” (Left out by")
    assert left_out.editable
    assert not left_out.droppable
    # The drafter fills the effect it proposes; the post shows it for the curator to
    # confirm, change or remove.
    assert items[SUSPENSION].label.endswith("; effect: termination_suspended")


def test_a_left_out_quotation_given_its_speaker_is_accepted_and_cited_with_the_record(
    database: Database, desk: ReviewDesk, draft: Draft
) -> None:
    edit = Edit(
        item=_left_out(draft),
        speaker="Ivo Brandt",
        role="ministry spokesman",
        reason="the statement was read by the ministry's spokesman, Ivo Brandt",
    )
    edited, changes = desk.edit(draft.id, edit, CURATOR, NOW)
    assert [(c.field, c.after) for c in changes] == [
        ("quote", f"{ARTICLE}-q2"),
        ("speaker", "ivo-brandt"),
        ("role of the quote", "ivo-brandt-ministry-spokesman"),
    ]
    [quote] = [item for item in draft_items(edited) if item.id == f"{ARTICLE}-q2"]
    assert quote.label == (
        "Ivo Brandt, ministry spokesman (undated): “The door remains open to Freedonia,”"
    )
    assert quote.edited[0] == (
        "speaker given in review by Cora (42): the statement was read by the ministry's "
        "spokesman, Ivo Brandt"
    )
    assert [(e.item, e.field, e.by, e.at) for e in desk.edits(draft.id)][1] == (
        f"{ARTICLE}-q2",
        "speaker",
        "Cora (42)",
        NOW,
    )
    desk.accept(draft.id, CURATOR, NOW)
    answer = _answer(database, "!quote brandt")
    assert "“The door remains open to Freedonia,”" in answer
    assert "printed as: according to a statement read out at the ministry" in answer
    assert (
        "speaker given in review by Cora (42) on 2026-12-03: the statement was read by "
        "the ministry's spokesman, Ivo Brandt"
    ) in answer
    assert "Sylvania keeps the pact alive on conditions" in answer  # cited


def test_a_speaker_can_be_an_actor_the_store_knows_and_loses_the_drafted_role(
    desk: ReviewDesk, draft: Draft
) -> None:
    _, changes = desk.edit(draft.id, Edit(item=QUOTE, speaker="taro-kono"), CURATOR, NOW)
    assert [(c.field, c.before, c.after) for c in changes] == [
        ("speaker", "mara-ostrow", "taro-kono"),
        ("role of the quote", "mara-ostrow-sylvania-s-foreign-minis", "none"),
    ]
    [quote] = _file(desk, draft).quotes
    assert (quote.speaker, quote.role) == ("taro-kono", None)
    assert quote.speaker_given is not None
    assert quote.speaker_given.drafted == "mara-ostrow"
    assert quote.speaker_given.reason == "the speaker is Taro Kono"
    # By name, as typed, the same actor: no second Taro Kono.
    desk.edit(draft.id, Edit(item=QUOTE, speaker="taro kono"), CURATOR, NOW)
    assert "taro-kono-2" not in {actor.id for actor in _file(desk, draft).actors}


def test_a_role_is_retitled_or_taken_away(desk: ReviewDesk, draft: Draft) -> None:
    edit = Edit(item=QUOTE, role="Sylvania's Foreign Minister and Deputy Premier")
    desk.edit(draft.id, edit, CURATOR, NOW)
    [role] = _file(desk, draft).roles
    assert role.title == "Sylvania's Foreign Minister and Deputy Premier"
    assert role.note == "given in review by Cora (42)"
    desk.edit(draft.id, Edit(item=QUOTE, no_role=True), CURATOR, NOW)
    assert _file(desk, draft).quotes[0].role is None
    desk.edit(draft.id, Edit(item="mara-ostrow", role="Foreign Minister"), CURATOR, NOW)
    assert _file(desk, draft).roles[0].title == "Foreign Minister"


def test_dates_of_a_quote_an_event_and_the_article(desk: ReviewDesk, draft: Draft) -> None:
    desk.edit(draft.id, Edit(item=QUOTE, date="3 March 2021", reason="a briefing"), CURATOR, NOW)
    quote = _file(desk, draft).quotes[0]
    assert quote.date is not None
    assert (str(quote.date.value), quote.date.how, quote.date.reason) == (
        "2021-03-03",
        "inferred",
        "given in review by Cora (42): a briefing",
    )
    desk.edit(draft.id, Edit(item=SUSPENSION, date="2021-03"), CURATOR, NOW)
    assert _file(desk, draft).events[1].date.value.iso == "2021-03"
    # The article's own day: what was resolved against it ("on Thursday") follows.
    desk.edit(draft.id, Edit(item=ARTICLE, date="2021-03-12"), CURATOR, NOW)
    file = _file(desk, draft)
    assert str(file.sources[0].articles[0].date.value) == "2021-03-12"
    assert str(file.events[0].date.value) == "2021-03-11"  # the Thursday before it


def test_an_effect_is_confirmed_changed_and_removed(desk: ReviewDesk, draft: Draft) -> None:
    edit = Edit(item=SUSPENSION, effect="termination_suspended", conditional=True)
    _, changes = desk.edit(draft.id, edit, CURATOR, NOW)
    assert [(c.before, c.after) for c in changes] == [
        ("termination_suspended", "termination_suspended conditionally")
    ]
    event = _file(desk, draft).events[1]
    assert event.milestone
    assert event.effect is not None
    assert (event.effect.kind, event.effect.conditional) == ("termination_suspended", True)
    [item] = [item for item in draft_items(desk.get(draft.id) or draft) if item.id == SUSPENSION]
    assert item.label.endswith("; effect: termination_suspended, conditional")
    desk.edit(draft.id, Edit(item=SUSPENSION, conditional=False), CURATOR, NOW)
    effect = _file(desk, draft).events[1].effect
    assert effect is not None
    assert not effect.conditional
    desk.edit(draft.id, Edit(item=SUSPENSION, no_effect=True), CURATOR, NOW)
    assert _file(desk, draft).events[1].effect is None


@pytest.mark.parametrize(
    ("edit", "refusal"),
    [
        (
            Edit(item="nothing-such", date="2021"),
            "not edited: the draft has no item 'nothing-such'",
        ),
        (Edit(item=QUOTE), "not edited: nothing to change in"),
        (Edit(item=QUOTE, effect="extended"), "not edited: quote ada-quill-2021-03-05-q1 has no "),
        (
            Edit(item=QUOTE, speaker="nobody-known"),
            "not edited: no actor has the id 'nobody-known'",
        ),
        (Edit(item=QUOTE, date="Thursday week"), "not edited: 'Thursday week' is not a date"),
        (Edit(item=QUOTE, date="03/04/2021"), "not edited: "),
        (Edit(item=EXTENSION, effect="renewed"), "not edited: 'renewed' is not an effect; one of"),
        (
            Edit(item=EXTENSION, effect="normalized"),
            "not edited, the draft would not check: draft: event ada-quill-2021-03-05-e1: "
            "effect normalized: no excerpt of its evidence says so",
        ),
        (
            Edit(item=EXTENSION, effect="extended", conditional=True),
            "not edited, the draft would not check: draft: event ada-quill-2021-03-05-e1: "
            "effect extended: no excerpt of its evidence says so ('extend', 'extension', "
            "'renew', 'prolong'); draft: event ada-quill-2021-03-05-e1: effect extended: only "
            "a suspension is conditional",
        ),
        (Edit(item="mara-ostrow", speaker="Ivo Brandt"), "not edited: actor mara-ostrow has no"),
    ],
)
def test_an_edit_that_does_not_apply_or_check_is_refused_in_one_line_and_changes_nothing(
    desk: ReviewDesk, draft: Draft, edit: Edit, refusal: str
) -> None:
    before = desk.get(draft.id)
    with pytest.raises(DecisionError) as refused:
        desk.edit(draft.id, edit, CURATOR, NOW)
    assert str(refused.value).startswith(refusal)
    assert "\n" not in str(refused.value)
    assert desk.get(draft.id) == before
    assert desk.edits(draft.id) == []


def test_only_a_curator_of_a_curating_server_edits_a_pending_draft_the_post_shows(
    desk: ReviewDesk, draft: Draft
) -> None:
    edit = Edit(item=QUOTE, date="2021-03-03")
    with pytest.raises(DecisionError, match="this server does not curate the shared record"):
        desk.edit(draft.id, edit, Reviewer("Stranger (9)", 2002), NOW)
    with pytest.raises(DecisionError, match="no longer matches its draft"):
        desk.edit(draft.id, edit, CURATOR, NOW, shown="0" * 16)
    desk.edit(draft.id, edit, Reviewer("Owner (1)", None, owner=True), NOW, shown=draft.digest)
    desk.reject(draft.id, CURATOR, NOW)
    with pytest.raises(DecisionError, match=r"^already rejected by Cora \(42\)$"):
        desk.edit(draft.id, edit, CURATOR, NOW)
    assert len(desk.edits(draft.id)) == 1


def test_an_edit_whose_record_cannot_be_written_changes_nothing(
    database: Database, desk: ReviewDesk, draft: Draft
) -> None:
    """The edited annotations and the record of the edit are one transaction: when
    the record fails, the draft is as it was (and the failure is one line)."""
    if database.engine.dialect.name != "sqlite":
        pytest.skip("the failing record is a SQLite trigger")
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TRIGGER no_record BEFORE INSERT ON review_edits "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        )
    before = desk.get(draft.id)
    with pytest.raises(StorageError, match=r"^could not edit the draft: ") as failed:
        desk.edit(draft.id, Edit(item=QUOTE, speaker="taro-kono"), CURATOR, NOW)
    assert "\n" not in str(failed.value)
    assert desk.get(draft.id) == before


def test_the_form_starts_from_the_draft_and_asks_only_for_what_was_changed(
    draft: Draft,
) -> None:
    file = AnnotationFile.model_validate(load_yaml(draft.annotations.encode("utf-8")))
    kind, before = form_of(file, QUOTE)
    assert (kind, before) == (
        "quote",
        {
            "speaker": "mara-ostrow",
            "role": "Sylvania's Foreign Minister",
            "date": "2021-03-04",
            "reason": "",
        },
    )
    after = {**before, "speaker": " Ivo  Brandt ", "role": "", "reason": "the ministry's"}
    assert edit_of_form(QUOTE, kind, before, after) == Edit(
        item=QUOTE, speaker="Ivo Brandt", no_role=True, reason="the ministry's"
    )
    kind, before = form_of(file, SUSPENSION)
    after = {**before, "effect": "Termination suspended, conditionally"}
    assert edit_of_form(SUSPENSION, kind, before, after) == Edit(
        item=SUSPENSION, effect="termination_suspended", conditional=True
    )
    with pytest.raises(EditError, match="a date cannot be left empty"):
        edit_of_form(SUSPENSION, kind, before, {**before, "date": " "})
    assert read_draft(draft).articles[0].id == ARTICLE


def test_the_command_line_lists_shows_edits_and_accepts_as_the_operator(
    database: Database,
    draft: Draft,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`briefbot review`, for curators without Discord: one line per outcome."""
    monkeypatch.setenv("DATABASE_URL", database.url)
    monkeypatch.setattr("getpass.getuser", lambda: "ops")
    assert main(["review", "list"]) == 0
    assert capsys.readouterr().out == (
        f"{draft.id}: Sylvania keeps the pact alive on conditions ({URL}), drafted 2026-12-03\n"
    )
    left_out = _left_out(draft)
    assert main(["review", "show", str(draft.id)]) == 0
    shown = capsys.readouterr().out
    assert f"article {ARTICLE}: “Sylvania keeps the pact alive on conditions”, 2021-03-05" in shown
    assert f"left out {left_out}: “The door remains open to Freedonia,” (Left out" in shown
    command = ["review", "edit", str(draft.id), left_out, "--speaker", "Ivo Brandt"]
    assert main([*command, "--reason", "the ministry's spokesman read it"]) == 0
    assert capsys.readouterr().out == (
        f"draft {draft.id}: {left_out} quote: The door remains open to Freedonia, → "
        f"{ARTICLE}-q2\n"
        f"draft {draft.id}: {ARTICLE}-q2 speaker: none → ivo-brandt\n"
    )
    effect = ["--effect", "termination_suspended", "--conditional"]
    assert main(["review", "edit", str(draft.id), SUSPENSION, *effect]) == 0
    capsys.readouterr()
    assert main(["review", "show", str(draft.id)]) == 0
    shown = capsys.readouterr().out
    assert (
        "    ✎ speaker given in review by ops (command line): the ministry's spokesman read it"
    ) in shown
    assert f"UTC by ops (command line): {ARTICLE}-q2 speaker: none → ivo-brandt" in shown
    assert main(["review", "accept", str(draft.id)]) == 0
    assert capsys.readouterr().out == f"Draft {draft.id} accepted: the store is at version 2.\n"
    assert "speaker given in review by ops (command line)" in _answer(database, "!quote brandt")


@pytest.mark.parametrize(
    ("command", "error"),
    [
        (
            ["edit", "{id}", "nothing-such", "--date", "2021"],
            "Not done: not edited: the draft has ",
        ),
        (["edit", "{id}", QUOTE, "--effect", "extended"], "Not done: not edited: quote "),
        (["show", "999"], "Not done: there is no draft 999\n"),
        (["accept", "999"], "Not done: that draft is no longer in the database\n"),
    ],
)
def test_the_command_line_refuses_in_one_line_with_status_1(
    database: Database,
    draft: Draft,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    error: str,
) -> None:
    monkeypatch.setenv("DATABASE_URL", database.url)
    assert main(["review", *(part.format(id=draft.id) for part in command)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(error)
    assert captured.err.count("\n") == 1


def test_the_command_line_says_when_a_draft_was_decided_already(
    database: Database,
    desk: ReviewDesk,
    draft: Draft,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database.url)
    assert main(["review", "reject", str(draft.id)]) == 0
    assert capsys.readouterr().out.startswith(f"Draft {draft.id} rejected")
    assert main(["review", "accept", str(draft.id)]) == 1
    assert capsys.readouterr().err.startswith("Not done: already rejected by ")
    assert main(["review", "list"]) == 0
    assert capsys.readouterr().out == "No draft waits for review.\n"


UNDATED_PAGE = PAGE.replace("March 5, 2021 by Ada Quill", "By Ada Quill").replace(
    "SYLVANIA CITY, March 5 --", "SYLVANIA CITY --"
)


def test_a_page_that_prints_no_date_waits_for_its_date_then_is_drafted_against_it(
    database: Database, desk: ReviewDesk
) -> None:
    """Nothing is dated from a guess: the draft of an undated page holds nothing to
    accept until a curator gives the article's date; then its items are drafted, the
    relative dates resolved against that day."""
    page = WebPage(URL, UNDATED_PAGE)
    draft = desk.stage(page, claim(database, page, NOW), DatabaseFactStore(database), NOW)
    assert draft.undated
    assert draft.title == "Sylvania keeps the pact alive on conditions"
    assert read_draft(draft).items == []
    with pytest.raises(DecisionError, match=r"^not accepted: the page prints no date; give"):
        desk.accept(draft.id, CURATOR, NOW)
    with pytest.raises(DecisionError, match=r"^not edited: the page prints no date: give the"):
        desk.edit(draft.id, Edit(item=QUOTE, speaker="taro-kono"), CURATOR, NOW)
    with pytest.raises(DecisionError, match=r"^not edited: '2021-03' is not a day$"):
        desk.edit(draft.id, Edit(item="article", date="2021-03"), CURATOR, NOW)
    dated, changes = desk.edit(draft.id, Edit(item="article", date="12 March 2021"), CURATOR, NOW)
    assert [(c.item, c.field, c.before, c.after) for c in changes] == [
        ("article", "date", "none", "2021-03-12")
    ]
    assert not dated.undated
    [article] = read_draft(dated).articles
    assert (article.date, article.date_how) == ("2021-03-12", "inferred")
    quote = next(item for item in read_draft(dated).items if item.kind == "quote")
    assert "(2021-03-11)" in quote.label  # "on Thursday", before the day given
    desk.accept(draft.id, CURATOR, NOW)
    assert "keep the pact for one more year" in _answer(database, "!quote ostrow")


def test_the_attribution_check_takes_a_curator_s_speaker_only_with_the_record(
    desk: ReviewDesk, draft: Draft
) -> None:
    """The words "according to a statement read out at the ministry" name no one: a
    speaker given in review passes the check with the curator's record, never without."""
    desk.edit(draft.id, Edit(item=_left_out(draft), speaker="Ivo Brandt"), CURATOR, NOW)
    file = _file(desk, draft)
    page = SeedText.from_bytes(draft.page_name, PAGE.encode("utf-8"))
    assert draft_problems(file, page, {}) == []
    first, given = file.quotes
    unrecorded = dataclasses.replace(given, speaker_given=None)
    problems = draft_problems(file.model_copy(update={"quotes": [first, unrecorded]}), page, {})
    assert [problem.message for problem in problems] == [
        "its attribution 'according to a statement read out at the ministry' does not name "
        "its speaker 'Ivo Brandt' (by name, alias or surname), nor does a back-reference in "
        "its evidence or, for a pronoun, its attribution note"
    ]
