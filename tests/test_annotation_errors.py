"""Every kind of annotation mistake is caught, with file, fact and what is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefings.errors import AnnotationError
from briefings.loading import check_store, load_store
from tests.conftest import edit

S000 = "000_a628d338d7e45e49.yaml"
S004 = "004_0c24133c7eb35b49.yaml"


def problems_after(seeds: Path, file: str, old: str, new: str) -> list[str]:
    edit(seeds / "annotations" / file, old, new)
    store, problems = check_store(seeds)
    assert store is None, "the broken annotation was accepted"
    return [str(problem) for problem in problems]


def one_problem(seeds: Path, file: str, old: str, new: str) -> str:
    problems = problems_after(seeds, file, old, new)
    assert len(problems) == 1, problems
    return problems[0]


def test_the_real_annotations_check_clean() -> None:
    store, problems = check_store()
    assert problems == []
    assert store is not None


def test_excerpt_not_in_seed_names_file_fact_and_excerpt(seeds_copy: Path) -> None:
    problem = one_problem(
        seeds_copy,
        "events.yaml",
        "since they formally recognized",
        "since they formally recognised",
    )
    assert problem.startswith("events.yaml: event mutual-recognition: excerpt not found verbatim")
    assert "since they formally recognised each other in 1965" in problem


# (file, what is there, the mistake, words the one reported problem must contain)
MISTAKES = {
    "a fixed typo is no longer verbatim": (
        S000,
        "he said, GNOSIA allowed",
        "he said, GSOMIA allowed",
        ["quote iwaya-thorough-exchange", "not found verbatim"],
    ),
    "evidence from an off-topic teaser": (
        "actors.yaml",
        "text: Tokyo summoned the South Korean ambassador to Japan",
        "text: The younger sister of North Korea’s Supreme Leader Kim Jong-un",
        ["actor sk-ambassador-to-japan", "off-topic"],
    ),
    "evidence from another article": (
        "events.yaml",
        "- article: fitsanakis-2019-08-23\n        text: since they formally",
        "- article: fitsanakis-2019-11-22\n        text: since they formally",
        ["event mutual-recognition", "outside article 'fitsanakis-2019-11-22'"],
    ),
    "someone else's role": (
        S004,
        "role: kono-defense-minister",
        "role: kang-kyung-wha-foreign-minister",
        ["belongs to kang-kyung-wha, not taro-kono"],
    ),
    "a role the quote's article does not state": (
        S004,
        "role: kono-defense-minister",
        "role: kono-foreign-minister",
        ["not attested by the quote's article"],
    ),
    "a duplicate id": (
        "events.yaml",
        "id: mutual-recognition",
        "id: gsomia-signed",
        ["id is already used"],
    ),
    "a resolved date that does not recompute": (
        "events.yaml",
        "value: 2019-11-23, how: resolved, phrase: come Saturday",
        "value: 2019-11-24, how: resolved, phrase: come Saturday",
        ["'come Saturday' against 2019-11-22 resolves to 2019-11-23, not 2019-11-24"],
    ),
    "a phrase no rule resolves": (
        "events.yaml",
        "{value: 2019-08-22, how: resolved, phrase: Late last night,",
        "{value: 2019-08-22, how: resolved, phrase: Tokyo summoned,",
        ["no rule resolves 'Tokyo summoned'"],
    ),
    "resolving against an undated article": (
        "events.yaml",
        "phrase: come Saturday, anchor: fitsanakis-2019-11-22",
        "phrase: come Saturday, anchor: wood-undated",
        ["its date is not a day"],
    ),
    "a date phrase not in the evidence": (
        "events.yaml",
        "phrase: in November 2016",
        "phrase: in Nov. 2016",
        ["date phrase 'in Nov. 2016' is not in the fact's evidence"],
    ),
    "an undated quote without a note": (
        S004,
        "    date_note: Not stated; printed on 2019-11-22.\n",
        "",
        ["quote kono-sensible-decision: a quote without a date needs a date_note"],
    ),
    "an attribution that is not printed": (
        S000,
        "attribution: he added",
        "attribution: Kono added",
        ["attribution 'Kono added' is not in the evidence"],
    ),
}


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"), list(MISTAKES.values()), ids=list(MISTAKES)
)
def test_each_mistake_is_caught(
    seeds_copy: Path, file: str, old: str, new: str, expected: list[str]
) -> None:
    problem = one_problem(seeds_copy, file, old, new)
    assert file in problem or "coverage" in problem
    for words in expected:
        assert words in problem


def test_unknown_actor_reference(seeds_copy: Path) -> None:
    problems = problems_after(seeds_copy, S004, "speaker: kang-gi-jung", "speaker: kang-gi-jong")
    assert (
        f"{S004}: quote kang-gi-jung-white-flag: refers to unknown speaker 'kang-gi-jong'"
        in problems
    )


def test_inferred_date_needs_a_reason(seeds_copy: Path) -> None:
    problem = one_problem(
        seeds_copy,
        S004,
        '      reason: >-\n        "added" continues the sentence dated "On Thursday" '
        "(2019-11-21); the article does not\n        date this remark separately.",
        '      reason: ""',
    )
    assert "quote kang-gi-jung-white-flag: an inferred date needs a reason" in problem


def test_quote_words_must_be_the_quoted_span(seeds_copy: Path) -> None:
    problems = problems_after(
        seeds_copy, S004, "words: [not wave a white flag]", "words: [not wave the white flag]"
    )
    assert any("'not wave the white flag' is not a quoted span" in p for p in problems)
    # ...and the real quotation is then uncovered.
    assert any("quotation 'not wave a white flag' is neither" in p for p in problems)


def test_partial_quote_is_not_accepted(seeds_copy: Path) -> None:
    problems = problems_after(
        seeds_copy, S004, "words: [make a sensible decision]", "words: [make a sensible]"
    )
    assert any("'make a sensible' is not a quoted span" in p for p in problems)


def test_uncovered_quotation_is_reported(seeds_copy: Path) -> None:
    quotes = seeds_copy / "annotations" / S004
    text = quotes.read_text(encoding="utf-8")
    start = text.index("  - id: japan-where-necessary")
    end = text.index("  - id: american-observers-real-time")
    quotes.write_text(text[:start] + text[end:], encoding="utf-8")
    _, problems = check_store(seeds_copy)
    assert [str(p) for p in problems] == [
        "coverage: article fitsanakis-2019-08-23: quotation 'where cooperation is necessary' "
        "is neither a stored quote nor excluded"
    ]


def test_an_exclusion_covers_a_quotation(seeds_copy: Path) -> None:
    quotes = seeds_copy / "annotations" / S004
    text = quotes.read_text(encoding="utf-8")
    start = text.index("  - id: japan-where-necessary")
    end = text.index("  - id: american-observers-real-time")
    exclusion = (
        "\nexcluded_quotations:\n"
        "  - article: fitsanakis-2019-08-23\n"
        "    text: where cooperation is necessary\n"
        "    reason: testing that an exclusion counts as coverage\n"
    )
    quotes.write_text(text[:start] + text[end:] + exclusion, encoding="utf-8")
    store, problems = check_store(seeds_copy)
    assert problems == []
    assert store is not None


def test_stale_exclusion_is_reported(seeds_copy: Path) -> None:
    with (seeds_copy / "annotations" / S004).open("a", encoding="utf-8") as file:
        file.write(
            "\nexcluded_quotations:\n  - article: fitsanakis-2019-08-23\n"
            "    text: no such words\n    reason: stale\n"
        )
    _, problems = check_store(seeds_copy)
    assert [p.message for p in problems] == ["exclusion 'no such words' matches no quotation"]


def test_unclassified_and_twice_classified_lines(seeds_copy: Path) -> None:
    problems = problems_after(seeds_copy, S004, '      - lines: "19"\n', '      - lines: "18"\n')
    assert "004_0c24133c7eb35b49.txt: line 19: is not classified" in problems
    assert (
        "004_0c24133c7eb35b49.txt: line 18: is classified twice (off-topic, off-topic)" in problems
    )


def test_schema_errors_name_the_fact(seeds_copy: Path) -> None:
    problem = one_problem(seeds_copy, "events.yaml", "status: expected", "status: maybe")
    assert problem.startswith("events.yaml: events[")
    assert "expiry-expected" in problem or "renewal-due" in problem
    assert "status: Input should be 'happened', 'announced' or 'expected'" in problem


def test_bad_date_in_annotation(seeds_copy: Path) -> None:
    problem = one_problem(seeds_copy, "events.yaml", "{value: 1965,", "{value: 1965-13,")
    assert "events[1] mutual-recognition: date.value" in problem
    assert "not a valid date" in problem


def test_not_yaml(seeds_copy: Path) -> None:
    problem = one_problem(seeds_copy, "discrepancies.yaml", "discrepancies:", "discrepancies: [")
    assert problem.startswith("discrepancies.yaml: not valid YAML")


def test_a_changed_seed_is_caught(seeds_copy: Path) -> None:
    seed = seeds_copy / "004_0c24133c7eb35b49.txt"
    seed.write_bytes(seed.read_bytes().replace(b"tit-for-tad", b"tit-for-tat"))
    _, problems = check_store(seeds_copy)
    messages = [str(p) for p in problems]
    assert any(m.startswith("004_0c24133c7eb35b49.txt: sha256 is") for m in messages)
    assert any("printing error tit-for-tad: excerpt not found" in m for m in messages)


def test_a_seed_missing_from_the_manifest_is_caught(seeds_copy: Path) -> None:
    shutil.copy(seeds_copy / "000_a628d338d7e45e49.txt", seeds_copy / "extra.txt")
    _, problems = check_store(seeds_copy)
    assert [str(p) for p in problems] == ["extra.txt: seed file not listed in the manifest"]


def test_every_problem_is_reported_at_once(seeds_copy: Path) -> None:
    edit(seeds_copy / "annotations" / "events.yaml", "status: expected", "status: maybe")
    edit(seeds_copy / "annotations" / S004, "speaker: kang-gi-jung", "speaker: nobody")
    edit(seeds_copy / "annotations" / "actors.yaml", "badly received by", "poorly received by")
    with pytest.raises(AnnotationError) as caught:
        load_store(seeds_copy)
    files = {problem.file for problem in caught.value.problems}
    assert {"events.yaml", S004, "actors.yaml"} <= files
    assert "problems in the fact store" in str(caught.value)


# --- the YAML itself -------------------------------------------------------------


def test_an_impossible_date_is_a_problem_line_not_a_crash(seeds_copy: Path) -> None:
    """PyYAML read `2019-02-30` as a timestamp and raised ValueError out of the loader,
    which crashed `facts check`, `ask` and the bot's start."""
    problem = one_problem(seeds_copy, "events.yaml", "{value: 1965,", "{value: 2019-02-30,")
    assert problem.startswith("events.yaml: events[1] mutual-recognition: date.value")
    assert "2019-02-30" in problem


