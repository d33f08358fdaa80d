"""The pure queries against the real seeds, on the memory store and on the database store."""

from __future__ import annotations

import datetime as dt

import pytest

from briefings import queries
from briefings.dates import parse_period
from briefings.errors import UnknownNameError
from briefings.store import FactStore


def test_status_now(either_store: FactStore) -> None:
    result = queries.status(either_store)
    assert [(m.id, m.date.iso) for m in result.milestones] == [
        ("gsomia-signed", "2016-11"),
        ("decision-not-to-renew", "2019-08-22"),
        ("renewal-due", "2019-08-23"),
        ("seoul-wont-reconsider", "2019-11-21"),
        ("expiry-expected", "2019-11-23"),
    ]
    assert result.horizon == dt.date(2019, 11, 22)
    assert [p.id for p in result.pending] == ["expiry-expected"]
    assert result.pending[0].status == "expected"


def test_status_as_of_september_knows_nothing_of_november(either_store: FactStore) -> None:
    result = queries.status(either_store, dt.date(2019, 9, 1))
    ids = [m.id for m in result.milestones]
    assert ids == ["gsomia-signed", "decision-not-to-renew", "renewal-due"]
    cited = {c.article for m in result.milestones for c in m.citations}
    assert "fitsanakis-2019-11-22" not in cited
    assert all("November" not in s.title for s in result.sources)
    decision = result.milestones[1]
    # Only the discrepancies whose every side was published by then.
    assert all("November" not in summary for summary in decision.discrepancies)


def test_status_before_any_source(either_store: FactStore) -> None:
    result = queries.status(either_store, dt.date(2019, 8, 1))
    assert result.milestones == []
    assert result.sources == []
    assert result.horizon is None


def test_timeline_is_ordered_and_complete(either_store: FactStore) -> None:
    events = queries.timeline(either_store).events
    assert len(events) == either_store.counts().events
    keys = [(e.date.iso, e.id) for e in events]
    assert keys[0][1] == "japanese-occupation"
    assert keys[-1][1] == "expiry-expected"


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (
            "2019-11",
            {"us-pressure", "seoul-removes-japan", "seoul-wont-reconsider", "expiry-expected"},
        ),
        ("2016", {"gsomia-signed"}),
        ("2016-11-15", {"gsomia-signed"}),
        ("1950/1970", {"mutual-recognition"}),
    ],
)
def test_timeline_by_period(either_store: FactStore, period: str, expected: set[str]) -> None:
    events = queries.timeline(either_store, parse_period(period)).events
    assert {e.id for e in events} == expected


def test_timeline_by_actor(either_store: FactStore) -> None:
    result = queries.timeline(either_store, actor="moon")
    assert [a.name for a in result.actors] == ["Moon Jae-in"]
    assert [e.id for e in result.events] == ["decision-not-to-renew"]


def test_timeline_unknown_actor(either_store: FactStore) -> None:
    with pytest.raises(UnknownNameError):
        queries.timeline(either_store, actor="zzzz")


def test_quotes_kono_in_both_roles(either_store: FactStore) -> None:
    result = queries.quotes(either_store, "kono")
    assert [s.speaker.name for s in result.speakers] == ["Taro Kono"]
    quotes = result.speakers[0].quotes
    assert [q.role for q in quotes] == [
        "Japanese foreign minister",
        "Japanese foreign minister",
        "Japan’s Minister of Defense",
    ]
    assert quotes[0].words[0].startswith("I must say")  # printed before "he added"
    assert all(q.citations for q in quotes)


@pytest.mark.parametrize("typed", ["kno", "Kōno", "KONO", "taro", "Taro Kōno"])
def test_quotes_fuzzy(either_store: FactStore, typed: str) -> None:
    assert [s.speaker.id for s in queries.quotes(either_store, typed).speakers] == ["taro-kono"]


def test_quotes_kang_gives_both_kangs(either_store: FactStore) -> None:
    result = queries.quotes(either_store, "kang")
    speakers = {s.speaker.name: s.quotes for s in result.speakers}
    assert set(speakers) == {"Kang Kyung-wha", "Kang Gi-jung"}
    assert speakers["Kang Kyung-wha"][0].role == "South Korea’s Minister of Foreign Affairs"
    assert speakers["Kang Gi-jung"][0].role == (
        "Political Affairs Secretary to South Korean President Moon Jae-in"
    )


def test_quotes_full_name_gives_one_kang(either_store: FactStore) -> None:
    assert [s.speaker.id for s in queries.quotes(either_store, "kang gi-jung").speakers] == [
        "kang-gi-jung"
    ]


def test_a_misspelt_name_in_another_order_still_finds_its_speaker(either_store: FactStore) -> None:
    result = queries.quotes(either_store, "Iwaia Takesh")
    assert [s.speaker.name for s in result.speakers] == ["Takeshi Iwaya"]


def test_quotes_unmatched_speaker_suggests(either_store: FactStore) -> None:
    with pytest.raises(UnknownNameError) as caught:
        queries.quotes(either_store, "toro kani")
    assert caught.value.suggestions == ["Taro Kono"]


def test_a_name_that_only_shares_a_near_word_is_not_suggested(either_store: FactStore) -> None:
    """`!quote kim jong-un` suggests nothing: Kang Gi-jung is too far off for "jong" ~ "jung"."""
    with pytest.raises(UnknownNameError) as caught:
        queries.quotes(either_store, "kim jong-un")
    assert caught.value.suggestions == []


def test_quotes_nobody_near(either_store: FactStore) -> None:
    with pytest.raises(UnknownNameError) as caught:
        queries.quotes(either_store, "zzxxqq")
    assert caught.value.suggestions == []


def test_quote_of_an_actor_who_said_nothing(either_store: FactStore) -> None:
    result = queries.quotes(either_store, "moon jae-in")
    assert result.speakers[0].quotes == []


def test_undated_quote_says_so(either_store: FactStore) -> None:
    quote = next(
        q
        for q in queries.quotes(either_store, "kono").speakers[0].quotes
        if q.id == "kono-sensible-decision"
    )
    assert quote.date is None
    assert quote.date_note == "Not stated; printed on 2019-11-22."


def test_who_kang_gi_jung(either_store: FactStore) -> None:
    entry = queries.who(either_store, "kang gi-jung").entries[0]
    assert entry.actor.name == "Kang Gi-jung"
    assert [r.title for r in entry.roles] == [
        "Political Affairs Secretary to South Korean President Moon Jae-in"
    ]
    assert entry.roles[0].attested == ["2019-11-22"]
    assert [q.id for q in entry.quotes] == ["kang-gi-jung-white-flag"]


def test_sources_contributions(either_store: FactStore) -> None:
    result = queries.sources(either_store)
    assert [d.seed for d in result.documents] == [
        "000_a628d338d7e45e49.txt",
        "004_0c24133c7eb35b49.txt",
    ]
    nov = result.documents[1].articles[1]
    assert nov.contributed["quotes"] == 3
    assert len(result.documents[1].off_topic) == 12
