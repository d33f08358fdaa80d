"""The watcher: each round, fetch the watched addresses that are due, and stage each
new article as a draft for review.

Addresses are polled side by side, a few at a time, so that a slow or dead site does
not hold up the rest. Every address is fetched under its lease (one fetch of an
address at a time across processes), conditionally (its ETag and Last-Modified), and
its outcome recorded: success resets the failures, a failure backs the next try off.
Any failure of one address (a fetch refused, a page that cannot be read in its time
limit, memory exhausted, a defect met on a hostile page) is that address's, recorded
on it: never the round's. What is fetched is read in worker processes (`Readers`),
and every database call is made in a thread: nothing waits on the event loop.
An article is staged once, whoever fetches it (`briefings.ingest.seen`); an edited one
is staged as its next edition, saying what changed. The clock is the caller's:
`poll(now)`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from briefings.errors import BriefingError
from briefings.fetching import FetchError, fetch
from briefings.ingest.readers import Readers
from briefings.ingest.seen import claim, new_items, what_changed
from briefings.review.desk import ReviewDesk
from briefings.review.drafts import Draft
from briefings.storage import database_failures
from briefings.store import FactStore
from briefings.watching.harvest import Fetcher, Harvest, NewPage, PollLimits, harvest
from briefings.watching.records import Watched, Watchlist

__all__ = ["PollReport", "Watcher"]

log = logging.getLogger(__name__)

# Addresses fetched at once: enough that a slow or dead site (20 s to time out) does
# not hold up the rest, few enough to be polite and to keep drafting threads few.
CONCURRENCY = 4


@dataclass(frozen=True)
class PollReport:
    """What one address's poll did."""

    url: str
    outcome: str  # one line, as `/sources list` shows it
    staged: tuple[Draft, ...] = ()
    failed: bool = False


class Watcher:
    """Polls what is due and stages what is new."""

    def __init__(
        self,
        watchlist: Watchlist,
        desk: ReviewDesk,
        store: Callable[[], FactStore],
        *,
        holder: str,
        allow_private: bool,
        fetcher: Fetcher = fetch,
        concurrency: int = CONCURRENCY,
        limits: PollLimits | None = None,
        readers: Readers | None = None,
    ) -> None:
        self.watchlist = watchlist
        self.desk = desk
        self.store = store  # the store in use now: drafts match speakers against it
        self.holder = holder  # names this process in the leases
        self.allow_private = allow_private
        self.fetcher = fetcher
        self.concurrency = concurrency
        self.limits = limits or PollLimits()
        self.readers = readers or Readers()  # no process starts before the first read

    async def poll(self, now: dt.datetime) -> list[PollReport]:
        """Fetch every address due at `now` that no other process is fetching, up to
        `concurrency` at a time, so that one slow site does not hold up the others;
        `StorageError` in one line (once every address is done) if the database failed
        on the way."""
        with database_failures("read the watched sources that are due"):
            listed = await asyncio.to_thread(self.watchlist.due, now)
        due: dict[str, Watched] = {}
        for watched in listed:
            due.setdefault(watched.url, watched)  # two servers, one address: one fetch
        bound = asyncio.Semaphore(self.concurrency)

        async def one(known: Watched) -> PollReport | None:
            async with bound:
                with database_failures(f"poll {known.url}"):
                    # Leased only now, when it is fetched, not while it waits its turn.
                    lease = self.watchlist.lease
                    if not await asyncio.to_thread(lease, known.url, self.holder, now):
                        return None
                    try:
                        return await self._poll(known, now)
                    finally:
                        await asyncio.to_thread(self.watchlist.release, known.url, self.holder)

        results = await asyncio.gather(*map(one, due.values()), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return [result for result in results if isinstance(result, PollReport)]

    async def _poll(self, known: Watched, now: dt.datetime) -> PollReport:
        url = known.url
        # Counted as failed until it ends: a page that kills this process is backed
        # off, not polled again at once by the next.
        await asyncio.to_thread(self.watchlist.started, url, now)
        try:
            found = await self._harvest(known)
        except SQLAlchemyError:
            raise  # the database's failure, not the address's: the round reports it
        except FetchError as error:
            return await self._failed(url, now, str(error))
        except Exception as error:  # MemoryError, a defect met on a hostile page
            log.exception("watching %s failed", url)
            why = f"{url} could not be polled ({type(error).__name__})"
            return await self._failed(url, now, why)
        return await self._staged(url, found, now)

    async def _harvest(self, known: Watched) -> Harvest:
        return await harvest(
            known.url,
            unseen=functools.partial(new_items, self.watchlist.database),
            allow_private=self.allow_private,
            readers=self.readers,
            etag=known.etag,
            last_modified=known.last_modified,
            fetcher=self.fetcher,
            limits=self.limits,
        )

    async def _failed(self, url: str, now: dt.datetime, why: str) -> PollReport:
        await asyncio.to_thread(self.watchlist.failed, url, now, why)
        log.info("watching %s: %s", url, why)
        return PollReport(url, why, failed=True)

    async def _staged(self, url: str, found: Harvest, now: dt.datetime) -> PollReport:
        staged, notes = [], []
        for new in found.pages:
            draft, note = await asyncio.to_thread(self._stage, new, now, url)
            if draft is not None:
                staged.append(draft)
            if note:
                notes.append(note)
        outcome = "; ".join(
            [found.outcome, f"{len(staged) or 'nothing'} drafted", *notes, *found.item_failures]
        )
        fetched = self.watchlist.fetched
        await asyncio.to_thread(fetched, url, now, outcome, found.etag, found.last_modified)
        return PollReport(url, outcome, tuple(staged))

    def _stage(
        self, new: NewPage, now: dt.datetime, watched: str
    ) -> tuple[Draft | None, str | None]:
        """Stage a page found at the `watched` address, once; a page that cannot be
        drafted is remembered as seen, so it is not fetched and refused again at every
        poll (an edit makes it new)."""
        database = self.watchlist.database
        claimed = claim(database, new.page, now, new.guid)
        if not claimed.new:
            return None, None
        change = None
        if claimed.previous_text is not None:
            changed = what_changed(claimed.previous_text, new.page.text)
            change = f"an edited version of {claimed.previous_name}: {changed}"
        try:
            draft = self.desk.stage(
                new.page, claimed, self.store(), now, new.title, change, watched
            )
        except BriefingError as error:
            return None, f"{new.page.url} not drafted: {error}"
        except SQLAlchemyError:
            raise
        except Exception as error:  # a defect met on a hostile page: that page's alone
            log.exception("drafting %s failed", new.page.url)
            return None, f"{new.page.url} not drafted ({type(error).__name__})"
        return draft, None
