"""`briefbot ingest`: drafting annotations from a page, measured on the seeds and on
small fictional articles written for the purpose (fictional people, fictional words)."""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings
from briefings.dates import FuzzyDate
from briefings.factbase import DatabaseFactStore
from briefings.factbase.tables import FactChangeRow
from briefings.ingest.draft import IngestReport, draft_page
from briefings.ingest.files import BadPageError, accept_drafts, write_draft
from briefings.ingest.quotes import split_sentences
from briefings.ingest.segment import LineKind, segment
from briefings.loading import check_store, load_store
from briefings.storage import open_database
from briefings.store import FactStore, MemoryFactStore

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.ingest_quality import score_seed

HEADER = "Harbor pact talks stall\nMarch 4, 2021 by Ada Quill 3 Comments\n"  # a Thursday
FOOTER = "► Author: Ada Quill | Date: 4 March 2021 | Permalink\n"


def page(*paragraphs: str, teaser: str = "A teaser about cheese exports.") -> str:
    return HEADER + "\n".join(paragraphs) + "\n" + FOOTER + teaser + "\n"


def drafted(store: FactStore, *paragraphs: str) -> IngestReport:
    _, report = draft_page("901_fiction.txt", page(*paragraphs), store)
    return report


# --- the seeds ----------------------------------------------------------------------------


def test_the_seeds_are_drafted_to_target(store: MemoryFactStore) -> None:
    scores = [score_seed(store, source.seed) for source in store.sources]
    found = sum(s.found for s in scores)
    curated = sum(s.curated for s in scores)
    assert found / curated >= 0.9
    assert found == 14
    assert sum(s.invented for s in scores) == 0


def test_seed_segmentation_matches_the_curated_one(store: FactStore) -> None:
    text = (
        Path(__file__).resolve().parent.parent / "seeds" / "004_0c24133c7eb35b49.txt"
    ).read_text(encoding="utf-8")
    lines = segment(text)
    teasers = [line.number for line in lines.lines if line.kind is LineKind.TEASER]
    assert teasers == list(range(7, 20))
    assert [a.date for a in lines.articles] == [dt.date(2019, 8, 23), dt.date(2019, 11, 22)]
    assert {a.author for a in lines.articles} == {"Joseph Fitsanakis"}


# --- attribution forms --------------------------------------------------------------------


def test_name_after_the_quote_with_a_role(store: FactStore) -> None:
    report = drafted(
        store, "“The door remains open,” said Mira Kovac, Sylvania’s Foreign Minister."
    )
    (quote,) = report.quotes
    assert quote.speaker == "Mira Kovac"
    assert report.new_actors == ["mira-kovac (Mira Kovac)"]


def test_name_and_role_before_the_quote(store: FactStore) -> None:
    report = drafted(
        store, "Freedonia’s Minister of Ports, Rufus Tadwell, said that he would “not sign”."
    )
    assert report.quotes[0].speaker == "Rufus Tadwell"


def test_pronoun_after_the_quote(store: FactStore) -> None:
    report = drafted(
        store,
        "“We are ready,” said Rufus Tadwell. “We have waited long enough,” he added.",
    )
    assert [q.speaker for q in report.quotes] == ["Rufus Tadwell", "Rufus Tadwell"]
    assert (
        "'he' taken as Rufus Tadwell, the last person named as a subject" in report.quotes[1].unsure
    )


def test_she_said_in_the_middle(store: FactStore) -> None:
    report = drafted(
        store,
        "Mira Kovac argued that the port was “a shared asset”. Later, she said, the matter "
        "was “closed for now”.",
    )
    assert [q.speaker for q in report.quotes] == ["Mira Kovac", "Mira Kovac"]


def test_surname_after_the_full_name(store: FactStore) -> None:
    report = drafted(
        store, "Rufus Tadwell said it was “over”.", "Tadwell warned that talks were “dead”."
    )
    assert [q.speaker_id for q in report.quotes] == ["rufus-tadwell", "rufus-tadwell"]


