"""A subscription's wake and the 15-minute sweep, at 1,000 to 100,000 subscriptions.

The database (SQLite in a temporary file) holds N subscriptions posting at 00:00 UTC
and a ledger of what a fleet of that size has behind it at a wake: every channel's
rows of the two days before and of the day itself (about 3N rows), but the channels
woken here. Each wake is a new service (no digest or rendering kept from the last
one; the templates are compiled once, as the bot keeps them) waking one channel not
yet posted, as the scheduler does at its time:

- `recorded`: the ledger read that tells a wake what is already posted, alone;
- `wake`: the whole wake, from reading what is due to the post recorded as sent;
- `sweep`: the sweep once every subscription is posted (nothing is due: it reads the
  subscriptions due by now on their index, and finds none), with the event loop's
  longest stall beside it (a probe that asks to be woken every 10 ms);
- `day` (`--day N`): N subscriptions over a day's 96 quarter-hours, the sweep at each
  posting all that is due through the ledger; the loop's longest stall all day.

Target: a wake at most 5 ms at 100,000 subscriptions, and no stall of the
loop over 5 ms. Minimum and median of `--runs` runs.

    .venv/bin/python bench/wake.py [--subscriptions N ...] [--runs R]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from briefings.loading import load_store  # noqa: E402
from briefings.occasions import Digest, digest_for  # noqa: E402
from briefings.rendering import Renderer  # noqa: E402
from briefings.storage import (  # noqa: E402
    Database,
    LedgerEntry,
    PostStatus,
    Subscription,
    open_database,
)
from briefings.store import FactStore  # noqa: E402
from briefings.subscriptions import BriefingService  # noqa: E402
from tests.loop_lag import longest_stall  # noqa: E402
from tests.test_posting import FakeClock, FakeSender  # noqa: E402

DAY = dt.date(2026, 8, 22)  # a day with a briefing
WAKE = dt.datetime.combine(DAY, dt.time(0, 0), tzinfo=dt.UTC)
CREATED = WAKE - dt.timedelta(days=30)
BATCH = 5000
TARGET_MS = 5.0


def _occasion(store: FactStore, day: dt.date) -> str:
    """The ledger's occasion of the day: its digest's, else another post's."""
    digest = digest_for(store, day)
    return digest.key if digest is not None else f"development:{day}"


def _subscriptions(
    count: int, time_of: Callable[[int], str], due_of: Callable[[int], dt.datetime]
) -> list[dict[str, object]]:
    """Rows of `count` subscriptions (UTC), at their times, due at their moments."""
    return [
        {
            "guild_id": 1,
            "channel_id": 10_000 + number,
            "post_time": time_of(number),
            "timezone": "UTC",
            "template_set": "default",
            "created_at": CREATED,
            "created_by": 7,
            "active": True,
            "developments": False,
            "due_at": due_of(number),
        }
        for number in range(count)
    ]


def _fill(database: Database, store: FactStore, count: int, woken: int) -> None:
    """`count` subscriptions, and the ledger of all but the first `woken` channels,
    whose subscriptions are due next tomorrow (the others now)."""
    tomorrow = WAKE + dt.timedelta(days=1)
    subscriptions = _subscriptions(
        count, lambda _: "00:00", lambda number: WAKE if number < woken else tomorrow
    )
    days = [DAY - dt.timedelta(days=back) for back in (2, 1, 0)]
    occasions = {day: _occasion(store, day) for day in days}
    rows = [
        {
            "channel_id": 10_000 + number,
            "occasion": occasions[day],
            "local_date": day,
            "subscription_id": number + 1,
            "status": PostStatus.SENT.value,
            "scheduled_for": WAKE,
            "claimed_at": WAKE,
            "progress_at": WAKE,
            "finished_at": WAKE,
            "attempts": 1,
            "pages_sent": 1,
            "page_count": 1,
            "resumes": 0,
        }
        for number in range(woken, count)
        for day in days
    ]
    with database.engine.begin() as connection:
        for start in range(0, len(subscriptions), BATCH):
            connection.execute(insert(Subscription), subscriptions[start : start + BATCH])
        for start in range(0, len(rows), BATCH):
            connection.execute(insert(LedgerEntry), rows[start : start + BATCH])


Timing = tuple[float, float]  # seconds of the wall clock, and of the process's CPU


def _ms(runs: list[Timing]) -> str:
    wall, cpu = [run[0] * 1000 for run in runs], [run[1] * 1000 for run in runs]
    return (
        f"min {min(wall):7.2f} ms, median {statistics.median(wall):7.2f} ms "
        f"(CPU median {statistics.median(cpu):7.2f} ms)"
    )


def _clocks() -> Timing:
    return time.perf_counter(), time.process_time()


