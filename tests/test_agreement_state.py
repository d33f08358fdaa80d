"""The fold of the agreement's steps: the state on a day, and what became of what was
expected. Steps are built by hand here; tests/test_agreement.py runs the same on stores."""

from __future__ import annotations

import datetime as dt
from typing import get_args

import pytest

from briefings.dates import FuzzyDate
from briefings.effects import EffectKind, states
from briefings.queries.agreement_state import fold
from briefings.queries.items import DateItem, StepItem


def step(
    event: str,
    kind: EffectKind,
    iso: str,
    *,
    expected: bool = False,
    conditional: bool = False,
    known_from: str | None = None,
) -> StepItem:
    when = FuzzyDate.parse(iso)
    return StepItem(
        event=event,
        kind=kind,
        title=event,
        when=when,
        date=DateItem(
            label=when.label(),
            iso=when.iso,
            precision=when.precision,
            how="printed",
            phrase=None,
            reason=None,
        ),
        expected=expected,
        conditional=conditional,
        known_from=dt.date.fromisoformat(known_from) if known_from else when.earliest,
        takes_effect=None,
        takes_effect_citations=[],
        discrepancies=[],
        citations=[],
    )


def day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


SIGNED = step("signed", "signed", "2016-11-23")
EXTENDED = step("extended", "extended", "2018-08-24")
NOTICE = step("notice", "termination_notified", "2019-08-22")
SUSPENDED = step("suspended", "termination_suspended", "2019-11-22", conditional=True)
NORMALIZED = step("normalized", "normalized", "2023-03-21")
EXPIRY = step("expiry", "expired", "2019-11-23", expected=True, known_from="2019-08-23")
HISTORY = [NORMALIZED, EXPIRY, SUSPENDED, NOTICE, EXTENDED, SIGNED]  # any order


@pytest.mark.parametrize("kind", get_args(EffectKind))
def test_every_effect_opens_a_span_of_its_standing(kind: EffectKind) -> None:
    state = fold([SIGNED, step("x", kind, "2019-01-10")], day("2019-01-10"))
    assert state.current is not None
    assert state.current.step.kind == kind
    expected = {"signed": "signed", "expired": "ended", "terminated": "ended"}
    assert state.current.standing == expected.get(kind, "in_force")
    assert state.previous is not None
    assert state.previous.until == state.current.step


def test_signing_after_entry_into_force_leaves_it_in_force() -> None:
    state = fold(
        [step("f", "in_force", "2016-12-01"), step("s", "signed", "2017-01-01")], day("2017-02-01")
    )
    assert state.current is not None
    assert state.current.standing == "in_force"


def test_a_conditional_suspension_is_in_force_and_conditional() -> None:
    state = fold(HISTORY, day("2020-06-01"))
    assert state.current is not None
    assert state.current.step == SUSPENDED
    assert state.current.step.conditional
    assert state.current.standing == "in_force"
    assert state.current.follows


def test_a_withdrawal_follows_a_notice_and_not_nothing() -> None:
    withdrawn = step("withdrawn", "termination_withdrawn", "2019-10-01")
    state = fold([SIGNED, NOTICE, withdrawn], day("2019-10-01"))
    assert state.current is not None
    assert state.current.step == withdrawn
    assert state.current.follows
    assert state.current.standing == "in_force"
    alone = fold([SIGNED, withdrawn], day("2019-10-01"))
    assert alone.current is not None
    assert not alone.current.follows


@pytest.mark.parametrize(
    ("iso", "current"),
    [
        ("2016-11-22", None),
        ("2016-11-23", "signed"),
        ("2018-08-23", "signed"),
        ("2018-08-24", "extended"),
        ("2019-08-21", "extended"),
        ("2019-08-22", "notice"),
        ("2019-11-21", "notice"),
        ("2019-11-22", "suspended"),
        ("2023-03-20", "suspended"),
        ("2023-03-21", "normalized"),
        ("2026-01-01", "normalized"),
    ],
)
def test_as_of_before_and_after_each_step(iso: str, current: str | None) -> None:
    state = fold(HISTORY, day(iso))
    assert (state.current.step.event if state.current else None) == current
    assert all(span.step.when.latest <= day(iso) for span in state.spans)


def test_an_expectation_decided_early_is_superseded() -> None:
    before = fold(HISTORY, day("2019-11-21"))
    assert [(e.step.event, e.outcome) for e in before.expectations] == [("expiry", "pending")]
    assert before.pending()[0].step == EXPIRY
    after = fold(HISTORY, day("2019-11-22"))
    expiry = after.outcome_of("expiry")
    assert expiry is not None
    assert expiry.outcome == "superseded"
    assert expiry.decided_by == SUSPENDED
    assert after.pending() == []