def test_known_actor_by_surname_and_by_alias(store: FactStore) -> None:
    report = drafted(store, "Kono said the plan was “fine”.", "Tokyo warned it was “late”.")
    assert [q.speaker_id for q in report.quotes] == ["taro-kono", "japanese-government"]


def test_collective_voices(store: FactStore) -> None:
    report = drafted(
        store,
        "A Freedonian government spokesman said the deal was “in reach”.",
        "Harbor observers have warned that delays “cost millions”.",
    )
    assert [q.speaker for q in report.quotes] == [
        "Freedonian government spokesman",
        "Harbor observers",
    ]
    assert all(q.unsure for q in report.quotes)  # new actors are for review


def test_role_alone_as_speaker(store: FactStore) -> None:
    report = drafted(store, "Sylvania’s Minister of Defense urged calm, calling it “a test”.")
    assert report.quotes[0].speaker == "Sylvania’s Minister of Defense"


def test_unclosed_quotation_is_kept_to_its_sentence_and_flagged(store: FactStore) -> None:
    report = drafted(store, "Mira Kovac said the port would “stay open. Nobody objected.")
    (quote,) = report.quotes
    assert quote.words == ["stay open."]
    assert "a quotation mark is never closed" in quote.unsure


def test_straight_quotes(store: FactStore) -> None:
    report = drafted(store, 'Rufus Tadwell said the talks were "over for now".')
    assert report.quotes[0].words == ["over for now"]


def test_a_sentence_without_a_speaker_is_not_guessed(store: FactStore) -> None:
    report = drafted(store, "The word “harbor” appears in the treaty.")
    assert report.quotes == []
    assert any("no speaker found" in line for line in report.left_out)


# --- relative dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("on Wednesday", "2021-03-03"),
        ("this morning", "2021-03-04"),
        ("late last night", "2021-03-03"),
        ("last month", "2021-02"),
        ("earlier this week", "2021-03-01/2021-03-03"),
        ("come Saturday", "2021-03-06"),
    ],
)
def test_relative_dates_resolve_against_the_article(
    store: FactStore, phrase: str, expected: str
) -> None:
    report = drafted(store, f"Mira Kovac said {phrase} that the port was “open”.")
    (quote,) = report.quotes
    assert quote.date == FuzzyDate.parse(expected)
    assert quote.date_how == "resolved"


def test_an_undated_quote_says_so(store: FactStore) -> None:
    annotations, report = draft_page(
        "901_fiction.txt", page("Mira Kovac said it was “open”."), store
    )
    assert report.quotes[0].date is None
    assert annotations.quotes[0].date_note == "Not stated; printed 2021-03-04."


# --- files, bad input, idempotence, acceptance ------------------------------------------


@pytest.fixture
def fiction(tmp_path: Path) -> Path:
    path = tmp_path / "901_fiction.txt"
    path.write_text(
        page(
            "Freedonia’s Minister of Ports, Rufus Tadwell, said on Wednesday that his country "
            "would “not sign anything this month”. “We have waited long enough,” he added.",
            "“The door remains open,” said Mira Kovac late last night.",
        ),
        encoding="utf-8",
    )
    return path


