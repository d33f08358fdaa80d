"""The answer layer: command text in, a structured reply out, rendered from templates."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import UndefinedError

from briefings.answers import Answerer, CurrentAnswerer
from briefings.commands import REGISTRY
from briefings.loading import load_store
from briefings.rendering import Renderer
from briefings.replies import ReplyKind
from briefings.store import FactStore, MemoryFactStore

Ask = Callable[[str], str]
TEASER_WORDS = ["Kim Yo-jong", "Lazarus", "Madrid", "Pompeo", "Jo Song-gil", "Choe In-guk"]


def test_status_reply(answerer: Answerer) -> None:
    reply = answerer.answer("!gsomia status")
    assert reply.kind == "status"
    assert reply.title == "GSOMIA status"
    body = "\n".join(reply.lines)
    assert "• November 2016: Tokyo and Seoul sign GSOMIA" in body
    assert "• 2019-08-22: South Korea decides not to renew GSOMIA" in body
    assert "• 2019-11-23 (expected, not confirmed): GSOMIA is expected to expire" in body
    assert "The sources say nothing after 2019-11-22." in body
    assert reply.citations
    assert re.search(r"\[\d+\]", body)


def test_status_never_claims_expiry(ask: Ask) -> None:
    text = ask("!gsomia status").lower()
    assert "expired" not in text.replace("whether gsomia expired", "")
    assert "has expired" not in text
    assert "expected to expire" in text


def test_status_as_of(ask: Ask) -> None:
    text = ask("!gsomia status 2019-09-01")
    assert text.startswith("GSOMIA status as of 2019-09-01")
    assert "expected to expire" not in text
    assert "Kang" not in text
    assert "Nothing published after 2019-09-01 is considered." in text
    assert "undated; counted from the first day it may have appeared" in text


def test_status_before_the_sources(ask: Ask) -> None:
    text = ask("!gsomia status 2010-01-01")
    assert "No source in the store had been published by 2010-01-01" in text
    assert "From sources published later" not in text  # nothing had happened by then


def test_status_before_the_sources_goes_on_with_what_later_sources_say(ask: Ask) -> None:
    """`!gsomia status 2016-12-01` must not say the bot knows nothing of GSOMIA then,
    since the store has the November 2016 signing. It keeps its meaning (what had been
    published by that day) in its first line, then goes on, labelled, with what later
    sources say about that day; nothing from them comes before the label."""
    lines = ask("!gsomia status 2016-12-01").splitlines()
    assert lines[2] == (
        "No source in the store had been published by 2016-12-01: "
        "what was on record that day, it cannot say."
    )
    label = lines.index(
        "From sources published later, about that day (not on record on 2016-12-01):"
    )
    assert not any("2016" in line for line in lines[3:label])
    assert lines[label + 1].startswith("• November 2016: Tokyo and Seoul sign GSOMIA")
    assert "2019" not in lines[label + 1]  # later milestones are not about that day


def test_status_bad_date(answerer: Answerer) -> None:
    reply = answerer.answer("!gsomia status someday")
    assert reply.kind == "usage"
    assert "Usage: `!gsomia status [YYYY-MM-DD]`" in reply.lines


def test_status_alias_and_bare_group(answerer: Answerer) -> None:
    assert answerer.answer("!gsomia").kind == "status"
    assert answerer.answer("status").kind == "status"
    assert answerer.answer("/gsomia status").kind == "status"


def test_quote_kono(ask: Ask) -> None:
    text = ask("!quote kono")
    assert text.startswith("Quotes: Taro Kono")
    assert "“make a sensible decision”" in text
    assert "— as Japan’s Minister of Defense" in text
    assert "— as Japanese foreign minister" in text
    assert "printed as: he added" in text
    # Compact sources: the article once, under a letter; each citation its lines.
    assert (
        "Mark Wood, Cole of Duty, between 2019-08-22 and 2019-11-22 (date inferred); "
        "000_a628d338d7e45e49.txt\n  [1] line 28: " in text
    )
    assert "3 quotes" in text


def test_quote_kang_labels_both(ask: Ask) -> None:
    text = ask("!quote kang")
    assert text.splitlines()[2] == (
        '"kang" matches 2 actors, each labelled: Kang Gi-jung (1 quote), Kang Kyung-wha (1 quote).'
    )
    assert "▸ Kang Gi-jung" in text
    assert "▸ Kang Kyung-wha" in text


def test_quote_marks_misprints(ask: Ask) -> None:
    text = ask("!quote iwaya")
    assert '[sic] typo: "GNOSIA allowed", meaning "GSOMIA allowed".' in text
    assert "[sic] unclosed quotation" in text


def test_quote_did_you_mean(answerer: Answerer) -> None:
    reply = answerer.answer("!quote iwaia")
    assert reply.kind == "quotes"  # close enough to find
    reply = answerer.answer("!quote Iwasaki")
    assert reply.kind == "not-found"
    assert "Did you mean: Takeshi Iwaya?" in reply.lines


def test_quote_without_speaker(answerer: Answerer) -> None:
    reply = answerer.answer("!quote")
    assert reply.kind == "usage"
    assert reply.title == "Whose quotes?"


def test_who_shows_roles_and_the_gap(ask: Ask) -> None:
    text = ask("!who kono")
    assert "• Japanese foreign minister: stated by the article dated between 2019-08-22" in text
    assert "• Japan’s Minister of Defense: stated by the article dated 2019-11-22" in text
    assert "The sources do not say when one post gave way to the next." in text


def test_timeline_period_and_actor_in_either_order(answerer: Answerer) -> None:
    first = answerer.answer("!timeline 2019-11 kang kyung-wha")
    last = answerer.answer("!timeline kang kyung-wha 2019-11")
    assert first == last
    assert first.title == "Timeline: November 2019 · Kang Kyung-wha"
    assert len([line for line in first.lines if line.startswith("• ")]) == 1


def test_timeline_range(ask: Ask) -> None:
    text = ask("!timeline 2019-08-19..2019-08-23")
    assert "between 2019-08-19 and 2019-08-23" in text.splitlines()[0]
    assert "meet in China" in text


def test_timeline_empty_period(ask: Ask) -> None:
    assert "No event in the sources falls in 2001." in ask("!timeline 2001")


def test_timeline_bad_period(answerer: Answerer) -> None:
    reply = answerer.answer("!timeline 2019-13")
    assert reply.kind == "usage"
    assert "month must be in 1..12" in reply.lines[0]


def test_sources_reply(ask: Ask) -> None:
    text = ask("!sources")
    assert "Publisher: Cole of Duty (inferred)" in text
    assert "Publisher: not printed." in text
    assert "Off-topic, never cited (12)" in text


def test_help_lists_every_command(answerer: Answerer) -> None:
    reply = answerer.answer("!help")
    for command in REGISTRY:
        assert any(command.usage in line for line in reply.lines)


def test_empty_input_is_help(answerer: Answerer) -> None:
    assert answerer.answer("   ").kind == "help"


def test_unknown_command_did_you_mean(answerer: Answerer) -> None:
    reply = answerer.answer("!quot kono")
    assert reply.kind == "usage"
    assert reply.title == "Unknown command"
    assert "Did you mean: `!quote <speaker>`?" in reply.lines


ALL_COMMANDS = [
    "!gsomia status",
    "!gsomia status 2019-09-01",
    "!timeline",
    "!sources",
    "!help",
]


def _actor_commands(store: MemoryFactStore) -> list[str]:
    return [f"!{verb} {actor.name}" for actor in store.actors.values() for verb in ("quote", "who")]


def test_off_topic_teasers_never_reach_an_answer(
    store: MemoryFactStore, answerer: Answerer, ask: Ask
) -> None:
    teaser_lines = {
        (source.seed, line)
        for source in store.sources
        for segment in source.off_topic
        for line in range(int(segment.lines.split("-")[0]), int(segment.lines.split("-")[-1]) + 1)
    }
    for command in ALL_COMMANDS + _actor_commands(store):
        reply = answerer.answer(command)
        for citation in reply.citations:
            first = int(citation.lines.split()[-1].split("-")[0])
            assert (citation.seed, first) not in teaser_lines, (command, citation)
        if command != "!sources":  # !sources names the teasers to say they are left out
            text = ask(command)
            assert not [word for word in TEASER_WORDS if word in text], command


def test_every_citation_is_verbatim(store: MemoryFactStore, answerer: Answerer) -> None:
    for command in ALL_COMMANDS + _actor_commands(store):
        for citation in answerer.answer(command).citations:
            assert citation.excerpt in store.map.seeds[citation.seed].text


def test_missing_template_variable_is_an_error(tmp_path: Path, store: MemoryFactStore) -> None:
    (tmp_path / "answers").mkdir()
    (tmp_path / "answers" / "help.j2").write_text(
        "{% block title %}{{ no_such_variable }}{% endblock %}"
        "{% block body %}{% endblock %}{% block footer %}{% endblock %}",
        encoding="utf-8",
    )
    with pytest.raises(UndefinedError):
        Answerer(store, Renderer(tmp_path)).run("help")


def test_escape_applies_to_values_not_citation_markers(store: MemoryFactStore) -> None:
    shouting = Renderer(escape=str.upper)
    reply = Answerer(store, shouting).run("quote", speaker="kono")
    assert any("“MAKE A SENSIBLE DECISION”" in line for line in reply.lines)
    assert any("[1]" in line for line in reply.lines)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text_gets_the_command_s_answer_or_says_why_not(answerer: Answerer, text: str) -> None:
    """Whatever follows a command, the reply is that command's answer, or a no-match or
    a usage line: never an error, nor another command's answer."""
    why_not = {"not-found", "usage"}
    for command, kinds in (
        (f"!quote {text}", {"quotes"}),
        (f"!timeline {text}", {"timeline"}),
        (f"!who {text}", {"who"}),
        (text, set(get_args(ReplyKind)) - {"briefing", "notice"}),  # what a member asks for
    ):
        assert answerer.answer(command).kind in kinds | why_not, command


