"""One poll of a watched address: fetch it (conditionally), and find what is new.

A page is one article. A feed is a list of articles: each item not drafted before
(by its GUID and link, across restarts and processes) is fetched and becomes a page.
A poll takes at most `PollLimits.new_items` new items, and spends at most
`PollLimits.poll_seconds` fetching them: the rest are left for the next poll (whose
GET is then not conditional, so that a feed unchanged since still gives them). What
to do with the pages (draft them for review, or write drafts beside the seeds) is the
caller's: this module only fetches, and reads what it fetched in `Readers`, off the
event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from briefings.fetching import DEADLINE_SECONDS, Fetched, FetchError, fetch
from briefings.ingest.readers import Readers
from briefings.ingest.seen import ItemFailure
from briefings.ingest.web import FeedItem, WebPage, is_feed
from briefings.rendering import counted

__all__ = ["Fetcher", "Harvest", "NewPage", "PollLimits", "Unseen", "harvest"]

log = logging.getLogger(__name__)

Fetcher = Callable[..., Awaitable[Fetched]]
# The first `limit` of the items never drafted before (nor settled, nor backed off),
# in the feed's order, and whether more are left: it reads the database, so it is run
# in a thread.
Unseen = Callable[[Sequence[FeedItem], int], tuple[list[FeedItem], bool]]


@dataclass(frozen=True)
class PollLimits:
    """How much one poll of an address may take."""

    new_items: int = 20  # new items of a feed fetched and drafted in one poll
    fetch_seconds: float = DEADLINE_SECONDS  # for each fetch, whole
    # For a feed's items together: with the fetch deadline and the read's time limit,
    # within the fetch lease (`records.LEASE`), so that no one else takes it up.
    poll_seconds: float = 150.0


@dataclass(frozen=True)
class NewPage:
    """A page to draft, and the feed item's key (`FeedItem.key`), title and summary
    when it came from a feed."""

    page: WebPage
    guid: str | None = None
    title: str = ""
    summary: str = ""


@dataclass
class Harvest:
    """What one poll found: pages to draft, the validators for the next conditional
    GET, one line saying what happened, and the items that failed (each backed off on
    its own by the caller)."""

    pages: list[NewPage] = field(default_factory=list)
    feed: str | None = None  # the feed's title, when the address is a feed
    items: int = 0  # how many items the feed lists
    etag: str | None = None
    last_modified: str | None = None
    outcome: str = ""
    item_failures: list[ItemFailure] = field(default_factory=list)
    left: bool = False  # new items left for the next poll


async def harvest(
    url: str,
    *,
    unseen: Unseen,
    allow_private: bool,
    readers: Readers,
    etag: str | None = None,
    last_modified: str | None = None,
    fetcher: Fetcher = fetch,
    limits: PollLimits = PollLimits(),
) -> Harvest:
    """Poll `url`. `FetchError` in one line when the address itself fails; an item of
    a feed that fails, in any way, is that item's failure alone (`item_failures`)."""
    fetched = await fetcher(
        url,
        allow_private=allow_private,
        etag=etag,
        last_modified=last_modified,
        deadline=limits.fetch_seconds,
    )
    found = Harvest(etag=fetched.etag or etag, last_modified=fetched.last_modified or last_modified)
    if fetched.not_modified:
        found.outcome = "not modified since the last fetch"
        return found
    if not is_feed(fetched):
        found.pages.append(NewPage(await readers.page(fetched)))
        found.outcome = "fetched the page"
        return found
    title, items = await readers.feed(fetched)
    found.feed, found.items = title, len(items)
    new, found.left = await asyncio.to_thread(unseen, items, limits.new_items)
    loop = asyncio.get_running_loop()
    stop_at = loop.time() + limits.poll_seconds
    for number, item in enumerate(new):
        if loop.time() >= stop_at:
            found.left = True
            new = new[:number]
            break
        try:
            fetched_item = await fetcher(
                item.link, allow_private=allow_private, deadline=limits.fetch_seconds
            )
            page = await readers.page(fetched_item)
        except FetchError as error:
            found.item_failures.append(ItemFailure(item, str(error)))
            continue
        except Exception as error:  # MemoryError, a defect met on a hostile page
            log.exception("fetching the item %s of %s failed", item.link, url)
            found.item_failures.append(ItemFailure(item, f"not fetched ({type(error).__name__})"))
            continue
        found.pages.append(NewPage(page, item.key, item.title, item.summary))
    found.outcome = f"feed “{title}”: {counted(len(items), 'items')}, {len(new) or 'none'} new"
    if found.left:
        found.outcome += ", more left for the next poll"
    if found.item_failures:
        found.outcome += f", {len(found.item_failures)} not fetched"
    if found.left or found.item_failures:
        found.etag = found.last_modified = None  # the next GET reads the feed whole
    return found
