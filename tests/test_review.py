"""The review desk: a staged draft is accepted into the store (less the items a
curator dropped) in one transaction with the new version, or rejected and kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text, update

from bot.cli import main
from bot.console import answer_text
from briefings.answers import Answerer
from briefings.export import export_store
from briefings.factbase import DatabaseFactStore, sync_facts
from briefings.ingest.seen import claim
from briefings.ingest.web import WebPage
from briefings.loading import DEFAULT_SEEDS_DIR, load_store
from briefings.rendering import Renderer
from briefings.review.desk import DecisionError, ReviewDesk, draft_items
from briefings.review.drafts import Draft, DraftRow, DraftStatus, ReviewSettings
from briefings.review.trust import Reviewer, Trust
from briefings.storage import MIGRATIONS_DIR, Database
from tests.conftest import edit

NOW = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
URL = "https://news.example/freedonia-ports"
NEWSROOM = 1001  # the curating server
CURATOR = Reviewer("Cora (42)", NEWSROOM)
PAGE = """Freedonia closes its ports
March 5, 2021 by Ada Quill

Freedonia’s Minister of Ports, Rufus Tadwell, said on Wednesday that his country would “not sign anything this month”. “We have waited long enough,” he added.

Officials in the capital declined to comment further on the decision.
"""  # noqa: E501 - a page as fetched: one paragraph per line


@pytest.fixture
def desk(database: Database) -> ReviewDesk:
    return ReviewDesk(database, DEFAULT_SEEDS_DIR, trust=Trust([NEWSROOM]))


def _staged(database: Database, desk: ReviewDesk) -> Draft:
    page = WebPage(URL, PAGE)
    return desk.stage(page, claim(database, page, NOW), DatabaseFactStore(database), NOW)


def _answer(database: Database, text: str) -> str:
    renderer = Renderer()
    return answer_text(Answerer(DatabaseFactStore(database), renderer), renderer, text)


def test_a_staged_draft_lists_what_it_proposes_and_what_is_unsure(
    database: Database, desk: ReviewDesk
) -> None:
    draft = _staged(database, desk)
    assert draft.status is DraftStatus.PENDING
    assert draft.title == "Freedonia closes its ports"
    items = {item.id: item for item in draft_items(draft)}
    quote = items["ada-quill-2021-03-05-q1"]
    assert quote.kind == "quote"
    assert quote.droppable
    assert quote.label == (
        "Rufus Tadwell, Freedonia’s Minister of Ports (2021-03-03): “not sign anything this month”"
    )
    assert quote.unsure == ("new actor 'Rufus Tadwell'",)
    assert items["rufus-tadwell"].kind == "actor"
    assert not items["rufus-tadwell"].droppable
    assert "event" in {item.kind for item in items.values()}


def test_accepting_puts_the_words_in_the_answers_with_who_accepted_them(
    database: Database, desk: ReviewDesk
) -> None:
    draft = _staged(database, desk)
    assert "Tadwell" not in _answer(database, "!quote tadwell")
    result = desk.accept(draft.id, CURATOR, NOW)
    assert (result.version, result.changed) == (2, True)
    quotes = _answer(database, "!quote tadwell")
    assert "not sign anything this month" in quotes
    assert "Freedonia closes its ports" in quotes  # cited, as every answer is
    sources = _answer(database, "!sources")
    assert f"Fetched from {URL}; accepted in review by {CURATOR.name} on 2026-11-30 09:00 UTC." in (
        sources
    )
    decided = desk.get(draft.id)
    assert decided is not None
    assert (decided.status, decided.reviewed_by, decided.reviewed_at) == (
        DraftStatus.ACCEPTED,
        CURATOR.name,
        NOW,
    )
    # The next sync reads the accepted draft as an input like the files: unchanged.
    assert not sync_facts(database, DEFAULT_SEEDS_DIR).changed


def test_dropped_items_stay_out(database: Database, desk: ReviewDesk) -> None:
    draft = _staged(database, desk)
    desk.drop(draft.id, ["ada-quill-2021-03-05-q2"], CURATOR)
    desk.accept(draft.id, CURATOR, NOW)
    quotes = _answer(database, "!quote tadwell")
    assert "not sign anything this month" in quotes
    assert "waited long enough" not in quotes
    decided = desk.get(draft.id)
    assert decided is not None
    assert decided.dropped == ["ada-quill-2021-03-05-q2"]


def test_a_draft_is_decided_once(database: Database, desk: ReviewDesk) -> None:
    draft = _staged(database, desk)
    desk.reject(draft.id, Reviewer("Rex (7)", NEWSROOM), NOW)
    with pytest.raises(DecisionError, match=r"^already rejected by Rex \(7\)$"):
        desk.accept(draft.id, CURATOR, NOW)
    with pytest.raises(DecisionError, match="already rejected"):
        desk.reject(draft.id, CURATOR, NOW)
    assert "Tadwell" not in _answer(database, "!quote tadwell")
    rejected = desk.get(draft.id)
    assert rejected is not None
    assert rejected.status is DraftStatus.REJECTED
    with pytest.raises(DecisionError, match="no longer in the database"):
        desk.accept(999, CURATOR, NOW)


def test_a_draft_the_store_would_not_check_with_stays_pending(
    database: Database, desk: ReviewDesk
) -> None:
    """An accept is one transaction: marking the draft and the new version are
    committed together or not at all."""
    draft = _staged(database, desk)
    broken = draft.annotations.replace("speaker: rufus-tadwell", "speaker: nobody-known")
    assert broken != draft.annotations
    with database.session() as session, session.begin():
        session.execute(update(DraftRow).where(DraftRow.id == draft.id).values(annotations=broken))
    with pytest.raises(DecisionError, match="would not check with it") as raised:
        desk.accept(draft.id, CURATOR, NOW)
    assert any("nobody-known" in problem.message for problem in raised.value.problems)
    after = desk.get(draft.id)
    assert after is not None
    assert after.status is DraftStatus.PENDING
    assert DatabaseFactStore(database).version == 1


def test_an_exported_store_made_the_seeds_folder_holds_the_page_once(
    database: Database, desk: ReviewDesk, tmp_path: Path
) -> None:
    """`facts export` after an accept, made the seeds folder (as a team commits it to
    git): the folder's copy of the page is read, not the draft's as well."""
    draft = _staged(database, desk)
    desk.accept(draft.id, CURATOR, NOW)
    seeds = tmp_path / "exported"
    export_store(DatabaseFactStore(database), seeds)
    assert sync_facts(database, seeds, now=NOW + dt.timedelta(hours=1)).changed
    store = DatabaseFactStore(database)
    assert [source.seed for source in store.sources].count(draft.page_name) == 1
    assert "not sign anything this month" in _answer(database, "!quote tadwell")
    assert f"accepted in review by {CURATOR.name}" in _answer(database, "!sources")


def test_pulling_writes_accepted_pages_into_the_seeds_folder_for_git(
    database: Database,
    desk: ReviewDesk,
    seeds_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`briefbot sources pull`: what was accepted in Discord becomes files beside the
    curated ones (page, manifest line, annotations), so `ask`, the console and git
    have it; the next sync reads those files and the store is the same."""
    draft = _staged(database, desk)
    desk.accept(draft.id, CURATOR, NOW)
    monkeypatch.setenv("DATABASE_URL", database.url)
    assert main(["--seeds", str(seeds_copy), "sources", "pull"]) == 0
    assert capsys.readouterr().out == (
        f"wrote {seeds_copy / draft.page_name}, its manifest line and its annotations\n"
    )
    assert (seeds_copy / draft.page_name).read_text(encoding="utf-8") == PAGE
    renderer = Renderer()
    answers = Answerer(load_store(seeds_copy), renderer)
    assert "not sign anything this month" in answer_text(answers, renderer, "!quote tadwell")
    assert main(["--seeds", str(seeds_copy), "sources", "pull"]) == 0
    assert (
        capsys.readouterr().out
        == f"Nothing to pull: every page accepted in review is in {seeds_copy}.\n"
    )
    before = DatabaseFactStore(database).counts()
    sync_facts(database, seeds_copy, now=NOW + dt.timedelta(hours=1))
    assert DatabaseFactStore(database).counts() == before


