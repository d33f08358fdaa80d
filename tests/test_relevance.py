"""A watched source's include and exclude keywords: how they are typed, refused and
matched (English, Korean, Japanese; word boundaries; exclude wins; none = all)."""

from __future__ import annotations

import pytest

from briefings.errors import BadSettingError
from briefings.watching.relevance import (
    MAX_KEYWORDS,
    Keywords,
    Skip,
    parse_keywords,
    sort_typed,
)

GSOMIA = Keywords(include=("GSOMIA", "지소미아", "intelligence-sharing", "軍事情報"))


@pytest.mark.parametrize(
    "text",
    [
        "Seoul says the gsomia will stay in force",
        "Seoul's GSOMIA decision, explained",
        "An intelligence sharing pact with Tokyo",
        "An intelligence-sharing pact with Tokyo",
        "The intelligence — sharing pact",
        "ＧＳＯＭＩＡ維持へ",  # full-width Latin, as Japanese pages print it
        "GSOMIAの破棄を撤回",  # a Japanese particle right after the Latin word
        "정부, GSOMIA는 유지",  # and a Korean one
        "정부가 지소미아를 조건부 연장했다",  # the keyword inside a Korean word
        "日韓軍事情報包括保護協定",  # inside a Japanese compound
    ],
)
def test_an_include_keyword_is_found_in_any_case_script_and_form(text: str) -> None:
    assert GSOMIA.verdict([text]) is None


@pytest.mark.parametrize(
    "text",
    [
        "GSOMIAs are rare",  # a Latin end is a word boundary
        "XGSOMIA reports",
        "Intelligencesharing",
        "Korea and Japan hold talks on trade",
        "일본 수출 규제 강화",
    ],
)
def test_an_article_mentioning_no_include_keyword_is_skipped(text: str) -> None:
    assert GSOMIA.verdict([text]) == Skip()


def test_a_latin_keyword_is_a_whole_word_not_a_part_of_one() -> None:
    pact = Keywords(include=("pact",))
    assert pact.verdict(["The impact on exports"]) == Skip()
    assert pact.verdict(["The pact, signed in 2016"]) is None
    assert pact.verdict(["협정(pact)은"]) is None


def test_every_text_is_looked_in_title_summary_and_article() -> None:
    title, summary, article = "Ministers meet", "A day of talks", "They discussed GSOMIA."
    assert GSOMIA.verdict([title, summary, article]) is None
    assert GSOMIA.verdict([title, summary]) == Skip()


def test_an_exclude_keyword_wins_over_any_include_keyword() -> None:
    keywords = Keywords(include=("GSOMIA",), exclude=("baseball", "야구"))
    assert keywords.verdict(["GSOMIA and baseball"]) == Skip(excluded_by="baseball")
    assert keywords.verdict(["한일 야구 경기와 GSOMIA"]) == Skip(excluded_by="야구")
    assert keywords.verdict(["GSOMIA talks"]) is None
    only_exclude = Keywords(exclude=("Baseball",))
    assert only_exclude.verdict(["BASEBALL tonight"]) == Skip(excluded_by="Baseball")
    assert only_exclude.verdict(["Trade talks"]) is None


def test_no_keywords_want_every_article() -> None:
    assert not Keywords()
    assert Keywords().verdict(["anything at all"]) is None
    assert Keywords().verdict([]) is None


def test_keywords_as_typed() -> None:
    assert parse_keywords("GSOMIA, 지소미아,intelligence  sharing", "include") == (
        "GSOMIA",
        "지소미아",
        "intelligence sharing",
    )
    assert parse_keywords("GSOMIA、軍事情報，gsomia", "include") == ("GSOMIA", "軍事情報")
    assert parse_keywords(" None ", "exclude") == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("GSOMIA,,Kono", "An empty include keyword in 'GSOMIA,,Kono': separate keywords"),
        ("", "An empty include keyword in ''"),
        ("x" * 41, "…' is 41 characters long: a keyword has at most 40."),
        ("GSOMIA,--", "'--' has no letter or digit to look for."),
        (",".join(f"k{n}" for n in range(MAX_KEYWORDS + 1)), "21 include keywords: a source"),
    ],
)
def test_bad_keywords_are_refused_in_one_line(text: str, message: str) -> None:
    with pytest.raises(BadSettingError) as raised:
        parse_keywords(text, "include")
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_keyword_cannot_be_both_included_and_excluded() -> None:
    with pytest.raises(BadSettingError) as raised:
        Keywords(include=("GSOMIA", "Kono"), exclude=("kono",))
    assert str(raised.value) == "'Kono' is both an include and an exclude keyword."


def test_changing_one_list_keeps_the_other() -> None:
    keywords = Keywords(include=("GSOMIA",), exclude=("baseball",))
    assert keywords.changed(("지소미아",), None) == Keywords(("지소미아",), ("baseball",))
    assert keywords.changed(None, ()) == Keywords(("GSOMIA",))


def test_the_prefix_form_marks_each_list_and_the_slash_form_names_it() -> None:
    assert sort_typed("include:GSOMIA", "2h", None, prefix=True) == ("2h", "GSOMIA", None)
    assert sort_typed("2h", "exclude:x", "Include:y", prefix=True) == ("2h", "y", "x")
    assert sort_typed(None, "include:GSOMIA", "x", prefix=False) == (None, "GSOMIA", "x")
    with pytest.raises(BadSettingError) as raised:
        sort_typed("2h", "GSOMIA", None, prefix=True)
    assert "an interval given twice" in str(raised.value)