def _since(started: Timing) -> Timing:
    now = _clocks()
    return now[0] - started[0], now[1] - started[1]


def _timed(work: Callable[[], object]) -> Timing:
    started = _clocks()
    work()
    return _since(started)


def _bench(count: int, runs: int, store: FactStore, renderer: Renderer) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(f"sqlite:///{folder}/wake.sqlite3", Path(folder))
        woken = runs
        _fill(database, store, count, woken)
        subscriptions = database.subscriptions()[:woken]

        def service() -> BriefingService:
            clock = FakeClock(WAKE)
            return BriefingService(database, store, FakeSender(clock), clock, renderer)

        recorded = []
        for subscription in subscriptions:
            fresh = service()
            due = fresh.planner.candidates(subscription, WAKE)
            recorded.append(_timed(lambda: fresh.ledger.recorded(due)))  # noqa: B023

        async def wakes() -> list[Timing]:
            took = []
            for subscription in subscriptions:
                started = _clocks()
                [outcome] = await service().run_subscription(subscription, WAKE)
                took.append(_since(started))
                assert outcome.status is PostStatus.SENT, outcome
            return took

        async def sweeps() -> list[tuple[Timing, float]]:
            took = []
            for _ in range(max(1, runs // 5)):
                async with longest_stall() as stall:
                    started = _clocks()
                    outcomes = await service().run_due(WAKE)
                    elapsed = _since(started)
                assert not outcomes, outcomes
                took.append((elapsed, stall.longest))
            return took

        woke = asyncio.run(wakes())
        swept = asyncio.run(sweeps())
        database.dispose()
    print(f"{count:>7,} subscriptions, {3 * (count - woken):,} ledger rows")
    print(f"  recorded: {_ms(recorded)}")
    print(f"  wake:     {_ms(woke)}  (target {TARGET_MS:g} ms)")
    took, stalls = [s[0] for s in swept], [s[1] for s in swept]
    print(f"  sweep:    {_ms(took)}; longest loop stall {max(stalls) * 1000:.1f} ms")


def _day(count: int, store: FactStore, renderer: Renderer) -> None:
    """A simulated day: `count` subscriptions spread over the day's 96 quarter-hours, and
    at each quarter-hour the sweep that posts what is due (as the scheduler's wake at
    that time would), every post through the ledger to a fake Discord; the loop's
    longest stall over the whole day, and the slowest sweep."""
    slots = [dt.time(hour, minute) for hour in range(24) for minute in (0, 15, 30, 45)]
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(f"sqlite:///{folder}/day.sqlite3", Path(folder))
        rows = _subscriptions(
            count,
            lambda number: slots[number % len(slots)].strftime("%H:%M"),
            lambda number: dt.datetime.combine(DAY, slots[number % len(slots)], tzinfo=dt.UTC),
        )
        with database.engine.begin() as connection:
            for start in range(0, len(rows), BATCH):
                connection.execute(insert(Subscription), rows[start : start + BATCH])
        clock = FakeClock(WAKE)
        service = BriefingService(database, store, FakeSender(clock), clock, renderer)

        async def day() -> tuple[int, list[float], float]:
            sent, took = 0, []
            async with longest_stall() as stall:
                for slot in slots:
                    clock.current = dt.datetime.combine(DAY, slot, tzinfo=dt.UTC)
                    started = time.perf_counter()
                    outcomes = await service.run_due()
                    took.append(time.perf_counter() - started)
                    sent += sum(outcome.status is PostStatus.SENT for outcome in outcomes)
            return sent, took, stall.longest

        sent, took, longest = asyncio.run(day())
        database.dispose()
    assert sent == count, sent
    print(
        f"  a simulated day, {count:,} posts in 96 sweeps: slowest sweep "
        f"{max(took) * 1000:.0f} ms, median {statistics.median(took) * 1000:.0f} ms; "
        f"longest loop stall {longest * 1000:.1f} ms (target {TARGET_MS:g} ms)"
    )


def _no_briefing() -> Digest:
    raise SystemExit(f"the seed store has no briefing on {DAY}")


def main() -> int:
    """Run the wake and the sweep at each size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscriptions", type=int, nargs="*", default=[1000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--day", type=int, nargs="*", default=[10_000])
    args = parser.parse_args()
    store = load_store(ROOT / "seeds")
    # One renderer, as the bot has, its templates compiled before the first wake; each
    # wake renders its briefing anew.
    renderer = Renderer()
    renderer.briefing(digest_for(store, DAY) or _no_briefing(), "default")
    for count in args.subscriptions:
        _bench(count, args.runs, store, renderer)
    for count in args.day:
        _day(count, store, renderer)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
