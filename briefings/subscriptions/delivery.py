"""Deliver claimed posts page by page, many channels at once, and record each page.

**Idempotent pages.** Every page is sent with a nonce derived from its ledger key
and page number. Discord, told to enforce it, answers a second send of the same
nonce within a few minutes with the message it already made. A page is recorded
in the ledger as soon as Discord returns it; a post taken up again starts at the
first page not recorded and sends it with the same nonce.

**One decision per error.** discord.py already retries rate limits and its own
server errors; what reaches us is final. A server error or rate limit leaves the
post for the scheduler to retry later (no sleeping here, so no other channel
waits): three times soon, then about once a sweep for as long as the post is within
its grace window, and then it is given up and said to be; a channel that is gone
stops its subscription; anything else fails the post and is recorded.

**Bounded fan-out.** Up to `concurrency` channels are sent to at once: a slow or
failing channel holds one slot, never the queue behind it.

**Claimed as it starts, recorded as it goes (group commit).** A post is claimed
just before its first page is sent, not when the run begins, and each page is
recorded as Discord returns it. The claims and pages of the concurrent sends of one
turn of the event loop go in one transaction, and each send waits for that commit
before it goes on: a post is owned before anything is sent and a page is durable
before the next is sent, at a fraction of a transaction per post. A post's last page
is recorded in the same transaction as its sender's next claim. A crash leaves at
most one unsettled post per send under way; the posts not started are unclaimed and
any process posts them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from briefings.replies import Reply
from briefings.storage import PostStatus
from briefings.subscriptions.due import PostKey, ScheduledPost
from briefings.subscriptions.ledger import GIVEN_UP, Ledger, PageRecord

__all__ = [
    "ChannelUnavailableError",
    "Clock",
    "Delivery",
    "Job",
    "PostOutcome",
    "RetryPolicy",
    "SendError",
    "Sender",
    "TransientSendError",
    "page_nonce",
]

log = logging.getLogger(__name__)

Queued = TypeVar("Queued", ScheduledPost, PageRecord)

NONCE_LENGTH = 25  # Discord's limit for a string nonce


class Clock(Protocol):
    """Tells the time: an aware UTC datetime. The bot injects it; nothing here reads one."""

    def now(self) -> dt.datetime: ...


class SendError(Exception):
    """A page could not be delivered."""


class TransientSendError(SendError):
    """A server error or rate limit that discord.py's own retries did not get past."""


class ChannelUnavailableError(SendError):
    """The channel is gone or closed to the bot: the subscription must stop."""


class Sender(Protocol):
    """Delivers a rendered briefing to a channel one page at a time."""

    def page_count(self, reply: Reply) -> int:
        """How many messages the briefing takes."""
        ...

    async def send_page(
        self, channel_id: int, reply: Reply, page: int, nonce: str, ping_role_id: int | None = None
    ) -> int:
        """Post page `page` (from 0) with `nonce`; the message id. With `ping_role_id`,
        the first page mentions that role, and nothing else may be mentioned."""
        ...

    async def delivered(
        self, channel_id: int, reply: Reply, page: int, since: dt.datetime
    ) -> int | None:
        """The id of page `page` if the channel already holds it, posted after `since`
        (for a post a crash left unsettled, once Discord has forgotten its nonce)."""
        ...


def page_nonce(key: PostKey, page: int) -> str:
    """The same nonce for the same page of the same post, in every process, every time."""
    channel, occasion, day = key
    digest = hashlib.sha256(f"{channel}|{occasion}|{day.isoformat()}|{page}".encode())
    return digest.hexdigest()[:NONCE_LENGTH]


@dataclass(frozen=True)
class PostOutcome:
    """What happened to one due post."""

    channel_id: int
    local_date: dt.date
    status: PostStatus
    late: bool = False
    message_id: int | None = None
    error: str | None = None
    given_up: bool = False  # failed because its grace window closed first


@dataclass(frozen=True)
class Job:
    """A post to deliver, from page `first_page` on; claimed just before its first page
    is sent when it has no ledger row yet."""

    entry_id: int | None
    post: ScheduledPost
    reply: Reply
    attempt: int = 1  # 1 for the first try; a retry or a resume counts on
    first_page: int = 0
    late: bool = False


