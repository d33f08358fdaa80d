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
is staged as its next edition, saying what changed. An article that the keywords of
every server watching its address skip (`briefings.watching.relevance`) is recorded as
skipped on each of their rows, not drafted; one that any of them wants is drafted. A
feed's item that fails is backed off on its own. The clock is the caller's:
`poll(now)`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError

from briefings.errors import BriefingError
from briefings.fetching import FetchError, fetch
from briefings.ingest.readers import Readers
from briefings.ingest.seen import claim, new_items, settle_item, what_changed
from briefings.ingest.web import address_key
from briefings.review.desk import ReviewDesk
from briefings.review.drafts import Draft
from briefings.storage import database_failures
from briefings.store import FactStore
from briefings.watching.harvest import Fetcher, Harvest, NewPage, PollLimits, harvest
from briefings.watching.records import Skipped, SkipRecord, Watched, Watchlist

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


@dataclass
class _Staging:
    """What became of one page found: a draft, a line saying why not, or the rows
    whose keywords skipped it."""

    draft: Draft | None = None
    note: str | None = None
    skipped: list[SkipRecord] = field(default_factory=list)


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
        rows = await asyncio.to_thread(self.watchlist.started, url, now)
        try:
            found = await self._harvest(known, now)
        except SQLAlchemyError:
            raise  # the database's failure, not the address's: the round reports it
        except FetchError as error:
            return await self._failed(url, now, str(error))
        except Exception as error:  # MemoryError, a defect met on a hostile page
            log.exception("watching %s failed", url)
            why = f"{url} could not be polled ({type(error).__name__})"
            return await self._failed(url, now, why)
        return await self._staged(url, found, now, rows)

    async def _harvest(self, known: Watched, now: dt.datetime) -> Harvest:
        skipped = functools.partial(self.watchlist.skipped_by_all, url=known.url)
        return await harvest(
            known.url,
            unseen=functools.partial(
                new_items, self.watchlist.database, now=now, leave_out=skipped
            ),
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

    async def _staged(
        self, url: str, found: Harvest, now: dt.datetime, rows: Sequence[Watched]
    ) -> PollReport:
        staged, notes, skipped, articles_skipped = [], [], [], 0
        for new in found.pages:
            staging = await asyncio.to_thread(self._stage, new, now, url, rows)
            if staging.draft is not None:
                staged.append(staging.draft)
            if staging.note:
                notes.append(staging.note)
            skipped += staging.skipped
            articles_skipped += bool(staging.skipped)
        lines = [found.outcome, f"{len(staged) or 'nothing'} drafted"]
        if articles_skipped:
            lines.append(f"{articles_skipped} skipped by the keywords")
        failures = [failure.line for failure in found.item_failures]
        outcome = "; ".join([*lines, *notes, *failures])
        fetched = functools.partial(
            self.watchlist.fetched, skipped=skipped, failed_items=found.item_failures
        )
        await asyncio.to_thread(fetched, url, now, outcome, found.etag, found.last_modified)
        return PollReport(url, outcome, tuple(staged))

    def _stage(
        self, new: NewPage, now: dt.datetime, watched: str, rows: Sequence[Watched]
    ) -> _Staging:
        """Stage a page found at the `watched` address, once, unless the keywords of
        every row watching it skip it; a page that cannot be drafted is remembered as
        seen, so it is not fetched and refused again at every poll (an edit makes it
        new), and so is a feed's item whose article was drafted through another
        address."""
        skips = _skips(rows, new, now)
        if skips:
            return _Staging(skipped=skips)
        database = self.watchlist.database
        claimed = claim(database, new.page, now, new.guid)
        if not claimed.new:
            if new.guid:
                outcome = f"drafted already as {claimed.page_name}"
                settle_item(database, new.guid, new.page.url, outcome)
            return _Staging()
        change = None
        if claimed.previous_text is not None:
            changed = what_changed(claimed.previous_text, new.page.text)
            change = f"an edited version of {claimed.previous_name}: {changed}"
        try:
            draft = self.desk.stage(
                new.page, claimed, self.store(), now, new.title, change, watched
            )
        except BriefingError as error:
            return _Staging(note=f"{new.page.url} not drafted: {error}")
        except SQLAlchemyError:
            raise
        except Exception as error:  # a defect met on a hostile page: that page's alone
            log.exception("drafting %s failed", new.page.url)
            return _Staging(note=f"{new.page.url} not drafted ({type(error).__name__})")
        return _Staging(draft=draft)


def _skips(rows: Sequence[Watched], new: NewPage, now: dt.datetime) -> list[SkipRecord]:
    """A skip for each row, if the keywords of every row watching the address skip the
    page (judged on the feed item's title and summary and the page's text); none if
    any row wants it."""
    texts = [new.title, new.summary, new.page.text]
    verdicts = [(row, row.keywords.verdict(texts)) for row in rows]
    if not verdicts or any(verdict is None for _, verdict in verdicts):
        return []
    item_hash = address_key(new.guid or new.page.url)
    title = new.title or new.page.text.partition("\n")[0]
    return [
        SkipRecord(row.id, item_hash, Skipped(title, new.page.url, verdict.excluded_by, now))
        for row, verdict in verdicts
        if verdict is not None
    ]