def test_a_new_store_reaches_every_holder_of_the_current_answerer(store: MemoryFactStore) -> None:
    renderer = Renderer(escape=str.upper)
    current = CurrentAnswerer(Answerer(store, renderer))
    first = current.answerer
    first.run("sources")
    heard: list[FactStore] = []
    current.on_new_store(heard.append)
    replacement = load_store()
    assert current.use_store(replacement) is current.answerer
    assert current.store is replacement
    assert heard == [replacement]
    assert current.answerer is not first
    assert current.answerer.renderer is renderer  # the front end's escaping stays


# --- honest name lookups -------------------------------------------------------------


def test_a_country_finds_the_voices_speaking_for_its_government(ask: Ask) -> None:
    """`!quote south korea` said "The sources quote no words of South Korean
    government", though a spokesman and an official are quoted."""
    for name in ("south korea", "seoul", "Republic of Korea"):
        text = ask(f"!quote {name}")
        lines = text.splitlines()
        assert lines[0] == "Quotes: South Korean government"
        assert lines[2] == (
            "The sources quote no words of South Korean government as such; "
            "they quote 3 voices they name as part of it."
        )
        assert "▸ a South Korean government spokesman (part of South Korean government)" in text
        assert "▸ a South Korean official (part of South Korean government)" in text
        assert "would not serve our national interest" in text
        assert "3 quotes · words exactly as printed" in text