@dataclass(frozen=True)
class RetryPolicy:
    """When a post that met a server error is tried again."""

    # Short enough that every retry falls inside Discord's nonce window: a page
    # that was in fact made is recognised, not made twice.
    delays: tuple[dt.timedelta, ...] = (
        dt.timedelta(seconds=15),
        dt.timedelta(seconds=30),
        dt.timedelta(seconds=60),
    )
    # Then, through a longer outage, about once a sweep (each try past the nonce
    # window reads the channel first), until the grace window closes.
    later: dt.timedelta = dt.timedelta(minutes=15)

    def after(self, attempt: int) -> dt.timedelta:
        """The wait before try `attempt + 1`."""
        return self.delays[attempt - 1] if attempt <= len(self.delays) else self.later


class LedgerWriter:
    """Claims posts and records pages for the sends of one turn of the event loop in one
    transaction, run in a thread (a lock wait never stops the loop); each caller waits
    for that commit. What is queued while a commit runs goes in the next one."""

    def __init__(self, ledger: Ledger, clock: Clock) -> None:
        self.ledger = ledger
        self.clock = clock
        self._claims: list[tuple[ScheduledPost, asyncio.Future[int | None]]] = []
        self._pages: list[tuple[PageRecord, asyncio.Future[int | None]]] = []
        self._committing: asyncio.Task[None] | None = None

    async def claim(self, post: ScheduledPost) -> int | None:
        """The post's new ledger row, or None if someone else has claimed it."""
        return await self._queue(self._claims, post)

    async def record(self, page: PageRecord) -> None:
        """Return once the page is committed."""
        await self.record_soon(page)

    def record_soon(self, page: PageRecord) -> asyncio.Future[int | None]:
        """Queue the page for the next commit; the future is done once it is committed."""
        return self._queue(self._pages, page)

    def _queue(
        self, queue: list[tuple[Queued, asyncio.Future[int | None]]], item: Queued
    ) -> asyncio.Future[int | None]:
        loop = asyncio.get_running_loop()
        committed: asyncio.Future[int | None] = loop.create_future()
        if self._committing is None:
            # The sends of this turn queue first; then one commit takes them all.
            self._committing = loop.create_task(self._commit_all())
        queue.append((item, committed))
        return committed

    async def _commit_all(self) -> None:
        try:
            await asyncio.sleep(0)
            while self._claims or self._pages:
                claims, self._claims = self._claims, []
                pages, self._pages = self._pages, []
                await self._commit(claims, pages)
        finally:
            self._committing = None

    async def _commit(
        self,
        claims: list[tuple[ScheduledPost, asyncio.Future[int | None]]],
        pages: list[tuple[PageRecord, asyncio.Future[int | None]]],
    ) -> None:
        waiting = [future for _, future in claims + pages]
        try:
            claimed = await asyncio.to_thread(
                self.ledger.write,
                [post for post, _ in claims],
                [page for page, _ in pages],
                self.clock.now(),
            )
        except Exception as error:  # each waiting send hears of it
            for future in waiting:
                if not future.done():  # a cancelled send waits no more
                    future.set_exception(error)
            return
        for post, future in claims:
            if not future.done():
                future.set_result(claimed.get(post.key))
        for _, future in pages:
            if not future.done():
                future.set_result(None)


