"""What the subscription service tells the commands: typed read models, no ORM rows.

The rules that decide what a reader is shown (which posts count as lost, which as
failed) live here, next to the data, not in the Discord cog.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from briefings.calendar import IcsFile
from briefings.developments import DEVELOPMENT_PREFIX
from briefings.storage import LedgerEntry, PostStatus, Subscription

__all__ = [
    "ChannelCalendar",
    "ChannelHistory",
    "ChannelOverview",
    "NowResult",
    "NowStatus",
    "Outcome",
    "PastPost",
    "Upcoming",
    "UpcomingPost",
]

PROBLEMS_LOOKED_AT = 5  # the newest ledger rows of a channel that `/brief list` reads
HISTORY_LOOKED_AT = 60  # the newest ledger rows `/brief history` shows, paged


@dataclass(frozen=True)
class ChannelOverview:
    """One subscription as `/brief list` shows it."""

    channel_id: int
    post_time: str
    timezone: str
    template_set: str
    active: bool
    disabled_reason: str
    last_sent: dt.date | None
    problems: tuple[str, ...]
    last_sent_at: dt.datetime | None = None  # when that post was delivered
    developments: bool = False
    ping_role_id: int | None = None

    @classmethod
    def of(
        cls,
        subscription: Subscription,
        ledger: list[LedgerEntry],
        now: dt.datetime,
        unknown_after: dt.timedelta,
    ) -> ChannelOverview:
        """The overview from the subscription and its newest ledger rows (newest first).

        A row still `claimed` with no sign of life for `unknown_after` belongs to a
        process that died mid-send and will not be resumed: its outcome is unknown.
        """
        problems = [
            f"{entry.local_date}: {entry.status}" + (f" ({entry.error})" if entry.error else "")
            for entry in ledger
            if entry.status in (PostStatus.FAILED, PostStatus.RETRY)
        ]
        problems += [
            f"{entry.local_date}: outcome unknown (the bot stopped while posting)"
            for entry in ledger
            if _left_unknown(entry, now, unknown_after)
        ]
        # The last briefing: a development's post is not one.
        sent = [
            entry
            for entry in ledger
            if entry.status == PostStatus.SENT and not entry.occasion.startswith(DEVELOPMENT_PREFIX)
        ]
        return cls(
            channel_id=subscription.channel_id,
            post_time=subscription.post_time,
            timezone=subscription.timezone,
            template_set=subscription.template_set,
            active=subscription.active,
            disabled_reason=subscription.disabled_reason or "",
            last_sent=sent[0].local_date if sent else None,
            problems=tuple(problems),
            last_sent_at=sent[0].finished_at if sent else None,
            developments=subscription.developments,
            ping_role_id=subscription.ping_role_id,
        )


def _left_unknown(entry: LedgerEntry, now: dt.datetime, unknown_after: dt.timedelta) -> bool:
    """A row still `claimed` with no sign of life for `unknown_after`: its process died
    mid-send, and it will not be resumed."""
    return (
        entry.status == PostStatus.CLAIMED
        and now - (entry.progress_at or entry.claimed_at) > unknown_after
    )


@dataclass(frozen=True)
class UpcomingPost:
    """A post to come: when (UTC), where, in which zone, and what it marks."""

    at: dt.datetime
    channel_id: int
    timezone: str
    occasions: tuple[str, ...]  # each occasion in the past tense, for a summary line


@dataclass(frozen=True)
class Upcoming:
    """`/brief next`: a server's coming posts, soonest first, and whether it has any
    active subscription at all (to tell "nothing soon" from "nothing subscribed")."""

    posts: tuple[UpcomingPost, ...]
    subscribed: bool


class NowStatus(StrEnum):
    """What `/brief now` did."""

    POSTED = "posted"
    ALREADY = "already"  # today's post was already claimed in this channel
    NOTHING = "nothing"  # today has no anniversary or countdown
    RETRY = "retry"  # Discord failed for now; the scheduler tries again shortly
    FAILED = "failed"  # tried and could not (the error says why)


@dataclass(frozen=True)
class NowResult:
    """The result of posting today's briefing on demand."""

    status: NowStatus
    error: str | None = None


