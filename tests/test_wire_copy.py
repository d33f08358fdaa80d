"""Drafting wire copy: dates as editors print them, attribution as a wire editor reads it,
drafts that accept as they stand. The articles are ours, in the styles of Yonhap, Kyodo
and AP, with invented people; `bench/devset/` holds the measured set."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import get_args

import pytest

from bot.cli import main
from briefings.annotations import EventAnnotation, Evidence, QuoteAnnotation
from briefings.answers import Answerer
from briefings.attribution_check import unnamed_speaker
from briefings.dates import FuzzyDate
from briefings.effects import EffectKind
from briefings.ingest.draft import IngestReport, UndatedPageError, draft_page
from briefings.ingest.effects import EFFECTS, proposed_effect
from briefings.ingest.files import BadPageError, accept_drafts, write_draft
from briefings.ingest.printed_dates import read_date_line
from briefings.ingest.segment import LineKind, segment
from briefings.loading import check_store, load_store
from briefings.relative_dates import resolve_relative
from briefings.rendering import Renderer
from briefings.store import FactStore, MemoryFactStore

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.ingest_quality import DEVSET, SPLITS, score_article
from tests.agreement import PAGES_DIR
from tests.conftest import edit

SATURDAY = dt.date(2019, 11, 23)


def yonhap(*paragraphs: str, date_line: str = "19:14 March 16, 2023") -> str:
    return "\n\n".join(["Pact talks resume in Tokyo", date_line, "By Seo Ji-won", *paragraphs])


# --- dates as printed -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("2019-11-22", "2019-11-22"),
        ("2019-11-22 18:31", "2019-11-22"),
        ("19:14 March 16, 2023", "2023-03-16"),
        ("Published : March 21, 2023 - 14:58", "2023-03-21"),
        ("12:12 PM, November 12, 2016", "2016-11-12"),
        ("Posted July. 24, 2019 07:52,", "2019-07-24"),
        ("Updated : Nov. 23, 2016 - 17:20", "2016-11-23"),
        ("Aug 23, 2019 - 18:05 JST", "2019-08-23"),
        ("2016.11.14", "2016-11-14"),
        ("15:52 23 November 2016", "2016-11-23"),
        ("입력 2023.03.16 (21:05)", "2023-03-16"),
        ("November 22, 2019 / 7:26 PM / Updated 2 hours ago", "2019-11-22"),
        ("Posted on : Aug.23,2019 16:20 KST Modified on : Aug.23,2019 17:05 KST", "2019-08-23"),
        ("Friday, March 24, 2023 | Issue No. 147", "2023-03-24"),
    ],
)
def test_date_lines_in_every_common_form_are_read(line: str, day: str) -> None:
    printed = read_date_line(line)
    assert printed is not None
    assert printed.day.isoformat() == day


@pytest.mark.parametrize(
    "line", ["By Lee Haye-ah", "Seoul to decide on the pact by Aug. 24, 2019", "Nov. 23"]
)
def test_a_line_that_is_not_only_a_date_is_not_a_date_line(line: str) -> None:
    assert read_date_line(line) is None


def test_the_first_printed_date_line_dates_the_article_and_a_byline_is_its_author() -> None:
    page = segment(
        yonhap("SEOUL, Nov. 22 (Yonhap) -- Talks resumed.", date_line="Published : Nov. 22, 2019")
        + "\n\nUpdated : Nov. 25, 2019 - 10:00\n"
    )
    (article,) = page.articles
    assert article.date == dt.date(2019, 11, 22)
    assert article.author == "Seo Ji-won"


def test_a_page_that_prints_no_date_is_never_dated_by_a_guess(store: FactStore) -> None:
    text = "Why the pact matters\n\nBy Grace Olander\n\n“It matters,” said Min Kyu-ri, a fellow."
    with pytest.raises(UndatedPageError, match="--date YYYY-MM-DD"):
        draft_page("undated.txt", text, store)
    annotations, _ = draft_page("undated.txt", text, store, date=dt.date(2019, 11, 20))
    claim = annotations.sources[0].articles[0].date
    assert claim.value == FuzzyDate.day(dt.date(2019, 11, 20))
    assert claim.how == "inferred"
    assert "--date" in str(claim.reason)


def test_ingest_date_gives_an_undated_page_its_day(
    seeds_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "undated.txt"
    page.write_text("Why the pact matters\n\nBy Grace Olander\n\n“It matters,” said Min Kyu-ri.\n")
    with pytest.raises(BadPageError, match="prints no date"):
        write_draft(page, seeds_copy, load_store(seeds_copy))
    assert main(["--seeds", str(seeds_copy), "ingest", str(page), "--date", "2019-11-20"]) == 0
    assert "passes `briefbot facts check`" in capsys.readouterr().out


def test_a_broadcasters_date_stamps_on_the_headline_line_date_the_article(
    store: FactStore,
) -> None:
    text = "\n\n".join(
        [
            "MBN NEWS",
            "Evening Report",
            "LEADERS AGREE TO RESTORE PACT IN FULL Evening Report 입력 2023.03.16 (21:05) "
            "수정 2023.03.16 (22:31)",
            "[Anchor Lead]",
            "The leaders of the two countries agreed on Thursday to fully normalize the pact.",
        ]
    )
    (article,) = segment(text).articles
    assert article.date == dt.date(2023, 3, 16)
    assert article.title.number == 5
    annotations, _ = draft_page("tv.txt", text, store)
    (event,) = annotations.events
    assert event.date.value == FuzzyDate.day(dt.date(2023, 3, 16))
    assert event.effect is not None
    assert event.effect.kind == "normalized"


def test_a_print_edition_line_at_the_foot_dates_a_page_that_prints_no_other(
    store: FactStore,
) -> None:
    text = "\n\n".join(
        [
            "THE HARBOR TRIBUNE",
            "Normal again, on paper",
            "On March 21, Seoul formally withdrew the notices it had sent to end the pact.",
            "This article appeared in the print edition of The Harbor Tribune on March 28, 2023.",
            "MORE FROM OPINION",
        ]
    )
    annotations, _ = draft_page("oped.txt", text, store)
    assert annotations.sources[0].articles[0].date.value == FuzzyDate.day(dt.date(2023, 3, 28))
    (event,) = annotations.events
    assert event.date.value == FuzzyDate.day(dt.date(2023, 3, 21))


# --- photo captions are not the article's text ---------------------------------------------


@pytest.mark.parametrize(
    "caption",
    [
        "Protesters hold signs near the embassy in Seoul, South Korea, Friday, Nov. 22, 2019. "
        "(AP Photo/Ko Eun-bi)",
        "A ministry official leaves the building in Seoul on Nov. 22, 2019, after signing the "
        "pact. (Yonhap)",
        "[Photo: Reuters] Officials sign the pact in Seoul on Friday.",
        "view larger image Officials sign the pact in Seoul on Friday.",
        "The Foreign Ministry building in Seoul on Friday, when the pact was signed | KYODO",
    ],
)
def test_a_photo_caption_is_never_drafted_as_an_event(store: FactStore, caption: str) -> None:
    text = yonhap(
        "SEOUL, Nov. 22 (Yonhap) -- Talks on the pact went on.",
        caption,
        "Officials met again.",
        date_line="2019-11-22",
    )
    annotations, report = draft_page("captions.txt", text, store)
    assert annotations.events == []
    assert report.effects == {}


def test_a_caption_above_the_text_is_furniture_and_the_dateline_still_opens_it(
    store: FactStore,
) -> None:
    text = yonhap(
        "Defense Ministry spokesperson Jin Ha-ram speaks at a briefing on Friday. (Yonhap)",
        "SHARE",
        "SEOUL – South Korea on Friday conditionally suspended the termination of the pact.",
        date_line="2019-11-22",
    )
    page = segment(text)
    caption = next(line for line in page.lines if line.text.endswith("(Yonhap)"))
    assert caption.kind is LineKind.FURNITURE
    annotations, _ = draft_page("kyodo.txt", text, store)
    (event,) = annotations.events
    assert event.title.startswith("South Korea conditionally suspended")


# --- relative days follow the verb's tense -----------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Thursday", "2019-11-21"),  # "said Thursday": the last Thursday on or before
        ("on Friday evening", "2019-11-22"),
        ("will tentatively sign the deal on Monday", "2019-11-25"),
        ("will meet Saturday", "2019-11-23"),
        ("early next week", "2019-11-25/2019-12-01"),
        ("on Nov. 23", "2019-11-23"),
        ("is due to expire on Nov. 24", "2019-11-24"),
        ("on Nov. 24", "2018-11-24"),
    ],
)
def test_relative_days_follow_the_tense(phrase: str, expected: str) -> None:
    assert resolve_relative(phrase, SATURDAY) == FuzzyDate.parse(expected)


def test_a_saturday_article_about_monday_looks_forward(store: FactStore) -> None:
    text = yonhap(
        "SEOUL, Nov. 23 (Yonhap) -- South Korea will tentatively sign the pact on Monday, "
        "the ministry said.",
        date_line="2019-11-23",
    )
    annotations, report = draft_page("monday.txt", text, store)
    (event,) = annotations.events
    assert report.effects == {event.id: "signed"}  # proposed, for the curator to confirm
    assert event.date.value == FuzzyDate.day(dt.date(2019, 11, 25))
    assert event.date.phrase == "will tentatively sign the pact on Monday"  # the rule's evidence
    assert event.status == "expected"
    assert not event.title.startswith("SEOUL")


def saturday(store: FactStore, sentence: str) -> tuple[EventAnnotation, IngestReport]:
    """The one event drafted from a Yonhap article of Saturday 2019-11-23."""
    text = yonhap(f"SEOUL, Nov. 23 (Yonhap) -- {sentence}", date_line="2019-11-23")
    annotations, report = draft_page("saturday.txt", text, store)
    (event,) = annotations.events
    return event, report


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        # Reported speech in the past: "would" is what was said then, not what is expected.
        (
            "Seoul announced Friday evening that it would conditionally suspend its notice "
            "of termination of the pact.",
            "happened",
        ),
        ("South Korea notified Japan on Friday that it would terminate the pact.", "happened"),
        ("Seoul said on Saturday that it would end the pact.", "happened"),
        # After the article's day: expected, whatever the verb.
        ("The two sides plan to sign the pact next week.", "expected"),
        # On the article's own day the verb next to the date decides.
        ("South Korea will sign the pact on Saturday.", "expected"),
        ("South Korea signed the pact on Saturday.", "happened"),
    ],
)
def test_an_event_dated_before_the_article_happened_and_one_after_it_is_expected(
    store: FactStore, sentence: str, status: str
) -> None:
    event, _ = saturday(store, sentence)
    assert event.status == status


@pytest.mark.parametrize(
    "sentence",
    [
        "Japan lodged a protest on Saturday after South Korea said it would end the pact.",
        "Japan's Defense Ministry welcomed Seoul's stance on the pact on Saturday.",
        # A quotation is the speaker's words, drafted as a quote; it tells no step.
        '"We will end the pact on Saturday," a ministry official told reporters.',
    ],
)
def test_a_reaction_or_a_quotation_is_not_drafted_as_a_step(
    store: FactStore, sentence: str
) -> None:
    text = yonhap(f"SEOUL, Nov. 23 (Yonhap) -- Talks went on. {sentence}", date_line="2019-11-23")
    annotations, report = draft_page("reaction.txt", text, store)
    assert annotations.events == []
    assert report.effects == {}


def test_a_sentence_dating_two_things_gives_the_step_the_date_of_its_own_clause(
    store: FactStore,
) -> None:
    event, report = saturday(
        store,
        "Trade officials will meet next week, weeks after Seoul suspended the termination "
        "of its pact with Tokyo on Nov. 22.",
    )
    assert event.date.value == FuzzyDate.day(dt.date(2019, 11, 22))
    assert (event.status, report.effects) == ("happened", {event.id: "termination suspended"})
    background, _ = saturday(
        store, "The pact, signed in November 2016, is renewed every year, officials said Saturday."
    )
    assert background.date.value == FuzzyDate.month(2016, 11)
    assert background.effect is not None
    assert background.effect.kind == "signed"


def test_a_drafted_step_is_the_events_effect_with_its_condition_and_its_day(
    store: FactStore,
) -> None:
    notice, _ = saturday(
        store,
        "South Korea notified Japan on Friday that it would terminate the pact, which will "
        "expire on Nov. 25.",
    )
    assert notice.milestone
    assert notice.effect is not None
    assert notice.effect.kind == "termination_notified"
    assert notice.effect.takes_effect is not None
    assert notice.effect.takes_effect.value == FuzzyDate.day(dt.date(2019, 11, 25))
    assert notice.effect.takes_effect.phrase == "will expire on Nov. 25"
    suspension, _ = saturday(
        store, "South Korea on Friday conditionally suspended the termination of the pact."
    )
    assert suspension.effect is not None
    assert (suspension.effect.kind, suspension.effect.conditional) == (
        "termination_suspended",
        True,
    )
    force, _ = saturday(store, "The pact came into force on Friday.")
    assert force.effect is not None
    assert force.effect.kind == "in_force"


def test_that_day_is_the_day_of_the_event_told_before(store: FactStore) -> None:
    text = yonhap(
        "1. On November 23, the two ministers signed the Agreement.",
        "2. The Agreement entered into force on the day of its signing.",
        date_line="November 23, 2016",
    )
    annotations, _ = draft_page("statement.txt", text, store)
    signing, force = annotations.events
    assert force.date.value == signing.date.value == FuzzyDate.day(dt.date(2016, 11, 23))
    assert force.date.how == "inferred"
    assert signing.id in (force.date.reason or "")
    assert force.effect is not None
    assert force.effect.kind == "in_force"


@pytest.mark.parametrize(
    ("paragraph", "title"),
    [
        ("On Friday, Seoul said it would end the pact.", "Seoul said it would end the pact"),
        (
            "1. On November 22, the ministers signed the Agreement.",
            "The ministers signed the Agreement",
        ),
        ("The pact was signed on Nov. 22, 2016, in Seoul.", "The pact was signed in Seoul"),
        # One date of several, or a phrase set off by commas: the sentence needs it.
        (
            "The talks, culminating in summits in April and May 2019, eased tension over the pact.",
            "The talks, culminating in summits in April and May 2019, eased tension over the pact",
        ),
        (
            "The pact, signed in November 2016, is renewed every year.",
            "The pact, signed in November 2016, is renewed every year",
        ),
        # A word that leans on the date keeps it: "last Thursday", "today's".
        (
            "The move follows a summit last Thursday at which the leaders agreed to restore the "
            "pact.",
            "The move follows a summit last Thursday at which the leaders agreed to restore the "
            "pact",
        ),
        (
            "Japan regards today's decision to suspend the termination of the pact as wise.",
            "Japan regards today's decision to suspend the termination of the pact as wise",
        ),
        # Only the date that dates the event goes; another says what was expected.
        (
            "Seoul told Tokyo on Friday it would end the pact, which will expire on Nov. 25.",
            "Seoul told Tokyo it would end the pact, which will expire on Nov. 25",
        ),
    ],
)
def test_an_events_title_is_its_sentence_without_the_date_that_dates_it(
    store: FactStore, paragraph: str, title: str
) -> None:
    text = yonhap("SEOUL, Nov. 23 (Yonhap) -- Talks went on.", paragraph, date_line="2019-11-23")
    annotations, _ = draft_page("titles.txt", text, store)
    assert [event.title for event in annotations.events] == [title]


def test_someone_named_but_not_quoted_is_recorded_with_the_role_printed(
    store: FactStore,
) -> None:
    text = yonhap(
        "SEOUL, Nov. 23 (Yonhap) -- Japanese Prime Minister Haruki Morisawa met the "
        "president in Seoul.",
        '"The talks went well," said Min Kyu-ri, a ministry spokeswoman.',
        date_line="2019-11-23",
    )
    annotations, report = draft_page("named.txt", text, store)
    (morisawa,) = [actor for actor in annotations.actors if actor.name == "Haruki Morisawa"]
    assert [role.title for role in annotations.roles if role.actor == morisawa.id] == [
        "Japanese Prime Minister"
    ]
    assert all(quote.speaker != morisawa.id for quote in annotations.quotes)
    assert f"{morisawa.id} (Haruki Morisawa), named, not quoted" in report.new_actors


def test_an_untouched_draft_of_a_step_changes_the_agreements_status(seeds_copy: Path) -> None:
    before = load_store(seeds_copy)
    assert _status_line(before).startswith("As of the latest source (2019-11-22): In force,")
    page = PAGES_DIR / "903_hanbit_20191122.txt"
    write_draft(page, seeds_copy, before)
    assert [result.problems for result in accept_drafts(seeds_copy)] == [[]]
    assert _status_line(load_store(seeds_copy)) == (
        "As of the latest source (2019-11-22): In force (termination suspended,"
        " conditionally, since 2019-11-22) [1]"
    )


def _status_line(store: FactStore) -> str:
    return Renderer().text(Answerer(store).answer("!gsomia status")).splitlines()[2]


# --- attribution ---------------------------------------------------------------------------


def quotes_of(store: FactStore, *paragraphs: str) -> list[tuple[str, list[str]]]:
    annotations, _report = draft_page("wire.txt", yonhap(*paragraphs), store)
    names = {actor.id: actor.name for actor in annotations.actors}
    names |= {actor.id: actor.name for actor in store.actors.values()}
    return [(names[quote.speaker], quote.words) for quote in annotations.quotes]


def test_a_president_after_the_dateline_is_the_speaker_never_a_government(
    store: FactStore,
) -> None:
    annotations, _ = draft_page(
        "wire.txt",
        yonhap(
            'TOKYO, March 16 (Yonhap) -- President Kang Tae-sik said Thursday he agreed to "fully '
            'restore" a military intelligence-sharing pact between South Korea and Japan.'
        ),
        store,
    )
    (quote,) = annotations.quotes
    speaker = next(actor for actor in annotations.actors if actor.id == quote.speaker)
    assert speaker.name == "Kang Tae-sik"
    assert speaker.kind == "person"
    (role,) = annotations.roles
    assert role.title == "President"


def test_a_surname_is_the_person_this_article_introduced(store: FactStore) -> None:
    found = quotes_of(
        store,
        "Kim Jae-hwan, deputy director of the national security office, spoke first.",
        "North Korean leader Kim Jong-un was not present.",
        "“We will decide soon,” Kim said.",
    )
    assert found == []  # two Kims introduced: not guessed


def test_surnames_pronouns_and_continued_quotations(store: FactStore) -> None:
    found = quotes_of(
        store,
        "Vice Defense Minister Ahn Sung-taek told reporters the pact was useful.",
        "“We still receive data,” Ahn said. “Sharing it is in our interest.”",
        "Park Ji-hoon, a professor at Kyung Hee University, disagreed. "
        "“It never stopped,” he said.",
    )
    assert found == [
        ("Ahn Sung-taek", ["We still receive data,"]),
        ("Ahn Sung-taek", ["Sharing it is in our interest."]),
        ("Park Ji-hoon", ["It never stopped,"]),
    ]


def test_descriptions_are_voices_and_a_colon_introduces_the_quote(store: FactStore) -> None:
    found = quotes_of(
        store,
        "“Neither side gave notice,” a ministry official said.",
        "A senior Japanese government official said: “Nothing has changed. The review goes on.”",
        "“We hope for a wise answer,” the Foreign Ministry said in a statement.",
    )
    assert found == [
        ("ministry official", ["Neither side gave notice,"]),
        ("senior Japanese government official", ["Nothing has changed. The review goes on."]),
        ("Foreign Ministry", ["We hope for a wise answer,"]),
    ]


@pytest.mark.parametrize(
    ("introduced", "description"),
    [
        ("Vice President Seo Min-ho met reporters in Seoul on Thursday.", "the president"),
        ("Former Foreign Minister Oh Jin-woo attended the forum.", "the foreign minister"),
        ("Acting Defense Minister Nam Gyu-ri arrived late.", "the defense minister"),
    ],
)
def test_a_qualified_title_never_stands_for_the_bare_one(
    store: FactStore, introduced: str, description: str
) -> None:
    found = quotes_of(store, introduced, f"“The talks must go on,” {description} said.")
    assert found == []


def test_the_whole_title_names_whoever_was_introduced_with_it(store: FactStore) -> None:
    found = quotes_of(
        store,
        "Vice President Seo Min-ho met reporters in Seoul on Thursday.",
        "Later, Foreign Minister Yoo Ha-eun spoke.",
        "“The talks must go on,” the foreign minister said.",
    )
    assert found == [("Yoo Ha-eun", ["The talks must go on,"])]


def test_a_close_spelling_of_a_known_person_is_someone_new(store: FactStore) -> None:
    found = quotes_of(store, "“The deal stands,” said Moon Sang-gyun, a ministry spokesman.")
    assert found == [("Moon Sang-gyun", ["The deal stands,"])]


def test_a_broadcast_soundbite_is_the_captioned_persons(store: FactStore) -> None:
    found = quotes_of(
        store,
        "[Pkg]",
        '[Soundbite] RYU MIN-SEO(DEPUTY NATIONAL SECURITY ADVISER) : "The data will flow."',
        "Ryu told reporters the letter would go out soon.",
        '[Soundbite] KIM SO-YUL(PROFESSOR, HANBIT UNIVERSITY) : "It was overdue."',
    )
    assert found == [("Ryu Min-seo", ["The data will flow."]), ("Kim So-yul", ["It was overdue."])]


@pytest.mark.parametrize(
    ("introduced", "description"),
    [
        # Kyodo's name for the Chief Cabinet Secretary.
        ("Chief Cabinet Secretary Jiro Amano welcomed the step.", "the top government spokesman"),
        ("Japanese Defense Minister Aoi Sakurada met reporters.", "the minister"),
        ("Japanese Defense Minister Aoi Sakurada met reporters.", "the defense minister"),
        (
            "Haruto Ueno, a professor of politics at Kansai University who is not related to "
            "the minister, spoke next.",
            "the professor",
        ),
    ],
)
def test_a_description_names_the_one_person_introduced_in_that_office(
    store: FactStore, introduced: str, description: str
) -> None:
    found = quotes_of(store, introduced, f"“The talks must go on,” {description} said.")
    assert len(found) == 1
    assert found[0][0] in {"Jiro Amano", "Aoi Sakurada", "Haruto Ueno"}


def test_a_description_two_people_could_hold_is_left_unattributed(store: FactStore) -> None:
    found = quotes_of(
        store,
        "Japanese Defense Minister Aoi Sakurada met Foreign Minister Rin Hayama.",
        "“The talks must go on,” the minister said.",
    )
    assert found == []


def test_voices_described_with_an_aside_and_the_one_a_paper_quoted(store: FactStore) -> None:
    found = quotes_of(
        store,
        "A senior Foreign Ministry official who asked not to be named said Tokyo knew.",
        "“We had no objection,” the official said.",
        "The Daily Meridian quoted an aide to the prime minister as saying, “We will not blink.”",
        "A U.S. Embassy spokesperson in Seoul said, “We encourage dialogue.”",
    )
    assert found == [
        ("senior Foreign Ministry official", ["We had no objection,"]),
        ("aide to the prime minister", ["We will not blink."]),
        ("U.S. Embassy spokesperson", ["We encourage dialogue."]),
    ]


def test_a_name_and_its_apposition_after_the_quote_and_a_colon_after_put_it(
    store: FactStore,
) -> None:
    found = quotes_of(
        store,
        '"There is no review," Han Se-ri, a spokesperson for the Ministry of National Defense, '
        'told a briefing. "It works."',
        "Masaki Oda, a retired admiral, has watched the pact for years. Oda put it bluntly: "
        "“Without it, we are slower.”",
    )
    assert found == [
        ("Han Se-ri", ["There is no review,"]),
        ("Han Se-ri", ["It works."]),
        ("Masaki Oda", ["Without it, we are slower."]),
    ]


def test_a_name_printed_family_name_first_and_the_namesake_just_introduced(
    store: FactStore,
) -> None:
    found = quotes_of(
        store,
        "Defense Minister Mori Kaito said the data had kept flowing.",
        "“We shared it every time,” Mori said at a news conference.",
        "Mori Rin, a researcher at Hanbit University, says the step still matters.",
        "“Planners can count on it now,” Mori said.",
        "Officials met again later.",
        "“It will hold,” Mori said.",  # either Mori: not guessed
        "Mori Kenta reported from Osaka.",  # a subject with no title or apposition
        "“It will hold,” Mori said.",  # nor after him
    )
    assert found == [
        ("Mori Kaito", ["We shared it every time,"]),
        ("Mori Rin", ["Planners can count on it now,"]),
    ]


def test_offices_under_other_names_places_before_and_asides_after_a_speaker(
    store: FactStore,
) -> None:
    found = quotes_of(
        store,
        '"Talks failed," said Rep. Noh Ji-an, a member of the defense committee.',
        'The lawmaker added that the party backed the pact. "The price was too high," he said.',
        "In Washington, a State Department spokeswoman said in a statement: “We are encouraged.”",
        "A Japanese officer once told me, “Your radars see what ours cannot.”",
        "A Japanese diplomat I spoke with put it more bluntly: “We normalized the paper.”",
    )
    assert found == [
        ("Noh Ji-an", ["Talks failed,"]),
        ("Noh Ji-an", ["The price was too high,"]),
        ("State Department spokeswoman", ["We are encouraged."]),
        ("Japanese officer", ["Your radars see what ours cannot."]),
        ("Japanese diplomat", ["We normalized the paper."]),
    ]


def test_the_i_of_an_interviews_answer_is_the_one_answering_and_no_one_else(
    store: FactStore,
) -> None:
    found = quotes_of(
        store,
        "Baek Jun-ho retired from the navy in 2017 as a rear admiral.",
        "The Review: What does the pact do?",
        'Baek: It sets rules. I told my officers, "Share what the rules allow."',
        'In 2019 I wrote that the pact was "too useful to drop."',  # the writer: not read
    )
    assert found == [("Baek Jun-ho", ["Share what the rules allow."])]


def test_a_quotation_attributed_by_the_paragraph_beside_it(store: FactStore) -> None:
    found = quotes_of(
        store,
        "Richard Calloway, a retired colonel, described the cost to me in an email:",
        "“Every plan had a footnote. Staff spent hours on it.",
        "“That footnote can go now.”",
        "4. QUOTE OF THE WEEK",
        '"We are done bargaining with this pact."',
        "— Rep. Kwon Ha-rim, on a morning radio program Wednesday",
    )
    assert found == [
        (
            "Richard Calloway",
            ["Every plan had a footnote. Staff spent hours on it.", "That footnote can go now."],
        ),
        ("Kwon Ha-rim", ["We are done bargaining with this pact."]),
    ]


def test_every_step_a_sentence_dates_in_its_own_clause_and_days_told_by_another(
    store: FactStore,
) -> None:
    text = yonhap(
        "TOKYO, March 24 (Yonhap) -- After the two leaders agreed in March 2023 to normalize "
        "the pact, Seoul formally withdrew its notices on March 21, 2023.",
        "The leaders agreed at their March 16 summit to normalize the agreement.",
        "On March 21, Seoul withdrew its notices to end the pact.",
        "Five days earlier, the two leaders had agreed to normalize the pact.",
        date_line="2023-03-24",
    )
    annotations, report = draft_page("steps.txt", text, store)
    dated = [
        (event.date.value.label(), report.effects.get(event.id)) for event in annotations.events
    ]
    assert dated == [
        ("March 2023", "normalized"),
        ("2023-03-21", "termination withdrawn"),
        ("2023-03-16", "normalized"),
        ("2023-03-21", "termination withdrawn"),
        ("2023-03-16", "normalized"),
    ]
    assert {event.date.how for event in annotations.events[2::2]} == {"inferred"}


def test_a_sentence_that_only_attributes_the_quotation_before_it(store: FactStore) -> None:
    found = quotes_of(
        store,
        "“We will keep talking.” Defense Minister Aoi Sakurada told reporters on Friday.",
        "“The talks are over.” Sakurada told reporters that Japan would wait.",  # a statement
    )
    assert found == [("Aoi Sakurada", ["We will keep talking."])]


def test_a_korean_name_without_hyphens_is_called_by_its_first_word(store: FactStore) -> None:
    found = quotes_of(
        store,
        "President Kang Tae Sik and Prime Minister Jiro Amano met in Tokyo.",
        "“We open a new chapter,” Kang added.",
    )
    assert found == [("Kang Tae Sik", ["We open a new chapter,"])]


def test_a_possessive_is_nobodys_name(store: FactStore) -> None:
    found = quotes_of(
        store,
        "Kim Jong-un's sister Kim Yo-jong denounced the pact.",
        "“It is a betrayal,” Kim said.",
    )
    assert found == []


def test_a_bare_description_is_never_a_stored_voice_of_that_alias(store: FactStore) -> None:
    assert any("spokesman" in alias for actor in store.actors.values() for alias in actor.aliases)
    found = quotes_of(
        store,
        "Chief Cabinet Secretary Jiro Amano said at a press conference: “We welcome it.”",
        "“We will cooperate,” the spokesman said.",
    )
    assert found == [("Jiro Amano", ["We welcome it."])]


# --- accepted as drafted ---------------------------------------------------------------------


def test_an_untouched_wire_draft_accepts_with_its_left_out_quotations_shown(
    seeds_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "wire.txt"
    page.write_text(
        yonhap(
            "SEOUL, March 16 (Yonhap) -- The pact was restored, officials said.",
            "The word “restore” was everywhere.",
            "“It is done,” Defense Minister Ryu Ha-neul said.",
            "choidw@yna.co.kr",
            "(END)",
        )
        + "\n"
    )
    assert main(["--seeds", str(seeds_copy), "ingest", str(page)]) == 0
    assert main(["--seeds", str(seeds_copy), "ingest", "--accept"]) == 0
    out = capsys.readouterr().out
    assert "wire.txt: accepted" in out
    assert "left out: 'restore': Left out by the drafter: no speaker found." in out


def test_undated_drafts_waiting_side_by_side_never_share_an_id(
    seeds_copy: Path, tmp_path: Path
) -> None:
    store = load_store(seeds_copy)
    for name in ("one.txt", "two.txt"):
        page = tmp_path / name
        page.write_text(f"Pact notes {name}\n\nBy Grace Olander\n\n“It holds,” said Min Kyu-ri.\n")
        write_draft(page, seeds_copy, store, dt.date(2019, 11, 20))
    assert [result.problems for result in accept_drafts(seeds_copy)] == [[], []]


@pytest.mark.parametrize(
    ("sentence", "effect"),
    [
        ("Seoul and Tokyo agreed to extend the pact for another year.", "extended"),
        ("Seoul decided to suspend the termination of the pact.", "termination suspended"),
        ("Seoul notified Tokyo that it would terminate the agreement.", "termination notified"),
        ("The two signed the agreement, the first since the end of the war.", "signed"),
        ("The pact is now back to normal.", "normalized"),
        ("Seoul and Tokyo held talks on exports.", None),
        ("Seoul withdrew its notice to terminate the GSOMIA pact.", "termination withdrawn"),
        ("The ministry retracted the termination of the agreement.", "termination withdrawn"),
        ("Seoul rescinded its decision to terminate the pact.", "termination withdrawn"),
        ("The agreement was terminated on Nov 23.", "terminated"),
        ("The pact has been formally ended, officials said.", "terminated"),
        # A reaction dates the reaction, not the step reacted to.
        (
            "Japan on Saturday welcomed South Korea's decision to suspend the termination "
            "of the pact.",
            None,
        ),
        ("Tokyo slammed Seoul's move to end the agreement.", None),
        ("Japan lodged a protest after South Korea said it would end the pact.", None),
        ("Tokyo hailed the suspension of the termination of the pact.", None),
        (
            "Seoul decided to end the pact in protest against Tokyo's export curbs.",
            "termination notified",
        ),
        (
            "Seoul suspended the termination of the pact, and Tokyo welcomed the decision.",
            "termination suspended",
        ),
    ],
)
def test_the_step_a_sentence_reads_as_is_proposed(sentence: str, effect: str | None) -> None:
    assert proposed_effect(sentence) == effect


def test_every_proposed_step_is_a_kind_of_effect() -> None:
    kinds = set(get_args(EffectKind))
    assert {name.replace(" ", "_") for name, _ in EFFECTS} <= kinds


# --- the development set ---------------------------------------------------------------------


def test_the_development_set_is_drafted_to_target(store: MemoryFactStore) -> None:
    scores = [
        score_article(path, split, store, accept=False)
        for split in SPLITS
        for path in sorted((DEVSET / split).glob("*.txt"))
    ]
    # No quote given to the wrong person, on any set.
    assert sum(score.misattributed for score in scores) == 0
    # On the sets the rules were written against, the quotes and dates to target, and
    # every proposed step stands on a key event with its date, effect and status. The
    # fresh set is measured by the bench, not held to targets here: a test that must
    # pass on it would be tuned to it. A set still held out (fresh3) is not in SPLITS.
    seen = [score for score in scores if score.split in {"tune", "heldout"}]
    right, key = sum(s.right for s in seen), sum(s.key_quotes for s in seen)
    assert right / key >= 0.9
    assert all(score.date_right for score in seen)
    assert sum(score.spurious for score in seen) == 0
    assert sum(s.proposals_right for s in seen) == sum(s.proposals for s in seen)
    assert sum(s.status_right for s in seen) == sum(s.events_found for s in seen)
    # fresh2 was scored once unseen (quotes 17/50, dates 3/7), then tuned on: it is held
    # to the quotes and dates it reached, so that no later rule loses them unnoticed.
    tuned = [score for score in scores if score.split == "fresh2"]
    if tuned:
        assert sum(s.right for s in tuned) / sum(s.key_quotes for s in tuned) >= 0.9
        assert all(score.date_right for score in tuned)


# --- the attribution check -------------------------------------------------------------------


def _quote(
    attribution: str, speaker: str, *evidence: str, note: str | None = None
) -> QuoteAnnotation:
    texts = evidence or (f"{attribution} he agreed to “completely normalize” the pact.",)
    return QuoteAnnotation(
        id="q",
        speaker=speaker,
        words=["completely normalize"],
        attribution=attribution,
        attribution_note=note,
        date_note="Not stated.",
        evidence=[Evidence(article="a", text=text) for text in texts],
    )


def test_a_quote_whose_words_name_someone_else_fails_the_attribution_check(
    store: MemoryFactStore,
) -> None:
    actors = {actor.id: actor for actor in store.annotations.actors}
    japan, kono = actors["japanese-government"], actors["taro-kono"]
    yoon = _quote("March 16 (Yonhap) -- President Yoon Suk Yeol said", "japanese-government")
    everyone = actors.values()
    assert unnamed_speaker(yoon, japan, everyone) is not None
    assert unnamed_speaker(_quote("Kono said", "taro-kono"), kono, everyone) is None
    pronoun = _quote("he added", "taro-kono", note='"he" is Taro Kono, quoted before.')
    assert unnamed_speaker(pronoun, kono, everyone) is None
    named_before = _quote(
        "he said", "taro-kono", "“It is regrettable,” he said.", "Taro Kono spoke first."
    )
    assert unnamed_speaker(named_before, kono, everyone) is None


@pytest.mark.parametrize(
    ("attribution", "speaker"),
    [
        # A title word of an alias ("President Moon") names every president.
        ("March 16 (Yonhap) -- President Yoon Suk Yeol said", "moon-jae-in"),
        ("President Yoon Jae-in said", "moon-jae-in"),
        # Two seeded people are called Kang: the surname alone names neither.
        ("Kang said", "kang-kyung-wha"),
        ("Kang Gi-jung said", "kang-kyung-wha"),
        # The words hold another known person's full name.
        ("Moon said, standing beside Taro Kono", "moon-jae-in"),
    ],
)
def test_an_attribution_naming_someone_else_fails_the_check(
    store: MemoryFactStore, attribution: str, speaker: str
) -> None:
    actors = {actor.id: actor for actor in store.annotations.actors}
    quote = _quote(attribution, speaker)
    assert unnamed_speaker(quote, actors[speaker], actors.values()) is not None


def test_a_surname_no_one_else_bears_names_its_person(store: MemoryFactStore) -> None:
    actors = {actor.id: actor for actor in store.annotations.actors}
    for attribution, speaker in [
        ("Moon said", "moon-jae-in"),
        ("President Moon told reporters", "moon-jae-in"),
        ("Kang Kyung-wha said", "kang-kyung-wha"),
        ("Iwaya said", "takeshi-iwaya"),
    ]:
        quote = _quote(attribution, speaker)
        assert unnamed_speaker(quote, actors[speaker], actors.values()) is None


def test_the_store_refuses_a_quote_given_to_someone_its_words_do_not_name(
    seeds_copy: Path,
) -> None:
    edit(
        seeds_copy / "annotations" / "000_a628d338d7e45e49.yaml",
        "    speaker: sk-official\n",
        "    speaker: japanese-government\n",
    )
    _, problems = check_store(seeds_copy)
    assert [str(p) for p in problems] == [
        "000_a628d338d7e45e49.yaml: quote sk-official-national-interest: its attribution "
        "'said a South Korean official on August 22' does not name its speaker 'Japanese "
        "government' (by name, alias or surname), nor does a back-reference in its evidence "
        "or, for a pronoun, its attribution note"
    ]
