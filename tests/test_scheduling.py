"""The APScheduler wiring: explicit ids, replace_existing, explicit misfire handling."""

from __future__ import annotations

import datetime as dt

from apscheduler.triggers.cron import CronTrigger

from briefings.scheduling import JOB_PREFIX, SWEEP_JOB, create_scheduler, sync_job, sync_jobs
from briefings.storage import Subscription


async def _noop(*_: object) -> None:
    return None


def _subscription(ident: int, at: str, zone: str, active: bool = True) -> Subscription:
    return Subscription(id=ident, channel_id=ident * 10, post_time=at, timezone=zone, active=active)


async def test_every_job_runs_once_late_within_the_grace_and_never_twice_at_once() -> None:
    scheduler = create_scheduler(dt.timedelta(hours=6))
    scheduler.start(paused=True)  # a job takes the scheduler's defaults once it is added
    sync_jobs(scheduler, [_subscription(1, "09:00", "Asia/Seoul")], _noop, _noop)
    jobs = scheduler.get_jobs()
    assert {job.id for job in jobs} == {f"{JOB_PREFIX}1", SWEEP_JOB}
    for job in jobs:
        assert job.misfire_grace_time == 6 * 3600
        assert job.coalesce is True  # missed runs run once
        assert job.max_instances == 1
    scheduler.shutdown(wait=False)


def test_jobs_follow_the_subscriptions() -> None:
    scheduler = create_scheduler(dt.timedelta(hours=6))
    subscriptions = [
        _subscription(1, "09:00", "Asia/Seoul"),
        _subscription(2, "07:30", "Europe/London"),
        _subscription(3, "08:00", "UTC", active=False),
    ]
    assert sync_jobs(scheduler, subscriptions, _noop, _noop) == [f"{JOB_PREFIX}1", f"{JOB_PREFIX}2"]
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {f"{JOB_PREFIX}1", f"{JOB_PREFIX}2", SWEEP_JOB}
    trigger = jobs[f"{JOB_PREFIX}1"].trigger
    assert isinstance(trigger, CronTrigger)
    assert str(trigger.timezone) == "Asia/Seoul"
    assert jobs[f"{JOB_PREFIX}1"].args == (1,)

    # Rebuilt again (a restart, a change): same ids, no duplicates, stale jobs gone.
    sync_jobs(scheduler, subscriptions[1:], _noop, _noop)
    assert {job.id for job in scheduler.get_jobs()} == {f"{JOB_PREFIX}2", SWEEP_JOB}


async def test_one_change_moves_that_subscriptions_job_alone() -> None:
    """A subscribe or an unsubscribe rebuilt every job (about a millisecond each, on
    the event loop): now the changed subscription's job alone is added, moved or
    removed, and the others are left as they are."""
    scheduler = create_scheduler(dt.timedelta(hours=6))
    scheduler.start()  # as in the bot: a running scheduler replaces a job at once
    sync_jobs(scheduler, [_subscription(1, "09:00", "Asia/Seoul")], _noop, _noop)
    first = scheduler.get_job(f"{JOB_PREFIX}1")
    sync_job(scheduler, 2, _subscription(2, "07:30", "Europe/London"), _noop)
    assert scheduler.get_job(f"{JOB_PREFIX}1") is first
    assert str(scheduler.get_job(f"{JOB_PREFIX}2").trigger.timezone) == "Europe/London"
    sync_job(scheduler, 2, _subscription(2, "08:00", "UTC"), _noop)  # moved
    assert str(scheduler.get_job(f"{JOB_PREFIX}2").trigger.timezone) == "UTC"
    sync_job(scheduler, 2, None, _noop)  # unsubscribed
    sync_job(scheduler, 3, None, _noop)  # never had a job: nothing to remove
    sync_job(scheduler, 1, _subscription(1, "09:00", "Asia/Seoul", active=False), _noop)
    assert {job.id for job in scheduler.get_jobs()} == {SWEEP_JOB}
    scheduler.shutdown(wait=False)


def test_next_run_is_the_local_time() -> None:
    scheduler = create_scheduler(dt.timedelta(hours=6))
    sync_jobs(scheduler, [_subscription(1, "09:00", "Asia/Seoul")], _noop, _noop)
    trigger = scheduler.get_job(f"{JOB_PREFIX}1").trigger
    after = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)
    fire = trigger.get_next_fire_time(None, after)
    assert fire is not None
    assert fire.astimezone(dt.UTC) == dt.datetime(2026, 11, 23, 0, tzinfo=dt.UTC)
