"""Read the dates an editor prints on a page: date lines and datelines.

A date line stands on its own under the title, in any of the forms news sites use:
`2019-11-22 18:31`, `19:14 March 16, 2023`, `Published : Nov. 23, 2016 - 14:58`,
`Posted July. 24, 2019 07:52,`, `12:12 PM, March 21, 2023`, `Aug 23, 2019 - 18:05 JST`,
`2016.11.14`, `입력 2023.03.16 (21:05)`. A label (Published, Updated, Posted, Written,
and a Korean site's 입력 "entered" and 수정 "revised") may stand before it; the first
date line printed is the article's date (an update comes after it), and so is the first
of several stamps on one line (`Posted on : Aug.23,2019 16:20 KST Modified on : …`) or a
date beside short parts after a slash or a bar (`November 22, 2019 / 7:26 PM / Updated 2
hours ago`, `Friday, March 24, 2023 | Issue No. 147`). A site's own words may stand
beside the stamp: a label ending in a colon (`Live coverage began: Nov. 22, 2019`), a
section's name of a capitalised word or two (`2019.08.22 21:10 Politics`); more words, or
words in lower case, make a sentence with a date in it, never a date line. A stamp whose
label says it is a revision (Updated, Last modified, 수정) dates the page only when no
other stamp is printed. A broadcaster's
page may print its stamps on the headline's own line (`HEADLINE 입력 2023.03.16 (21:05)
수정 …`): `split_fused_date_line` reads the headline and the first stamp apart.
Parsing is `dateparser`'s, asked for a whole day, month and year: a line it reads
only in part ("Nov. 23") is not a date line.

A dateline opens the first paragraph of wire copy: `SEOUL, Nov. 22 (Yonhap) --`,
`TOKYO (Kyodo) --`, `SEOUL, South Korea (AP) —`, `SEOUL (Reuters) -`. It names a
place and an agency, and at most a month and day, so it never dates a page alone;
it is found so that the sentence after it is read without it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Dateline",
    "FusedDateLine",
    "PrintedDate",
    "read_date_line",
    "read_dateline",
    "split_fused_date_line",
]

_LABELS = (
    r"First published|Originally published|Last updated|Last modified|"
    r"Published|Updated|Posted|Written|Date|Modified|"
    r"기사입력|최종수정|입력|수정|등록|승인|송고|업데이트"
)
_LABEL = re.compile(
    rf"^(?:(?P<label>{_LABELS})(?:\s+on)?\b\s*:?\s*)?(?P<date>.+?)[\s,]*$",
    re.IGNORECASE,
)
# A label that opens another stamp on the same line: "Posted on : … Modified on : …".
_NEXT_LABEL = re.compile(rf"\s(?:{_LABELS})(?:\s+on)?\s*:", re.IGNORECASE)
# What a date line may print beside its date after a slash or a bar: "7:26 PM", "Updated
# 2 hours ago", "Issue No. 147", "4 Min Read": a few words each.
_PART_SEPARATOR = re.compile(r"\s+[/|]\s+")
MAX_PART_WORDS = 4
# A labelled stamp in figures ("입력 2023.03.16 (21:05)", "Updated 2023-03-16 22:31") after
# a headline on the same line: where the stamps begin.
_FUSED_STAMP = re.compile(
    rf"\s(?P<stamp>(?:{_LABELS})\s*:?\s*(?:19|20)\d\d[-./]\d{{1,2}}[-./]\d{{1,2}}\.?"
    r"(?:\s*\(?\d{1,2}:\d\d\)?)?)",
    re.IGNORECASE,
)
MIN_HEADLINE_WORDS = 3  # what is left of the line must read as a headline, not a label
# Cheap tests before the parser is asked: a year, and a month name or a numeric date.
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_MONTH_OR_NUMERIC = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b|\d{4}[-./]\d{1,2}[-./]\d{1,2}",
    re.IGNORECASE,
)
# Letters that may stand on a date line besides the date: month names, AM/PM, zones.
_ALLOWED_WORDS = re.compile(
    r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*$|^(?:am|pm|a\.m|p\.m|"
    r"jst|kst|utc|gmt|et|est|edt|pst|pdt)$|^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*$",
    re.IGNORECASE,
)
MAX_DATE_LINE = 60  # characters: a date line is short; a sentence with a date is not one
# A label that says its stamp is a revision, not the article's first printing.
_UPDATE_LABEL = re.compile(r"updat|modif|revis|수정|업데이트", re.IGNORECASE)
# A label of the site's own wording before a stamp, ending in a colon: "Live coverage
# began:", "First published on:". A few words, none of them a date.
_COLON_LABEL = re.compile(r"^(?P<label>[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*){0,3})\s*:\s+")
MAX_SECTION_WORDS = 2  # "Politics", "North Korea": a section's name, never a clause
_SECTION_WORD = re.compile(r"^(?:[A-Z][\w'-]*|&)$")
_PART_MARKS = frozenset("|/·")
_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?"
DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Z'.-]+(?: [A-Z][A-Z'.-]+)*)"
    rf"(?:, (?P<month_day>{_MONTHS} \d{{1,2}})(?:, (?P<year>\d{{4}}))?"
    r"|, (?P<region>[A-Z][a-z]+(?: [A-Z][a-z]+)*))?"
    r"(?: ?\((?P<agency>[^()]{2,40})\))?"
    r" ?(?:--|—|–|-) ?"
)


@dataclass(frozen=True)
class PrintedDate:
    """The day a date line prints, and the words as printed."""

    day: dt.date
    text: str
    label: str | None

    @property
    def is_update(self) -> bool:
        """Whether the label says the stamp is a revision ("Updated", "Last modified",
        수정): the article's own day is another stamp, when the page prints one."""
        return self.label is not None and _UPDATE_LABEL.search(self.label) is not None


