"""One poll of a watched address: fetch it (conditionally), and find what is new.

A page is one article. A feed is a list of articles: each item not drafted before
(by its GUID, across restarts and processes) is fetched and becomes a page. What to do
with the pages (draft them for review, or write drafts beside the seeds) is the
caller's: this module only fetches.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from briefings.fetching import Fetched, FetchError, fetch
from briefings.ingest.web import WebPage, feed_items, is_feed, page_text
from briefings.rendering import counted

__all__ = ["Fetcher", "Harvest", "NewPage", "harvest"]

Fetcher = Callable[..., Awaitable[Fetched]]


@dataclass(frozen=True)
class NewPage:
    """A page to draft, and the feed item's GUID when it came from a feed."""

    page: WebPage
    guid: str | None = None
    title: str = ""


@dataclass
class Harvest:
    """What one poll found: pages to draft, the validators for the next conditional
    GET, one line saying what happened, and one line per item that failed."""

    pages: list[NewPage] = field(default_factory=list)
    feed: str | None = None  # the feed's title, when the address is a feed
    items: int = 0  # how many items the feed lists
    etag: str | None = None
    last_modified: str | None = None
    outcome: str = ""
    item_failures: list[str] = field(default_factory=list)


async def harvest(
    url: str,
    *,
    seen_item: Callable[[str], bool],
    allow_private: bool,
    etag: str | None = None,
    last_modified: str | None = None,
    fetcher: Fetcher = fetch,
) -> Harvest:
    """Poll `url`. `FetchError` in one line when the address itself fails; an item of
    a feed that fails is listed in `item_failures` and tried again at the next poll."""
    fetched = await fetcher(
        url, allow_private=allow_private, etag=etag, last_modified=last_modified
    )
    found = Harvest(etag=fetched.etag or etag, last_modified=fetched.last_modified or last_modified)
    if fetched.not_modified:
        found.outcome = "not modified since the last fetch"
        return found
    if not is_feed(fetched):
        found.pages.append(NewPage(page_text(fetched)))
        found.outcome = "fetched the page"
        return found
    title, items = feed_items(fetched)
    found.feed, found.items = title, len(items)
    new = [item for item in items if not seen_item(item.guid)]
    for item in new:
        try:
            page = page_text(await fetcher(item.link, allow_private=allow_private))
        except FetchError as error:
            found.item_failures.append(f"{item.link}: {error}")
            continue
        found.pages.append(NewPage(page, item.guid, item.title))
    found.outcome = f"feed “{title}”: {counted(len(items), 'items')}, {len(new) or 'none'} new"
    if found.item_failures:
        found.outcome += f", {len(found.item_failures)} not fetched"
    return found