def _snapshot(seeds: Path) -> dict[str, str]:
    return {
        str(p.relative_to(seeds)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(seeds.rglob("*"))
        if p.is_file() and "drafts" not in p.parts
    }


def test_ingest_writes_a_draft_that_passes_the_check(seeds_copy: Path, fiction: Path) -> None:
    before = _snapshot(seeds_copy)
    result = write_draft(fiction, seeds_copy, load_store(seeds_copy))
    assert result.problems == []
    assert result.changed
    assert result.draft is not None
    assert result.draft.parent == seeds_copy / "annotations" / "drafts"
    assert _snapshot(seeds_copy) == before  # the curated store is untouched


def test_ingesting_twice_changes_nothing(seeds_copy: Path, fiction: Path) -> None:
    store = load_store(seeds_copy)
    first = write_draft(fiction, seeds_copy, store)
    assert first.draft is not None
    contents = first.draft.read_bytes()
    second = write_draft(fiction, seeds_copy, store)
    assert not second.changed
    assert first.draft.read_bytes() == contents


def test_a_seed_already_in_the_store_is_not_drafted(seeds_copy: Path, store: FactStore) -> None:
    result = write_draft(seeds_copy / "004_0c24133c7eb35b49.txt", seeds_copy, store)
    assert result.report is None
    assert "already in the store" in result.message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"   \n\n", "is empty"),
        (b"\x00\x01\x02binary", "not a text file"),
        (b"caf\xe9 latin-1", "not UTF-8 text"),
        (b"x" * (1024 * 1024 + 1), "pages over 1 MiB are refused"),
    ],
)
def test_bad_pages_are_refused_and_leave_the_store_alone(
    seeds_copy: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    before = _snapshot(seeds_copy)
    with pytest.raises(BadPageError, match=message):
        write_draft(bad, seeds_copy, load_store(seeds_copy))
    assert _snapshot(seeds_copy) == before
    assert not (seeds_copy / "annotations" / "drafts").exists()


def test_accepting_moves_the_draft_into_the_store(seeds_copy: Path, fiction: Path) -> None:
    write_draft(fiction, seeds_copy, load_store(seeds_copy))
    (result,) = accept_drafts(seeds_copy)
    assert result.problems == []
    store, problems = check_store(seeds_copy)
    assert problems == []
    assert store is not None
    speakers = {store.actors[q.speaker].name for q in store.quotes.values()}
    assert {"Rufus Tadwell", "Mira Kovac"} <= speakers
    assert not list((seeds_copy / "annotations" / "drafts").glob("*"))
    assert accept_drafts(seeds_copy) == []


def test_a_broken_draft_is_not_accepted_and_everything_is_put_back(
    seeds_copy: Path, fiction: Path
) -> None:
    result = write_draft(fiction, seeds_copy, load_store(seeds_copy))
    assert result.draft is not None
    text = result.draft.read_text(encoding="utf-8")
    result.draft.write_text(text.replace("Mira Kovac late", "Mira Kovac early"), encoding="utf-8")
    before = _snapshot(seeds_copy)
    (accepted,) = accept_drafts(seeds_copy)
    assert accepted.problems
    assert _snapshot(seeds_copy) == before


def test_cli_ingest_and_accept(
    seeds_copy: Path, fiction: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--seeds", str(seeds_copy), "ingest", str(fiction)]) == 0
    out = capsys.readouterr().out
    assert "Articles found: 1" in out
    assert "Off-topic paragraphs: 1" in out
    assert "Quotes found: 3" in out
    assert "Rufus Tadwell · 2021-03-03 (resolved)" in out
    assert "The draft passes `briefbot facts check` as it stands." in out
    assert main(["--seeds", str(seeds_copy), "ingest", "--accept"]) == 0
    out = capsys.readouterr().out
    assert "901_fiction.txt: accepted into the curated files." in out
    assert "In the database as version 1: running bots answer with it shortly." in out
    # In the database at once, with who accepted it and when.
    settings = Settings(_env_file=None)
    database = open_database(settings.database_url, settings.data_dir)
    with database.session() as session:
        change = session.get(FactChangeRow, 1)
    assert change is not None
    assert change.changed_by.startswith("briefbot ingest --accept by ")
    assert "18 quotes" in change.summary
    assert DatabaseFactStore(database).quotes_by("rufus-tadwell")


def test_cli_refuses_a_bad_page(
    seeds_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert main(["--seeds", str(seeds_copy), "ingest", str(empty)]) == 2
    assert capsys.readouterr().err == "Not ingested: empty.txt is empty.\n"


async def test_the_bot_picks_up_accepted_drafts_on_reload(seeds_copy: Path, fiction: Path) -> None:
    import simcord

    from bot.app import create_bot
    from bot.settings import Settings
    from tests.world import World

    settings = Settings(_env_file=None, seeds_dir=seeds_copy, scheduler_enabled=False)
    async with simcord.run(create_bot(settings)) as env:
        world = World(env)
        await world.alice.send(world.channel, "!quote tadwell")
        assert world.last_embed().title == 'No match for "tadwell"'

        write_draft(fiction, seeds_copy, load_store(seeds_copy))
        assert [a.problems for a in accept_drafts(seeds_copy)] == [[]]
        world.bot.owner_id, world.bot.owner_ids = None, {world.alice.id}
        await world.alice.send(world.channel, "!reload")
        message = world.channel.last_message
        assert message is not None
        assert message.content.startswith("Reloaded: 18 quotes")
        await world.alice.send(world.channel, "!quote tadwell")
        assert world.last_embed().title == "Quotes: Rufus Tadwell"
        # The one CurrentAnswerer carried the new store everywhere: autocomplete, the
        # error handler's did-you-mean and the briefing service.
        await world.bot.tree.sync()
        choices = await world.alice.autocomplete(world.channel, "quote", "speaker", "tadw")
        assert [c["value"] for c in choices] == ["Rufus Tadwell"]
        await world.alice.send(world.channel, "!who")  # a missing argument: usage
        assert world.last_embed().title == "Who?"
        assert [type(e).__name__ for e in env.errors] == ["MissingRequiredArgument"]
        assert world.bot.briefings is not None
        assert world.bot.briefings.store is world.bot.answers.store


def test_events_are_proposed_from_dated_sentences(store: FactStore) -> None:
    annotations, report = draft_page(
        "901_fiction.txt",
        page(
            "Late last night, Freedonia closed the harbor to Sylvanian ships.",
            "Most observers expect that the blockade will end come Saturday.",
        ),
        store,
    )
    events = {event.title: (event.date.value.iso, event.status) for event in annotations.events}
    assert events == {
        "Freedonia closed the harbor to Sylvanian ships": ("2021-03-03", "happened"),
        "Most observers expect that the blockade will end": ("2021-03-06", "expected"),
    }
    assert len(report.events) == 2


def test_a_quote_that_runs_into_the_next_paragraph(
    store: FactStore, seeds_copy: Path, tmp_path: Path
) -> None:
    text = page(
        "Mira Kovac said: “The harbor belongs to both of us. We will not give it up.",
        "“Nobody here wants a blockade.”",
    )
    annotations, report = draft_page("901_fiction.txt", text, store)
    (quote,) = report.quotes
    assert quote.speaker == "Mira Kovac"
    # Unclosed, the quotation runs to its paragraph's end, over every sentence left in it.
    assert quote.words == [
        "The harbor belongs to both of us. We will not give it up.",
        "Nobody here wants a blockade.",
    ]
    assert "the quotation runs on into the next paragraph" in quote.unsure
    assert len(annotations.quotes[0].evidence) == 3
    saved = tmp_path / "901_fiction.txt"
    saved.write_text(text, encoding="utf-8")
    assert write_draft(saved, seeds_copy, load_store(seeds_copy)).problems == []


def test_a_date_that_contradicts_the_store_is_proposed_as_a_discrepancy(
    store: FactStore, seeds_copy: Path, tmp_path: Path
) -> None:
    text = (
        "Tokyo protests\nAugust 25, 2019 by Ada Quill\n"
        "On Friday, Tokyo summoned the South Korean ambassador to Japan to voice its "
        "disapproval of Seoul’s decision.\n"
    )
    annotations, report = draft_page("902_fiction.txt", text, store)
    (discrepancy,) = annotations.discrepancies
    assert discrepancy.facts[0] == "ambassador-summoned"
    assert "2019-08-23" in discrepancy.summary
    assert "2019-08-22" in discrepancy.summary
    assert report.discrepancies
    saved = tmp_path / "902_fiction.txt"
    saved.write_text(text, encoding="utf-8")
    assert write_draft(saved, seeds_copy, load_store(seeds_copy)).problems == []


# --- accepting is all or nothing ---------------------------------------------------


def _drafted(seeds: Path, fiction: Path) -> dict[str, str]:
    """Draft the fiction page; the store's files as they are before any accept."""
    write_draft(fiction, seeds, load_store(seeds))
    return _snapshot(seeds)


def _drafts(seeds: Path) -> list[str]:
    return sorted(p.name for p in (seeds / "annotations" / "drafts").iterdir())


def test_an_impossible_date_in_a_draft_is_refused_and_changes_nothing(
    seeds_copy: Path, fiction: Path
) -> None:
    """An error half way through an accept (PyYAML raising on `value: 2019-11-31`)
    must leave no page, manifest line or annotation behind in `seeds/`: else `facts
    check`, `ask` and the bot's start crash, and a second accept says "already in the
    store"."""
    before = _drafted(seeds_copy, fiction)
    draft = seeds_copy / "annotations" / "drafts" / "901_fiction.yaml"
    good = draft.read_text(encoding="utf-8")
    draft.write_text(good.replace("value: '2021-03-03'", "value: 2019-11-31"), encoding="utf-8")
    assert draft.read_text(encoding="utf-8") != good
    (refused,) = accept_drafts(seeds_copy)
    assert any("2019-11-31" in str(problem) for problem in refused.problems)
    assert _snapshot(seeds_copy) == before
    assert check_store(seeds_copy)[1] == []
    draft.write_text(good, encoding="utf-8")
    assert [a.problems for a in accept_drafts(seeds_copy)] == [[]]


@pytest.mark.parametrize(
    "failing_write", [1, 2, 3, 4], ids=["journal", "page", "manifest", "annotations"]
)
def test_a_failure_at_any_write_of_an_accept_changes_nothing(
    seeds_copy: Path, fiction: Path, monkeypatch: pytest.MonkeyPatch, failing_write: int
) -> None:
    before = _drafted(seeds_copy, fiction)
    drafts = _drafts(seeds_copy)
    from briefings.ingest import commit

    real = commit.write_atomically
    calls = 0

    def disk_full_at_one_write(path: Path, data: bytes) -> None:
        nonlocal calls
        calls += 1
        if calls == failing_write:
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(commit, "write_atomically", disk_full_at_one_write)
    (refused,) = accept_drafts(seeds_copy)
    assert [str(p) for p in refused.problems] == [
        "901_fiction.txt: not accepted, nothing changed: No space left on device"
    ]
    assert _snapshot(seeds_copy) == before
    assert _drafts(seeds_copy) == drafts
    monkeypatch.undo()
    assert [a.problems for a in accept_drafts(seeds_copy)] == [[]]
    assert check_store(seeds_copy)[1] == []


def test_an_exception_while_checking_the_draft_changes_nothing(
    seeds_copy: Path, fiction: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _drafted(seeds_copy, fiction)
    from briefings.ingest import files

    def boom(seeds: Path) -> object:
        raise RuntimeError("the checker broke")

    monkeypatch.setattr(files, "check_store", boom)
    with pytest.raises(RuntimeError, match="the checker broke"):
        accept_drafts(seeds_copy)
    assert _snapshot(seeds_copy) == before
    assert _drafts(seeds_copy) == ["901_fiction.txt", "901_fiction.yaml"]


def test_an_interrupt_during_the_commit_is_undone_before_it_goes_on(
    seeds_copy: Path, fiction: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _drafted(seeds_copy, fiction)
    from briefings.ingest import commit

    real = commit.write_atomically

    def interrupted_at_the_manifest(path: Path, data: bytes) -> None:
        if path.name == "MANIFEST.sha256":
            raise KeyboardInterrupt
        real(path, data)

    monkeypatch.setattr(commit, "write_atomically", interrupted_at_the_manifest)
    with pytest.raises(KeyboardInterrupt):
        accept_drafts(seeds_copy)
    assert _snapshot(seeds_copy) == before


def _accept_and_die(seeds: str) -> None:
    from briefings.ingest import commit

    real = commit.write_atomically

    def killed_after_the_page(path: Path, data: bytes) -> None:
        real(path, data)
        if path.suffix == ".txt":
            os._exit(9)  # as kill -9 would: no clean-up runs

    commit.write_atomically = killed_after_the_page
    accept_drafts(Path(seeds))


def test_an_accept_killed_half_way_is_undone_by_the_next_load(
    seeds_copy: Path, fiction: Path
) -> None:
    before = _drafted(seeds_copy, fiction)
    process = multiprocessing.get_context("fork").Process(
        target=_accept_and_die, args=(str(seeds_copy),)
    )
    process.start()
    process.join(timeout=60)
    assert process.exitcode == 9
    assert (seeds_copy / "901_fiction.txt").exists()  # half done: the page, no manifest line
    store, problems = check_store(seeds_copy)  # what `ask` and the bot's start do
    assert problems == []
    assert store is not None
    assert _snapshot(seeds_copy) == before
    assert [a.problems for a in accept_drafts(seeds_copy)] == [[]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "<html><body><p>GSOMIA ends</p></body></html>",
            "is HTML markup, not the page's text",
        ),
        ("November 22, 2019 by Joseph Fitsanakis\n", "no article found"),
        ("“We will not reconsider,” she said.\n", "no article found"),
        (
            "X\nNovember 22, 2019 by Joseph Fitsanakis\nSeoul said so on Thursday.\n",
            "the title line 'X' (line 1) is too short to quote as evidence",
        ),
        ("A title and nothing else\n", "has no text under its title"),
    ],
    ids=["one-line HTML", "dateline only", "quote only", "one-character title", "title only"],
)
def test_pages_with_no_article_to_draft_are_refused_in_one_line(
    seeds_copy: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    message: str,
) -> None:
    """Pages with no article to draft are refused in one line: no pydantic traceback,
    and no draft whose one line is both title and body (the HTML page)."""
    page = tmp_path / "901_odd.txt"
    page.write_text(content, encoding="utf-8")
    before = _snapshot(seeds_copy)
    assert main(["--seeds", str(seeds_copy), "ingest", str(page)]) == 2
    captured = capsys.readouterr()
    (line,) = captured.err.splitlines()
    assert line.startswith("Not ingested: ")
    assert message in line
    assert "Traceback" not in captured.err + captured.out
    assert _snapshot(seeds_copy) == before
    assert not (seeds_copy / "annotations" / "drafts" / "901_odd.yaml").exists()


# --- sentences, as wire copy writes them ---------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        (
            "The U.S. State Department said “we are disappointed.” Mr. Kono added that it "
            "was a misjudgment.",
            [
                "The U.S. State Department said “we are disappointed.”",
                "Mr. Kono added that it was a misjudgment.",
            ],
        ),
        (
            "Gen. Mark Milley met the No. 2 official, J. R. Smith, at 3.5 p.m. on Friday. "
            "Then they left.",
            [
                "Gen. Mark Milley met the No. 2 official, J. R. Smith, at 3.5 p.m. on Friday.",
                "Then they left.",
            ],
        ),
        (
            "Exports fell 2.5 percent in the U.S. and Japan. Dr. Lee disagreed.",
            ["Exports fell 2.5 percent in the U.S. and Japan.", "Dr. Lee disagreed."],
        ),
    ],
    ids=["U.S. and Mr.", "Gen., No. 2, initials, decimals", "decimals and Dr."],
)
def test_abbreviations_initials_and_decimals_do_not_end_a_sentence(
    paragraph: str, sentences: list[str]
) -> None:
    """The rule this replaced cut the first paragraph into four pieces."""
    found = split_sentences(paragraph)
    assert found == sentences
    assert all(sentence in paragraph for sentence in found)  # verbatim slices


def test_a_wire_quote_after_an_abbreviation_gets_its_speaker(
    seeds_copy: Path, tmp_path: Path
) -> None:
    wire = tmp_path / "902_wire.txt"
    wire.write_text(
        page(
            "The U.S. State Department said on Monday that talks would go on. "
            "“We will not sign anything this month,” Mr. Rufus Tadwell said."
        ),
        encoding="utf-8",
    )
    result = write_draft(wire, seeds_copy, load_store(seeds_copy))
    assert result.report is not None
    (quote,) = result.report.quotes
    assert quote.speaker == "Rufus Tadwell"
    assert quote.words == ["We will not sign anything this month,"]