def test_the_voice_itself_is_found_by_what_people_type(ask: Ask) -> None:
    text = ask("!quote the spokesman")
    assert text.startswith("Quotes: a South Korean government spokesman\n")
    assert "1 quote · words exactly as printed" in text
    for name in ("japan", "tokyo"):
        assert ask(f"!quote {name}").startswith("Quotes: Japanese government\n")


@pytest.mark.parametrize(
    ("command", "title", "line"),
    [
        (
            "!quote fitsanakis",
            "Not quoted: Joseph Fitsanakis",
            "Joseph Fitsanakis is the author of “South Korea ends intelligence pact with Japan "
            "as bilateral relations enter crisis mode” (2019-08-23) and “South Korea rejects US "
            "pressure to maintain intelligence agreement with Japan” (2019-11-22); not quoted in "
            "the sources.",
        ),
        (
            "!who mark wood",
            "Not quoted: Mark Wood",
            "Mark Wood is the author of “South Korea relies on US to share intelligence with "
            "Japan” (Cole of Duty, between 2019-08-22 and 2019-11-22); not quoted in the sources.",
        ),
    ],
)
def test_an_author_is_named_as_an_author(ask: Ask, command: str, title: str, line: str) -> None:
    """They said "No one in the sources matches", though both wrote the articles."""
    lines = ask(command).splitlines()
    assert lines[0] == title
    assert lines[2] == line


