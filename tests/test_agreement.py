"""The agreement's state from the seeds and four test articles (tests/agreement.py):
`!gsomia status` leads with it as of any day, `!gsomia history` lists its spans,
both stores answer alike, and an effect the words do not state is refused at load."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.app import BriefBot
from briefings.answers import Answerer
from briefings.developments import Development, NewEvent, state_change
from briefings.factbase import DatabaseFactStore, sync_facts
from briefings.loading import check_store, load_store
from briefings.occasions import OccasionKind, digest_for
from briefings.queries.agreement import agreement_steps
from briefings.rendering import Renderer
from briefings.storage import open_database
from briefings.store import FactStore, MemoryFactStore
from tests.agreement import agreement_seeds
from tests.conftest import edit
from tests.world import World, make_bot


@pytest.fixture(scope="module")
def seeds_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return agreement_seeds(tmp_path_factory.mktemp("agreement") / "seeds")


@pytest.fixture(scope="module")
def memory_store(seeds_dir: Path) -> MemoryFactStore:
    return load_store(seeds_dir)


@pytest.fixture(scope="module", params=["memory", "database"])
def grown(
    request: pytest.FixtureRequest,
    memory_store: MemoryFactStore,
    seeds_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> FactStore:
    """The grown record in memory, then synced into a database and read back from it."""
    if request.param == "memory":
        return memory_store
    database = open_database(None, tmp_path_factory.mktemp("agreement-db"))
    sync_facts(database, seeds_dir)
    return DatabaseFactStore(database)


def ask(store: FactStore, command: str) -> str:
    return Renderer().text(Answerer(store).answer(command))


def first_line(store: FactStore, command: str) -> str:
    return ask(store, command).splitlines()[2]


@pytest.mark.parametrize(
    ("command", "line"),
    [
        (
            "!gsomia status",
            "As of the latest source (2023-03-21): In force: normalized on 2023-03-21 [1]",
        ),
        (
            "!gsomia status 2016-12-01",
            "No source in the store had been published by 2016-12-01: "
            "what was on record that day, it cannot say.",
        ),
        (
            "!gsomia status 2018-09-01",
            "From what had been published by 2018-09-01: In force: extended on 2018-08-24 [1]",
        ),
        (
            "!gsomia status 2019-11-21",
            "From what had been published by 2019-11-21: In force, termination notified on"
            " 2019-08-22 [1]; the sources do not say when it would take effect ⚠",
        ),
        (
            "!gsomia status 2020-06-01",
            "From what had been published by 2020-06-01: In force (termination suspended,"
            " conditionally, since 2019-11-22) [1]",
        ),
        (
            "!gsomia status 2023-06-01",
            "From what had been published by 2023-06-01: In force: normalized on 2023-03-21 [1]",
        ),
    ],
)
def test_status_leads_with_the_state_on_the_day(grown: FactStore, command: str, line: str) -> None:
    assert first_line(grown, command) == line


def test_status_says_what_it_changed_from_and_what_was_overtaken(grown: FactStore) -> None:
    text = ask(grown, "!gsomia status")
    lines = text.splitlines()
    assert lines[3] == "Before that: termination suspended, conditionally, on 2019-11-22"
    assert (
        "• 2019-11-23 (expected, did not happen: termination suspended, conditionally, on"
        " 2019-11-22 [2]): GSOMIA is expected to expire"
    ) in text
    assert "Expected next" not in text  # an overtaken expectation is not pending
    assert "(expected, not confirmed)" not in text


def test_status_before_the_suspension_still_expects_the_expiry(grown: FactStore) -> None:
    text = ask(grown, "!gsomia status 2019-11-21")
    assert (
        "Expected next (2019-11-23): GSOMIA is set to expire; not confirmed by any source" in text
    )
    assert "suspend" not in text
    assert "normalized" not in text


def test_status_of_2023_expects_nothing_from_2019(grown: FactStore) -> None:
    """An expectation a later step overtook is no longer "expected next" on a later day."""
    assert "Expected next" not in ask(grown, "!gsomia status 2023-06-01")


def test_history_lists_every_span_with_its_step_and_citation(grown: FactStore) -> None:
    lines = ask(grown, "!gsomia history").splitlines()
    spans = [line for line in lines if line.startswith("• ") and "opened" not in line][:5]
    assert spans == [
        "• November 2016 to 2018-08-24: Signed in November 2016 [1]; the sources do not say"
        " when it came into force",
        "• 2018-08-24 to 2019-08-22: In force: extended on 2018-08-24 [2]",
        "• 2019-08-22 to 2019-11-22: In force, termination notified on 2019-08-22 [3][4]; it"
        " would take effect on 2019-11-23 [5] ⚠",
        "• 2019-11-22 to 2023-03-21: In force (termination suspended, conditionally, since"
        " 2019-11-22) [6]",
        "• since 2023-03-21: In force: normalized on 2023-03-21 [7]",
    ]
    assert "  opened by: South Korea conditionally suspends the termination of GSOMIA" in lines
    assert (
        "• 2019-11-23: GSOMIA is expected to expire [5]: did not happen: termination suspended,"
        " conditionally, on 2019-11-22 [6]"
    ) in lines


def test_history_as_of_a_day_knows_only_what_was_published(grown: FactStore) -> None:
    text = ask(grown, "!gsomia history 2019-11-21")
    assert "• since 2019-08-22: In force, termination notified on 2019-08-22" in text
    assert (
        "Pending:\n• 2019-11-23 (expected, not confirmed by any source): GSOMIA is set to expire"
        in text
    )
    assert "2023" not in text


def test_the_seeds_alone_keep_their_honest_answer(answerer: Answerer) -> None:
    text = Renderer().text(answerer.answer("!gsomia status"))
    assert text.splitlines()[2] == (
        "As of the latest source (2019-11-22): In force, termination notified on 2019-08-22"
        " [1]; it would take effect on 2019-11-23 [2] ⚠"
    )
    assert "Expected next (2019-11-23): GSOMIA is expected to expire; not confirmed" in text
    assert "did not happen" not in text


def test_effects_the_words_do_not_state_are_all_refused_at_once(seeds_copy: Path) -> None:
    events = seeds_copy / "annotations" / "events.yaml"
    edit(events, "kind: signed", "kind: normalized")
    edit(events, "kind: expired", "kind: termination_suspended\n      conditional: true")
    edit(
        events,
        "    milestone: true\n    effect:\n      kind: termination_notified",
        "    effect:\n      kind: termination_notified",
    )
    _, problems = check_store(seeds_copy)
    messages = [str(problem) for problem in problems]
    assert messages == [
        "events.yaml: event gsomia-signed: effect normalized: no excerpt of its evidence says"
        " so ('normali', 'fully restor')",
        "events.yaml: event decision-not-to-renew: effect termination_notified: only a"
        " milestone has an effect",
        "events.yaml: event expiry-expected: effect termination_suspended: no excerpt of its"
        " evidence says so ('suspend', 'suspension', 'halt', 'put on hold', 'freez', 'froze')",
        "events.yaml: event expiry-expected: effect termination_suspended: no excerpt says"
        " 'condition…'",
    ]


# --- through the real bot -------------------------------------------------------------


@pytest.fixture
def simcord_bot(memory_store: MemoryFactStore) -> BriefBot:
    return make_bot(memory_store)


@pytest.mark.parametrize(
    ("command", "title", "starts"),
    [
        (
            "!gsomia status",
            "GSOMIA status",
            "As of the latest source (2023-03-21): In force: normalized on 2023-03-21 [1]",
        ),
        (
            "!gsomia status 2019-11-21",
            "GSOMIA status as of 2019-11-21",
            "From what had been published by 2019-11-21: In force, termination notified on",
        ),
        (
            "!gsomia status 2020-06-01",
            "GSOMIA status as of 2020-06-01",
            "From what had been published by 2020-06-01: In force (termination suspended,"
            " conditionally, since 2019-11-22) [1]",
        ),
        (
            "!gsomia history",
            "GSOMIA history",
            "• November 2016 to 2018-08-24: Signed in November 2016 [1]",
        ),
    ],
)
async def test_the_bot_answers_with_the_state(
    world: World, command: str, title: str, starts: str
) -> None:
    await world.alice.send(world.channel, command)
    embed = world.last_embed()
    assert embed.title == title
    assert str(embed.description).startswith(starts)


async def test_slash_history(synced: World) -> None:
    result = await synced.alice.slash(synced.channel, "gsomia history", as_of="2019-11-21")
    assert result.response is not None
    embed = result.response.embeds[0]
    assert embed.title == "GSOMIA history as of 2019-11-21"
    assert "Pending:" in str(embed.description)


# --- briefings, the timeline and developments follow ----------------------------------


def test_timeline_labels_an_overtaken_expectation(grown: FactStore) -> None:
    text = ask(grown, "!timeline 2019-11")
    assert (
        "• 2019-11-23 (expected, did not happen: termination suspended, conditionally, on"
        " 2019-11-22 [2]): GSOMIA is expected to expire [3]"
    ) in text
    assert "(expected, not confirmed)" not in text


def test_the_countdown_stops_once_the_suspension_is_on_record(tmp_path: Path) -> None:
    """Before the article of the suspension, the day before the expiry counts down to
    it; with it, that day has nothing to count down to."""
    before = agreement_seeds(tmp_path / "before", ("902_hanbit_20190823.txt",))
    digest = digest_for(load_store(before), dt.date(2019, 11, 22))
    assert digest is not None
    assert [o.event.id for o in digest.occasions] == ["expiry-expected", "expiry-set-2019"]
    assert {o.kind for o in digest.occasions} == {OccasionKind.COUNTDOWN}
    pages = ("902_hanbit_20190823.txt", "903_hanbit_20191122.txt")
    after = agreement_seeds(tmp_path / "after", pages)
    assert digest_for(load_store(after), dt.date(2019, 11, 22)) is None
    # The week before, the suspension was not yet published: the countdown stands.
    week = digest_for(load_store(after), dt.date(2019, 11, 16))
    assert week is not None
    assert [o.event.id for o in week.occasions] == ["expiry-set-2019"]


def test_an_anniversary_names_the_step_that_happened(grown: FactStore) -> None:
    digest = digest_for(grown, dt.date(2026, 11, 23))
    assert digest is not None
    text = Renderer().text(Renderer().briefing(digest))
    assert "the sources do not say whether it did" not in text
    assert (
        "• Seven years ago today (2019-11-23): GSOMIA is expected to expire [1] (expected,"
        " did not happen: termination suspended, conditionally, on 2019-11-22 [2])"
    ) in text


def test_an_article_that_changes_the_state_says_so(memory_store: MemoryFactStore) -> None:
    steps = agreement_steps(memory_store, memory_store.visibility())
    change = state_change(steps, {"hanbit-2023-03-21"}, memory_store.horizon)
    assert change is not None
    assert change.before is not None
    assert (change.before.event, change.after.event) == (
        "termination-suspended-2019",
        "normalized-2023",
    )
    assert state_change(steps, {"hanbit-2018-08-24"}, memory_store.horizon) is None
    development = Development(
        page_name="904_hanbit_20230321.txt",
        title="S. Korea fully restores military intelligence pact with Japan",
        url="https://news.example/2023/03/21/pact",
        accepted_by="carol (1)",
        at=dt.datetime(2023, 3, 21, 9, tzinfo=dt.UTC),
        events=(
            NewEvent(
                title="South Korea fully normalizes GSOMIA", date="2023-03-21", status="happened"
            ),
        ),
        state_change=change,
    )
    lines = Renderer().development(development).lines
    assert lines[0] == (
        "GSOMIA's state changed: termination suspended, conditionally, on 2019-11-22 →"
        " normalized on 2023-03-21 [1]"
    )


def test_status_of_a_day_says_what_later_sources_tell_of_it(tmp_path: Path) -> None:
    """What a reader could know on 2019-11-22 (the notice) and what state the agreement
    was in that day (suspended, as an article of December tells it): both answered."""
    seeds = agreement_seeds(tmp_path / "seeds", ("905_hanbit_20191210.txt",))
    told_later = load_store(seeds)
    lines = ask(told_later, "!gsomia status 2019-11-22").splitlines()
    assert lines[2].startswith(
        "From what had been published by 2019-11-22: In force, termination notified on"
    )
    assert (
        "Sources published later tell of that day: In force (termination suspended,"
        " conditionally, since 2019-11-22) [3]"
    ) in lines
    # Known by the day itself, the later line has nothing to add.
    assert "Sources published later" not in ask(told_later, "!gsomia status 2019-12-10")


async def test_the_bot_s_timeline_labels_the_overtaken_expiry(world: World) -> None:
    # The chart is drawn (and kept) first: matplotlib's first import on a busy machine
    # takes longer than SimCord waits for the bot to settle.
    assert world.bot.answers.answerer.picture_for("!timeline 2019-11")
    await world.alice.send(world.channel, "!timeline 2019-11")
    embed = world.last_embed()
    assert embed.title == "Timeline: November 2019"
    assert (
        "(expected, did not happen: termination suspended, conditionally, on 2019-11-22 [2]):"
        " GSOMIA is expected to expire"
    ) in str(embed.description)


async def test_the_countdown_stops_when_the_suspension_reaches_the_bot(tmp_path: Path) -> None:
    """The day before the expiry counts down to it, until the article of the suspension
    is accepted and reloaded: then that day has no briefing, and the status leads with
    the suspension."""
    import simcord

    from bot.app import create_bot
    from bot.settings import Settings

    seeds = agreement_seeds(tmp_path / "seeds", ("902_hanbit_20190823.txt",))
    settings = Settings(_env_file=None, seeds_dir=seeds, scheduler_enabled=False)
    async with simcord.run(create_bot(settings)) as env:
        world = World(env)
        await world.alice.send(world.channel, "!brief preview 2019-11-22")
        before = world.last_embed()
        assert before.title == "GSOMIA briefing · 2019-11-22"
        assert "In one day, on 2019-11-23: GSOMIA is expected to expire" in str(before.description)

        # The curated files of the accepted article arrive, as an accept writes them.
        pages = ("902_hanbit_20190823.txt", "903_hanbit_20191122.txt")
        accepted = agreement_seeds(tmp_path / "accepted", pages)
        for name in ("903_hanbit_20191122.txt", "MANIFEST.sha256"):
            (seeds / name).write_bytes((accepted / name).read_bytes())
        annotations = "annotations/903_hanbit_20191122.yaml"
        (seeds / annotations).write_bytes((accepted / annotations).read_bytes())
        world.bot.owner_id, world.bot.owner_ids = None, {world.alice.id}
        await world.alice.send(world.channel, "!reload")
        message = world.channel.last_message
        assert message is not None
        assert message.content.startswith("Reloaded:")

        await world.alice.send(world.channel, "!brief preview 2019-11-22")
        assert world.channel.last_message is not None
        after = world.channel.last_message
        shown = after.embeds[0].title if after.embeds else after.content
        assert str(shown).startswith("No briefing on 2019-11-22")
        await world.alice.send(world.channel, "!gsomia status")
        assert str(world.last_embed().description).startswith(
            "As of the latest source (2019-11-22): In force (termination suspended,"
            " conditionally, since 2019-11-22)"
        )


def test_before_any_source_the_later_sources_tell_the_state(grown: FactStore) -> None:
    lines = ask(grown, "!gsomia status 2016-12-01").splitlines()
    label = lines.index(
        "From sources published later, about that day (not on record on 2016-12-01):"
    )
    told = [line for line in lines if line.startswith("The state they tell of that day:")]
    assert told == [
        "The state they tell of that day: Signed in November 2016 [3]; the sources do not"
        " say when it came into force"
    ]
    assert lines.index(told[0]) > label


def test_the_chart_draws_an_overtaken_expectation_apart(grown: FactStore) -> None:
    from briefings.charts import timeline_marks
    from briefings.dates import parse_period
    from briefings.queries import timeline

    result = timeline(grown, parse_period("2019-11"))
    kinds = {mark.label: mark.kind for mark in timeline_marks(result)}
    assert kinds["GSOMIA is expected to expire"] == "superseded"
    assert kinds["GSOMIA is set to expire"] == "superseded"
    assert "point" in kinds.values()  # the suspension itself, on its day
