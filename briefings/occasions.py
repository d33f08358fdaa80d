"""Occasions for a briefing: anniversaries of dated events and countdowns to expected ones.

The rules follow the precision of each date:

- an event known to the **day** has a yearly anniversary on that day (an event of
  29 February is remembered on 28 February in other years, the last day of the
  month it happened in);
- an event known only to the **month** has a note on the first day of that month
  ("ten years ago this month"), never a day-exact anniversary;
- an event known only to a **year** or a **range** of days has none: there is no
  day, or month, the sources let us name;
- an **expected** event known to the day gets countdowns 30, 7, 1 and 0 days before
  it, but only on days when a source announcing it had been published: a countdown
  never draws on what nobody knew yet. Its anniversaries say it "was expected".
- an expected step of the agreement that a state change decided against before its
  day (`briefings.queries.agreement_state`) gets no countdown from the day that change was
  published, and its anniversaries name the step that happened instead;
- the ending a notice implies on the day it takes effect (when no curated expectation
  stands for that day) gets the same countdowns, from the day a source gave that day;
- on the day itself, a countdown to a step the sources by then say happened, or
  disagree about, says so with what each says, not "expected".

Everything takes the day explicitly; nothing here reads a clock.
"""

from __future__ import annotations

import calendar
import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from briefings.annotations import EventAnnotation
from briefings.dates import FuzzyDate, Precision
from briefings.queries.agreement import agreement_state, decision_of, implied_events
from briefings.queries.agreement_state import AgreementState
from briefings.queries.items import EventItem, Outcome, event_item
from briefings.store import FactStore, Visibility

__all__ = [
    "COUNTDOWN_DAYS",
    "ROUND_YEARS",
    "Digest",
    "Occasion",
    "OccasionKind",
    "digest_for",
    "occasions_between",
    "occasions_on",
]

COUNTDOWN_DAYS = (30, 7, 1, 0)
ROUND_YEARS = frozenset({1, 5, 10, 15, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 100})


class OccasionKind(StrEnum):
    """Why a day has something to say about an event."""

    ANNIVERSARY = "anniversary"
    MONTH_ANNIVERSARY = "month-anniversary"
    COUNTDOWN = "countdown"


class Occasion(BaseModel):
    """One thing to say on one day about one event."""

    model_config = ConfigDict(frozen=True)

    key: str = Field(description="Stable identity, used by the post ledger: kind:event:day")
    kind: OccasionKind
    day: dt.date = Field(description="The local day it belongs to")
    event: EventItem
    past_tense: str = Field(description="The event told afterwards")
    years: int | None = Field(description="Years since, for anniversaries")
    round: bool = Field(description="A round anniversary (1, 5, 10, 25, ...)")
    days_left: int | None = Field(description="Days to go, for countdowns")


class Digest(BaseModel):
    """Every occasion of one day, posted together as one briefing."""

    model_config = ConfigDict(frozen=True)

    day: dt.date
    occasions: list[Occasion]
    horizon: dt.date = Field(description="The last day the sources speak of")

    @property
    def key(self) -> str:
        """The ledger key of the day's digest."""
        return f"digest:{self.day.isoformat()}"


def _anniversary_day(event_day: dt.date, year: int) -> dt.date:
    """The event's day in `year`; 29 February falls on 28 February in other years."""
    if (event_day.month, event_day.day) == (2, 29) and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return event_day.replace(year=year)  # asked of every anniversary: no month lengths


def _occasion(
    store: FactStore,
    event: EventAnnotation,
    kind: OccasionKind,
    day: dt.date,
    visibility: Visibility,
    state: AgreementState | None,
    years: int | None = None,
    days_left: int | None = None,
) -> Occasion:
    return Occasion(
        key=f"{kind.value}:{event.id}:{day.isoformat()}",
        kind=kind,
        day=day,
        event=event_item(store, event, visibility, decision_of(state, event.id)),
        past_tense=event.past_tense or event.title,
        years=years,
        round=years in ROUND_YEARS if years is not None else False,
        days_left=days_left,
    )


