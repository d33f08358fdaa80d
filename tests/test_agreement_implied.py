"""The ending a notice implies on the day it takes effect: an expectation of the fold,
pending until a step decides it, never told twice beside a curated expected ending of
that day, and shown alike by `!gsomia status`, `!gsomia history`, `!timeline` and the
countdowns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefings import queries
from briefings.answers import Answerer
from briefings.charts import timeline_marks
from briefings.dates import FuzzyDate
from briefings.loading import load_store
from briefings.occasions import OccasionKind, occasions_between, occasions_on
from briefings.queries.agreement_state import fold
from briefings.queries.items import StepItem
from briefings.rendering import Renderer
from briefings.store import FactStore, MemoryFactStore
from tests.agreement import agreement_seeds
from tests.conftest import edit
from tests.test_agreement_state import EXPIRY, SIGNED, day, step


def notice(iso: str, takes_effect: str | None, told: str | None = None) -> StepItem:
    """A notice of `iso`; with the day it takes effect, given by a source of `told`."""
    made = step("notice", "termination_notified", iso)
    if takes_effect is None:
        return made
    ending = step("notice.takes-effect", "terminated", takes_effect, expected=True, known_from=told)
    implied = ending.model_copy(update={"implied_by": "notice"})
    return made.model_copy(update={"implies": implied})


NOTICE = notice("2019-08-22", "2019-11-23", told="2019-08-23")


def _implied(steps: list[StepItem], on: str) -> tuple[str, str | None] | None:
    state = fold(steps, day(on))
    found = [e for e in state.expectations if e.step.implied_by == "notice"]
    assert len(found) <= 1
    if not found:
        return None
    return found[0].outcome, found[0].decided_by.event if found[0].decided_by else None


def test_a_notice_with_its_day_implies_an_ending_pending_until_that_day() -> None:
    assert _implied([SIGNED, NOTICE], "2019-09-01") == ("pending", None)
    assert fold([SIGNED, NOTICE], day("2019-09-01")).pending()[0].step.title == (
        "notice.takes-effect"
    )
    # Its day passed with nothing on record: not confirmed, never "it ended".
    assert _implied([SIGNED, NOTICE], "2019-12-01") == ("unconfirmed", None)


def test_no_ending_is_implied_before_a_source_gives_its_day_or_without_one() -> None:
    assert _implied([SIGNED, NOTICE], "2019-08-22") is None  # the day is told on the 23rd
    assert _implied([SIGNED, notice("2019-08-22", None)], "2019-09-01") is None


@pytest.mark.parametrize("kind", ["termination_suspended", "termination_withdrawn"])
def test_a_suspension_or_withdrawal_before_its_day_supersedes_it(kind: str) -> None:
    undoing = step("undone", kind, "2019-11-22")  # type: ignore[arg-type]
    assert _implied([SIGNED, NOTICE, undoing], "2019-11-21") == ("pending", None)
    assert _implied([SIGNED, NOTICE, undoing], "2019-11-22") == ("superseded", "undone")


def test_a_day_given_only_after_the_suspension_is_still_decided_by_it() -> None:
    """A source of December tells the day the notice would have taken effect: the
    suspension of November, after the notice, decided it all the same."""
    late = notice("2019-08-22", "2019-11-23", told="2019-12-10")
    suspended = step("undone", "termination_suspended", "2019-11-22")
    assert _implied([SIGNED, late, suspended], "2019-12-10") == ("superseded", "undone")


def test_a_suspension_before_the_notice_does_not_decide_it() -> None:
    earlier = step("undone", "termination_suspended", "2019-01-10")
    assert _implied([SIGNED, earlier, NOTICE], "2019-09-01") == ("pending", None)


def test_a_source_saying_it_ended_confirms_it() -> None:
    ended = step("ended", "expired", "2019-11-23")
    assert _implied([SIGNED, NOTICE, ended], "2019-11-23") == ("confirmed", "ended")


def test_sources_saying_both_make_it_disputed() -> None:
    suspended = step("undone", "termination_suspended", "2019-11-22")
    ended = step("ended", "terminated", "2019-11-23")
    assert _implied([SIGNED, NOTICE, suspended, ended], "2019-11-23") == ("disputed", "undone")


def test_a_curated_expected_ending_of_that_day_is_not_told_twice() -> None:
    """The seeds' own case: the expiry expected on 2019-11-23 is the same expectation."""
    state = fold([SIGNED, NOTICE, EXPIRY], day("2019-09-01"))
    assert [e.step.event for e in state.expectations] == ["expiry"]
    # Until the curated one is known (a source of later), the implied one stands.
    curated_later = EXPIRY.model_copy(update={"known_from": day("2019-11-22")})
    state = fold([SIGNED, NOTICE, curated_later], day("2019-09-01"))
    assert [e.step.event for e in state.expectations] == ["notice.takes-effect"]
    # An expected ending of another day does not stand for it.
    other = step("expiry", "expired", "2019-12-31", expected=True, known_from="2019-08-23")
    state = fold([SIGNED, NOTICE, other], day("2019-09-01"))
    assert [e.step.event for e in state.expectations] == ["notice.takes-effect", "expiry"]