@dataclass(frozen=True)
class FusedDateLine:
    """A headline with its date stamps printed on the same line."""

    headline: str
    date: PrintedDate


@dataclass(frozen=True)
class Dateline:
    """A wire dateline at the start of a paragraph: where the sentence starts after it."""

    end: int
    place: str
    agency: str | None


@functools.cache
def _parser() -> Any:
    # dateparser takes a quarter of a second to import: only a page being drafted pays.
    import dateparser

    return dateparser


_SETTINGS = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["absolute-time"],
    "DATE_ORDER": "MDY",
    "RETURN_AS_TIMEZONE_AWARE": False,
}


def read_date_line(line: str) -> PrintedDate | None:
    """The day the line prints, if the whole line is a date line: a date (a label
    before it), perhaps beside later stamps ("Modified on : …"), short parts after a
    slash or a bar ("/ 7:26 PM / Updated 2 hours ago"), or a section's name
    ("2019.08.22 21:10 Politics"). The first stamp not labelled as an update is the day;
    an update's stamp is the day only when the line prints no other."""
    stamps = [
        printed for stamp in _stamps(line.strip()) if (printed := _read_stamp(stamp)) is not None
    ]
    return next((printed for printed in stamps if not printed.is_update), None) or (
        stamps[0] if stamps else None
    )


def _stamps(line: str) -> list[str]:
    """The labelled stamps of a line that prints several ("Posted on : … Modified on :
    …"), or the line itself."""
    labelled = _LABEL.match(line)
    if labelled is None or not labelled["label"]:
        return [line]
    later = _NEXT_LABEL.finditer(line, labelled.end("label"))
    starts = [0, *(stamp.start() for stamp in later)]
    ends = [*starts[1:], len(line)]
    return [line[start:end].strip() for start, end in zip(starts, ends, strict=True)]


def _read_stamp(line: str) -> PrintedDate | None:
    first, *others = _PART_SEPARATOR.split(line)
    if not (others and all(len(part.split()) <= MAX_PART_WORDS for part in others)):
        first = line
    return _read_one_date(first) or _read_beside_words(line)


