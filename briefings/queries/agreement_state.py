"""The agreement's state as of a day: a fold of its steps' effects, in date order.

Pure: it takes the steps a store's visible sources state (`StepItem`s, built by
`briefings.queries.agreement.agreement_steps` from the milestones either store
returns) and a day, and returns the spans of the state up to that day and what became
of every expected step. Which sources are visible (the knowledge horizon) is decided
before, by whoever builds the steps.

- A step counts by a day when its whole date lies on or before it; a step whose date
  only may (a month-only date in the middle of its month) is listed as undecided.
- Each step opens a span: what the agreement is (signed, in force, ended,
  `briefings.effects.standing_after`) and the step that made it so. A step that does
  not follow from the one before (a suspension with no termination notified, a step of
  an agreement in force after it ended) is flagged: the sources disagree.
- An expected step is superseded when a step of a kind that rules it out
  (`briefings.effects.RULES_OUT`) is dated on or before its day and not before the
  expectation was published; confirmed when a step of its own kind is dated at its
  date; disputed when both; else pending while its day is still to come, unconfirmed
  after.
- A notice whose takes-effect day a source gives implies an expected ending on that
  day (`StepItem.implies`), decided like any other expectation, by the steps from the
  notice on: unless a curated expected ending already stands for that day, which is
  the same expectation told by the sources themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from briefings.effects import ENDING, RULES_OUT, EffectKind, Standing, standing_after
from briefings.queries.items import Outcome, StepItem

__all__ = ["AgreementState", "Expectation", "Span", "fold"]

# A suspension or a withdrawal undoes a notified termination; without one on record,
# the step does not follow from the state before it.
_UNDOES_NOTICE: frozenset[EffectKind] = frozenset(
    {"termination_suspended", "termination_withdrawn"}
)
_NOTICE_PENDING: frozenset[EffectKind] = frozenset(
    {"termination_notified", "termination_suspended"}
)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Span(_Model):
    """One stretch of the agreement's state, from the step that opened it."""

    standing: Standing
    step: StepItem = Field(description="The step that opened the span")
    until: StepItem | None = Field(description="The step that closed it; None: still the state")
    follows: bool = Field(
        description="False when the step does not follow from the state before it"
    )


class Expectation(_Model):
    """An expected step and what became of it by the day."""

    step: StepItem
    outcome: Outcome
    decided_by: StepItem | None = Field(
        description="The step that confirmed or superseded it (the superseding one if disputed)"
    )
    confirming: StepItem | None = Field(
        default=None, description="If disputed: the step a source says happened as expected"
    )


class AgreementState(_Model):
    """The agreement's state on a day, from the steps given."""

    day: dt.date
    spans: list[Span] = Field(description="Every span up to the day, earliest first")
    expectations: list[Expectation] = Field(description="Every expected step, by its date")
    undecided: list[StepItem] = Field(
        description="Steps whose date may or may not lie by the day (a month, a range)"
    )

    @property
    def current(self) -> Span | None:
        """The span the day falls in; None before the first step."""
        return self.spans[-1] if self.spans else None

    @property
    def previous(self) -> Span | None:
        """The span before the current one."""
        return self.spans[-2] if len(self.spans) > 1 else None

    def pending(self) -> list[Expectation]:
        """Expectations still to come on the day, that nothing has decided."""
        return [e for e in self.expectations if e.outcome == "pending"]

    def outcome_of(self, event: str) -> Expectation | None:
        """What became of the expected step of milestone `event`, if it is one."""
        return next((e for e in self.expectations if e.step.event == event), None)


def _order(step: StepItem) -> tuple[dt.date, dt.date, dt.date]:
    return (*step.when.sort_key(), step.known_from)


def _follows(step: StepItem, before: Span | None) -> bool:
    if before is None:
        return True
    if before.standing == "ended":
        return step.kind == "signed"
    if step.kind in _UNDOES_NOTICE:
        return before.step.kind in _NOTICE_PENDING
    if step.kind in ENDING:  # not while a termination is suspended or withdrawn
        return before.step.kind not in _UNDOES_NOTICE
    return True


