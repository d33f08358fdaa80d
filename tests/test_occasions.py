"""Anniversaries and countdowns derived from the store, at the precision of each date."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.cli import main
from briefings.annotations import DateClaim, EventAnnotation, Evidence
from briefings.dates import FuzzyDate
from briefings.occasions import (
    OccasionKind,
    _anniversary_day,
    digest_for,
    occasions_between,
    occasions_on,
)
from briefings.rendering import Renderer
from briefings.store import MemoryFactStore

D = dt.date


def kinds(store: MemoryFactStore, day: D) -> list[tuple[str, str]]:
    return [(o.kind.value, o.event.id) for o in occasions_on(store, day)]


def test_day_precise_events_have_anniversaries(store: MemoryFactStore) -> None:
    assert kinds(store, D(2026, 8, 22)) == [
        ("anniversary", "ambassador-summoned"),
        ("anniversary", "decision-not-to-renew"),
    ]
    occasion = occasions_on(store, D(2026, 8, 22))[1]
    assert occasion.years == 7
    assert occasion.past_tense == "South Korea decided not to renew GSOMIA"
    assert occasion.key == "anniversary:decision-not-to-renew:2026-08-22"


def test_month_precise_signing_gets_a_month_note_never_a_day(store: MemoryFactStore) -> None:
    year = occasions_between(store, D(2026, 1, 1), D(2026, 12, 31))
    signing = [o for o in year if o.event.id == "gsomia-signed"]
    assert [(o.day, o.kind) for o in signing] == [(D(2026, 11, 1), OccasionKind.MONTH_ANNIVERSARY)]
    assert signing[0].years == 10
    assert signing[0].round


def test_ranges_and_years_give_nothing(store: MemoryFactStore) -> None:
    year = occasions_between(store, D(2026, 1, 1), D(2026, 12, 31))
    ids = {o.event.id for o in year}
    assert not ids & {"foreign-ministers-meet", "mutual-recognition", "japanese-occupation"}
    assert not ids & {"us-pressure", "seoul-removes-japan", "tokyo-removes-sk-fast-track"}


def test_expected_expiry_anniversary_never_says_expired(store: MemoryFactStore) -> None:
    digest = digest_for(store, D(2026, 11, 23))
    assert digest is not None
    renderer = Renderer()
    text = renderer.text(renderer.briefing(digest))
    assert "GSOMIA was expected to expire; the sources do not say whether it did" in text
    assert " expired" not in text


def test_countdowns_only_once_announced(store: MemoryFactStore) -> None:
    autumn = occasions_between(store, D(2019, 10, 1), D(2019, 11, 30))
    countdowns = [(o.day, o.days_left) for o in autumn if o.kind is OccasionKind.COUNTDOWN]
    # 30 and 7 days before, no published source had announced the expiry yet.
    assert countdowns == [(D(2019, 11, 22), 1), (D(2019, 11, 23), 0)]


def test_countdown_reads_as_an_expectation(store: MemoryFactStore) -> None:
    digest = digest_for(store, D(2019, 11, 22))
    assert digest is not None
    renderer = Renderer()
    lines = renderer.briefing(digest).lines
    assert lines[0].startswith("• In one day, on 2019-11-23: GSOMIA is expected to expire")
    assert "not an announced fact" in lines[1]


def test_several_occasions_make_one_digest(store: MemoryFactStore) -> None:
    digest = digest_for(store, D(2026, 8, 22))
    assert digest is not None
    assert len(digest.occasions) == 2
    assert digest.key == "digest:2026-08-22"
    reply = Renderer().briefing(digest)
    assert reply.title == "GSOMIA briefing · 2026-08-22"
    assert sum(line.startswith("• ") for line in reply.lines) == 2


def test_a_quiet_day_has_no_digest(store: MemoryFactStore) -> None:
    assert digest_for(store, D(2026, 11, 24)) is None


@pytest.mark.parametrize(
    ("event_day", "year", "expected"),
    [
        (D(2020, 2, 29), 2021, D(2021, 2, 28)),
        (D(2020, 2, 29), 2024, D(2024, 2, 29)),
        (D(2019, 8, 22), 2026, D(2026, 8, 22)),
    ],
)
def test_leap_day_anniversaries(event_day: D, year: int, expected: D) -> None:
    assert _anniversary_day(event_day, year) == expected


def test_leap_day_event_is_remembered_every_year(store: MemoryFactStore) -> None:
    leap = EventAnnotation(
        id="leap-day",
        title="Something on a leap day",
        date=DateClaim(value=FuzzyDate.parse("2020-02-29"), how="printed", phrase="x"),
        status="happened",
        evidence=[Evidence(article="fitsanakis-2019-11-22", text="Most observers expect")],
    )
    file = store.annotations
    with_leap = MemoryFactStore(file.model_copy(update={"events": [*file.events, leap]}), store.map)
    days = [o.day for o in occasions_between(with_leap, D(2021, 1, 1), D(2024, 12, 31))]
    leap_days = [d for d in days if d.month == 2]
    assert leap_days == [D(2021, 2, 28), D(2022, 2, 28), D(2023, 2, 28), D(2024, 2, 29)]


def test_round_anniversaries(store: MemoryFactStore) -> None:
    first = occasions_on(store, D(2020, 8, 22))
    assert all(o.round and o.years == 1 for o in first)
    assert not any(o.round for o in occasions_on(store, D(2026, 8, 22)))


def test_template_sets_can_be_chosen_by_name(store: MemoryFactStore) -> None:
    renderer = Renderer()
    digest = digest_for(store, D(2026, 8, 22))
    assert digest is not None
    assert renderer.template_sets() == ["default", "terse"]
    assert renderer.briefing(digest, "terse").title == "GSOMIA · 2026-08-22"
    assert renderer.briefing(digest, "no-such-set").title == "GSOMIA briefing · 2026-08-22"


def test_every_briefing_template_renders_every_kind(store: MemoryFactStore) -> None:
    renderer = Renderer()
    days = [D(2019, 11, 22), D(2019, 11, 23), D(2026, 8, 22), D(2026, 11, 1)]
    for template_set in renderer.template_sets():
        for day in days:
            digest = digest_for(store, day)
            assert digest is not None
            reply = renderer.briefing(digest, template_set)
            assert reply.lines
            assert reply.citations


def test_brief_on_a_day(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["brief", "--on", "2026-11-23", "--tz", "Asia/Seoul"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("GSOMIA briefing · 2026-11-23\n")
    assert "Sources:\n[A]" in out


def test_brief_next_days(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["brief", "--next", "30", "--from", "2026-08-01"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Occasions from 2026-08-01 to 2026-08-30 (UTC): 5"
    assert out[3].startswith("  2026-08-22  anniversary        Tokyo summoned")


def test_brief_quiet_day(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["brief", "--on", "2026-11-24"]) == 0
    assert capsys.readouterr().out == "Nothing to post on 2026-11-24.\n"


def test_brief_bad_zone(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["brief", "--next", "3", "--tz", "Mars/Base"])
    assert exited.value.code == 2
    assert "'Mars/Base' is not a time zone" in capsys.readouterr().err