def test_a_key_given_twice_is_refused_with_its_lines(seeds_copy: Path) -> None:
    """YAML keeps the last of two equal keys without a word: a second `status:` would
    silently replace the first."""
    problem = one_problem(
        seeds_copy,
        "events.yaml",
        "  - id: mutual-recognition\n",
        "  - id: mutual-recognition\n    id: japanese-occupation\n",
    )
    assert problem == (
        "events.yaml: not valid YAML at line 15: "
        "key 'id' appears twice in one mapping (first on line 14)"
    )


def test_a_file_that_is_not_utf8_is_refused(seeds_copy: Path) -> None:
    path = seeds_copy / "annotations" / "events.yaml"
    path.write_bytes(path.read_bytes().replace(b"Japan", "Jap\xe1n".encode("latin-1"), 1))
    _, problems = check_store(seeds_copy)
    texts = [str(problem) for problem in problems]
    assert any(
        text.startswith("events.yaml: not UTF-8 text: byte 0xe1 at offset") for text in texts
    )


@pytest.mark.parametrize(
    "text",
    [
        "events: " + "[" * 41 + "]" * 41,
        "events: " + "[" * 100_000 + "]" * 100_000,  # crashed libyaml: a segmentation fault
        "events:\n" + "- " * 100_000 + "x",  # the same in block style
    ],
    ids=["41 levels", "100,000 in brackets", "100,000 in blocks"],
)
def test_deep_nesting_is_refused(seeds_copy: Path, text: str) -> None:
    (seeds_copy / "annotations" / "zz-deep.yaml").write_text(text + "\n", encoding="utf-8")
    _, problems = check_store(seeds_copy)
    assert [str(problem) for problem in problems] == [
        "zz-deep.yaml: nested more than 40 levels deep (at line 1)"
        if text.startswith("events: ")
        else "zz-deep.yaml: nested more than 40 levels deep (at line 2)"
    ]