# Through the stores: the seeds, with the Hanbit report of 2019-08-23 annotated as the
# formal notice it reports (with its takes-effect day) instead of as an expected expiry.
NOTICE_EVENTS = """events:
- id: notice-2019
  title: South Korea formally notifies Japan that it ends GSOMIA
  past_tense: South Korea formally notified Japan that it ended GSOMIA
  date: {value: 2019-08-23, how: resolved, phrase: on Friday, anchor: hanbit-2019-08-23}
  status: happened
  milestone: true
  effect:
    kind: termination_notified
    evidence:
    - article: hanbit-2019-08-23
      text: South Korea formally notified Japan on Friday of its decision to end their military
        intelligence-sharing pact
    - article: hanbit-2019-08-23
      text: The pact is set to expire on Nov. 23
    takes_effect: {value: 2019-11-23, how: printed, phrase: Nov. 23}
  actors: [south-korean-government]
  evidence:
  - article: hanbit-2019-08-23
    text: South Korea formally notified Japan on Friday of its decision to end their military
      intelligence-sharing pact
"""


def notice_seeds(target: Path, pages: tuple[str, ...] = ()) -> Path:
    """The seeds with 902 as a notice, and any other of the test articles."""
    seeds = agreement_seeds(target, ("902_hanbit_20190823.txt", *pages))
    annotations = seeds / "annotations" / "902_hanbit_20190823.yaml"
    text = annotations.read_text(encoding="utf-8")
    annotations.write_text(text[: text.index("events:")] + NOTICE_EVENTS, encoding="utf-8")
    return seeds


@pytest.fixture(scope="module")
def noticed(tmp_path_factory: pytest.TempPathFactory) -> MemoryFactStore:
    return load_store(notice_seeds(tmp_path_factory.mktemp("noticed") / "seeds"))


def ask(store: FactStore, command: str) -> str:
    return Renderer().text(Answerer(store).answer(command))


IMPLIED = "GSOMIA ends, as notified on 2019-08-23"


def test_status_and_history_show_the_implied_ending_as_expected_next(
    noticed: FactStore,
) -> None:
    status = ask(noticed, "!gsomia status 2019-09-01")
    assert f"Expected next (2019-11-23): {IMPLIED}; not confirmed by any source [2]\n" in status
    assert f"• 2019-11-23 (expected, not confirmed): {IMPLIED}\n" in status
    assert "[2] line 4: “The pact is set to expire on Nov. 23”" in status
    history = ask(noticed, "!gsomia history 2019-09-01")
    assert f"Pending:\n• 2019-11-23 (expected, not confirmed by any source): {IMPLIED} [" in history


