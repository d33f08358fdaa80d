"""The fact store in the database: sync, versions, failures, and the same answers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, update

from briefings.annotations import DateClaim
from briefings.answers import Answerer
from briefings.dates import FuzzyDate
from briefings.errors import AnnotationError, StorageError
from briefings.export import export_store
from briefings.factbase import DatabaseFactStore, sync, sync_facts
from briefings.factbase.tables import FactEventRow, FactQuoteRow, FactStateRow
from briefings.loading import DEFAULT_SEEDS_DIR, check_store, load_store
from briefings.occasions import digest_for
from briefings.rendering import Renderer
from briefings.storage import Database
from briefings.store import MemoryFactStore
from tests.conftest import edit
from tests.races import race
from tests.synthetic import write_seeds
from tests.test_posting import database_url, fresh_database
from tests.year import EVENTS

T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    """SQLite here; the PostgreSQL server under `make test-postgres`."""
    db = fresh_database(database_url(tmp_path))
    yield db
    db.dispose()


def _rows_by_version(database: Database) -> dict[int, int]:
    query = select(FactQuoteRow.version, func.count()).group_by(FactQuoteRow.version)
    with database.session() as session:
        return dict(session.execute(query).all())


def test_a_sync_of_unchanged_files_reads_nothing(
    database: Database, seeds_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = sync_facts(database, seeds_copy)
    assert (first.version, first.changed) == (1, True)

    def no_check(_: Path) -> None:
        raise AssertionError("an unchanged store was read and checked again")

    monkeypatch.setattr(sync, "check_store", no_check)
    again = sync_facts(database, seeds_copy)
    assert (again.version, again.changed) == (1, False)
    assert again.seconds < 0.5


def _title(store: DatabaseFactStore, event_id: str) -> str:
    return next(event.title for event in store.find_events() if event.id == event_id)


def test_an_edited_file_makes_a_new_version_that_a_store_follows(
    database: Database, seeds_copy: Path
) -> None:
    sync_facts(database, seeds_copy, now=T0)
    store = DatabaseFactStore(database)
    events = seeds_copy / "annotations" / "events.yaml"
    edit(events, "title: Japan occupies the Korean peninsula", "title: Japan rules Korea")
    result = sync_facts(database, seeds_copy, by="a curator", now=T0 + dt.timedelta(minutes=1))
    assert (result.version, result.changed) == (2, True)
    # Until it looks again, the store answers from version 1, whole.
    assert store.version == 1
    assert _title(store, "japanese-occupation") == "Japan occupies the Korean peninsula"
    assert store.refresh()
    assert store.version == 2
    assert _title(store, "japanese-occupation") == "Japan rules Korea"
    assert not store.refresh()


def test_a_store_that_does_not_check_leaves_the_database_as_it_was(
    database: Database, seeds_copy: Path
) -> None:
    sync_facts(database, seeds_copy)
    edit(seeds_copy / "annotations" / "events.yaml", "value: 1965,", "value: 1965-02-30,")
    with pytest.raises(AnnotationError) as raised:
        sync_facts(database, seeds_copy)
    assert any("1965-02-30" in str(problem) for problem in raised.value.problems)
    store = DatabaseFactStore(database)
    assert store.version == 1
    assert store.annotations == load_store().annotations


@pytest.mark.parametrize("step", ["_write", "_record", "_drop_unread_versions"])
def test_a_failure_at_any_step_of_a_sync_changes_nothing(
    database: Database, seeds_copy: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    sync_facts(database, seeds_copy, now=T0)
    (seeds_copy / "annotations" / "extra.yaml").write_text("actors: []\n", encoding="utf-8")
    real = getattr(sync, step)

    def fail_after(*args: object, **kwargs: object) -> None:
        real(*args, **kwargs)  # the step's writes happen, then it raises
        raise OSError("disk full")

    monkeypatch.setattr(sync, step, fail_after)
    with pytest.raises(OSError, match="disk full"):
        sync_facts(database, seeds_copy, now=T0 + dt.timedelta(hours=1))
    assert _rows_by_version(database) == {1: 15}
    with database.session() as session:
        assert session.get(FactStateRow, 1).version == 1  # type: ignore[union-attr]
    monkeypatch.undo()
    assert sync_facts(database, seeds_copy, now=T0 + dt.timedelta(hours=2)).changed


def test_a_superseded_version_stays_while_readers_may_still_use_it(
    database: Database, seeds_copy: Path
) -> None:
    extra = seeds_copy / "annotations" / "extra.yaml"
    for minutes, comment in ((0, "a"), (1, "b"), (10, "c")):
        extra.write_text(f"# {comment}\nactors: []\n", encoding="utf-8")
        sync_facts(database, seeds_copy, now=T0 + dt.timedelta(minutes=minutes))
        if minutes == 1:
            assert _rows_by_version(database) == {1: 15, 2: 15}  # v1 superseded just now
    # At minute 10 version 2 had been current for 9 minutes: version 1 has no reader.
    assert _rows_by_version(database) == {2: 15, 3: 15}


def test_an_empty_database_is_named_not_a_traceback(database: Database) -> None:
    with pytest.raises(StorageError, match="run `briefbot facts sync`"):
        DatabaseFactStore(database)


def test_every_day_of_a_year_has_the_same_digest_from_both_stores(
    database: Database, tmp_path: Path
) -> None:
    """Anniversaries by day of year (29 February on the 28th), month notes on the first,
    countdowns: every index the digest uses, against the memory store, day by day."""
    seeds = write_seeds(tmp_path / "seeds", [("Ana Pell", "We keep the calendar.")], EVENTS)
    memory = load_store(seeds)
    sync_facts(database, seeds)
    stored = DatabaseFactStore(database)
    day, found = dt.date(2026, 1, 1), 0
    while day.year == 2026:
        expected = digest_for(memory, day)
        assert digest_for(stored, day) == expected, day
        found += expected is not None
        day += dt.timedelta(days=1)
    assert found == len(EVENTS)


ANSWERED = ["!quote kono", "!timeline 2019", "!timeline 2019-08", "!quote moon"]


def _statements(database: Database) -> list[str]:
    """Every statement run on `database` from now on (the list grows as they run)."""
    run: list[str] = []
    event.listen(database.engine, "before_cursor_execute", lambda *args: run.append(args[2]))
    return run


def test_facts_are_cited_from_their_own_rows(database: Database, tmp_path: Path) -> None:
    """An event or quote row carries where its excerpts stand and whether it is disputed,
    so a digest (some 140 events a day in a large store) or a reply reads neither the
    citation table nor, for an undisputed fact, the discrepancy links."""
    seeds = write_seeds(tmp_path / "seeds", [("Ana Pell", "We keep the calendar.")], EVENTS)
    sync_facts(database, seeds)
    stored = DatabaseFactStore(database)
    run = _statements(database)
    day, found = dt.date(2026, 1, 1), 0
    while day.year == 2026:
        found += digest_for(stored, day) is not None
        day += dt.timedelta(days=1)
    assert found == len(EVENTS)
    assert run, "the digests read nothing"
    assert not [sql for sql in run if "fact_citations" in sql or "fact_discrepancy" in sql]


def test_replies_cite_from_the_fact_rows(database: Database) -> None:
    """The seed store's replies, disputed facts included: no citation table read."""
    sync_facts(database, DEFAULT_SEEDS_DIR)
    answerer = Answerer(DatabaseFactStore(database))
    run = _statements(database)
    for question in ANSWERED:
        answerer.answer(question)
    assert [sql for sql in run if "fact_citations" in sql] == []
    assert [sql for sql in run if "fact_discrepancy_facts" in sql], "no disputed fact read"