def test_libyaml_reads_the_files_where_pyyaml_has_it() -> None:
    import yaml

    from briefings.yaml_files import LIBYAML, _StrictLoader

    assert yaml.__with_libyaml__ == LIBYAML
    if LIBYAML:
        assert issubclass(_StrictLoader, yaml.CSafeLoader)


@pytest.mark.parametrize(
    ("part_of", "expected"),
    [
        (
            "no-such-actor",
            "actors.yaml: actor sk-official: refers to unknown actor 'no-such-actor'",
        ),
        ("sk-official", "actors.yaml: actor sk-official: cannot be part of itself"),
        (
            "sk-government-spokesman",
            "actors.yaml: actor sk-official: is part of sk-government-spokesman, "
            "which is itself part of something",
        ),
    ],
)
def test_part_of_must_name_a_whole_that_is_known_and_not_itself_a_part(
    seeds_copy: Path, part_of: str, expected: str
) -> None:
    problem = one_problem(
        seeds_copy,
        "actors.yaml",
        "    description: An unnamed official; the sources do not say who.\n"
        "    aliases: [South Korean official]\n"
        "    part_of: south-korean-government\n",
        "    description: An unnamed official; the sources do not say who.\n"
        "    aliases: [South Korean official]\n"
        f"    part_of: {part_of}\n",
    )
    assert problem == expected


def test_a_key_given_twice_on_one_line_is_refused(seeds_copy: Path) -> None:
    """The check compared the lines of the two keys, so a flow mapping that named a key
    twice on one line went through, the second value silently winning."""
    problem = one_problem(seeds_copy, "events.yaml", "{value: 1965,", "{value: 1966, value: 1965,")
    assert problem == (
        "events.yaml: not valid YAML at line 16: "
        "key 'value' appears twice in one mapping (first on line 16)"
    )