def test_an_accept_never_publishes_other_curated_files_with_it(
    database: Database, seeds_copy: Path
) -> None:
    """A process whose seeds folder is not the one the store was built from (an older
    release during a rolling deploy, or files edited since the last sync) must not
    publish that folder along with a draft: the accept is refused, nothing changes."""
    edit(
        seeds_copy / "annotations" / "events.yaml",
        "Japan occupies the Korean peninsula",
        "An older title",
    )
    desk = ReviewDesk(database, seeds_copy, trust=Trust([NEWSROOM]))
    draft = _staged(database, desk)
    with pytest.raises(DecisionError) as raised:
        desk.accept(draft.id, CURATOR, NOW)
    assert str(raised.value) == (
        "not accepted, it stays pending: the curated files here differ from those the "
        "store was built from (annotations/events.yaml, …); run `briefbot facts sync` "
        "with the current files first"
    )
    pending = desk.get(draft.id)
    assert pending is not None
    assert pending.status is DraftStatus.PENDING
    assert DatabaseFactStore(database).version == 1
    assert "An older title" not in _answer(database, "!timeline 1910")


STRANGER = Reviewer("Mallory (66)", 2002)  # Manage Server in a server that does not curate


def test_only_a_curating_server_s_curators_or_an_owner_decide(
    database: Database, desk: ReviewDesk
) -> None:
    """The record is every server's: a curator of another server may not change it,
    by accepting, rejecting or leaving items out; the draft stays a suggestion."""
    draft = _staged(database, desk)
    for decide in (
        lambda: desk.accept(draft.id, STRANGER, NOW),
        lambda: desk.reject(draft.id, STRANGER, NOW),
        lambda: desk.drop(draft.id, ["ada-quill-2021-03-05-q2"], STRANGER),
    ):
        with pytest.raises(DecisionError, match=r"^this server does not curate the shared"):
            decide()
    pending = desk.get(draft.id)
    assert pending is not None
    assert (pending.status, pending.dropped) == (DraftStatus.PENDING, [])
    assert "Tadwell" not in _answer(database, "!quote tadwell")
    owner = Reviewer("Olga (1)", 2002, owner=True)  # an owner, from any server
    desk.accept(draft.id, owner, NOW)
    accepted = desk.get(draft.id)
    assert accepted is not None
    assert (accepted.reviewed_in, accepted.reviewed_as) == (2002, "owner")
    [development] = desk.developments_since(NOW)
    assert development.reaches(NEWSROOM)
    assert development.reaches(3003)


