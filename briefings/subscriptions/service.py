"""The subscription feature's front: what the commands and the scheduler call.

It composes the parts, each in its own module: `due` (what is due when, pure),
`records` (the subscriptions), `ledger` (who owns which post, how far it got) and
`delivery` (sending pages and deciding on errors). It returns the read models of
`reports`, never ORM rows, to the Discord side.

**The rule.** A post is claimed in the ledger before it is sent, and each page is
recorded as soon as Discord has it. A post is never sent again once its row
exists, with two exceptions that cannot make a second copy:
- a server error or rate limit leaves the post to be retried from its first
  unsent page a little later;
- a post left mid-send by a process that died is taken up once, from its first
  unrecorded page.
Either is re-sent with the same nonces within `resend_window` of the earliest moment
its page may have been made (Discord still recognises them and returns the message
it already made: a server error may have followed the making, a lost response).
Later, the channel is read for that page first, and it is recorded if there and sent
if not (a briefing sent from its first page then says how late it is). A channel that
cannot be read leaves the post as it is ("outcome unknown"): at most once. Nothing is
sent past the grace window: a retry still waiting then is given up, and says so.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Protocol

from briefings.calendar import calendar_ics
from briefings.developments import DEVELOPMENT_PREFIX, Development
from briefings.occasions import Digest
from briefings.rendering import Renderer
from briefings.replies import Reply
from briefings.storage import Database, LedgerEntry, PostStatus, Subscription
from briefings.store import FactStore
from briefings.subscriptions.delivery import (
    Clock,
    Delivery,
    Job,
    PostOutcome,
    RetryPolicy,
    Sender,
)
from briefings.subscriptions.due import Planner, ScheduledPost, local_day
from briefings.subscriptions.ledger import GIVEN_UP, Ledger, PageRecord, Reopened
from briefings.subscriptions.records import SubscriptionRecords
from briefings.subscriptions.reports import (
    HISTORY_LOOKED_AT,
    PROBLEMS_LOOKED_AT,
    ChannelCalendar,
    ChannelHistory,
    ChannelOverview,
    NowResult,
    NowStatus,
    Upcoming,
    UpcomingPost,
)

__all__ = ["BriefingService", "DevelopmentSource", "PostingPolicy"]

log = logging.getLogger(__name__)

LATE_AFTER = dt.timedelta(minutes=1)  # later than this, a post says it is late
# A page sent just before its row's last recorded progress would be missed by a look
# at the channel from that instant on; clocks differ by a little.
CHECK_SLACK = dt.timedelta(seconds=30)


class DevelopmentSource(Protocol):
    """Where developments come from (the review desk): recent ones, and one by key."""

    def developments_since(self, since: dt.datetime) -> list[Development]:
        """What the drafts accepted since `since` added."""
        ...

    def development(self, key: str) -> Development | None:
        """The development with this ledger key, if still on record."""
        ...


class NoDevelopments:
    """A service without review has no developments."""

    def developments_since(self, since: dt.datetime) -> list[Development]:
        """None."""
        del since
        return []

    def development(self, key: str) -> Development | None:
        """None."""
        del key
        return None


@dataclass(frozen=True)
class PostingPolicy:
    """How the service posts; the defaults are what the bot runs with."""

    grace: dt.timedelta = dt.timedelta(hours=6)  # later than this, a post is skipped
    concurrency: int = 8  # channels sent to at once
    # How long after its last recorded progress a post left mid-send may be resumed
    # with the same nonces (Discord keeps a nonce for a few minutes).
    resend_window: dt.timedelta = dt.timedelta(minutes=2)
    # A post with no progress for this long is no live process's any more.
    lease: dt.timedelta = dt.timedelta(seconds=30)
    retry: RetryPolicy = field(default_factory=RetryPolicy)


class BriefingService:
    """Decides what is due, claims it, delivers it, records it; answers the commands."""

    def __init__(
        self,
        database: Database,
        store: FactStore,
        sender: Sender,
        clock: Clock,
        renderer: Renderer | None = None,
        policy: PostingPolicy | None = None,
        developments: DevelopmentSource | None = None,
    ) -> None:
        self.policy = policy or PostingPolicy()
        self.developments = developments or NoDevelopments()
        self.clock = clock
        self.renderer = renderer or Renderer()
        self.records = SubscriptionRecords(database)
        self.ledger = Ledger(database)
        self.planner = Planner(store, self.policy.grace)
        self.delivery = Delivery(
            self.ledger,
            sender,
            clock,
            self.records.disable,
            self.policy.concurrency,
            self.policy.retry,
            self.policy.grace,
        )
        self._retry_listeners: list[Callable[[dt.datetime], None]] = []
        self._outcome_listeners: list[Callable[[list[PostOutcome]], None]] = []

    @property
    def database(self) -> Database:
        """The database the subscriptions and the ledger live in."""
        return self.records.database

    @property
    def store(self) -> FactStore:
        """The fact store briefings are made from."""
        return self.planner.store

    def use_store(self, store: FactStore) -> None:
        """Brief from a reloaded store; forget what was worked out from the old one."""
        self.planner.use_store(store)

    def on_retry(self, listener: Callable[[dt.datetime], None]) -> None:
        """Be told when a post is left for a retry, and when that retry falls due."""
        self._retry_listeners.append(listener)

    def on_outcomes(self, listener: Callable[[list[PostOutcome]], None]) -> None:
        """Be told what became of the posts of every run (for counting them)."""
        self._outcome_listeners.append(listener)

    # --- subscriptions ----------------------------------------------------------------

    def subscribe(
        self,
        guild_id: int,
        channel_id: int,
        post_time: dt.time,
        timezone: str,
        user_id: int,
        template_set: str = "default",
        *,
        developments: bool = False,
        ping_role_id: int | None = None,
    ) -> Subscription:
        """Create or change a channel's subscription; it posts nothing from before now."""
        return self.records.subscribe(
            guild_id,
            channel_id,
            post_time,
            timezone,
            user_id,
            template_set,
            self.clock.now(),
            developments,
            ping_role_id,
        )

    def unsubscribe(self, channel_id: int) -> int | None:
        """Remove a channel's subscription; its id, None if it had none."""
        return self.records.unsubscribe(channel_id)

    def subscription(self, channel_id: int) -> Subscription | None:
        """The channel's subscription, if any."""
        return self.records.for_channel(channel_id)

    def active_subscriptions(self, subscription_id: int | None = None) -> list[Subscription]:
        """Every active subscription (or the one with this id, if active), for the scheduler."""
        return self.records.active(subscription_id)

    def overview(self, guild_id: int) -> list[ChannelOverview]:
        """`/brief list`: each of the server's subscriptions and its recent problems."""
        now = self.clock.now()
        return [
            ChannelOverview.of(
                subscription,
                self.ledger.latest(subscription.channel_id, PROBLEMS_LOOKED_AT),
                now,
                self.policy.resend_window,
            )
            for subscription in self.records.of_guild(guild_id)
        ]

    def history(self, channel_id: int, limit: int = HISTORY_LOOKED_AT) -> ChannelHistory:
        """`/brief history`: the channel's newest posts and how each went (and, before
        its first, when that is due)."""
        now = self.clock.now()
        subscription = self.records.for_channel(channel_id)
        entries = self.ledger.latest(channel_id, limit)
        first = None
        if subscription is not None and subscription.active and not entries:
            first = self.planner.next_post(subscription, now, 366)
        return ChannelHistory.of(
            channel_id,
            subscription,
            entries,
            now,
            self.policy.resend_window,
            LATE_AFTER,
            first.at if first else None,
        )

    def next_post(self, subscription: Subscription) -> ScheduledPost | None:
        """The subscription's next post within a year, if any."""
        return self.planner.next_post(subscription, self.clock.now(), 366)

    def upcoming(self, guild_id: int, days: int) -> Upcoming:
        """`/brief next`: the server's posts in the coming `days`, soonest first."""
        now = self.clock.now()
        active = [
            subscription for subscription in self.records.of_guild(guild_id) if subscription.active
        ]
        posts = [
            UpcomingPost(
                at=post.at,
                channel_id=subscription.channel_id,
                timezone=subscription.timezone,
                occasions=tuple(o.past_tense for o in post.content.occasions),
            )
            for subscription in active
            for post in self.planner.upcoming(subscription, now, days)
            if isinstance(post.content, Digest)  # developments are never planned ahead
        ]
        return Upcoming(tuple(sorted(posts, key=lambda post: post.at)), subscribed=bool(active))

    def calendar(self, channel_id: int, days: int, renderer: Renderer) -> ChannelCalendar:
        """The channel's coming briefings as an iCalendar file, from its local today, in
        its subscription's wording (the default wording for a channel not subscribed).
        `renderer` should write plain text: the file is read outside Discord."""
        now = self.clock.now()
        subscription = self.records.for_channel(channel_id)
        if subscription is None:
            file = calendar_ics(self.store, renderer, now.date(), days, now, channel_id=channel_id)
        else:
            first, wording = local_day(subscription, now), subscription.template_set
            file = calendar_ics(self.store, renderer, first, days, now, wording, channel_id)
        return ChannelCalendar(file, subscribed=subscription is not None)

    def preview(self, day: dt.date, channel_id: int) -> Reply | None:
        """A day's briefing in the channel's wording; None when the day has none."""
        digest = self.planner.digest(day)
        if digest is None:
            return None
        subscription = self.records.for_channel(channel_id)
        return self.renderer.briefing(
            digest, subscription.template_set if subscription else "default"
        )

    # --- posting -------------------------------------------------------------------------

    def render(self, post: ScheduledPost, late_by: dt.timedelta | None = None) -> Reply:
        """The briefing as it will be posted, with a note if late. A resumed post
        renders the same, so its pages and nonces match the first try."""
        minutes = int(late_by.total_seconds() // 60) if late_by else 0
        if isinstance(post.content, Development):
            return self.renderer.development(post.content, post.template_set)
        return self.renderer.briefing(post.content, post.template_set, minutes)

    def _job(
        self, entry_id: int | None, post: ScheduledPost, claimed_at: dt.datetime, **more: int
    ) -> Job:
        late_by = claimed_at - post.at
        late = late_by > LATE_AFTER
        reply = self.render(post, late_by if late else None)
        return Job(entry_id, post, reply, late=late, **more)

    def _new_jobs(
        self, due: Iterable[ScheduledPost], now: dt.datetime
    ) -> tuple[list[Job], list[PostOutcome]]:
        """Jobs for what is due and not yet in the ledger (each is claimed as its send
        starts); skip what is past the grace."""
        due = list(due)
        recorded = self.ledger.recorded(due)
        fresh = [post for post in due if post.key not in recorded]
        too_late = [post for post in fresh if now - post.at > self.policy.grace]
        on_time = [post for post in fresh if now - post.at <= self.policy.grace]
        skipped = self.ledger.claim(too_late, PostStatus.SKIPPED, now)
        for post in too_late:
            if post.key in skipped:
                log.warning(
                    "skipped %s for channel %s: %s late, past the %s grace window",
                    post.occasion,
                    post.channel_id,
                    now - post.at,
                    self.policy.grace,
                )
        jobs = [self._job(None, post, now) for post in on_time]
        outcomes = [
            PostOutcome(post.channel_id, post.local_date, PostStatus.SKIPPED)
            for post in too_late
            if post.key in skipped
        ]
        return jobs, outcomes

    async def _reopened_jobs(self, now: dt.datetime) -> tuple[list[Job], list[PostOutcome]]:
        """Retries that came due, and posts a dead process left: within the window they
        are resumed with the same nonces; later, their channel is looked at first. And
        the retries whose grace has passed, given up: nothing is posted after it."""
        reopenable = await asyncio.to_thread(
            self.ledger.reopenable,
            now,
            self.policy.lease,
            self.policy.resend_window,
            self.policy.grace,
        )
        expired = [r.entry for r in reopenable if now - r.entry.scheduled_for > self.policy.grace]
        given_up = await asyncio.to_thread(self._give_up, expired, now)
        jobs = []
        for reopened in reopenable:
            if reopened.entry in expired or reopened.entry.id in self.delivery.in_flight:
                continue
            job = await asyncio.to_thread(self._take, reopened, now)
            if job is not None and reopened.since is not None:
                job = await self._checked(job, reopened.entry, reopened.since, now)
            if job is not None:
                jobs.append(job)
        return jobs, given_up

    def _take(self, reopened: Reopened, now: dt.datetime) -> Job | None:
        """Own a reopened row and make its job; None if another process took it first
        or it cannot be sent any more."""
        if not self.ledger.take(reopened, now):
            return None
        return self._resume(reopened, now)

    def _give_up(self, expired: list[LedgerEntry], now: dt.datetime) -> list[PostOutcome]:
        given_up = self.ledger.give_up(expired, now)
        outcomes = []
        for entry in expired:
            if entry.id in given_up:
                log.error(
                    "gave up on %s for channel %s: not delivered within the %s grace window",
                    entry.occasion,
                    entry.channel_id,
                    self.policy.grace,
                )
                error = f"{entry.error}; {GIVEN_UP}" if entry.error else GIVEN_UP
                outcome = PostOutcome(
                    entry.channel_id,
                    entry.local_date,
                    PostStatus.FAILED,
                    error=error,
                    given_up=True,
                )
                outcomes.append(outcome)
        return outcomes

    async def _checked(
        self, job: Job, entry: LedgerEntry, since: dt.datetime, now: dt.datetime
    ) -> Job | None:
        """A post taken up past the window: Discord may have forgotten its nonces, so
        whether its next page arrived (after `since`) is read from the channel. There:
        recorded, and the rest follows. Not there: sent, and a post not begun says how
        late it is now. Either way each page exists once. A channel that cannot be
        read leaves the post as it was: at most once."""
        post, page = job.post, job.first_page
        try:
            found = await self.delivery.sender.delivered(
                post.channel_id, job.reply, page, since - CHECK_SLACK
            )
        except Exception as error:  # settled by no one: say so where /brief list shows it
            log.warning(
                "could not check channel %s for %s: %s", post.channel_id, post.occasion, error
            )
            note = f"outcome unknown; the channel could not be read: {error}"
            await asyncio.to_thread(self.ledger.note, entry.id, note)
            return None
        if found is None:
            log.warning("%s was not in channel %s: sending it", post.occasion, post.channel_id)
            if page == 0:  # nothing of it is out: rendered as late as it now is
                return await asyncio.to_thread(self._job, entry.id, post, now, attempt=job.attempt)
            return job
        count = self.delivery.sender.page_count(job.reply)
        record = PageRecord(entry.id, page + 1, count, found if page == 0 else None, now)
        await asyncio.to_thread(self.ledger.write, [], [record], now)
        log.warning("%s was in channel %s already: recorded", post.occasion, post.channel_id)
        if record.last:
            return None
        return replace(job, first_page=page + 1)

    def _resume(self, reopened: Reopened, now: dt.datetime) -> Job | None:
        entry = reopened.entry
        post = self._post_of(entry)
        if isinstance(post, str):
            self.ledger.fail(entry.id, post, now)
            return None
        if reopened.resumed and not reopened.check:
            log.warning(
                "resuming %s for channel %s at page %d with the same nonces",
                entry.occasion,
                entry.channel_id,
                entry.pages_sent + 1,
            )
        return self._job(
            entry.id,
            post,
            entry.claimed_at,
            attempt=entry.attempts + 1,
            first_page=entry.pages_sent,
        )

    def _post_of(self, entry: LedgerEntry) -> ScheduledPost | str:
        """The post a ledger row was claimed for, or why it cannot be sent any more."""
        content: Digest | Development | None
        if entry.occasion.startswith(DEVELOPMENT_PREFIX):
            content = self.developments.development(entry.occasion)
            if content is None:
                return "the article is no longer on record"
        else:
            content = self.planner.digest(entry.local_date)
            if content is None or content.key != entry.occasion:
                return "the fact store changed after this post was claimed"
        template, ping = "default", None
        if entry.subscription_id is not None:
            subscription = self.records.by_id(entry.subscription_id)
            if subscription is None or not subscription.active:
                return "the subscription was removed or stopped"
            template, ping = subscription.template_set, subscription.ping_role_id
        return ScheduledPost(
            entry.subscription_id,
            entry.channel_id,
            entry.local_date,
            entry.scheduled_for,
            content,
            template,
            ping,
        )

    async def _deliver(self, jobs: list[Job]) -> list[PostOutcome]:
        outcomes = await self.delivery.deliver_all(jobs)
        await self._announce_retry()
        self._report(outcomes)
        return outcomes

    def _report(self, outcomes: list[PostOutcome]) -> None:
        if outcomes:
            for listener in self._outcome_listeners:
                listener(outcomes)

    async def _announce_retry(self) -> None:
        """Tell the scheduler when the earliest waiting retry is due (one indexed query)."""
        at = await asyncio.to_thread(self.ledger.next_retry_at)
        if at is not None:
            for listener in self._retry_listeners:
                listener(at)

    async def _run(self, due: Iterable[ScheduledPost], now: dt.datetime) -> list[PostOutcome]:
        reopened, given_up = await self._reopened_jobs(now)
        jobs, skipped = await asyncio.to_thread(self._new_jobs, due, now)
        self._report(given_up + skipped)
        return given_up + skipped + await self._deliver(reopened + jobs)

    async def run_subscription(
        self, subscription: Subscription, now: dt.datetime | None = None
    ) -> list[PostOutcome]:
        """Send whatever of this subscription is due (and any retry that came due)."""
        now = now or self.clock.now()
        due = await asyncio.to_thread(self._due, [subscription], now)
        return await self._run(due, now)

    def _recent_developments(
        self, subscriptions: list[Subscription], now: dt.datetime
    ) -> list[Development]:
        """Developments young enough to post (within the grace, as briefings are), if
        any of `subscriptions` takes them: most sweeps ask the desk nothing."""
        if not any(subscription.developments for subscription in subscriptions):
            return []
        return self.developments.developments_since(now - self.policy.grace)

    async def run_due(self, now: dt.datetime | None = None) -> list[PostOutcome]:
        """Every active subscription's due posts, retries and resumable posts."""
        now = now or self.clock.now()
        due = await asyncio.to_thread(lambda: self._due(self.records.active(), now))
        return await self._run(due, now)

    def _due(self, subscriptions: list[Subscription], now: dt.datetime) -> list[ScheduledPost]:
        """What of `subscriptions` is due at `now`: briefings and developments."""
        developments = self._recent_developments(subscriptions, now)
        return [
            post
            for subscription in subscriptions
            for post in (
                self.planner.candidates(subscription, now)
                + self.planner.developments(subscription, developments, now)
            )
        ]

    async def post_now(self, subscription: Subscription) -> NowResult:
        """Post today's digest to the channel now, once: the scheduled post will not repeat it."""
        now = self.clock.now()
        # The day's digest is read from the store (SQL, with the database's), off the loop.
        post = await asyncio.to_thread(
            self.planner.post, subscription, local_day(subscription, now)
        )
        if post is None:
            return NowResult(NowStatus.NOTHING)
        claimed = await asyncio.to_thread(self.ledger.claim, [post], PostStatus.CLAIMED, now)
        if post.key not in claimed:
            return NowResult(NowStatus.ALREADY)
        reply = await asyncio.to_thread(self.render, post)
        (outcome,) = await self._deliver([Job(claimed[post.key], post, reply)])
        if outcome.status is PostStatus.SENT:
            return NowResult(NowStatus.POSTED)
        if outcome.status is PostStatus.RETRY:
            return NowResult(NowStatus.RETRY, outcome.error)
        return NowResult(NowStatus.FAILED, outcome.error)