class Delivery:
    """Sends jobs under a concurrency bound and records every page and outcome."""

    def __init__(
        self,
        ledger: Ledger,
        sender: Sender,
        clock: Clock,
        on_gone: Callable[[int, str], None],
        concurrency: int = 8,
        retry: RetryPolicy | None = None,
        grace: dt.timedelta = dt.timedelta(hours=6),
    ) -> None:
        self.ledger = ledger
        self.sender = sender
        self.clock = clock
        self.on_gone = on_gone  # stops a subscription whose channel is gone
        self.concurrency = concurrency
        self.retry = retry or RetryPolicy()
        self.grace = grace  # no try of a post after its time plus this
        self.writer = LedgerWriter(ledger, clock)
        self.in_flight: set[int] = set()  # ledger rows being sent by this process now

    async def deliver_all(self, jobs: Sequence[Job]) -> list[PostOutcome]:
        """Deliver every job, `concurrency` at a time; outcomes in the jobs' order, but
        for posts another process claimed first."""
        outcomes: list[PostOutcome | None] = [None] * len(jobs)
        queue = iter(enumerate(jobs))
        last_pages: list[asyncio.Future[int | None]] = []

        async def worker() -> None:
            # Workers share one iterator: each takes the next job when it is free.
            for index, job in queue:
                outcomes[index] = await self.deliver(job, last_pages)

        await asyncio.gather(*(worker() for _ in range(min(self.concurrency, len(jobs)))))
        await asyncio.gather(*last_pages)  # every post is recorded before it is reported
        return [outcome for outcome in outcomes if outcome is not None]

    async def deliver(
        self, job: Job, last_pages: list[asyncio.Future[int | None]]
    ) -> PostOutcome | None:
        """Claim the post if it is new (None if someone else has it), send its remaining
        pages, recording each; decide on a final error.

        The post's last page is only queued for recording, and its commit added to
        `last_pages` (which `deliver_all` awaits): the sender goes straight on to claim
        its next post, and that claim and this record share a transaction.
        """
        entry_id = job.entry_id
        if entry_id is None:
            # Claimed only now, not when the run began: a claimed row always has a live
            # sender or a dead one, never a queue, so a crash leaves at most one row
            # per concurrent send unsettled, and every unclaimed post is still open
            # to any process.
            try:
                entry_id = await self.writer.claim(job.post)
            except Exception:  # nothing was sent: the post stays open to the next sweep
                log.exception("could not claim %s for channel %s", *_who(job.post))
                return None
            if entry_id is None:
                return None
        self.in_flight.add(entry_id)
        try:
            outcome, recorded = await self._send(job, entry_id)
        except BaseException:
            self.in_flight.discard(entry_id)
            raise
        if recorded is None:
            self.in_flight.discard(entry_id)
        else:
            recorded.add_done_callback(lambda _: self.in_flight.discard(entry_id))
            last_pages.append(recorded)
        return outcome

    async def _send(
        self, job: Job, entry_id: int
    ) -> tuple[PostOutcome, asyncio.Future[int | None] | None]:
        """The outcome, and the commit of the last page's record, still to come."""
        post = job.post
        recorded: asyncio.Future[int | None] | None = None
        count = self.sender.page_count(job.reply)
        first: int | None = None
        for page in range(job.first_page, count):
            try:
                message_id = await self.sender.send_page(
                    post.channel_id,
                    job.reply,
                    page,
                    page_nonce(post.key, page),
                    ping_role_id=post.ping_role_id,
                )
            except Exception as error:  # every failure is decided on and recorded
                return await asyncio.to_thread(self._failed, job, entry_id, error), None
            if page == 0:
                first = message_id
            record = PageRecord(
                entry_id, page + 1, count, message_id if page == 0 else None, self.clock.now()
            )
            if record.last:
                recorded = self.writer.record_soon(record)
            else:  # durable before the next page goes, which resumes after it
                await self.writer.record(record)
        outcome = PostOutcome(
            post.channel_id, post.local_date, PostStatus.SENT, late=job.late, message_id=first
        )
        return outcome, recorded

    def _failed(self, job: Job, entry_id: int, error: Exception) -> PostOutcome:
        post, now = job.post, self.clock.now()
        status, given_up = PostStatus.FAILED, False
        if isinstance(error, TransientSendError):
            at = now + self.retry.after(job.attempt)
            if at <= post.at + self.grace:
                status = PostStatus.RETRY
                self.ledger.retry_later(entry_id, at, str(error), now)
                log.warning("will retry %s for channel %s at %s: %s", *_who(post), at, error)
            else:
                given_up = True
                self.ledger.fail(entry_id, f"{error}; {GIVEN_UP}", now)
                log.error("giving up on %s for channel %s: %s", *_who(post), error)
        elif isinstance(error, ChannelUnavailableError):
            self.ledger.fail(entry_id, str(error), now)
            if post.subscription_id is not None:
                self.on_gone(post.subscription_id, str(error))
        else:
            log.error("posting %s to channel %s failed", *_who(post), exc_info=error)
            self.ledger.fail(entry_id, repr(error), now)
        message = str(error) if isinstance(error, SendError) else repr(error)
        return PostOutcome(
            post.channel_id,
            post.local_date,
            status,
            late=job.late,
            error=message,
            given_up=given_up,
        )


def _who(post: ScheduledPost) -> tuple[str, int]:
    return post.occasion, post.channel_id
