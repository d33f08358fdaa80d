"""The store built from the real seeds: sources, actors, roles, events, quotes, misprints."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from briefings.annotations import Evidence
from briefings.dates import Precision
from briefings.loading import DEFAULT_SEEDS_DIR
from briefings.source_map import FACT_REGIONS, Region
from briefings.store import MemoryFactStore

SHARED_SEEDS = DEFAULT_SEEDS_DIR.parent.parent / "shared" / "seeds"


def test_seeds_are_the_shared_seeds_byte_for_byte() -> None:
    if not SHARED_SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    shared = sorted(path.name for path in SHARED_SEEDS.glob("*.txt"))
    assert shared == sorted(path.name for path in DEFAULT_SEEDS_DIR.glob("*.txt"))
    for name in shared:
        assert (DEFAULT_SEEDS_DIR / name).read_bytes() == (SHARED_SEEDS / name).read_bytes()


def test_manifest_pins_every_seed() -> None:
    manifest = (DEFAULT_SEEDS_DIR / "MANIFEST.sha256").read_text(encoding="utf-8")
    for line in manifest.splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((DEFAULT_SEEDS_DIR / name).read_bytes()).hexdigest() == digest


def test_three_articles_and_their_dates(store: MemoryFactStore) -> None:
    dates = {a.id: (a.date.value.iso, a.date.how) for a in store.articles.values()}
    assert dates == {
        "wood-undated": ("2019-08-22/2019-11-22", "inferred"),
        "fitsanakis-2019-08-23": ("2019-08-23", "printed"),
        "fitsanakis-2019-11-22": ("2019-11-22", "printed"),
    }
    assert store.articles["wood-undated"].date.reason
    assert store.horizon == dt.date(2019, 11, 22)


def test_teasers_are_off_topic(store: MemoryFactStore) -> None:
    page = next(s for s in store.sources if s.seed.startswith("004"))
    lines = [n for segment in page.off_topic for n in _span(segment.lines)]
    assert lines == list(range(7, 20))
    assert all("teaser" in segment.what for segment in page.off_topic)


def _span(span: str) -> list[int]:
    first, _, last = span.partition("-")
    return list(range(int(first), int(last or first) + 1))


def test_no_fact_draws_on_an_off_topic_line(store: MemoryFactStore) -> None:
    evidence: list[Evidence] = [
        *(e for event in store.events.values() for e in event.evidence),
        *(e for quote in store.quotes.values() for e in quote.evidence),
        *(e for role in store.roles.values() for e in role.evidence),
        *(e for actor in store.actors.values() for e in actor.evidence),
    ]
    for item in evidence:
        located = store.map.locate(item, FACT_REGIONS)
        assert not isinstance(located, str), located
        for line in range(located.first_line, located.last_line + 1):
            owner = store.map.owner(located.seed, line)
            assert owner is not None
            assert owner.region is Region.BODY


def test_publishers(store: MemoryFactStore) -> None:
    publishers = {s.seed[:3]: (s.publisher.name, s.publisher.how) for s in store.sources}
    assert publishers == {"000": ("Cole of Duty", "inferred"), "004": (None, "not printed")}


def test_kono_has_two_roles_bounded_by_their_sources(store: MemoryFactStore) -> None:
    roles = store.roles_of("taro-kono")
    assert [role.title for role in roles] == [
        "Japanese foreign minister",
        "Japan’s Minister of Defense",
    ]
    assert [[d.iso for d in store.attested(role)] for role in roles] == [
        ["2019-08-22/2019-11-22"],
        ["2019-11-22"],
    ]


def test_kono_aliases_include_the_macron(store: MemoryFactStore) -> None:
    assert {"Kono", "Taro Kono", "Kōno"} <= set(store.actors["taro-kono"].aliases)


@pytest.mark.parametrize(
    ("event", "iso", "precision", "status"),
    [
        ("gsomia-signed", "2016-11", Precision.MONTH, "happened"),
        ("decision-not-to-renew", "2019-08-22", Precision.DAY, "happened"),
        ("expiry-expected", "2019-11-23", Precision.DAY, "expected"),
        ("foreign-ministers-meet", "2019-08-19/2019-08-22", Precision.RANGE, "happened"),
        ("mutual-recognition", "1965", Precision.YEAR, "happened"),
    ],
)
def test_event_dates_keep_their_precision(
    store: MemoryFactStore, event: str, iso: str, precision: Precision, status: str
) -> None:
    stored = store.events[event]
    assert stored.date.value.iso == iso
    assert stored.date.value.precision is precision
    assert stored.status == status


def test_expiry_resolves_come_saturday(store: MemoryFactStore) -> None:
    date = store.events["expiry-expected"].date
    assert (date.how, date.phrase, date.anchor) == (
        "resolved",
        "come Saturday",
        "fitsanakis-2019-11-22",
    )


def test_on_thursday_resolves_against_the_article(store: MemoryFactStore) -> None:
    date = store.quotes["kang-kyung-wha-wont-reconsider"].date
    assert date is not None
    assert (date.value.iso, date.how, date.phrase) == ("2019-11-21", "resolved", "On Thursday")


def test_pronouns_are_resolved_to_speakers(store: MemoryFactStore) -> None:
    added = store.quotes["kono-protest-strongly"]
    assert (added.speaker, added.attribution) == ("taro-kono", "he added")
    said = store.quotes["iwaya-thorough-exchange"]
    assert (said.speaker, said.attribution) == ("takeshi-iwaya", "In addition, he said")
    japan = store.quotes["japan-where-necessary"]
    assert (japan.speaker, japan.attribution) == ("japanese-government", "It added")


def test_words_are_kept_as_printed(store: MemoryFactStore) -> None:
    spokesman = store.quotes["sk-spokesman-national-interest"]
    assert "[…]" in spokesman.words[0]
    assert store.printing_errors["gnosia"].printed.startswith("GNOSIA")
    assert store.printing_errors["tit-for-tad"].intended == "tit-for-tat"
    assert store.printing_errors["iwaya-unclosed-quotation"].kind == "unclosed quotation"


def test_misprints_attach_to_the_quotes_they_touch(store: MemoryFactStore) -> None:
    errors = store.printing_errors_in(store.quotes["iwaya-vital"].evidence)
    assert [e.id for e in errors] == ["iwaya-unclosed-quotation"]
    assert store.printing_errors_in(store.quotes["kono-sensible-decision"].evidence) == []


def test_collective_voices_are_actors(store: MemoryFactStore) -> None:
    kinds = {a.name: a.kind for a in store.actors.values() if a.kind == "collective"}
    assert {
        "a South Korean official",
        "American observers",
        "the South Korean public",
        "North Korean leaders",
    } <= set(kinds)


def test_discrepancy_on_the_decision_date(store: MemoryFactStore) -> None:
    discrepancy = store.discrepancies["decision-date"]
    readings = [claim.evidence.text for claim in discrepancy.claims]
    assert "said a South Korean official on August 22" in readings
    assert any(text.startswith("This morning") for text in readings)


def test_annotation_schema_file_is_current() -> None:
    from bot.cli import SCHEMA_PATH, annotation_schema

    assert Path(SCHEMA_PATH).read_text(encoding="utf-8") == annotation_schema(), (
        "run `briefbot facts schema` after changing briefings/annotations.py"
    )
