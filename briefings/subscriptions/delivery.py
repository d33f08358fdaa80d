"""Deliver claimed posts page by page, many channels at once, and record each page.

**Idempotent pages.** Every page is sent with a nonce derived from its ledger key
and page number. Discord, told to enforce it, answers a second send of the same
nonce within a few minutes with the message it already made. A page is recorded
in the ledger as soon as Discord returns it; a post taken up again starts at the
first page not recorded and sends it with the same nonce.

**One decision per error.** discord.py already retries rate limits and its own
server errors; what reaches us is final. A server error or rate limit leaves the
post for the scheduler to retry later (no sleeping here, so no other channel
waits); a channel that is gone stops its subscription; anything else fails the
post and is recorded.

**Bounded fan-out.** Up to `concurrency` channels are sent to at once: a slow or
failing channel holds one slot, never the queue behind it.

**Group commit.** The pages that the concurrent sends deliver in one turn of the
event loop are recorded in one transaction, and each send waits for that commit
before it goes on: a page is durable before its post is reported or its next page
sent, at a fraction of a transaction per page. A crash can leave at most one
delivered page per send under way unrecorded, the ones in flight.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from briefings.replies import Reply
from briefings.storage import PostStatus
from briefings.subscriptions.due import PostKey, ScheduledPost
from briefings.subscriptions.ledger import Ledger, PageRecord

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

    async def send_page(self, channel_id: int, reply: Reply, page: int, nonce: str) -> int:
        """Post page `page` (from 0) with `nonce`; the message id."""
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
    status: PostStatus | None  # None: someone else had claimed it
    late: bool = False
    message_id: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class Job:
    """A claimed post to deliver, from page `first_page` on."""

    entry_id: int
    post: ScheduledPost
    reply: Reply
    attempt: int = 1  # 1 for the first try; a retry or a resume counts on
    first_page: int = 0
    late: bool = False


@dataclass(frozen=True)
class RetryPolicy:
    """When a post that met a server error is tried again, and how often."""

    # Short enough that every retry falls inside Discord's nonce window: a page
    # that was in fact made is recognised, not made twice.
    delays: tuple[dt.timedelta, ...] = (
        dt.timedelta(seconds=15),
        dt.timedelta(seconds=30),
        dt.timedelta(seconds=60),
    )

    def after(self, attempt: int) -> dt.timedelta | None:
        """The wait before try `attempt + 1`; None when `attempt` was the last."""
        return self.delays[attempt - 1] if attempt <= len(self.delays) else None


class PageRecorder:
    """Records the pages delivered in one turn of the event loop in one transaction."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._pending: list[tuple[PageRecord, asyncio.Future[None]]] = []

    async def record(self, page: PageRecord) -> None:
        """Return once the page is committed (with whatever else was delivered meanwhile)."""
        loop = asyncio.get_running_loop()
        committed = loop.create_future()
        self._pending.append((page, committed))
        if len(self._pending) == 1:
            loop.call_soon(self._commit)
        await committed

    def _commit(self) -> None:
        batch, self._pending = self._pending, []
        try:
            self.ledger.pages_sent([page for page, _ in batch])
        except Exception as error:  # each waiting send hears of it
            for _, committed in batch:
                committed.set_exception(error)
        else:
            for _, committed in batch:
                committed.set_result(None)


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
    ) -> None:
        self.ledger = ledger
        self.sender = sender
        self.clock = clock
        self.on_gone = on_gone  # stops a subscription whose channel is gone
        self.concurrency = concurrency
        self.retry = retry or RetryPolicy()
        self.recorder = PageRecorder(ledger)

    async def deliver_all(self, jobs: Sequence[Job]) -> list[PostOutcome]:
        """Deliver every job, `concurrency` at a time; outcomes in the jobs' order."""
        outcomes: list[PostOutcome | None] = [None] * len(jobs)
        queue = iter(enumerate(jobs))

        async def worker() -> None:
            # Workers share one iterator: each takes the next job when it is free.
            for index, job in queue:
                outcomes[index] = await self.deliver(job)

        await asyncio.gather(*(worker() for _ in range(min(self.concurrency, len(jobs)))))
        return [outcome for outcome in outcomes if outcome is not None]

    async def deliver(self, job: Job) -> PostOutcome:
        """Send the job's remaining pages, recording each; decide on a final error."""
        post = job.post
        count = self.sender.page_count(job.reply)
        first: int | None = None
        for page in range(job.first_page, count):
            try:
                message_id = await self.sender.send_page(
                    post.channel_id, job.reply, page, page_nonce(post.key, page)
                )
            except Exception as error:  # every failure is decided on and recorded
                return self._failed(job, error)
            await self.recorder.record(
                PageRecord(
                    job.entry_id,
                    page + 1,
                    count,
                    message_id if page == 0 else None,
                    self.clock.now(),
                )
            )
            if page == 0:
                first = message_id
        return PostOutcome(
            post.channel_id,
            post.local_date,
            PostStatus.SENT,
            late=job.late,
            message_id=first,
        )

    def _failed(self, job: Job, error: Exception) -> PostOutcome:
        post, now = job.post, self.clock.now()
        status = PostStatus.FAILED
        if isinstance(error, TransientSendError):
            wait = self.retry.after(job.attempt)
            if wait is not None:
                status = PostStatus.RETRY
                self.ledger.retry_later(job.entry_id, now + wait, str(error), now)
                log.warning("will retry %s for channel %s in %s: %s", *_who(post), wait, error)
            else:
                self.ledger.fail(job.entry_id, str(error), now)
                log.error("giving up on %s for channel %s: %s", *_who(post), error)
        elif isinstance(error, ChannelUnavailableError):
            self.ledger.fail(job.entry_id, str(error), now)
            if post.subscription_id is not None:
                self.on_gone(post.subscription_id, str(error))
        else:
            log.error("posting %s to channel %s failed", *_who(post), exc_info=error)
            self.ledger.fail(job.entry_id, repr(error), now)
        message = str(error) if isinstance(error, SendError) else repr(error)
        return PostOutcome(post.channel_id, post.local_date, status, late=job.late, error=message)


def _who(post: ScheduledPost) -> tuple[str, int]:
    return post.occasion, post.channel_id
