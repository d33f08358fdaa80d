"""Small wording rules, each pinned by a test that failed before its fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from briefings.answers import Answerer
from briefings.rendering import TEMPLATES_DIR, Renderer
from briefings.replies import Reply
from briefings.store import MemoryFactStore

Ask = Callable[[str], str]
LONG = "z" * 3000


def test_an_empty_timeline_for_an_actor_reads_as_english(store: MemoryFactStore, ask: Ask) -> None:
    involved = {actor for event in store.events.values() for actor in event.actors}
    idle = next(a for a in store.actors.values() if a.id not in involved)
    assert f"No event in the sources involves {idle.name}." in ask(f'!timeline "{idle.name}"')
    assert "No event in the sources falls in 2001 and involves Taro Kono." in ask(
        "!timeline 2001 kono"
    )


def test_counts_of_one_are_singular(ask: Ask) -> None:
    text = ask("!sources")
    assert "1 roles" not in text
    assert "1 role" in text  # the August 22 article states one role
    assert "6 discrepancies" in text


@pytest.mark.parametrize(
    "command", ["!quote kono", "!quote iwasaki", "!quote", "!quot kono", "!gsomia status"]
)
def test_footers_carry_no_markdown(answerer: Answerer, command: str) -> None:
    """Discord shows a footer's backticks as they are."""
    assert "`" not in answerer.answer(command).footer


def test_every_footer_template_is_free_of_backticks() -> None:
    for path in TEMPLATES_DIR.rglob("*.j2"):
        text = path.read_text(encoding="utf-8")
        if "{% block footer %}" in text:
            footer = text.split("{% block footer %}", 1)[1].split("{% endblock %}", 1)[0]
            assert "`" not in footer, path.relative_to(TEMPLATES_DIR)


@pytest.mark.parametrize(
    "command",
    [f"!quote {LONG}", f"!who {LONG}", f"!timeline 2019{'1' * 3000}", f"!{LONG}", f"!help {LONG}"],
    ids=["quote", "who", "timeline period", "command name", "help"],
)
def test_a_long_argument_is_echoed_once_and_short(answerer: Answerer, command: str) -> None:
    reply: Reply = answerer.answer(command)
    text = Renderer().text(reply)
    typed = command.split()[-1].lstrip("!")
    assert typed not in text  # never the whole of it
    assert text.count(typed[:40]) <= 1, text[:400]
    assert len(text) < 600, text[:400]


def test_the_shown_filter_cuts_typed_text(tmp_path: Path) -> None:
    renderer = Renderer()
    assert renderer.env.filters["shown"]("abc") == "abc"
    assert renderer.env.filters["shown"]("x" * 100) == "x" * 40 + "…"