def _read_beside_words(line: str) -> PrintedDate | None:
    """A stamp with a few words of the site's beside it: a label of its own ending in a
    colon before it, a section's name (a capitalised word or two) before or after it. A
    sentence with a date in it has more words, or words in lower case, and is not one."""
    label = None
    if (colon := _COLON_LABEL.match(line)) is not None:
        label, line = colon["label"], line[colon.end() :]
    tokens = line.split()
    dated = [index for index, token in enumerate(tokens) if _in_stamp(token)]
    if not dated:
        return None
    start, end = dated[0], dated[0]
    while end + 1 < len(tokens) and _in_stamp(tokens[end + 1]):
        end += 1
    # Beside the stamp: words, not the marks between parts nor a time after one ("· 5:10 AM").
    beside = [
        token
        for token in tokens[:start] + tokens[end + 1 :]
        if token not in _PART_MARKS and not _in_stamp(token)
    ]
    if len(beside) > MAX_SECTION_WORDS or not all(_SECTION_WORD.match(word) for word in beside):
        return None
    printed = _read_one_date(" ".join(tokens[start : end + 1]))
    if printed is None:
        return None
    return PrintedDate(printed.day, " ".join(tokens[start : end + 1]).rstrip(","), label)


def _in_stamp(token: str) -> bool:
    """Whether a word can be part of a date stamp: figures, a month, a weekday, AM/PM or a
    zone ("Nov.", "22,", "21:10", "(21:05)", "KST")."""
    if token in _PART_MARKS:
        return False
    words = re.findall(r"[A-Za-z]+(?:\.[A-Za-z])?", token)
    if not words:
        return any(char.isdigit() for char in token) or token in {"-", "–"}
    return all(_ALLOWED_WORDS.match(word) for word in words)


def _read_one_date(line: str) -> PrintedDate | None:
    if len(line) > MAX_DATE_LINE or not _YEAR.search(line) or not _MONTH_OR_NUMERIC.search(line):
        return None
    match = _LABEL.match(line.strip())
    if match is None:
        return None
    text = match["date"]
    words = re.findall(r"[A-Za-z][A-Za-z.]*", text)
    if not all(_ALLOWED_WORDS.match(word.rstrip(".")) for word in words):
        return None  # "August 22, 2018 by Joseph Fitsanakis": a byline, read elsewhere
    # "July." is how some sites abbreviate July; the parser wants the month's name.
    cleaned = re.sub(r"\b([A-Z][a-z]{2,})\.", r"\1 ", text)
    cleaned = re.sub(r"(\d),(\d{4})\b", r"\1, \2", cleaned)  # "Aug.23,2019"
    cleaned = re.sub(r"(\d)\s+-\s+(\d)", r"\1 \2", cleaned)  # "2016 - 14:58"
    cleaned = re.sub(r"\((\d{1,2}:\d\d)\)", r"\1", cleaned)  # "2023.03.16 (21:05)"
    parsed = _parser().parse(cleaned, languages=["en"], settings=_SETTINGS)
    if parsed is None:
        return None
    return PrintedDate(parsed.date(), line.strip().rstrip(","), match["label"])


def split_fused_date_line(line: str) -> FusedDateLine | None:
    """The headline and the first date stamp of a line that prints both, every word
    after the headline being stamps (labels, dates, times)."""
    stamps = list(_FUSED_STAMP.finditer(line))
    if not stamps:
        return None
    headline, tail = line[: stamps[0].start()].strip(), line[stamps[0].start() :]
    if len(headline.split()) < MIN_HEADLINE_WORDS or _FUSED_STAMP.sub("", tail).strip():
        return None
    printed = read_date_line(stamps[0]["stamp"])
    return None if printed is None else FusedDateLine(headline, printed)


def read_dateline(paragraph: str) -> Dateline | None:
    """The wire dateline opening `paragraph`, if it has one."""
    match = DATELINE.match(paragraph)
    if match is None:
        return None
    # A capitalised word then a hyphen is often a sentence ("NATO - the alliance …"):
    # a dateline names its agency or its day, or ends on a long dash ("SEOUL —", or the
    # Japan Times' en dash, "SEOUL –").
    named = match["agency"] is not None or match["month_day"] is not None
    if not named and not match.group(0).rstrip().endswith(("--", "—", "–")):
        return None
    return Dateline(match.end(), match["place"], match["agency"])
