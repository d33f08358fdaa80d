"""Find the articles on a scraped page: titles, bylines, dates, bodies, and everything else.

Rule-based, for pages shaped like the seeds: a title line followed by a dateline
("November 22, 2019 by Joseph Fitsanakis 2 Comments") or by a comment count and an
author's name; a body; an optional footer ("► Author: … | Date: 23 August 2019");
then teasers of other stories, comment forms, bios and addresses.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

from briefings.dates import MONTH_PATTERN

__all__ = ["Line", "LineKind", "PageArticle", "Segmented", "segment"]

_MONTH = f"(?:{MONTH_PATTERN})"
DATELINE = re.compile(
    rf"^(?P<date>{_MONTH} \d{{1,2}}, \d{{4}})(?: by (?P<author>[^\d]+?))?"
    r"(?: (?:\d+ Comments?|Leave a comment))?$"
)
FOOTER = re.compile(r"^► Author: (?P<author>.+?) \| Date: (?P<date>\d{1,2} \w+ \d{4})")
COMMENTS = re.compile(r"^\d+ Comments?$")
TAGS = re.compile(r"^Filed under ")
FORM = re.compile(r"^(Leave a Reply|Your email address will not be published)")
ADDRESS = re.compile(r"^\d+ [A-Z].*\b\d{5}$")
NAME = re.compile(r"^(?:[A-Z][a-z’'-]+ ){1,3}[A-Z][a-z’'-]+$")


class LineKind(StrEnum):
    """What a line of the page is."""

    TITLE = "title"
    METADATA = "metadata"
    BODY = "body"
    FURNITURE = "furniture"
    TEASER = "teaser"


@dataclass
class Line:
    """A non-blank line, numbered from 1 as in an editor."""

    number: int
    text: str
    kind: LineKind = LineKind.BODY
    why: str = ""


@dataclass
class PageArticle:
    """One article found on the page."""

    title: Line
    metadata: list[Line] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)
    author: str | None = None
    date: dt.date | None = None
    date_text: str | None = None


@dataclass
class Segmented:
    """The page's lines, classified, and its articles."""

    lines: list[Line]
    articles: list[PageArticle]


def _parse_day(text: str) -> dt.date | None:
    for pattern in ("%B %d, %Y", "%d %B %Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
    return None


def _is_header(line: Line) -> bool:
    return bool(DATELINE.match(line.text) or COMMENTS.match(line.text))


def _looks_like_title(text: str) -> bool:
    return len(text) < 160 and not text.endswith((".", ":", ",")) and not _is_header(Line(0, text))


def segment(text: str) -> Segmented:
    """Classify every non-blank line and group the articles."""
    lines = [
        Line(n, raw.strip()) for n, raw in enumerate(text.splitlines(), start=1) if raw.strip()
    ]
    articles: list[PageArticle] = []
    current: PageArticle | None = None
    after_footer = False
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        starts_article = _looks_like_title(line.text) and (
            (following is not None and _is_header(following)) or index == 0
        )
        if starts_article:
            current = PageArticle(title=line)
            line.kind, line.why = LineKind.TITLE, "followed by a dateline"
            articles.append(current)
            after_footer = False
            continue
        if current is None:
            line.kind, line.why = LineKind.FURNITURE, "before any article"
            continue
        if dateline := DATELINE.match(line.text):
            line.kind, line.why = LineKind.METADATA, "dateline"
            current.date = current.date or _parse_day(dateline["date"])
            current.date_text = current.date_text or dateline["date"]
            current.author = current.author or (dateline["author"] or None)
            current.metadata.append(line)
        elif footer := FOOTER.match(line.text):
            line.kind, line.why = LineKind.METADATA, "author and date footer"
            current.metadata.append(line)
            current.author = current.author or footer["author"]
            after_footer = True
        elif COMMENTS.match(line.text) or TAGS.match(line.text):
            line.kind, line.why = LineKind.METADATA, "comment count or tag line"
            current.metadata.append(line)
        elif FORM.match(line.text) or ADDRESS.match(line.text):
            line.kind, line.why = LineKind.FURNITURE, "comment form or address"
        elif NAME.match(line.text) and not current.body:
            line.kind, line.why = LineKind.METADATA, "byline"
            current.author = current.author or line.text
            current.metadata.append(line)
        elif NAME.match(line.text):
            line.kind, line.why = LineKind.FURNITURE, "a name on its own line"
        elif after_footer:
            line.kind, line.why = LineKind.TEASER, "a teaser after the article's footer"
        elif (
            current.author
            and not current.body
            and line.text.startswith(current.author.split()[0] + " ")
        ):
            line.kind, line.why = LineKind.FURNITURE, "the author's bio"
        else:
            line.kind = LineKind.BODY
            current.body.append(line)
    return Segmented(lines=lines, articles=articles)