@dataclass(frozen=True)
class ChannelCalendar:
    """`/brief calendar`: the file, and whether it follows a subscription of the channel
    (its wording and local days) or the defaults."""

    file: IcsFile
    subscribed: bool


class Outcome(StrEnum):
    """How one post of a channel went, as `/brief history` words it."""

    SENT = "sent"
    LATE = "late"  # sent, later than its time by more than the service's lateness
    SKIPPED = "skipped"  # found past the grace window, not posted
    FAILED = "failed"  # given up, with the reason on the row
    RETRYING = "retrying"  # Discord failed; tried again at `next_try_at`
    SENDING = "sending"  # being sent now
    UNKNOWN = "unknown"  # the bot stopped while posting it; not taken up again


@dataclass(frozen=True)
class PastPost:
    """One row of the ledger as a person asks about it: what, for when, how it went."""

    local_date: dt.date
    development: bool  # a "New on record" post, not the day's briefing
    outcome: Outcome
    scheduled_for: dt.datetime
    at: dt.datetime | None  # when it was sent, given up or skipped; None while open
    late_by: dt.timedelta  # how long after its time it went out or was found
    reason: str  # why it failed or is retried; empty otherwise
    next_try_at: dt.datetime | None
    pages_sent: int
    page_count: int | None
    message_id: int | None  # the first page's, to link to


@dataclass(frozen=True)
class ChannelHistory:
    """`/brief history`: a channel's newest posts, and its subscription's state."""

    channel_id: int
    subscribed: bool
    active: bool
    disabled_reason: str
    posts: tuple[PastPost, ...]
    first_due: dt.datetime | None = None  # with no post yet: when the first one is due

    @classmethod
    def of(
        cls,
        channel_id: int,
        subscription: Subscription | None,
        ledger: list[LedgerEntry],
        now: dt.datetime,
        unknown_after: dt.timedelta,
        late_after: dt.timedelta,
        first_due: dt.datetime | None = None,
    ) -> ChannelHistory:
        """The history from the channel's newest ledger rows (newest first); the rules
        for "unknown" are `ChannelOverview.of`'s."""
        return cls(
            channel_id=channel_id,
            subscribed=subscription is not None,
            active=subscription.active if subscription is not None else False,
            disabled_reason=(subscription.disabled_reason or "") if subscription else "",
            posts=tuple(_past(entry, now, unknown_after, late_after) for entry in ledger),
            first_due=first_due,
        )


def _outcome(
    entry: LedgerEntry, now: dt.datetime, unknown_after: dt.timedelta, late: bool
) -> Outcome:
    if entry.status == PostStatus.SENT:
        return Outcome.LATE if late else Outcome.SENT
    if entry.status == PostStatus.CLAIMED:
        return Outcome.UNKNOWN if _left_unknown(entry, now, unknown_after) else Outcome.SENDING
    return {
        PostStatus.SKIPPED: Outcome.SKIPPED,
        PostStatus.FAILED: Outcome.FAILED,
        PostStatus.RETRY: Outcome.RETRYING,
    }[PostStatus(entry.status)]


def _past(
    entry: LedgerEntry, now: dt.datetime, unknown_after: dt.timedelta, late_after: dt.timedelta
) -> PastPost:
    # A skipped row is finished when it is claimed: either way, when the bot got to it.
    reached = entry.finished_at or entry.claimed_at
    late_by = max(reached - entry.scheduled_for, dt.timedelta(0))
    outcome = _outcome(entry, now, unknown_after, late_by > late_after)
    failing = outcome in (Outcome.FAILED, Outcome.RETRYING, Outcome.UNKNOWN)
    return PastPost(
        local_date=entry.local_date,
        development=entry.occasion.startswith(DEVELOPMENT_PREFIX),
        outcome=outcome,
        scheduled_for=entry.scheduled_for,
        at=entry.finished_at,
        late_by=late_by,
        reason=(entry.error or "") if failing else "",
        next_try_at=entry.next_try_at if outcome is Outcome.RETRYING else None,
        pages_sent=entry.pages_sent,
        page_count=entry.page_count,
        message_id=entry.message_id,
    )
