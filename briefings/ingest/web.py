"""A fetched web page as a page the drafter reads: title, dateline, paragraphs.

HTML goes through trafilatura (a maintained extractor of article text and its title,
author and date); plain text is taken as it is. The page is written the way saved
pages are: the title on the first line, then "August 22, 2019 by Jane Roe" when the
date (and author) are known, then the paragraphs, so the existing pipeline drafts it
and every drafted fact quotes the page as written.

A page is decoded as it declares (its Content-Type's charset, else a `<meta charset>`
near its top, else UTF-8), a bad byte replaced: a guess from the bytes turns a page
with one bad byte into mojibake.

A feed (RSS or Atom, read by feedparser) gives the links of its items, each known by
its GUID and its link (some feeds give every item one GUID); each item's page is then
fetched and made into a page the same way.

An HTML page of more than `MAX_ELEMENTS` elements is refused before trafilatura
builds its trees: no article page has that many, and trafilatura's memory and time
grow with them (tiny paragraphs: 1.4 KiB an element over the 40 MiB of its imports,
and 15 s for 30,000; 2 MiB of them, 262,000 elements, took 485 MiB and 13 minutes).
The count is a streaming pass that builds no tree (0.07 s for those 2 MiB).

These functions are pure but may be slow on a hostile page (up to a minute under
50,000 elements): the watcher runs them in `briefings.ingest.readers`.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import hashlib
import html
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from briefings.fetching import Fetched, FetchError

__all__ = [
    "FEED_TYPES",
    "HTML_TYPES",
    "MAX_ELEMENTS",
    "FeedItem",
    "WebPage",
    "address_key",
    "feed_items",
    "is_feed",
    "page_name",
    "page_text",
]

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# News pages hold 1,000 to 5,000 elements; a 2 MiB live blog of real updates, 40,000
# (read in 9 s, 117 MiB). At 50,000 the costliest shape we tried (a list of links)
# peaked at 158 MiB resident, within the readers' memory limit.
MAX_ELEMENTS = 50_000
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/xml", "text/xml"}
)


@dataclass(frozen=True)
class WebPage:
    """A page to draft: its text, and the address that names the article (the page's
    canonical link when it gives one, so that tracking parameters do not make two)."""

    url: str
    text: str

    @property
    def content_hash(self) -> str:
        """What tells an edited article from the same one fetched again."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class FeedItem:
    """An item of a feed: its GUID (its link when it has none), its link, its title,
    and its summary as plain text (what a watched source's keywords are looked for in,
    with the article)."""

    guid: str
    link: str
    title: str
    summary: str = ""

    @property
    def key(self) -> str:
        """What the item is known by: its GUID and its link, since some feeds give
        every item the same GUID (the same GUID and link is the same page)."""
        return f"{self.guid}\n{self.link}"


def feed_items(fetched: Fetched) -> tuple[str, list[FeedItem]]:
    """The feed's title and its items with a link; `FetchError` in one line if the
    document is not a feed that can be read."""
    # Imported here, like trafilatura: only fetching needs it.
    import feedparser

    # Relative links (many RSS feeds have them) are read against the feed's address;
    # a GUID is left as written, since it is a name, not a place.
    parsed = feedparser.parse(fetched.body)
    items = [
        FeedItem(
            guid=str(entry.get("id") or entry["link"]),
            link=urljoin(fetched.final_url, str(entry["link"])),
            title=str(entry.get("title", "")).strip(),
            summary=_plain(str(entry.get("summary", ""))),
        )
        for entry in parsed.entries
        if entry.get("link")
    ]
    if not items and parsed.get("bozo"):  # feedparser reads what it can of broken XML
        problem = str(parsed.get("bozo_exception", "not well-formed")).splitlines()[0]
        raise FetchError(f"{fetched.final_url} is not a feed that can be read: {problem}")
    return str(parsed.feed.get("title", "")).strip() or fetched.final_url, items


_TAG = re.compile(r"<[^>]*>")
SUMMARY_LENGTH = 2000  # characters kept of an item's summary: a teaser, not the article


def _plain(summary: str) -> str:
    """A summary's text, without its markup (feeds send HTML in it)."""
    text = html.unescape(_TAG.sub(" ", summary[: 4 * SUMMARY_LENGTH]))
    return " ".join(text.split())[:SUMMARY_LENGTH]