@pytest.mark.parametrize("name", ["kim jong-un", "Kim Yo-jong"])
def test_a_name_only_in_a_teaser_says_so_and_suggests_no_one(ask: Ask, name: str) -> None:
    """`!quote kim jong-un` suggested "Kang Gi-jung"."""
    text = ask(f"!quote {name}")
    assert text.startswith(f'Not in the record: "{name}"\n')
    assert f'"{name}" is mentioned only in an unrelated teaser paragraph (004_' in text
    assert "not part of the record." in text
    assert "Did you mean" not in text


def test_a_command_name_gets_only_close_suggestions(ask: Ask) -> None:
    assert "Did you mean: `!quote <speaker>`?" in ask("!qoute kono")
    assert "Did you mean" not in ask("!kono")
    assert "Did you mean" not in ask("!xyz")


def test_a_day_s_timeline_puts_what_falls_on_it_first_and_labels_the_overlaps(
    ask: Ask,
) -> None:
    """`!timeline 2019-08-22` sets what falls on the day apart from what only overlaps
    it ("between June 2019 and 2019-11-22", "August 2019"), labelled."""
    lines = [line for line in ask("!timeline 2019-08-22").splitlines() if line]
    on = lines.index("On 2019-08-22:")
    overlapping = lines.index(
        "Overlapping 2019-08-22 (a month-only or ranged date that may fall in it):"
    )
    inside = [line for line in lines[on:overlapping] if line.startswith("• ")]
    partly = [line for line in lines[overlapping:] if line.startswith("• ")]
    assert len(inside) == 2
    assert all(line.startswith("• 2019-08-22: ") for line in inside)
    assert len(partly) == 6
    assert not any(line.startswith("• 2019-08-22: ") for line in partly)
    assert "Dated within November 2019:" in ask("!timeline 2019-11")
    assert "Overlapping" not in ask("!timeline")  # no period, no sections


@pytest.mark.parametrize(
    ("command", "first_line"),
    [
        (
            "!timeline",
            "15 events on record, the first between 1910 and 1945, the last 2019-11-23 "
            "(expected, not confirmed by any source).",
        ),
        (
            "!timeline 2019-11",
            "2 events dated within November 2019, 2 more whose dates may overlap it.",
        ),
        ("!timeline 2019-11-21", "1 event dated on 2019-11-21, 2 more whose dates may overlap it."),
        (
            "!quote kono",
            "Taro Kono: 3 quotes, as Japanese foreign minister and as Japan’s Minister of Defense.",
        ),
        (
            "!who kono",
            "Taro Kono (person): Japanese foreign minister; then Japan’s Minister of Defense; "
            "3 quotes, 0 events.",
        ),
        (
            "!sources",
            "2 pages holding 3 articles, with 12 off-topic paragraphs left out; "
            "they say nothing after 2019-11-22.",
        ),
    ],
)
def test_every_answer_opens_with_its_bottom_line(ask: Ask, command: str, first_line: str) -> None:
    """Every answer opens with a plain line that answers the question."""
    assert ask(command).splitlines()[2] == first_line