def test_rows_synced_before_the_citation_columns_give_the_same_answers(
    database: Database, store: MemoryFactStore
) -> None:
    """Rows of a sync made before migration 0007 hold NULL in both columns: their
    excerpts are found in the citation table, their discrepancies through the links."""
    sync_facts(database, DEFAULT_SEEDS_DIR)
    with database.session() as session, session.begin():
        for table in (FactEventRow, FactQuoteRow):
            session.execute(update(table).values(located=None, disputed=None))
    renderer = Renderer()
    stored, memory = Answerer(DatabaseFactStore(database)), Answerer(store)
    run = _statements(database)
    for question in ANSWERED:
        assert renderer.text(stored.answer(question)) == renderer.text(memory.answer(question))
    assert [sql for sql in run if "fact_citations" in sql]


SPANS = [0, 27, 30, 61, 62, 63, 200, 365, 4000]  # days after the first: around SHORT_SPAN


def test_events_of_every_length_are_found_where_they_overlap(
    database: Database, tmp_path: Path
) -> None:
    """A period finds short events by their first day and long ones by their length
    (`SHORT_SPAN`): events of every length, around that bound and far beyond, against
    the memory store, for days, months, years and ranges."""
    start = dt.date(2000, 1, 1)
    happenings = [(start + dt.timedelta(days=41 * n), f"thing {n} happened") for n in range(90)]
    seeds = write_seeds(tmp_path / "seeds", [("Ana Pell", "We keep the calendar.")], happenings)
    days = load_store(seeds)
    stretched = []
    for n, happening in enumerate(days.annotations.events):
        first = happening.date.value.earliest
        last = first + dt.timedelta(days=SPANS[n % len(SPANS)])
        date = DateClaim(value=FuzzyDate.between(first, last), how="inferred", reason="a test")
        stretched.append(dataclasses.replace(happening, date=date))
    memory = MemoryFactStore(days.annotations.model_copy(update={"events": stretched}), days.map)
    sync.publish(database, memory, by="a test")
    stored = DatabaseFactStore(database)
    periods = [f"{year}" for year in range(1999, 2012)]
    periods += [f"{year}-{month:02d}" for year in (2000, 2004, 2009) for month in range(1, 13)]
    periods += [(start + dt.timedelta(days=n)).isoformat() for n in range(0, 4000, 97)]
    periods += ["2003-02-10/2003-04-20", "1990-01-01/2000-01-01", "2011-06/2015-01"]
    for period in map(FuzzyDate.parse, periods):
        expected = [found.id for found in memory.find_events(period)]
        assert [found.id for found in stored.find_events(period)] == expected, period.iso
    assert any(len(memory.find_events(FuzzyDate.parse(p))) > 3 for p in periods)