def _retold(step: StepItem, before: Span | None) -> bool:
    """Whether `step` is the step that opened `before`, told again by a later source
    (the suspension of 2019-11-22 in an article of December)."""
    return before is not None and (before.step.kind, before.step.when, before.step.conditional) == (
        step.kind,
        step.when,
        step.conditional,
    )


def _spans(steps: Sequence[StepItem]) -> list[Span]:
    spans: list[Span] = []
    for step in steps:
        before = spans[-1] if spans else None
        if before is not None and _retold(step, before):
            # One step, more sources: its citations join the span's, not a new span.
            cited = [*before.step.citations, *step.citations]
            spans[-1] = before.model_copy(
                update={"step": before.step.model_copy(update={"citations": cited})}
            )
            continue
        if before is not None:
            spans[-1] = before.model_copy(update={"until": step})
        standing = standing_after(step.kind, before.standing if before else None)
        spans.append(Span(standing=standing, step=step, until=None, follows=_follows(step, before)))
    return spans


def _same_kind(expected: EffectKind, happened: EffectKind) -> bool:
    return expected == happened or (expected in ENDING and happened in ENDING)


def _expectation(
    expected: StepItem, steps: Sequence[StepItem], day: dt.date, since: dt.date
) -> Expectation:
    """What became of `expected` by `day`; a step dated before `since` cannot decide it."""
    confirming = [
        s for s in steps if _same_kind(expected.kind, s.kind) and s.when.overlaps(expected.when)
    ]
    ruling_out = [
        s
        for s in steps
        if s.kind in RULES_OUT.get(expected.kind, frozenset())
        and s.when.earliest <= expected.when.latest
        and s.when.latest >= since
    ]
    outcome: Outcome
    if confirming and ruling_out:
        return Expectation(
            step=expected, outcome="disputed", decided_by=ruling_out[0], confirming=confirming[0]
        )
    if ruling_out:
        outcome, decided_by = "superseded", ruling_out[0]
    elif confirming:
        outcome, decided_by = "confirmed", confirming[0]
    else:
        outcome, decided_by = ("pending" if expected.when.latest > day else "unconfirmed"), None
    return Expectation(step=expected, outcome=outcome, decided_by=decided_by)


def _implied(notices: Sequence[StepItem], curated: Sequence[StepItem]) -> list[StepItem]:
    """The endings the notices imply on their takes-effect days, each day once (from
    the notice whose day was known first), but for a day a curated expected ending
    already stands for."""
    implied = sorted(
        (notice.implies for notice in notices if notice.implies is not None),
        key=lambda ending: ending.known_from,
    )
    kept: list[StepItem] = []
    for ending in implied:
        standing = [*curated, *kept]
        if not any(e.kind in ENDING and e.when.overlaps(ending.when) for e in standing):
            kept.append(ending)
    return kept


def fold(steps: Sequence[StepItem], day: dt.date) -> AgreementState:
    """The agreement's state on `day` from `steps` (any order)."""
    happened = sorted((s for s in steps if not s.expected), key=_order)
    by_day = [s for s in happened if s.when.latest <= day]
    expected = [s for s in steps if s.expected and s.known_from <= day]
    # An implied ending is decided by the steps from its notice on, whenever a source
    # gave its day (a later source may give it after the suspension that decided it).
    since = {s.event: s.known_from for s in expected}
    for notice in by_day:
        if notice.implies is not None:
            since[notice.implies.event] = notice.when.earliest
    known = [notice for notice in by_day if notice.implies and notice.implies.known_from <= day]
    implied = _implied(known, expected)
    return AgreementState(
        day=day,
        spans=_spans(by_day),
        expectations=[
            _expectation(e, by_day, day, since[e.event])
            for e in sorted([*expected, *implied], key=_order)
        ],
        undecided=[s for s in happened if s.when.earliest <= day < s.when.latest],
    )
