"""Post each subscribed channel's daily briefing exactly once, on time or not at all.

The database is the source of truth; whatever wakes this code (APScheduler, a
restart, a test) only asks "what is due now?". Time comes from an injected clock.

**At most once.** A post is claimed by inserting its ledger row, keyed by (channel,
occasion, local day), in a committed transaction *before* it is sent. If the process
dies after Discord accepted the message but before the row says `sent`, the row
stays `claimed` and the post is never sent again: a briefing may be lost in a crash,
never duplicated. `/brief list` reports such rows as "outcome unknown".

**Late, not flooded.** A post found due less than `grace` after its scheduled time
(the bot was down, say) is sent late with a note; one found later is marked
`skipped` and logged. Only the last few local days are ever considered, and a new
subscription never posts days before it was made.

**Failures.** Server errors and rate limits are retried with exponential back-off,
then recorded as `failed`; a channel that is gone or closed to the bot disables its
subscription with the reason, and the others carry on.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from briefings.occasions import Digest, digest_for
from briefings.rendering import Renderer
from briefings.replies import Reply
from briefings.storage import Database, LedgerEntry, PostStatus, Subscription
from briefings.store import FactStore

__all__ = [
    "BriefingService",
    "ChannelUnavailableError",
    "Clock",
    "PostOutcome",
    "ScheduledPost",
    "SendError",
    "Sender",
    "SystemClock",
    "TransientSendError",
]

log = logging.getLogger(__name__)

UTC = dt.UTC
DEFAULT_GRACE = dt.timedelta(hours=6)
RENDER_CACHE_SIZE = 256


class Clock(Protocol):
    """Tells the time: an aware UTC datetime."""

    def now(self) -> dt.datetime: ...


class SystemClock:
    """The real time."""

    def now(self) -> dt.datetime:
        """The current UTC time."""
        return dt.datetime.now(UTC)


class SendError(Exception):
    """A post could not be delivered."""


class TransientSendError(SendError):
    """A server error or rate limit: worth another try."""


class ChannelUnavailableError(SendError):
    """The channel is gone or closed to the bot: the subscription must stop."""


class Sender(Protocol):
    """Delivers a rendered briefing to a channel; returns the (first) message id."""

    async def send(self, channel_id: int, reply: Reply) -> int: ...


@dataclass(frozen=True)
class ScheduledPost:
    """A subscription's briefing for one local day."""

    subscription_id: int | None  # None for a one-off `/brief now` in an unsubscribed channel
    channel_id: int
    local_date: dt.date
    at: dt.datetime  # UTC
    digest: Digest

    @property
    def occasion(self) -> str:
        """The ledger's occasion key."""
        return self.digest.key


@dataclass(frozen=True)
class PostOutcome:
    """What happened to one due post."""

    channel_id: int
    local_date: dt.date
    status: PostStatus | None  # None: someone else had claimed it
    late: bool = False
    message_id: int | None = None
    error: str | None = None


def scheduled_instant(subscription: Subscription, local_date: dt.date) -> dt.datetime:
    """When a subscription posts on a local day, in UTC.

    A local time that does not exist (skipped by a DST change) posts at the same
    wall-clock offset as before the change, i.e. an hour later; a time that happens
    twice posts at its first occurrence.
    """
    zone = ZoneInfo(subscription.timezone)
    local = dt.datetime.combine(local_date, subscription.local_time, tzinfo=zone)
    return local.astimezone(UTC)


