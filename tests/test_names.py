"""A name answers only for the person typed: a near spelling that is another name
("yoon" beside Moon Jae-in) is offered as a did-you-mean, never answered for."""

from __future__ import annotations

import pytest
from rapidfuzz import process

from bot.console import answer_text
from briefings import queries
from briefings.answers import Answerer
from briefings.errors import UnknownNameError
from briefings.matching import Candidate, NameIndex
from briefings.rendering import Renderer
from briefings.store import FactStore


@pytest.mark.parametrize("command", ["quote", "who"])
def test_a_close_spelling_of_another_name_is_offered_not_answered(
    either_store: FactStore, command: str
) -> None:
    renderer = Renderer()
    text = answer_text(Answerer(either_store, renderer), renderer, f"!{command} yoon")
    assert 'No match for "yoon"' in text
    assert "Did you mean: Moon Jae-in?" in text


def test_a_different_initial_is_a_different_name(either_store: FactStore) -> None:
    with pytest.raises(UnknownNameError) as caught:
        queries.quotes(either_store, "yoon")
    assert caught.value.suggestions == ["Moon Jae-in"]


@pytest.mark.parametrize(("typed", "speaker"), [("moom", "moon-jae-in"), ("kno", "taro-kono")])
def test_a_typo_still_finds_its_person(either_store: FactStore, typed: str, speaker: str) -> None:
    assert [s.speaker.id for s in queries.quotes(either_store, typed).speakers] == [speaker]


def _index() -> NameIndex:
    return NameIndex(
        [
            Candidate("taro-kono", "Taro Kono", ("Taro Kono", "Kono")),
            Candidate("kang-kyung-wha", "Kang Kyung-wha", ("Kang Kyung-wha",)),
            Candidate("kang-gi-jung", "Kang Gi-jung", ("Kang Gi-jung",)),
            Candidate("moon-jae-in", "Moon Jae-in", ("Moon Jae-in",)),
        ]
    )


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Kōno", ["taro-kono"]),  # an alias, folded
        ("kang", ["kang-gi-jung", "kang-kyung-wha"]),  # a word of two names
        ("mo", ["moon-jae-in"]),  # the start of a word
    ],
)
def test_a_name_found_by_lookup_is_answered_without_the_scan_over_every_name(
    monkeypatch: pytest.MonkeyPatch, typed: str, found: list[str]
) -> None:
    """The near-spelling scan costs a pass over every name (1 ms with 1,020 actors):
    a name, alias, word or prefix that is found in the index never pays it."""
    index = _index()

    def no_scan(*args: object, **kwargs: object) -> list[object]:
        raise AssertionError("scanned every name for a name the index holds")

    monkeypatch.setattr(process, "extract", no_scan)
    assert [match.key for match in index.resolve(typed)] == found


def test_a_typo_is_still_found_by_the_scan() -> None:
    assert [match.key for match in _index().resolve("kno")] == ["taro-kono"]
    assert _index().resolve("") == []
