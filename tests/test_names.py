"""A name answers only for the person typed: a near spelling that is another name
("yoon" beside Moon Jae-in) is offered as a did-you-mean, never answered for."""

from __future__ import annotations

import pytest

from bot.console import answer_text
from briefings import queries
from briefings.answers import Answerer
from briefings.errors import UnknownNameError
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
