"""Find the articles on a scraped page: titles, bylines, dates, bodies, and everything else.

Rule-based, for pages shaped like the seeds and like wire copy: a title line
followed by a dateline ("November 22, 2019 by Joseph Fitsanakis 2 Comments"), a
date line in any printed form (`Published : Nov. 23, 2016 - 14:58`, `2019-11-22`:
see `printed_dates`), a byline (`By Lee Haye-ah`) or a comment count and an
author's name; a body; an optional footer ("► Author: … | Date: 23 August 2019")
or a wire sign-off (`(END)`, the reporter's address); then teasers of other
stories, comment forms, bios and addresses. A photo caption (`… (AP Photo/…)`,
`… (Yonhap)`, `… | KYODO`, `[Photo: …] …`) is furniture, and amid the body, where the
body's one span holds it, it is kept aside so that nothing is drafted from it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

from briefings.dates import MONTH_PATTERN
from briefings.ingest.printed_dates import FusedDateLine, read_date_line, split_fused_date_line

__all__ = ["Line", "LineKind", "PageArticle", "Segmented", "is_caption", "segment"]

_MONTH = f"(?:{MONTH_PATTERN})"
DATELINE = re.compile(
    rf"^(?P<date>{_MONTH} \d{{1,2}}, \d{{4}})(?: by (?P<author>[^\d]+?))?"
    r"(?: (?:\d+ Comments?|Leave a comment))?$"
)
FOOTER = re.compile(r"^► Author: (?P<author>.+?) \| Date: (?P<date>\d{1,2} \w+ \d{4})")
# A newspaper's print-edition line at the foot, the only date some pages print: "This
# article appeared in the print edition of … on March 28, 2023", "A version of this
# article appears in print on March 28, 2023, Section A".
PRINT_EDITION = re.compile(
    rf"\b(?:appeared|appears) in (?:the )?print\b.*?\bon (?P<date>{_MONTH}\.? \d{{1,2}}, \d{{4}})"
)
COMMENTS = re.compile(r"^\d+ Comments?$")
TAGS = re.compile(r"^Filed under ")
FORM = re.compile(r"^(Leave a Reply|Your email address will not be published)")
ADDRESS = re.compile(r"^\d+ [A-Z].*\b\d{5}$")
NAME = re.compile(r"^(?:[A-Z][a-z’'-]+ ){1,3}[A-Z][a-z’'-]+$")
# "By Lee Haye-ah", "By HANNAH MERCER Associated Press": the author, then perhaps the agency.
BYLINE = re.compile(
    r"^By (?P<author>[A-Z][\w’'.-]*(?:(?: |, | and )[A-Z][\w’'.-]*){0,5}?)"
    r"(?: (?:Associated Press|AP|Reuters|AFP|Yonhap|Kyodo|Staff [Ww]riter|Staff [Rr]eporter))?$"
)
SIGN_OFF = re.compile(r"^(?:\(END\)|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\(ATTN: .*\))$")
# A photo caption ends on its credit: "(AP Photo/Ko Eun-bi)", "(Yonhap)", "| KYODO",
# "[YONHAP]", or opens with "[Photo: …]" or a site's "view larger image". It holds no
# quotation: a paragraph of text that a newspaper closes with its wire credit ("…,” he
# said. (Yonhap)") is text still.
_AGENCIES = r"AP|Reuters|AFP|EPA|Yonhap|Kyodo|Xinhua|Jiji|NEWSIS|News1|Bloomberg|Getty Images"
CAPTION = re.compile(
    rf"(?:\((?:{_AGENCIES})(?:[ /-][^()]*)?\)|\([^()]*\b(?:Photo|Photos|Pool|File photo)\b[^()]*\)"
    r"|(?-i:\| [A-Z][A-Z/ ]+|\[[A-Z][A-Z/ ]+\])|\[(?:Photo|Image)s?\b[^\]]*\])\s*$"
    r"|^(?:\[(?:Photo|Image)s?\b[^\]]*\]|view larger image\b)",
    re.IGNORECASE,
)
_QUOTATION_MARKS = re.compile(r"[\"“”]")


# Between a title and its date line, a credit: the agency ("Kyodo") or a subtitle
# wholly in brackets ("(Statement by Foreign Minister …)").
CREDIT = re.compile(r"^(?:\(.*\)|\S+)$")
CAPTION_WHY = "photo caption"
ISSUER_WORDS = 5  # "Ministry of National Defense" under a longer headline


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
    captions: list[Line] = field(default_factory=list)  # amid the body, and not its text
    author: str | None = None
    date: dt.date | None = None
    date_text: str | None = None
    dated_by_update: bool = False  # an "Updated" stamp, until the page prints its first


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
    return bool(
        DATELINE.match(line.text)
        or COMMENTS.match(line.text)
        or BYLINE.match(line.text)
        or read_date_line(line.text)
    )


def _looks_like_title(text: str) -> bool:
    return (
        len(text) < 160
        and not text.endswith((".", ":", ","))
        and not SIGN_OFF.match(text)
        and not _is_header(Line(0, text))
    )


def _under_title(line: str, before: str) -> bool:
    """Whether `line`, just above a date line, is a credit or issuer under the headline
    `before` ("Kyodo", "(Statement by …)", "Ministry of National Defense") rather than
    the headline under a masthead ("Yonhap News Agency", then the headline)."""
    if not _looks_like_title(before):
        return False
    words, above = len(line.split()), len(before.split())
    return bool(CREDIT.match(line)) or words <= ISSUER_WORDS < above


def _titles(lines: list[Line]) -> tuple[set[int], set[int], dict[int, FusedDateLine]]:
    """The indexes of the lines that title an article (each just above its date line,
    dateline or byline, or above a credit under it, or printing its date stamps on its
    own line), of those credits, and the stamps of the last kind."""
    titles: set[int] = set()
    credits: set[int] = set()
    fused = {
        index: found
        for index, line in enumerate(lines)
        if (found := split_fused_date_line(line.text)) is not None
    }
    titles.update(fused)
    for index in range(1, len(lines)):
        if not _is_header(lines[index]) or _is_header(lines[index - 1]):
            continue
        above = index - 1
        if above > 0 and _under_title(lines[above].text, lines[above - 1].text):
            credits.add(above)
            above -= 1
        if _looks_like_title(lines[above].text):
            titles.add(above)
    return titles, credits, fused


def segment(text: str) -> Segmented:
    """Classify every non-blank line and group the articles."""
    lines = [
        Line(n, raw.strip()) for n, raw in enumerate(text.splitlines(), start=1) if raw.strip()
    ]
    articles: list[PageArticle] = []
    current: PageArticle | None = None
    after_footer = False
    titles, credits, fused = _titles(lines)
    for index, line in enumerate(lines):
        above_header = index in titles
        if index in credits and current is not None and not current.body:
            line.kind, line.why = LineKind.METADATA, "credit or issuer under the title"
            current.metadata.append(line)
            continue
        if above_header and current is not None and not current.body:
            # "Ministry of National Defense" above the date line: who issues it.
            line.kind, line.why = LineKind.METADATA, "issuer above the date line"
            current.metadata.append(line)
            continue
        # A page with no date line, dateline or byline anywhere starts at its first
        # line; one with them starts at the first title above one, and what comes
        # before (the masthead, "Go to contents", the section) is furniture.
        starts_article = above_header or (
            index == 0 and not titles and _looks_like_title(line.text)
        )
        if starts_article:
            current = PageArticle(title=line)
            line.kind, line.why = LineKind.TITLE, "followed by a dateline"
            if (stamped := fused.get(index)) is not None:
                current.date, current.date_text = stamped.date.day, stamped.date.text
                line.why = "the title, its date stamps on the same line"
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
        elif not current.body and (printed := read_date_line(line.text)):
            line.kind, line.why = LineKind.METADATA, "date line"
            # The first printed is the day; an update's stamp only until another is read.
            if current.date is None or (current.dated_by_update and not printed.is_update):
                current.date, current.date_text = printed.day, printed.text
                current.dated_by_update = printed.is_update
            current.metadata.append(line)
        elif not current.body and (byline := BYLINE.match(line.text)):
            line.kind, line.why = LineKind.METADATA, "byline"
            current.author = current.author or byline["author"]
            current.metadata.append(line)
        elif SIGN_OFF.match(line.text):
            line.kind, line.why = LineKind.FURNITURE, "wire sign-off"
        elif (edition := PRINT_EDITION.search(line.text)) and (
            printed := read_date_line(edition["date"])
        ):
            line.kind, line.why = LineKind.METADATA, "print edition footer"
            current.metadata.append(line)
            if current.date is None:
                current.date, current.date_text = printed.day, edition["date"]
            after_footer = True
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
        elif is_caption(line.text):
            line.kind, line.why = LineKind.FURNITURE, CAPTION_WHY
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
    for article in articles:
        _close_body(article, lines)
    return Segmented(lines=lines, articles=articles)


def is_caption(text: str) -> bool:
    """Whether a line is a photo caption (`CAPTION`)."""
    return CAPTION.search(text) is not None and _QUOTATION_MARKS.search(text) is None


def _close_body(article: PageArticle, lines: list[Line]) -> None:
    """A line amid the body (a caption, a name on its own) is body: the body is one span.
    A caption there is kept aside, so that it is not read as the article's text."""
    if not article.body:
        return
    first, last = article.body[0].number, article.body[-1].number
    for line in lines:
        if first < line.number < last and line.kind is not LineKind.BODY:
            if line.why == CAPTION_WHY:
                article.captions.append(line)
            line.kind, line.why = LineKind.BODY, ""
            if line in article.metadata:
                article.metadata.remove(line)
    article.body = [line for line in lines if first <= line.number <= last]