def _for_event(
    store: FactStore,
    event: EventAnnotation,
    day: dt.date,
    visibility: Visibility,
    state: AgreementState | None,
) -> list[Occasion]:
    """The occasions one event has on `day`; `visibility`: the sources published by then,
    `state`: the agreement's state on the day from them (None: no expected step asks)."""
    date = event.date.value
    found: list[Occasion] = []
    years = day.year - date.earliest.year
    on_the_day = day == _anniversary_day(date.earliest, day.year)
    if date.precision is Precision.DAY and years > 0 and on_the_day:
        kind = OccasionKind.ANNIVERSARY
        found.append(_occasion(store, event, kind, day, visibility, state, years=years))
    first_of_month = (day.month, day.day) == (date.earliest.month, 1)
    if date.precision is Precision.MONTH and years > 0 and first_of_month:
        kind = OccasionKind.MONTH_ANNIVERSARY
        found.append(_occasion(store, event, kind, day, visibility, state, years=years))
    if event.status == "expected" and date.precision is Precision.DAY:
        days_left = (date.earliest - day).days
        decided = decision_of(state, event.id)
        outcome = decided[0] if decided is not None else None
        if _counts_down(outcome, days_left) and visibility.admits(event.evidence):
            kind = OccasionKind.COUNTDOWN
            found.append(_occasion(store, event, kind, day, visibility, state, days_left=days_left))
    return found


def _implied_countdowns(state: AgreementState, day: dt.date, horizon: dt.date) -> list[Occasion]:
    """The countdowns of `day` to the endings the notices imply."""
    found = []
    for event in implied_events(state, horizon):
        date = FuzzyDate.parse(event.date.iso)
        days_left = (date.earliest - day).days
        if date.precision is Precision.DAY and _counts_down(event.outcome, days_left):
            kind = OccasionKind.COUNTDOWN
            found.append(
                Occasion(
                    key=f"{kind.value}:{event.id}:{day.isoformat()}",
                    kind=kind,
                    day=day,
                    event=event,
                    past_tense=event.title,
                    years=None,
                    round=False,
                    days_left=days_left,
                )
            )
    return found


def _counts_down(outcome: Outcome | None, days_left: int) -> bool:
    """A countdown's day, to an expectation nothing decided against."""
    return days_left in COUNTDOWN_DAYS and outcome != "superseded"


def _notice_due(store: FactStore, day: dt.date) -> bool:
    """A notice takes effect a countdown's days after `day` (a few days a year)."""
    return any(day + dt.timedelta(days=n) in store.notice_days() for n in COUNTDOWN_DAYS)


def _candidates(store: FactStore, day: dt.date) -> list[EventAnnotation]:
    """The events that may have an occasion on `day`, each once: those dated to its
    month and day (and to 29 February, on the 28th of a common year), those dated to
    its month when it is the first, and those expected a countdown's days later."""
    month_days = {(day.month, day.day)}
    if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
        month_days.add((2, 29))
    month = day.month if day.day == 1 else None
    expected = [day + dt.timedelta(days=n) for n in COUNTDOWN_DAYS]
    return store.occasion_events(month_days, month, expected)


def occasions_on(store: FactStore, day: dt.date) -> list[Occasion]:
    """Every occasion of `day`, countdowns first, then by the event's date."""
    visibility = store.visibility(day)
    with store.reading():
        candidates = _candidates(store, day)
        # The fold reads every milestone: only when an expected step of the agreement
        # has an occasion that day, or a notice takes effect a countdown later (a few
        # days a year), not for every day's digest.
        asks = any(event.status == "expected" and event.effect for event in candidates)
        state = agreement_state(store, visibility, day) if asks or _notice_due(store, day) else None
        found = [
            occasion
            for event in candidates
            for occasion in _for_event(store, event, day, visibility, state)
        ]
        if state is not None:
            found += _implied_countdowns(state, day, store.horizon)
    order = {OccasionKind.COUNTDOWN: 0, OccasionKind.ANNIVERSARY: 1}
    return sorted(found, key=lambda o: (order.get(o.kind, 2), o.event.date.iso, o.event.id))


def occasions_between(store: FactStore, first: dt.date, last: dt.date) -> list[Occasion]:
    """Every occasion from `first` to `last`, inclusive, in order of day."""
    days = (last - first).days + 1
    return [
        occasion
        for offset in range(max(days, 0))
        for occasion in occasions_on(store, first + dt.timedelta(days=offset))
    ]


def digest_for(store: FactStore, day: dt.date) -> Digest | None:
    """The one briefing of `day`, or None when the day has no occasion."""
    occasions = occasions_on(store, day)
    if not occasions:
        return None
    return Digest(day=day, occasions=occasions, horizon=store.horizon)