def is_feed(fetched: Fetched) -> bool:
    """Whether the document is a feed: by its type, or, since many servers send feeds
    as text/html or text/plain, by how it begins (an RSS, Atom or RDF root element)."""
    if fetched.content_type.lower() in FEED_TYPES:
        return True
    start = fetched.body[:512].lstrip().lower()
    if start.startswith(b"<?xml"):
        start = start[start.find(b"?>") + 2 :].lstrip()
    return start.startswith((b"<rss", b"<feed", b"<rdf:rdf"))


def address_key(text: str) -> str:
    """The key an address (or a feed item's GUID) is known by in the tables: a hash,
    since an address may be longer than an index entry."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def page_name(url: str, edition: int = 1) -> str:
    """A file name for an article's page: the same for the same address, and `-2`,
    `-3` … for later editions of it."""
    stem = f"web_{address_key(url)[:16]}"
    return f"{stem}.txt" if edition == 1 else f"{stem}-{edition}.txt"


def page_text(fetched: Fetched) -> WebPage:
    """The page to draft from; `FetchError` in one line if there is none."""
    kind = fetched.content_type.lower()
    address = fetched.final_url.split("#", 1)[0]
    if kind == "text/plain":
        return WebPage(address, fetched.body.decode(_encoding(fetched), errors="replace"))
    if kind in HTML_TYPES:
        return _article(fetched)
    raise FetchError(f"{fetched.final_url} is {kind or 'of no stated type'}, not a page")


def _article(fetched: Fetched) -> WebPage:
    # Imported here: trafilatura (and lxml) cost the bot nothing until a page is fetched.
    import trafilatura

    html = fetched.body.decode(_encoding(fetched), errors="replace")
    if _more_elements_than(MAX_ELEMENTS, html):
        raise FetchError(
            f"{fetched.final_url} has more than {MAX_ELEMENTS:,} elements: not an article page"
        )
    found = trafilatura.bare_extraction(
        html, url=fetched.final_url, with_metadata=True, include_comments=False
    )
    text = getattr(found, "text", None) or ""
    title = (getattr(found, "title", None) or "").strip()
    if not text.strip() or not title:
        raise FetchError(f"no article found at {fetched.final_url}")
    lines = [title]
    dateline = _dateline(getattr(found, "date", None), getattr(found, "author", None))
    if dateline:
        lines.append(dateline)
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    if paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]  # the extractor repeats the headline
    text = "\n\n".join(["\n".join(lines), *paragraphs]) + "\n"
    canonical = getattr(found, "url", None) or fetched.final_url.split("#", 1)[0]
    return WebPage(canonical, text)


class _ElementCount:
    """A parser target that counts the elements it is shown and keeps nothing."""

    def __init__(self) -> None:
        self.elements = 0

    def start(self, _tag: str, _attributes: object) -> None:
        self.elements += 1

    def close(self) -> int:
        return self.elements


def _more_elements_than(most: int, html: str, chunk: int = 32_768) -> bool:
    """Whether the page has more than `most` elements, as lxml's HTML parser (the one
    trafilatura uses) sees them: script text and comments are not counted. Fed a chunk
    at a time, so that a page far past the bound is given up early."""
    from lxml import etree  # type: ignore[import-untyped]  # no type information

    count = _ElementCount()
    parser = etree.HTMLParser(target=count)
    for start in range(0, len(html), chunk):
        parser.feed(html[start : start + chunk])
        if count.elements > most:
            return True
    with contextlib.suppress(etree.LxmlError):  # a page with no element at all
        parser.close()
    return count.elements > most


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


def _encoding(fetched: Fetched) -> str:
    """The encoding the page declares: its Content-Type's charset, else (for HTML) a
    `<meta charset>` in its first kilobyte, else UTF-8. One it names that Python does
    not know as a text encoding is read as UTF-8."""
    declared = fetched.charset
    if not declared and fetched.content_type.lower() in HTML_TYPES:
        meta = _META_CHARSET.search(fetched.body[:1024])
        declared = meta.group(1).decode("ascii") if meta else None
    try:
        name = codecs.lookup(declared or "utf-8").name
        b"".decode(name)  # a codec such as base64 is no text encoding
    except LookupError:
        return "utf-8"
    return name


def _dateline(date: str | None, author: str | None) -> str | None:
    """`August 22, 2019 by Jane Roe`, as the drafter reads bylines; None without a date."""
    try:
        day = dt.date.fromisoformat((date or "")[:10])
    except ValueError:
        return None
    byline = f" by {author.strip()}" if author and author.strip() else ""
    return f"{day:%B} {day.day}, {day.year}{byline}"