def test_a_decision_names_the_draft_it_saw(database: Database, desk: ReviewDesk) -> None:
    """After a restore, another article may hold the id a review post names: the
    post's digest no longer matches, and nothing is decided."""
    draft = _staged(database, desk)
    shown = draft.digest
    with database.session() as session, session.begin():
        session.execute(
            update(DraftRow)
            .where(DraftRow.id == draft.id)
            .values(page_name="web_other.txt", page_text=PAGE.replace("ports", "airports"))
        )
    for decide in (
        lambda: desk.accept(draft.id, CURATOR, NOW, shown),
        lambda: desk.reject(draft.id, CURATOR, NOW, shown),
        lambda: desk.drop(draft.id, [], CURATOR, shown),
    ):
        with pytest.raises(DecisionError, match=r"^this post no longer matches its draft \("):
            decide()
    other = desk.get(draft.id)
    assert other is not None
    assert other.status is DraftStatus.PENDING
    assert other.digest != shown
    desk.reject(draft.id, CURATOR, NOW, other.digest)  # its own post decides it


def test_developments_reach_the_servers_whose_curators_could_accept() -> None:
    """What a curating server (or an owner) accepted reaches every server; what a
    server that no longer curates accepted, only that server; an accept made before
    servers were told apart, none."""
    trust = Trust([NEWSROOM])
    assert trust.audience(NEWSROOM, "curator") is None
    assert trust.audience(2002, "owner") is None
    assert trust.audience(2002, "curator") == frozenset({2002})
    assert trust.audience(None, None) == frozenset()


def test_with_no_curating_server_set_the_bot_s_only_server_curates() -> None:
    servers = [NEWSROOM]
    trust = Trust(servers=lambda: servers)
    assert trust.curates(NEWSROOM)
    servers.append(2002)  # a second server: neither curates until one is named
    assert trust.curating() == frozenset()
    assert trust.standing(Reviewer("Olga (1)", 2002, owner=True)) == "owner"
    assert Trust([2002], servers=lambda: servers).curating() == {2002}
    assert Trust().curating() == frozenset()  # a process running some shards of several


def test_the_upgrade_posts_pending_drafts_again_with_bound_buttons(tmp_path: Path) -> None:
    """Migration 0008: a pending draft's old posts are forgotten (the next round posts
    it again, with buttons bound to it); a decided draft's stay, for its decision."""
    from alembic import command
    from alembic.config import Config

    database = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database.url)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")
        for draft_id, status in ((1, "pending"), (2, "accepted")):
            connection.execute(
                text(
                    "INSERT INTO review_drafts (id, page_name, url, title, page_text, "
                    "annotations, unsure, status, created_at, dropped) VALUES (:id, :name, "
                    "'u', 't', 'p', 'a', '{}', :status, '2026-11-30 09:00:00', '[]')"
                ),
                {"id": draft_id, "name": f"web_{draft_id}.txt", "status": status},
            )
            connection.execute(
                text("INSERT INTO review_posts VALUES (:id, 5, 6, :message)"),
                {"id": draft_id, "message": 70 + draft_id},
            )
    database.migrate()
    assert ReviewSettings(database).posts_of(1) == []
    assert ReviewSettings(database).posts_of(2) == [(6, 72)]
    old = ReviewDesk(database, DEFAULT_SEEDS_DIR).get(2)
    assert old is not None
    assert (old.watched_url, old.reviewed_in, old.reviewed_as) == (None, None, None)
    database.dispose()