def test_once_the_seeds_expect_that_day_themselves_it_is_theirs_alone(
    noticed: FactStore,
) -> None:
    status = ask(noticed, "!gsomia status")
    assert IMPLIED not in status
    assert "Expected next (2019-11-23): GSOMIA is expected to expire;" in status
    assert IMPLIED not in ask(noticed, "!timeline 2019-11")


def without_seed_expiry(target: Path, pages: tuple[str, ...] = ()) -> MemoryFactStore:
    """The same, without the seeds' own expected expiry: the notices' ending stands."""
    seeds = notice_seeds(target, pages)
    events = seeds / "annotations" / "events.yaml"
    text = events.read_text(encoding="utf-8")
    events.write_text(text[: text.index("  - id: expiry-expected")], encoding="utf-8")  # the last
    discrepancies = seeds / "annotations" / "discrepancies.yaml"
    edit(discrepancies, "[decision-not-to-renew, expiry-expected]", "[decision-not-to-renew]")
    edit(discrepancies, "[renewal-due, expiry-expected]", "[renewal-due]")
    return load_store(seeds)


def test_the_timeline_lists_it_where_its_day_falls(tmp_path: Path) -> None:
    """The seeds' notice implies the same day too: it is told once, from the notice
    whose day was known first."""
    store = without_seed_expiry(tmp_path / "seeds")
    timeline = ask(store, "!timeline 2019-11")
    assert timeline.count(IMPLIED) == 1
    assert f"• 2019-11-23 (expected, not confirmed): {IMPLIED} [" in timeline
    assert "as notified on 2019-08-22" not in timeline
    result = queries.timeline(store, FuzzyDate.parse("2019-11"))
    assert [mark.label for mark in timeline_marks(result)][-1] == IMPLIED  # and charted
    assert "notice-2019.takes-effect" not in result.overlapping  # a day inside the month


def test_countdowns_count_down_to_it_from_the_day_a_source_gave_the_day(
    noticed: FactStore,
) -> None:
    found = occasions_between(noticed, dt.date(2019, 9, 1), dt.date(2019, 11, 23))
    countdowns = [(o.day, o.event.title) for o in found if o.kind is OccasionKind.COUNTDOWN]
    assert countdowns == [
        (dt.date(2019, 10, 24), IMPLIED),  # 30 days before
        (dt.date(2019, 11, 16), IMPLIED),  # 7
        # From 2019-11-22 the seeds expect that day themselves: their countdown only.
        (dt.date(2019, 11, 22), "GSOMIA is expected to expire"),
        (dt.date(2019, 11, 23), "GSOMIA is expected to expire"),
    ]


def test_a_suspension_stops_its_countdown_and_every_answer_says_so(tmp_path: Path) -> None:
    store = without_seed_expiry(tmp_path / "seeds", ("903_hanbit_20191122.txt",))
    found = occasions_between(store, dt.date(2019, 9, 1), dt.date(2019, 11, 23))
    countdowns = [(o.day, o.event.title) for o in found if o.kind is OccasionKind.COUNTDOWN]
    assert countdowns == [(dt.date(2019, 10, 24), IMPLIED), (dt.date(2019, 11, 16), IMPLIED)]
    did_not = "expected, did not happen: termination suspended, conditionally, on 2019-11-22"
    assert f"• 2019-11-23 ({did_not} [" in ask(store, "!gsomia status")
    assert f"• 2019-11-23 ({did_not} [" in ask(store, "!timeline 2019-11")
    history = ask(store, "!gsomia history")
    assert f"• 2019-11-23: {IMPLIED} [" in history
    assert "did not happen: termination suspended, conditionally, on 2019-11-22 [" in history
    assert "Pending:" not in history
    assert occasions_on(store, dt.date(2019, 11, 23)) == []


def test_the_seeds_alone_imply_nothing_new(store: FactStore) -> None:
    state = queries.history(store).state
    assert [e.step.event for e in state.expectations] == ["expiry-expected"]
