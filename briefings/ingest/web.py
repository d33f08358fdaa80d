"""A fetched web page as a page the drafter reads: title, dateline, paragraphs.

HTML goes through trafilatura (a maintained extractor of article text and its title,
author and date); plain text is taken as it is. The page is written the way saved
pages are: the title on the first line, then "August 22, 2019 by Jane Roe" when the
date (and author) are known, then the paragraphs, so the existing pipeline drafts it
and every drafted fact quotes the page as written.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from briefings.fetching import Fetched, FetchError

__all__ = ["HTML_TYPES", "page_name", "page_text"]

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/xml", "text/xml"}
)


def page_name(fetched: Fetched) -> str:
    """A file name for the page, the same for the same address."""
    return f"web_{hashlib.sha256(fetched.final_url.encode()).hexdigest()[:16]}.txt"


def page_text(fetched: Fetched) -> str:
    """The page to draft from; `FetchError` in one line if there is none."""
    kind = fetched.content_type.lower()
    if kind == "text/plain":
        try:
            return fetched.body.decode("utf-8")
        except UnicodeDecodeError:
            raise FetchError(f"{fetched.final_url} is not UTF-8 text") from None
    if kind in HTML_TYPES:
        return _article(fetched)
    if kind in FEED_TYPES:
        raise FetchError(
            f"{fetched.final_url} is a feed; feeds are not drafted yet: fetch an article's page"
        )
    raise FetchError(f"{fetched.final_url} is {kind or 'of no stated type'}, not a page")


def _article(fetched: Fetched) -> str:
    # Imported here: trafilatura (and lxml) cost the bot nothing until a page is fetched.
    import trafilatura

    found = trafilatura.bare_extraction(
        fetched.body, url=fetched.final_url, with_metadata=True, include_comments=False
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
    return "\n\n".join(["\n".join(lines), *paragraphs]) + "\n"


def _dateline(date: str | None, author: str | None) -> str | None:
    """`August 22, 2019 by Jane Roe`, as the drafter reads bylines; None without a date."""
    try:
        day = dt.date.fromisoformat((date or "")[:10])
    except ValueError:
        return None
    byline = f" by {author.strip()}" if author and author.strip() else ""
    return f"{day:%B} {day.day}, {day.year}{byline}"
