"""APScheduler wakes the bot at each subscription's local time; it decides nothing.

Correctness lives in the ledger (`briefings.subscriptions`): a wake-up only asks the
service what is due, so a wake-up that comes twice, late, or from two processes is
harmless, and a missed one is caught by the next sweep within the grace window.
Jobs are rebuilt from the database with explicit ids and `replace_existing`, never
restored from a job store (APScheduler's FAQ: a job store cannot be shared by
several processes).

`misfire_grace_time` and `coalesce` are set explicitly: APScheduler's default grace
of one second silently drops a run that starts late (its issues #292 and #463).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from briefings.storage import Subscription

__all__ = [
    "JOB_PREFIX",
    "RETRY_JOB",
    "SWEEP_JOB",
    "create_scheduler",
    "schedule_retry",
    "sync_job",
    "sync_jobs",
]

JOB_PREFIX = "subscription:"
SWEEP_JOB = "sweep"
RETRY_JOB = "retry"
SWEEP_EVERY = dt.timedelta(minutes=15)


def create_scheduler(grace: dt.timedelta) -> AsyncIOScheduler:
    """A scheduler whose late runs still run (within `grace`) and are merged, not repeated."""
    return AsyncIOScheduler(
        timezone=dt.UTC,
        job_defaults={
            "misfire_grace_time": int(grace.total_seconds()),
            "coalesce": True,
            "max_instances": 1,
        },
    )


def sync_jobs(
    scheduler: AsyncIOScheduler,
    subscriptions: Iterable[Subscription],
    wake: Callable[[int], Awaitable[object]],
    sweep: Callable[[], Awaitable[object]],
) -> list[str]:
    """Make the jobs match the active subscriptions; return the subscription job ids."""
    wanted = {f"{JOB_PREFIX}{s.id}": s for s in subscriptions if s.active}
    for job in scheduler.get_jobs():
        if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
            job.remove()
    for subscription in wanted.values():
        _add_wake(scheduler, subscription, wake)
    scheduler.add_job(
        sweep,
        IntervalTrigger(seconds=SWEEP_EVERY.total_seconds()),
        id=SWEEP_JOB,
        name="catch anything due",
        replace_existing=True,
    )
    return sorted(wanted)


def sync_job(
    scheduler: AsyncIOScheduler,
    subscription_id: int,
    subscription: Subscription | None,
    wake: Callable[[int], Awaitable[object]],
) -> None:
    """Make one subscription's job match it, after a subscribe or an unsubscribe: added
    or moved to its new time, or removed when it is gone (None) or stopped. Adding a
    job costs APScheduler about a millisecond: rebuilding every job at each change held
    the event loop for seconds at 1,000 subscriptions."""
    if subscription is not None and subscription.active:
        _add_wake(scheduler, subscription, wake)
    elif scheduler.get_job(f"{JOB_PREFIX}{subscription_id}") is not None:
        scheduler.remove_job(f"{JOB_PREFIX}{subscription_id}")


def _add_wake(
    scheduler: AsyncIOScheduler,
    subscription: Subscription,
    wake: Callable[[int], Awaitable[object]],
) -> None:
    at = subscription.local_time
    scheduler.add_job(
        wake,
        CronTrigger(hour=at.hour, minute=at.minute, timezone=ZoneInfo(subscription.timezone)),
        id=f"{JOB_PREFIX}{subscription.id}",
        name=f"briefing for channel {subscription.channel_id}",
        args=[subscription.id],
        replace_existing=True,
    )


def schedule_retry(
    scheduler: AsyncIOScheduler, at: dt.datetime, sweep: Callable[[], Awaitable[object]]
) -> None:
    """Run the sweep at `at`, when a post left after a server error is due again.

    One job: a retry already set for an earlier time is kept, since the sweep it runs
    reschedules whatever is still waiting.
    """
    job = scheduler.get_job(RETRY_JOB)
    if job is not None and job.next_run_time is not None and job.next_run_time <= at:
        return
    scheduler.add_job(
        sweep,
        DateTrigger(run_date=at),
        id=RETRY_JOB,
        name="retry posts after a server error",
        replace_existing=True,
    )