class BriefingService:
    """Decides what is due, claims it in the ledger, sends it, records the outcome."""

    def __init__(
        self,
        database: Database,
        store: FactStore,
        sender: Sender,
        clock: Clock,
        renderer: Renderer | None = None,
        grace: dt.timedelta = DEFAULT_GRACE,
        retries: int = 4,
        backoff: float = 2.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.database = database
        self.store = store
        self.sender = sender
        self.clock = clock
        self.renderer = renderer or Renderer()
        self.grace = grace
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self._rendered: dict[tuple[str, str, int], Reply] = {}

    def use_store(self, store: FactStore) -> None:
        """Answer from a reloaded store; forget what was worked out from the old one."""
        self.store = store
        self.__dict__.pop("_digests", None)
        self._rendered.clear()

    # --- subscriptions ------------------------------------------------------------

    def subscribe(
        self,
        guild_id: int,
        channel_id: int,
        post_time: dt.time,
        timezone: str,
        user_id: int,
        template_set: str = "default",
    ) -> Subscription:
        """Create or change a channel's subscription; it posts nothing from before now."""
        ZoneInfo(timezone)  # raises for an unknown zone before anything is stored
        with self.database.session() as session, session.begin():
            subscription = session.scalar(
                select(Subscription).where(Subscription.channel_id == channel_id)
            )
            if subscription is None:
                subscription = Subscription(guild_id=guild_id, channel_id=channel_id)
                session.add(subscription)
            subscription.post_time = post_time.strftime("%H:%M")
            subscription.timezone = timezone
            subscription.template_set = template_set
            subscription.created_at = self.clock.now()
            subscription.created_by = user_id
            subscription.active = True
            subscription.disabled_reason = None
        return subscription

    def unsubscribe(self, channel_id: int) -> bool:
        """Remove a channel's subscription; False if it had none."""
        with self.database.session() as session, session.begin():
            subscription = session.scalar(
                select(Subscription).where(Subscription.channel_id == channel_id)
            )
            if subscription is None:
                return False
            session.delete(subscription)
            return True

    def disable(self, subscription_id: int, reason: str) -> None:
        """Stop a subscription, keeping it (and why) for `/brief list`."""
        with self.database.session() as session, session.begin():
            subscription = session.get(Subscription, subscription_id)
            if subscription is not None:
                subscription.active = False
                subscription.disabled_reason = reason
        log.warning("subscription %s disabled: %s", subscription_id, reason)

    # --- what is due ----------------------------------------------------------------

    @functools.cached_property
    def _digests(self) -> Callable[[dt.date], Digest | None]:
        # The store never changes under a service: each day's digest is worked out once.
        return functools.lru_cache(maxsize=1024)(lambda day: digest_for(self.store, day))

    def _post(self, subscription: Subscription, local_date: dt.date) -> ScheduledPost | None:
        digest = self._digests(local_date)
        if digest is None:
            return None
        return ScheduledPost(
            subscription_id=subscription.id,
            channel_id=subscription.channel_id,
            local_date=local_date,
            at=scheduled_instant(subscription, local_date),
            digest=digest,
        )

    def candidates(self, subscription: Subscription, now: dt.datetime) -> list[ScheduledPost]:
        """Posts of the last few local days whose time has come, oldest first."""
        local_today = now.astimezone(ZoneInfo(subscription.timezone)).date()
        lookback = self.grace.days + 2
        created = subscription.created_at
        posts = []
        for back in range(lookback, -1, -1):
            post = self._post(subscription, local_today - dt.timedelta(days=back))
            if post is not None and created <= post.at <= now:
                posts.append(post)
        return posts

    def upcoming(
        self, subscription: Subscription, now: dt.datetime, days: int
    ) -> list[ScheduledPost]:
        """The subscription's posts from now on, for `days` local days."""
        local_today = now.astimezone(ZoneInfo(subscription.timezone)).date()
        posts = []
        for ahead in range(days + 1):
            post = self._post(subscription, local_today + dt.timedelta(days=ahead))
            if post is not None and post.at > now:
                posts.append(post)
        return posts

    # --- claiming and sending -----------------------------------------------------------

    def _claim(self, post: ScheduledPost, status: PostStatus, now: dt.datetime) -> int | None:
        """Insert the ledger row; None if it exists (another process, or an earlier run)."""
        row = {
            "channel_id": post.channel_id,
            "occasion": post.occasion,
            "local_date": post.local_date,
            "subscription_id": post.subscription_id,
            "status": status.value,
            "scheduled_for": post.at,
            "claimed_at": now,
            "finished_at": now if status is PostStatus.SKIPPED else None,
            "attempts": 0,
        }
        try:
            # A core insert in its own short transaction: the claim is durable before
            # the post is sent, and costs one statement, not an ORM unit of work.
            with self.database.engine.begin() as connection:
                result = connection.execute(insert(LedgerEntry).returning(LedgerEntry.id), row)
                return int(result.scalar_one())
        except IntegrityError:
            return None

    def _finish(
        self,
        entry_id: int,
        status: PostStatus,
        attempts: int,
        message_id: int | None = None,
        error: str | None = None,
    ) -> None:
        values = {
            "status": status.value,
            "attempts": attempts,
            "message_id": message_id,
            "error": error,
            "finished_at": self.clock.now(),
        }
        with self.database.engine.begin() as connection:
            connection.execute(update(LedgerEntry).where(LedgerEntry.id == entry_id).values(values))

    def render(self, post: ScheduledPost, template_set: str, late_by: dt.timedelta | None) -> Reply:
        """The briefing as it will be posted, with a note if late."""
        minutes = int(late_by.total_seconds() // 60) if late_by else 0
        # One rendering per day, template set and lateness, however many channels get it
        # (and the same Reply object lets the Discord side reuse its pages too).
        key = (post.digest.key, template_set, minutes)
        if key not in self._rendered:
            if len(self._rendered) >= RENDER_CACHE_SIZE:
                self._rendered.clear()
            self._rendered[key] = self.renderer.briefing(post.digest, template_set, minutes)
        return self._rendered[key]

    async def _deliver(self, entry_id: int, post: ScheduledPost, reply: Reply) -> PostOutcome:
        """Send with retries; record the outcome, delivered or failed, as soon as it is known.

        A delivery is committed at once: a process killed a moment later leaves only the
        post it was sending as of unknown outcome, not every post since a batch began.
        """
        attempts = 0
        while True:
            attempts += 1
            try:
                message_id = await self.sender.send(post.channel_id, reply)
            except TransientSendError as error:
                if attempts >= self.retries:
                    self._finish(entry_id, PostStatus.FAILED, attempts, error=str(error))
                    log.error(
                        "giving up on %s for channel %s: %s", post.occasion, post.channel_id, error
                    )
                    return PostOutcome(
                        post.channel_id, post.local_date, PostStatus.FAILED, error=str(error)
                    )
                delay = self.backoff * 2 ** (attempts - 1)
                log.warning("retrying %s in %.0f s: %s", post.occasion, delay, error)
                await self.sleep(delay)
            except ChannelUnavailableError as error:
                self._finish(entry_id, PostStatus.FAILED, attempts, error=str(error))
                if post.subscription_id is not None:
                    self.disable(post.subscription_id, str(error))
                return PostOutcome(
                    post.channel_id, post.local_date, PostStatus.FAILED, error=str(error)
                )
            except Exception as error:
                log.exception("posting %s to channel %s failed", post.occasion, post.channel_id)
                self._finish(entry_id, PostStatus.FAILED, attempts, error=repr(error))
                return PostOutcome(
                    post.channel_id, post.local_date, PostStatus.FAILED, error=repr(error)
                )
            else:
                self._finish(entry_id, PostStatus.SENT, attempts, message_id=message_id)
                return PostOutcome(
                    post.channel_id, post.local_date, PostStatus.SENT, message_id=message_id
                )

    def _recorded(self, posts: list[ScheduledPost]) -> set[tuple[int, str, dt.date]]:
        """Which of `posts` already have a ledger row: one query for all of them."""
        if not posts:
            return set()
        query = select(LedgerEntry.channel_id, LedgerEntry.occasion, LedgerEntry.local_date).where(
            LedgerEntry.local_date >= min(post.local_date for post in posts)
        )
        with self.database.engine.connect() as connection:
            return {
                (channel, occasion, day) for channel, occasion, day in connection.execute(query)
            }

    async def _run(
        self, due: list[tuple[Subscription, ScheduledPost]], now: dt.datetime
    ) -> list[PostOutcome]:
        recorded = self._recorded([post for _, post in due])
        outcomes: list[PostOutcome] = []
        for subscription, post in due:
            if (post.channel_id, post.occasion, post.local_date) in recorded:
                continue  # the insert would be refused anyway; this saves the round trip
            late_by = now - post.at
            if late_by > self.grace:
                if self._claim(post, PostStatus.SKIPPED, now) is not None:
                    log.warning(
                        "skipped %s for channel %s: %s late, past the %s grace window",
                        post.occasion,
                        post.channel_id,
                        late_by,
                        self.grace,
                    )
                    outcomes.append(
                        PostOutcome(post.channel_id, post.local_date, PostStatus.SKIPPED)
                    )
                continue
            entry_id = self._claim(post, PostStatus.CLAIMED, now)
            if entry_id is None:
                continue  # claimed in the meantime, by another process
            late = late_by > dt.timedelta(minutes=1)
            reply = self.render(post, subscription.template_set, late_by if late else None)
            outcome = await self._deliver(entry_id, post, reply)
            outcomes.append(dataclasses.replace(outcome, late=late))
        return outcomes

    async def run_subscription(
        self, subscription: Subscription, now: dt.datetime | None = None
    ) -> list[PostOutcome]:
        """Send whatever of this subscription is due; skip what is too old."""
        now = now or self.clock.now()
        return await self._run([(subscription, p) for p in self.candidates(subscription, now)], now)

    async def run_due(self, now: dt.datetime | None = None) -> list[PostOutcome]:
        """Every active subscription's due posts, checked against the ledger in one query."""
        now = now or self.clock.now()
        due = [
            (subscription, post)
            for subscription in self.database.subscriptions(active_only=True)
            for post in self.candidates(subscription, now)
        ]
        return await self._run(due, now)

    async def post_now(
        self, subscription: Subscription, now: dt.datetime | None = None
    ) -> PostOutcome | None:
        """Post today's digest to the channel now, once: the scheduled post will not repeat it.

        None when today has nothing to post.
        """
        now = now or self.clock.now()
        local_today = now.astimezone(ZoneInfo(subscription.timezone)).date()
        post = self._post(subscription, local_today)
        if post is None:
            return None
        entry_id = self._claim(post, PostStatus.CLAIMED, now)
        if entry_id is None:
            return PostOutcome(post.channel_id, local_today, None)
        reply = self.render(post, subscription.template_set, None)
        return await self._deliver(entry_id, post, reply)

    def ledger(self, channel_id: int | None = None, limit: int = 20) -> list[LedgerEntry]:
        """The latest ledger rows, newest first."""
        query = select(LedgerEntry).order_by(LedgerEntry.id.desc()).limit(limit)
        if channel_id is not None:
            query = query.where(LedgerEntry.channel_id == channel_id)
        with self.database.session() as session:
            return list(session.scalars(query))