def test_the_database_store_exports_what_loads_back(
    database_store: DatabaseFactStore, store: MemoryFactStore, tmp_path: Path
) -> None:
    exported = export_store(database_store, tmp_path / "backup")
    loaded, problems = check_store(exported.target)
    assert problems == []
    assert loaded is not None
    assert loaded.annotations == store.annotations


def test_processes_syncing_together_write_one_version(database: Database, seeds_copy: Path) -> None:
    outcomes = race(3, lambda _: sync_facts(Database(database.url), seeds_copy).changed)
    assert sorted(outcomes, key=str) == [False, False, True]
    assert _rows_by_version(database) == {1: 15}


def test_each_thread_reads_on_its_own(
    database_store: DatabaseFactStore, store: MemoryFactStore
) -> None:
    """The bot draws a picture in a worker thread while the event loop answers from the
    same store: both answers come out whole and right."""
    renderer = Renderer()
    elsewhere: list[str] = []

    def answer_in_a_thread() -> None:
        elsewhere.append(renderer.text(Answerer(database_store).answer("!quote kono")))

    with database_store.reading():
        worker = threading.Thread(target=answer_in_a_thread)
        worker.start()
        here = renderer.text(Answerer(database_store).answer("!who kono"))
        worker.join(timeout=30)
    assert elsewhere == [renderer.text(Answerer(store).answer("!quote kono"))]
    assert here == renderer.text(Answerer(store).answer("!who kono"))


def test_a_store_stays_on_its_version_while_an_answer_is_read(
    database: Database, seeds_copy: Path
) -> None:
    """A picture drawn in a worker thread finishes on the version it began with."""
    sync_facts(database, seeds_copy, now=T0)
    store = DatabaseFactStore(database)
    edit(seeds_copy / "annotations" / "events.yaml", "Japan occupies", "Japan rules")
    with store.reading():
        sync_facts(database, seeds_copy, now=T0 + dt.timedelta(minutes=1))
        assert not store.refresh()
        assert _title(store, "japanese-occupation") == "Japan occupies the Korean peninsula"
    assert store.refresh()
    assert _title(store, "japanese-occupation") == "Japan rules the Korean peninsula"
