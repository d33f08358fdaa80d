"""The subscription records: which channel gets the briefing, when, in which wording."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from sqlalchemy import select

from briefings.storage import Database, Subscription

__all__ = ["SubscriptionRecords"]

log = logging.getLogger(__name__)


class SubscriptionRecords:
    """Create, change, stop and read subscriptions; each change is one transaction."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def subscribe(
        self,
        guild_id: int,
        channel_id: int,
        post_time: dt.time,
        timezone: str,
        user_id: int,
        template_set: str,
        now: dt.datetime,
        developments: bool = False,
        ping_role_id: int | None = None,
    ) -> Subscription:
        """Create or change a channel's subscription; it posts nothing from before `now`.
        It takes developments if asked, and may name one role its posts ping."""
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
            subscription.developments = developments
            subscription.ping_role_id = ping_role_id
            subscription.created_at = now
            subscription.created_by = user_id
            subscription.active = True
            subscription.disabled_reason = None
        return subscription

    def unsubscribe(self, channel_id: int) -> int | None:
        """Remove a channel's subscription; its id, None if it had none."""
        with self.database.session() as session, session.begin():
            subscription = session.scalar(
                select(Subscription).where(Subscription.channel_id == channel_id)
            )
            if subscription is None:
                return None
            session.delete(subscription)
            return subscription.id

    def disable(self, subscription_id: int, reason: str) -> None:
        """Stop a subscription, keeping it (and why) for `/brief list`."""
        with self.database.session() as session, session.begin():
            subscription = session.get(Subscription, subscription_id)
            if subscription is not None:
                subscription.active = False
                subscription.disabled_reason = reason
        log.warning("subscription %s disabled: %s", subscription_id, reason)

    def for_channel(self, channel_id: int) -> Subscription | None:
        """The channel's subscription, if it has one."""
        found = self.database.subscriptions(channel_id=channel_id)
        return found[0] if found else None

    def by_id(self, subscription_id: int) -> Subscription | None:
        """One subscription by its id, active or not."""
        found = self.database.subscriptions(subscription_id=subscription_id)
        return found[0] if found else None

    def of_guild(self, guild_id: int) -> list[Subscription]:
        """A server's subscriptions, active or not."""
        return self.database.subscriptions(guild_id=guild_id)

    def active(self, subscription_id: int | None = None) -> list[Subscription]:
        """The active subscriptions (or the one with this id, if active)."""
        return self.database.subscriptions(active_only=True, subscription_id=subscription_id)
