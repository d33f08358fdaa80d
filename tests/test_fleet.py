"""Four real processes on one database post a week of briefings to 1,000 channels,
each exactly once, through two kills mid fan-out.

Each process (`tests/fleet.py`) runs the real `BriefingService` and runs what is due
every three hours of a simulated week, all four at the same moments, so every fan-out
is a race (which process wins how many posts is left to the race: the first to start
often takes most). One is killed by SIGKILL in the middle of a fan-out and restarted a minute
later (inside the re-send window): every briefing arrives exactly once. Another is
killed and restarted ten minutes later (outside it, when Discord may have forgotten the
nonces): the posts it had in flight are looked for in their channels, the ones Discord
had are recorded and the others sent, and again every briefing arrives exactly once.

SQLite under `make test`; PostgreSQL under `make test-postgres`.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select

from briefings.occasions import digest_for
from briefings.storage import LedgerEntry, PostStatus, Subscription
from briefings.store import FactStore
from briefings.subscriptions import BriefingService, PostingPolicy, scheduled_instant
from briefings.subscriptions.delivery import page_nonce
from tests.fleet import SimulatedClock, read_journal
from tests.test_posting import database_url, fresh_database

PROJECT_ROOT = Path(__file__).resolve().parent.parent
START = dt.datetime(2026, 8, 17, tzinfo=dt.UTC)  # a week with briefings on 22 and 23 August
END = START + dt.timedelta(days=7)
TICK = dt.timedelta(hours=3)  # each local time below falls on a tick, in UTC
CHANNELS = 1000
# (local time, zone): a quarter of the channels each; four servers on four shards.
TIMES = [
    (dt.time(9, 0), "Asia/Seoul"),  # 00:00 UTC
    (dt.time(10, 0), "Europe/London"),  # 09:00 UTC in summer
    (dt.time(8, 0), "America/New_York"),  # 12:00 UTC in summer
    (dt.time(18, 0), "UTC"),
]
FIRST_KILL = dt.datetime(2026, 8, 22, 0, 0, tzinfo=dt.UTC)  # Seoul's 09:00 fan-out
SECOND_KILL = dt.datetime(2026, 8, 23, 0, 0, tzinfo=dt.UTC)


class Worker:
    """One bot process, driven line by line."""

    def __init__(self, url: str, journal: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.fleet", url, str(journal)],
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert "ready" in self.answer()

    def tell(self, command: str) -> None:
        stdin: IO[str] | None = self.process.stdin
        assert stdin is not None
        stdin.write(command + "\n")
        stdin.flush()

    def answer(self) -> dict[str, Any]:
        """The process's answer; {} if it died instead."""
        stdout = self.process.stdout
        assert stdout is not None
        line = stdout.readline()
        return json.loads(line) if line else {}

    def close(self) -> None:
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()
        self.process.wait(timeout=60)


def _run_all(workers: list[Worker], moment: dt.datetime) -> list[Worker]:
    """Every worker runs what is due at `moment`, all at once; those that died."""
    for worker in workers:
        worker.tell(f"run {moment.isoformat()}")
    dead = []
    for worker in workers:
        if not worker.answer():
            dead.append(worker)
    return dead


def _subscribe(url: str, store: FactStore) -> BriefingService:
    clock = SimulatedClock()
    clock.current = START
    database = fresh_database(url)
    with database.session() as session, session.begin():  # one transaction, not 1,000
        for index in range(CHANNELS):
            at, zone = TIMES[index % len(TIMES)]
            session.add(
                Subscription(
                    guild_id=(index % 4) << 22,  # Discord puts it on shard index % 4 of 4
                    channel_id=10_000 + index,
                    post_time=at.strftime("%H:%M"),
                    timezone=zone,
                    created_at=START,
                    created_by=7,
                )
            )
    return BriefingService(database, store, _NoSender(), clock)