def test_an_expectation_decided_late_is_not_superseded() -> None:
    """A suspension dated after the expected day cannot have stopped it."""
    late = step("late", "termination_suspended", "2019-11-25")
    state = fold([SIGNED, NOTICE, EXPIRY, late], day("2019-12-01"))
    expiry = state.outcome_of("expiry")
    assert expiry is not None
    assert expiry.outcome == "unconfirmed"
    assert expiry.decided_by is None


def test_an_expectation_never_decided_is_pending_then_unconfirmed() -> None:
    steps = [SIGNED, NOTICE, EXPIRY]
    assert [e.outcome for e in fold(steps, day("2019-11-22")).expectations] == ["pending"]
    assert [e.outcome for e in fold(steps, day("2019-11-23")).expectations] == ["unconfirmed"]


def test_an_expectation_unknown_on_the_day_is_not_listed() -> None:
    assert fold([SIGNED, NOTICE, EXPIRY], day("2019-08-22")).expectations == []


def test_a_step_before_the_expectation_was_published_does_not_decide_it() -> None:
    state = fold([SIGNED, EXTENDED, NOTICE, EXPIRY], day("2019-11-23"))
    expiry = state.outcome_of("expiry")
    assert expiry is not None
    assert expiry.outcome == "unconfirmed"


def test_an_expectation_that_happened_is_confirmed() -> None:
    expired = step("expired", "expired", "2019-11-23")
    state = fold([SIGNED, NOTICE, EXPIRY, expired], day("2019-11-24"))
    expiry = state.outcome_of("expiry")
    assert expiry is not None
    assert expiry.outcome == "confirmed"
    assert expiry.decided_by == expired
    assert state.current is not None
    assert state.current.standing == "ended"


def test_two_sources_disagreeing_are_both_shown() -> None:
    """One source has it suspended on the 22nd, another has it expire on the 23rd."""
    expired = step("expired", "expired", "2019-11-23")
    state = fold([SIGNED, NOTICE, EXPIRY, SUSPENDED, expired], day("2019-11-24"))
    expiry = state.outcome_of("expiry")
    assert expiry is not None
    assert expiry.outcome == "disputed"
    assert expiry.decided_by == SUSPENDED
    assert state.current is not None
    assert state.current.step == expired
    assert not state.current.follows  # an expiry while the termination was suspended


def test_a_month_is_placed_only_once_it_is_over() -> None:
    signed = step("signed", "signed", "2016-11")
    middle = fold([signed], day("2016-11-15"))
    assert middle.spans == []
    assert middle.undecided == [signed]
    end = fold([signed], day("2016-11-30"))
    assert end.current is not None
    assert end.current.step == signed
    assert end.undecided == []


def test_a_day_is_placed_on_its_day() -> None:
    assert fold([SIGNED], day("2016-11-23")).undecided == []
    assert fold([SIGNED], day("2016-11-22")).spans == []


def test_steps_of_the_same_day_keep_the_order_they_were_published() -> None:
    first = step("first", "termination_notified", "2019-08-22", known_from="2019-08-22")
    second = step("second", "termination_suspended", "2019-08-22", known_from="2019-08-23")
    state = fold([second, first], day("2019-08-30"))
    assert [span.step.event for span in state.spans] == ["first", "second"]


@pytest.mark.parametrize(
    ("kind", "words", "stated"),
    [
        ("termination_notified", "the government announced it would not renew the agreement", True),
        ("termination_notified", "the government has decided to end it unilaterally", True),
        ("termination_suspended", "Seoul conditionally suspended the termination", True),
        ("normalized", "Seoul has fully normalized the pact", True),
        ("expired", "GSOMIA will simply expire come Saturday", True),
        ("extended", "the two sides agreed to extend the pact", True),
        ("signed", "the pact is in limbo", False),
        ("expired", "the pact is in limbo", False),
        ("terminated", "attendance at the talks", False),  # a stem starts a word
    ],
)
def test_the_words_that_state_an_effect(kind: EffectKind, words: str, stated: bool) -> None:
    assert states(kind, [words]) is stated


def test_a_step_told_again_by_a_later_source_is_one_step_with_both_sources() -> None:
    """A December article telling the suspension of 2019-11-22 opened a second span of
    the same state on the same day: history listed it twice and status said "before
    that: termination suspended" of the suspension itself."""
    retold = step(
        "retold", "termination_suspended", "2019-11-22", conditional=True, known_from="2019-12-10"
    )
    state = fold([*HISTORY, retold], day("2020-06-01"))
    assert [span.step.event for span in state.spans] == [
        "signed",
        "extended",
        "notice",
        "suspended",
    ]
    assert state.previous is not None
    assert state.previous.step.event == "notice"
    # Told again unconditionally, it is a step of its own (the condition was lifted).
    lifted = step("lifted", "termination_suspended", "2019-11-22", known_from="2019-12-10")
    assert [span.step.event for span in fold([*HISTORY, lifted], day("2020-06-01")).spans][-2:] == [
        "suspended",
        "lifted",
    ]
