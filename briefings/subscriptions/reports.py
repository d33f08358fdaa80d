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
    "ChannelOverview",
    "NowResult",
    "NowStatus",
    "Upcoming",
    "UpcomingPost",
]

PROBLEMS_LOOKED_AT = 5  # the newest ledger rows of a channel that `/brief list` reads


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
            if entry.status == PostStatus.CLAIMED
            and now - (entry.progress_at or entry.claimed_at) > unknown_after
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