class _NoSender:
    def page_count(self, reply: object) -> int:
        raise AssertionError("the test process sends nothing")

    async def send_page(
        self,
        channel_id: int,
        reply: object,
        page: int,
        nonce: str,
        ping_role_id: int | None = None,
    ) -> int:
        raise AssertionError("the test process sends nothing")

    async def delivered(
        self, channel_id: int, reply: object, page: int, since: dt.datetime
    ) -> int | None:
        raise AssertionError("the test process reads nothing")


def _expected(service: BriefingService, store: FactStore) -> dict[str, tuple[int, dt.date]]:
    """The first page's nonce of every briefing the week should bring, and its key."""
    expected = {}
    for subscription in service.active_subscriptions():
        day = START.date() - dt.timedelta(days=1)
        while day <= END.date():
            digest = digest_for(store, day)
            if digest is not None and START <= scheduled_instant(subscription, day) <= END:
                key = (subscription.channel_id, digest.key, day)
                expected[page_nonce(key, 0)] = (subscription.channel_id, day)
            day += dt.timedelta(days=1)
    return expected


def test_four_processes_post_a_week_to_1000_channels_exactly_once_through_two_kills(
    tmp_path: Path, store: FactStore
) -> None:
    url = database_url(tmp_path, "fleet")
    service = _subscribe(url, store)
    expected = _expected(service, store)
    assert len(expected) == 2 * CHANNELS  # two days with a briefing, every channel
    journal = tmp_path / "discord.tsv"
    workers = [Worker(url, journal) for _ in range(4)]
    killed_in_flight: dict[dt.datetime, set[tuple[int, dt.date]]] = {}
    moment = START
    try:
        while moment <= END:
            if moment not in (FIRST_KILL, SECOND_KILL):
                assert _run_all(workers, moment) == []
                moment += TICK
                continue
            # The victim starts the fan-out alone and dies after its 10th message; the
            # others run the same moment after it (had they started together, the
            # first to start might leave it fewer than 10 posts to die in).
            victim = workers[0] if moment == FIRST_KILL else workers[1]
            victim.tell("die-after 10")
            assert victim.answer() == {"armed": 10}
            assert _run_all([victim], moment) == [victim]
            assert victim.process.wait(timeout=60) == -9
            victim.close()
            in_flight = _claimed(service)
            assert 0 < len(in_flight) <= PostingPolicy().concurrency
            killed_in_flight[moment] = in_flight
            others = [worker for worker in workers if worker is not victim]
            assert _run_all(others, moment) == []
            # Back a minute later (inside the re-send window), or ten (outside it).
            back = moment + dt.timedelta(minutes=1 if moment == FIRST_KILL else 10)
            workers[workers.index(victim)] = Worker(url, journal)
            assert _run_all(workers, back) == []
            moment += TICK
    finally:
        for worker in workers:
            worker.close()

    messages = read_journal(journal)
    nonces = Counter(nonce for _, nonce, _, _ in messages)
    assert max(nonces.values()) == 1  # no page twice
    delivered = {expected[nonce] for nonce in nonces}
    assert len(delivered) == len(messages)  # and nothing that was not due
    # The first kill left posts in flight; the restart inside the window finished them.
    assert killed_in_flight[FIRST_KILL]
    with service.database.session() as session:
        rows = {
            (entry.channel_id, entry.local_date): entry.status
            for entry in session.scalars(select(LedgerEntry))
        }
    assert set(rows) == set(expected.values())
    assert killed_in_flight[SECOND_KILL]  # there was something to settle
    assert set(rows.values()) == {PostStatus.SENT}  # nothing left "outcome unknown"
    assert delivered == set(expected.values())  # every briefing, each exactly once
    service.database.dispose()


def _claimed(service: BriefingService) -> set[tuple[int, dt.date]]:
    """The posts claimed and not finished: those in flight when the process died."""
    with service.database.session() as session:
        return {
            (entry.channel_id, entry.local_date)
            for entry in session.scalars(
                select(LedgerEntry).where(LedgerEntry.status == PostStatus.CLAIMED.value)
            )
        }
