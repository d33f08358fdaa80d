"""Scheduled briefings for subscribed channels, posted once each.

One module per job: `due` (what is due when), `records` (the subscriptions),
`ledger` (who owns which post and how far it got), `delivery` (pages, nonces,
errors, the concurrency bound), `reports` (what the commands show) and `service`
(the front the bot calls).
"""

from briefings.subscriptions.delivery import (
    ChannelUnavailableError,
    Clock,
    PostOutcome,
    RetryPolicy,
    Sender,
    SendError,
    TransientSendError,
    page_nonce,
)
from briefings.subscriptions.due import ScheduledPost, scheduled_instant
from briefings.subscriptions.reports import (
    ChannelHistory,
    ChannelOverview,
    NowResult,
    NowStatus,
    Outcome,
    PastPost,
    Upcoming,
    UpcomingPost,
)
from briefings.subscriptions.service import BriefingService, PostingPolicy

__all__ = [
    "BriefingService",
    "ChannelHistory",
    "ChannelOverview",
    "ChannelUnavailableError",
    "Clock",
    "NowResult",
    "NowStatus",
    "Outcome",
    "PastPost",
    "PostOutcome",
    "PostingPolicy",
    "RetryPolicy",
    "ScheduledPost",
    "SendError",
    "Sender",
    "TransientSendError",
    "Upcoming",
    "UpcomingPost",
    "page_nonce",
    "scheduled_instant",
]
