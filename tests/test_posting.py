"""Posting exactly once: the ledger, pages, nonces, late posts, skips, retries, races.

Time is injected: a `FakeClock` is moved by hand; nothing sleeps.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from briefings.developments import Development, NewEvent
from briefings.models import METADATA
from briefings.replies import Reply
from briefings.storage import Database, LedgerEntry, PostStatus, Subscription
from briefings.store import FactStore
from briefings.subscriptions import (
    BriefingService,
    ChannelUnavailableError,
    NowStatus,
    PostingPolicy,
    PostOutcome,
    RetryPolicy,
    TransientSendError,
    scheduled_instant,
)
from tests.year import DST_POSTS, SUBSCRIPTIONS

UTC = dt.UTC
SEOUL = "Asia/Seoul"
NINE = dt.time(9, 0)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: dt.datetime) -> None:
        self.current = now

    def now(self) -> dt.datetime:
        return self.current


class FakeSender:
    """Discord as the service meets it: pages become messages, a nonce seen within
    `nonce_window` returns the message it made, and failures come on demand.

    With a `journal`, what "Discord" holds is also written to a file, so a process
    killed mid fan-out leaves its messages for the next one to find, as Discord would.
    """

    def __init__(
        self,
        clock: FakeClock,
        pages: int = 1,
        journal: Path | None = None,
        nonce_window: dt.timedelta = dt.timedelta(minutes=5),
    ) -> None:
        self.clock = clock
        self.pages = pages
        self.journal = journal
        self.nonce_window = nonce_window
        self.posts: list[tuple[int, str]] = []  # every message made: (channel, title)
        self.made_at: list[dt.datetime] = []  # when each of them was made
        self.nonces: dict[tuple[int, str], tuple[int, dt.datetime]] = {}
        self.transient_failures = 0
        self.fail_every = 0  # when set, every n-th send fails once with a 503
        self.sends = 0
        self.fail_pages: set[tuple[int, int]] = set()  # (channel, page) fails once
        self.storm_until: dt.datetime | None = None  # every send before it gets a 503
        self.lost = 0  # the next sends are made, and their responses lost (a 503)
        self.replies: list[Reply] = []  # what each message made was rendered from
        self.gone: set[int] = set()
        self.lock = threading.Lock()
        if journal is not None and journal.exists():
            for line in journal.read_text().splitlines():
                channel, nonce, message_id, at, title = line.split("\t")
                self.nonces[(int(channel), nonce)] = (
                    int(message_id),
                    dt.datetime.fromisoformat(at),
                )
                self.posts.append((int(channel), title))
                self.made_at.append(dt.datetime.fromisoformat(at))
        self.unreadable: set[int] = set()  # channels whose history cannot be read

    def page_count(self, reply: Reply) -> int:
        return self.pages

    def _title(self, reply: Reply, page: int) -> str:
        return reply.title if self.pages == 1 else f"{reply.title} ({page + 1}/{self.pages})"

    async def delivered(
        self, channel_id: int, reply: Reply, page: int, since: dt.datetime
    ) -> int | None:
        """What the channel's history shows: this page, posted since `since`?"""
        if channel_id in self.unreadable:
            raise ChannelUnavailableError(f"may not read the history of channel {channel_id}")
        wanted = (channel_id, self._title(reply, page))
        for number, (post, at) in enumerate(zip(self.posts, self.made_at, strict=True), 1):
            if post == wanted and at >= since:
                return number
        return None

    async def send_page(
        self,
        channel_id: int,
        reply: Reply,
        page: int,
        nonce: str,
        ping_role_id: int | None = None,
    ) -> int:
        if channel_id in self.gone:
            raise ChannelUnavailableError(f"channel {channel_id} was deleted")
        self.sends += 1
        if self.transient_failures or (self.fail_every and self.sends % self.fail_every == 0):
            self.transient_failures = max(0, self.transient_failures - 1)
            raise TransientSendError("503 Service Unavailable")
        if (channel_id, page) in self.fail_pages:
            self.fail_pages.discard((channel_id, page))
            raise TransientSendError("503 Service Unavailable")
        if self.storm_until is not None and self.clock.now() < self.storm_until:
            raise TransientSendError("503 Service Unavailable")
        await asyncio.sleep(0)  # let a racing scheduler run in between
        now = self.clock.now()
        with self.lock:
            known = self.nonces.get((channel_id, nonce))
            if known is not None and now - known[1] <= self.nonce_window:
                return known[0]  # Discord's answer to a nonce it has seen: the same message
            title = self._title(reply, page)
            self.posts.append((channel_id, title))
            self.made_at.append(now)
            self.replies.append(reply)
            message_id = len(self.posts)
            self.nonces[(channel_id, nonce)] = (message_id, now)
            if self.journal is not None:
                with self.journal.open("a") as journal:
                    journal.write(
                        f"{channel_id}\t{nonce}\t{message_id}\t{now.isoformat()}\t{title}\n"
                    )
            if self.lost:
                self.lost -= 1
                raise TransientSendError("503 Service Unavailable (response lost)")
            return message_id


def database_url(tmp_path: Path, name: str = "briefbot") -> str:
    """The database under test: PostgreSQL under `make test-postgres`, else a SQLite file."""
    return os.environ.get("BRIEFBOT_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / name}.sqlite3"


def empty_database(url: str) -> Database:
    """The database with no tables at all (a shared server is emptied), not migrated."""
    db = Database(url)
    with db.engine.begin() as connection:
        METADATA.drop_all(connection)  # every table the migrations make
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    return db


def fresh_database(url: str) -> Database:
    """A migrated database with nothing in it."""
    db = empty_database(url)
    db.migrate()
    return db


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = fresh_database(database_url(tmp_path))
    yield db
    db.dispose()


class Harness:
    def __init__(self, database: Database, store: FactStore, start: dt.datetime) -> None:
        self.database = database
        self.store = store
        self.clock = FakeClock(start)
        self.sender = FakeSender(self.clock)
        self.service = self.restart()

    def restart(self) -> BriefingService:
        """A new service on the same database, as after a restart of the bot."""
        self.service = BriefingService(self.database, self.store, self.sender, self.clock)
        return self.service

    def run_due(self) -> list[PostOutcome]:
        return asyncio.run(self.service.run_due())

    def at(self, moment: dt.datetime) -> list[PostOutcome]:
        """Move the clock and run what is due then."""
        self.clock.current = moment
        return self.run_due()

    def ledger(self) -> list[LedgerEntry]:
        with self.database.session() as session:
            return list(session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)))


@pytest.fixture
def harness(database: Database, store: FactStore) -> Harness:
    return Harness(database, store, utc(2026, 8, 20, 12))


def test_posts_once_at_the_local_time(harness: Harness) -> None:
    harness.service.subscribe(1, 100, NINE, SEOUL, user_id=7)
    harness.clock.current = utc(2026, 8, 21, 23, 59)  # 08:59 in Seoul
    assert asyncio.run(harness.service.run_due()) == []
    harness.clock.current = utc(2026, 8, 22, 0, 0)  # 09:00 in Seoul
    outcomes = asyncio.run(harness.service.run_due())
    assert [(o.local_date, o.status, o.late) for o in outcomes] == [
        (dt.date(2026, 8, 22), PostStatus.SENT, False)
    ]
    assert harness.sender.posts == [(100, "GSOMIA briefing · 2026-08-22")]
    harness.clock.current = utc(2026, 8, 22, 0, 30)
    assert asyncio.run(harness.service.run_due()) == []
    assert asyncio.run(harness.restart().run_due()) == []
    assert len(harness.sender.posts) == 1


def test_a_new_subscription_does_not_post_the_past(harness: Harness) -> None:
    harness.clock.current = utc(2026, 8, 22, 1)  # 10:00 in Seoul, after today's 09:00
    harness.service.subscribe(1, 100, NINE, SEOUL, user_id=7)
    assert asyncio.run(harness.service.run_due()) == []
    assert harness.sender.posts == []


def test_late_within_grace_posts_with_a_note(harness: Harness) -> None:
    harness.service.subscribe(1, 100, NINE, SEOUL, user_id=7)
    harness.clock.current = utc(2026, 8, 22, 3)  # down from 09:00 to 12:00 Seoul time
    outcomes = asyncio.run(harness.restart().run_due())
    assert [(o.status, o.late) for o in outcomes] == [(PostStatus.SENT, True)]
    reply = harness.service.render(
        harness.service.planner.candidates(
            harness.database.subscriptions()[0], harness.clock.now()
        )[0],
        dt.timedelta(hours=3),
    )
    assert reply.lines[0] == (
        "(Posted 180 minutes late: it could not be posted at the scheduled time.)"
    )


def test_too_late_is_skipped_and_logged(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    harness.service.subscribe(1, 100, NINE, SEOUL, user_id=7)
    harness.clock.current = utc(2026, 8, 22, 7)  # 7 hours late
    with caplog.at_level(logging.WARNING):
        outcomes = asyncio.run(harness.service.run_due())
    assert [o.status for o in outcomes] == [PostStatus.SKIPPED]
    assert harness.sender.posts == []
    assert "skipped digest:2026-08-22 for channel 100" in caplog.text
    assert [e.status for e in harness.ledger()] == ["skipped"]
    assert asyncio.run(harness.service.run_due()) == []  # logged once, not every tick


def test_downtime_of_days_is_not_flooded(harness: Harness) -> None:
    harness.service.subscribe(1, 100, NINE, SEOUL, user_id=7)
    harness.clock.current = utc(2026, 11, 30)  # back three months later
    outcomes = asyncio.run(harness.service.run_due())
    assert harness.sender.posts == []
    assert all(o.status is PostStatus.SKIPPED for o in outcomes)
    assert len(outcomes) <= 1


def test_a_server_error_is_retried_later_by_the_scheduler_not_by_sleeping(
    harness: Harness,
) -> None:
    """The back-off never sleeps in the loop: the post waits in the ledger and the next
    run after its retry time sends it."""
    harness.service.subscribe(1, 100, NINE, SEOUL, user_id=7)
    harness.sender.transient_failures = 1
    due = utc(2026, 8, 22, 0)
    assert [o.status for o in harness.at(due)] == [PostStatus.RETRY]
    (entry,) = harness.ledger()
    assert (entry.status, entry.next_try_at) == ("retry", due + dt.timedelta(seconds=15))
    assert harness.at(due + dt.timedelta(seconds=14)) == []
    assert [o.status for o in harness.at(due + dt.timedelta(seconds=15))] == [PostStatus.SENT]
    (entry,) = harness.ledger()
    assert (entry.status, entry.attempts, entry.pages_sent) == ("sent", 2, 1)
    assert len(harness.sender.posts) == 1


def test_a_storm_longer_than_the_retries_leaves_the_post_for_the_next_sweep(
    harness: Harness,
) -> None:
    """A 5-minute storm of 503s outlasts the three retries (15, 30, 60 s); the post is
    not failed for good but waits for a later try (about one sweep on), and is posted
    once, saying it is late."""
    harness.service.subscribe(1, 100, NINE, SEOUL, user_id=7)
    due = utc(2026, 8, 22, 0)
    harness.sender.storm_until = due + dt.timedelta(minutes=5)
    statuses = [o.status for o in harness.at(due)]
    for wait in (15, 30, 60):
        (entry,) = harness.ledger()
        assert entry.next_try_at == harness.clock.now() + dt.timedelta(seconds=wait)
        statuses += [o.status for o in harness.at(entry.next_try_at)]
    assert statuses == [PostStatus.RETRY] * 4
    (entry,) = harness.ledger()
    assert entry.next_try_at == harness.clock.now() + RetryPolicy().later
    assert harness.at(harness.clock.now() + dt.timedelta(minutes=5)) == []  # not yet due
    outcomes = harness.at(entry.next_try_at)
    assert [(o.status, o.late) for o in outcomes] == [(PostStatus.SENT, True)]
    assert harness.sender.posts == [(100, "GSOMIA briefing · 2026-08-22")]
    (reply,) = harness.sender.replies
    assert reply.lines[0].startswith("(Posted 16 minutes late")
    (entry,) = harness.ledger()
    assert (entry.status, entry.attempts) == ("sent", 5)


def test_a_storm_past_the_grace_gives_the_post_up_and_says_so(harness: Harness) -> None:
    """No try falls after the grace window; the post is given up, counted as such and
    shown by `/brief list`, and never tried again."""
    harness.service.subscribe(1, 100, NINE, SEOUL, user_id=7)
    due = utc(2026, 8, 22, 0)
    harness.sender.storm_until = due + dt.timedelta(days=1)
    outcomes = harness.at(due)
    while outcomes and outcomes[-1].status is PostStatus.RETRY:
        (entry,) = harness.ledger()
        assert entry.next_try_at is not None
        assert entry.next_try_at <= due + PostingPolicy().grace
        outcomes = harness.at(entry.next_try_at)
    assert [(o.status, o.given_up) for o in outcomes] == [(PostStatus.FAILED, True)]
    assert harness.clock.now() <= due + PostingPolicy().grace
    assert harness.sender.posts == []
    (entry,) = harness.ledger()
    assert entry.status == "failed"
    (overview,) = harness.service.overview(1)
    assert overview.problems == (
        "2026-08-22: failed (503 Service Unavailable; given up: not delivered within the"
        " grace window)",
    )
    harness.sender.storm_until = None
    assert harness.at(due + dt.timedelta(hours=3)) == []  # not retried for ever


def test_a_retry_found_after_the_grace_is_given_up_not_posted(harness: Harness) -> None:
    """Every process was down from the first 503 until seven hours later: the retry is
    given up, not sent as a 7-hour-old briefing with no note."""
    harness.service.subscribe(1, 100, NINE, SEOUL, user_id=7)
    due = utc(2026, 8, 22, 0)
    harness.sender.transient_failures = 1
    assert [o.status for o in harness.at(due)] == [PostStatus.RETRY]
    harness.restart()
    outcomes = harness.at(due + dt.timedelta(hours=7))
    assert [(o.status, o.given_up) for o in outcomes] == [(PostStatus.FAILED, True)]
    assert harness.sender.posts == []
    assert harness.at(due + dt.timedelta(hours=8)) == []  # reported once


def test_lost_responses_retried_after_the_nonce_window_are_not_posted_twice(
    harness: Harness,
) -> None:
    """Discord made the message, the bot heard a 503 and left the post for a retry, and
    every process was down for ten minutes, past Discord's nonce window. Sending again
    would make a second copy per lost response, so the channel is read first: the
    ones Discord made are recorded, not sent."""
    channels = range(100, 120)
    for channel in channels:
        harness.service.subscribe(1, channel, NINE, SEOUL, user_id=7)
    due = utc(2026, 8, 22, 0)
    harness.sender.lost = 3
    outcomes = harness.at(due)
    assert sorted(o.status for o in outcomes) == [PostStatus.RETRY] * 3 + [PostStatus.SENT] * 17
    assert len(harness.sender.posts) == 20  # the three were made all the same
    harness.restart()  # the fleet comes back ten minutes later
    assert harness.at(due + dt.timedelta(minutes=10)) == []  # nothing was sent
    assert sorted(channel for channel, _ in harness.sender.posts) == list(channels)
    assert {e.status for e in harness.ledger()} == {PostStatus.SENT}


def test_a_failing_page_is_retried_alone(harness: Harness) -> None:
    """A 503 on page 2 of 8 is retried from page 2: retrying the whole briefing would
    post page 1 twice."""
    harness.sender.pages = 8
    harness.service.subscribe(1, 100, NINE, SEOUL, user_id=7)
    harness.sender.fail_pages.add((100, 1))
    due = utc(2026, 8, 22, 0)
    assert [o.status for o in harness.at(due)] == [PostStatus.RETRY]
    assert harness.ledger()[0].pages_sent == 1
    assert [o.status for o in harness.at(due + dt.timedelta(minutes=1))] == [PostStatus.SENT]
    titles = [title for _, title in harness.sender.posts]
    assert titles == [f"GSOMIA briefing · 2026-08-22 ({n}/8)" for n in range(1, 9)]
    (entry,) = harness.ledger()
    assert (entry.status, entry.pages_sent, entry.page_count) == ("sent", 8, 8)


async def _blocked_fan_out(harness: Harness, release: asyncio.Event) -> None:
    sender = harness.sender
    original = sender.send_page

    async def slow_for_100(
        channel_id: int, reply: Reply, page: int, nonce: str, ping_role_id: int | None = None
    ) -> int:
        if channel_id == 100:
            await release.wait()  # a channel whose sends hang
        return await original(channel_id, reply, page, nonce)

    sender.send_page = slow_for_100  # type: ignore[method-assign]
    fan_out = asyncio.create_task(harness.service.run_due())

    async def the_others_posted() -> None:
        # The ledger commits in a thread: wait for that work, not for any clock.
        while len(sender.posts) < 19:
            await asyncio.sleep(0.01)

    await asyncio.wait_for(the_others_posted(), timeout=60)
    assert sorted(channel for channel, _ in sender.posts) == list(range(101, 120))
    release.set()
    outcomes = await fan_out
    assert [o.status for o in outcomes] == [PostStatus.SENT] * 20


def test_one_hanging_channel_does_not_hold_up_the_others(harness: Harness) -> None:
    """Channels are sent to concurrently: channel 100 (first in line) hanging holds no
    other channel's briefing."""
    for channel in range(100, 120):
        harness.service.subscribe(1, channel, NINE, SEOUL, user_id=7)
    harness.clock.current = utc(2026, 8, 22, 0)
    asyncio.run(_blocked_fan_out(harness, asyncio.Event()))
    assert len(harness.sender.posts) == 20


def test_a_deleted_channel_disables_only_its_subscription(harness: Harness) -> None:
    harness.service.subscribe(1, 100, NINE, SEOUL, user_id=7)
    harness.service.subscribe(1, 200, NINE, SEOUL, user_id=7)
    harness.sender.gone.add(100)
    harness.clock.current = utc(2026, 8, 22, 0)
    outcomes = asyncio.run(harness.service.run_due())
    assert sorted((o.channel_id, o.status) for o in outcomes) == [
        (100, PostStatus.FAILED),
        (200, PostStatus.SENT),
    ]
    subscriptions = {s.channel_id: s for s in harness.database.subscriptions()}
    assert not subscriptions[100].active
    assert subscriptions[100].disabled_reason == "channel 100 was deleted"
    assert subscriptions[200].active


def _die_after_discord_accepts_page(harness: Harness, last: int) -> None:
    """Run what is due; the process "dies" right after Discord accepted page `last`."""
    sender = harness.sender
    original = sender.send_page

    async def send_then_die(
        channel_id: int, reply: Reply, page: int, nonce: str, ping_role_id: int | None = None
    ) -> int:
        message_id = await original(channel_id, reply, page, nonce)
        if page == last:
            raise asyncio.CancelledError  # killed before the ledger heard of it
        return message_id

    sender.send_page = send_then_die  # type: ignore[method-assign]
    with pytest.raises(asyncio.CancelledError):
        harness.run_due()
    sender.send_page = original  # type: ignore[method-assign]


def test_a_post_left_mid_send_is_resumed_within_the_window_without_a_second_copy(
    harness: Harness,
) -> None:
    """Restarted 90 s after a crash that followed Discord's accepting page 2 of 3: the
    resume sends page 2 again with its nonce (Discord returns the message it made)
    and then page 3. Three messages, each once."""
    harness.sender.pages = 3
    harness.service.subscribe(1, 100, NINE, SEOUL, user_id=7)
    harness.clock.current = utc(2026, 8, 22, 0)
    _die_after_discord_accepts_page(harness, last=1)
    (entry,) = harness.ledger()
    assert (entry.status, entry.pages_sent) == ("claimed", 1)
    harness.restart()
    assert harness.at(utc(2026, 8, 22, 0) + dt.timedelta(seconds=10)) == []  # may be alive
    outcomes = harness.at(utc(2026, 8, 22, 0) + dt.timedelta(seconds=90))
    assert [o.status for o in outcomes] == [PostStatus.SENT]
    titles = [title for _, title in harness.sender.posts]
    assert titles == [f"GSOMIA briefing · 2026-08-22 ({n}/3)" for n in (1, 2, 3)]
    (entry,) = harness.ledger()
    assert (entry.status, entry.pages_sent, entry.resumes) == ("sent", 3, 1)


def test_a_post_left_mid_send_past_the_window_is_checked_in_its_channel(
    harness: Harness,
) -> None:
    """After the window Discord may have forgotten the nonces, so a re-send could make a
    second copy; rather than leave the post "outcome unknown" for good, the channel
    is read: page 2, delivered but never recorded, is found and recorded, and
    only page 3 is sent. Three messages, each once."""
    harness.sender.pages = 3
    harness.service.subscribe(1, 100, NINE, SEOUL, user_id=7)
    harness.clock.current = utc(2026, 8, 22, 0)
    _die_after_discord_accepts_page(harness, last=1)
    harness.restart()
    outcomes = harness.at(utc(2026, 8, 22, 0) + dt.timedelta(seconds=121))
    assert [o.status for o in outcomes] == [PostStatus.SENT]
    titles = [title for _, title in harness.sender.posts]
    assert titles == [f"GSOMIA briefing · 2026-08-22 ({n}/3)" for n in (1, 2, 3)]
    (entry,) = harness.ledger()
    assert (entry.status, entry.pages_sent, entry.resumes) == ("sent", 3, 1)
    assert harness.at(utc(2026, 8, 22, 3)) == []  # and never again
    assert len(harness.sender.posts) == 3


def test_a_page_not_in_the_channel_after_the_window_is_sent_once(harness: Harness) -> None:
    """The crash came before Discord had page 2 (the send itself failed as the process
    died): the channel does not hold it, so it is sent, once, then page 3."""
    harness.sender.pages = 3
    harness.service.subscribe(1, 100, NINE, SEOUL, user_id=7)
    harness.clock.current = utc(2026, 8, 22, 0)
    original = harness.sender.send_page

    async def dies_on_page_two(
        channel_id: int, reply: Reply, page: int, nonce: str, ping_role_id: int | None = None
    ) -> int:
        if page == 1:
            raise asyncio.CancelledError  # killed while sending page 2
        return await original(channel_id, reply, page, nonce)

    harness.sender.send_page = dies_on_page_two  # type: ignore[method-assign]
    with pytest.raises(asyncio.CancelledError):
        harness.run_due()
    harness.sender.send_page = original  # type: ignore[method-assign]
    harness.restart()
    outcomes = harness.at(utc(2026, 8, 22, 0, 30))
    assert [o.status for o in outcomes] == [PostStatus.SENT]
    titles = [title for _, title in harness.sender.posts]
    assert titles == [f"GSOMIA briefing · 2026-08-22 ({n}/3)" for n in (1, 2, 3)]


def test_a_channel_whose_history_cannot_be_read_stays_at_most_once(harness: Harness) -> None:
    harness.sender.pages = 3
    harness.service.subscribe(1, 100, NINE, SEOUL, user_id=7)
    harness.clock.current = utc(2026, 8, 22, 0)
    _die_after_discord_accepts_page(harness, last=1)
    harness.sender.unreadable = {100}
    harness.restart()
    assert harness.at(utc(2026, 8, 22, 0) + dt.timedelta(seconds=121)) == []
    assert harness.at(utc(2026, 8, 22, 3)) == []
    assert len(harness.sender.posts) == 2  # nothing sent that might be a second copy
    (entry,) = harness.ledger()
    assert (entry.status, entry.pages_sent, entry.resumes) == ("claimed", 1, 1)
    assert entry.error is not None
    assert entry.error.startswith("outcome unknown; the channel could not be read")
    (overview,) = harness.service.overview(1)
    assert overview.problems == ("2026-08-22: outcome unknown (the bot stopped while posting)",)


def test_a_resumed_post_is_resumed_once_only(harness: Harness) -> None:
    harness.sender.pages = 3
    harness.service.subscribe(1, 100, NINE, SEOUL, user_id=7)
    harness.clock.current = utc(2026, 8, 22, 0)
    _die_after_discord_accepts_page(harness, last=0)
    harness.clock.current += dt.timedelta(seconds=40)
    _die_after_discord_accepts_page(harness, last=1)  # dies again while resuming
    assert harness.at(harness.clock.current + dt.timedelta(seconds=40)) == []
    (entry,) = harness.ledger()
    assert (entry.status, entry.resumes) == ("claimed", 1)
    assert len(harness.sender.posts) == 2


def test_post_now_once_and_not_again_at_the_scheduled_time(harness: Harness) -> None:
    harness.clock.current = utc(2026, 8, 21, 22)  # 07:00 in Seoul on the 22nd
    subscription = harness.service.subscribe(1, 100, NINE, SEOUL, user_id=7)
    first = asyncio.run(harness.service.post_now(subscription))
    assert first.status is NowStatus.POSTED
    again = asyncio.run(harness.service.post_now(subscription))
    assert again.status is NowStatus.ALREADY
    harness.clock.current = utc(2026, 8, 22, 0)
    assert asyncio.run(harness.service.run_due()) == []
    assert len(harness.sender.posts) == 1


def test_post_now_on_a_quiet_day(harness: Harness) -> None:
    harness.clock.current = utc(2026, 11, 24, 3)
    subscription = harness.service.subscribe(1, 100, NINE, SEOUL, user_id=7)
    assert asyncio.run(harness.service.post_now(subscription)).status is NowStatus.NOTHING


def test_two_schedulers_on_one_sqlite_file_post_once(tmp_path: Path, store: FactStore) -> None:
    url = database_url(tmp_path, "shared")
    first_db = fresh_database(url)
    second_db = Database(url)
    clock = FakeClock(utc(2026, 8, 20))
    sender = FakeSender(clock)
    first = BriefingService(first_db, store, sender, clock)
    second = BriefingService(second_db, store, sender, clock)
    for channel in (100, 200, 300):
        first.subscribe(1, channel, NINE, SEOUL, user_id=7)
    clock.current = utc(2026, 8, 22, 0, 1)

    async def race() -> None:
        await asyncio.gather(first.run_due(), second.run_due())

    asyncio.run(race())
    # ...and as two threads, each with its own event loop, as two processes would be.
    clock.current = utc(2026, 8, 23, 0, 1)
    threads = [threading.Thread(target=asyncio.run, args=(s.run_due(),)) for s in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sender.posts) == sorted(
        [(c, "GSOMIA briefing · 2026-08-22") for c in (100, 200, 300)]
        + [(c, "GSOMIA briefing · 2026-08-23") for c in (100, 200, 300)]
    )
    first_db.dispose()
    second_db.dispose()


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        # New York springs forward at 02:00 on 2026-03-08: 02:30 does not exist.
        ("America/New_York", dt.date(2026, 3, 8), dt.time(2, 30), utc(2026, 3, 8, 7, 30)),
        # ...and falls back on 2026-11-01: 01:30 happens twice; the first one counts.
        ("America/New_York", dt.date(2026, 11, 1), dt.time(1, 30), utc(2026, 11, 1, 5, 30)),
        ("Europe/London", dt.date(2026, 7, 1), dt.time(9, 0), utc(2026, 7, 1, 8, 0)),
        ("Europe/London", dt.date(2026, 12, 1), dt.time(9, 0), utc(2026, 12, 1, 9, 0)),
    ],
)
def test_local_time_across_dst(zone: str, day: dt.date, at: dt.time, expected: dt.datetime) -> None:
    subscription = Subscription(post_time=at.strftime("%H:%M"), timezone=zone)
    assert scheduled_instant(subscription, day) == expected


# --- a simulated year -------------------------------------------------------------------

# (first hour down, hours down): a short outage (a post goes late) and a long one
# (every channel's 30 June post is skipped).
OUTAGES = [(utc(2026, 12, 30, 23), 3), (utc(2026, 6, 29, 10), 60)]


def _down(moment: dt.datetime) -> bool:
    return any(start <= moment < start + dt.timedelta(hours=hours) for start, hours in OUTAGES)


def _briefing_days(store: FactStore, start: dt.datetime, end: dt.datetime) -> set[dt.date]:
    from briefings.occasions import digest_for

    days = (start.date() + dt.timedelta(days=n) for n in range((end - start).days + 1))
    return {day for day in days if digest_for(store, day) is not None}


def _ticks(store: FactStore, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Hourly from two days before each briefing day to two days after it (every zone's
    post, its retries and the outages fall there); every six hours on the quiet days
    between, where nothing is due and a post repeated within its grace would still
    show. Ticking those hourly too made the year four times as long to run."""
    near = {
        day + dt.timedelta(days=shift)
        for day in _briefing_days(store, start, end)
        for shift in range(-2, 3)
    }
    ticks, moment = [], start
    while moment <= end:
        if moment.date() in near or moment.hour % 6 == 0:
            ticks.append(moment)
        moment += dt.timedelta(hours=1)
    return ticks


def _expected(
    store: FactStore, start: dt.datetime, end: dt.datetime
) -> dict[tuple[int, dt.date], str]:
    """What should happen to each post, worked out without the service."""
    from briefings.occasions import digest_for

    up = [t for t in _ticks(store, start, end) if not _down(t)]
    expected = {}
    for channel, at, zone in SUBSCRIPTIONS:
        subscription = Subscription(post_time=at.strftime("%H:%M"), timezone=zone)
        day = start.astimezone(ZoneInfo(zone)).date()
        while day <= end.date():
            instant = scheduled_instant(subscription, day)
            if digest_for(store, day) is not None and start <= instant <= end:
                first_up = next((t for t in up if t >= instant), None)
                if first_up is not None:
                    late = first_up - instant
                    expected[(channel, day)] = (
                        "sent" if late <= dt.timedelta(hours=6) else "skipped"
                    )
            day += dt.timedelta(days=1)
    return expected


def test_a_simulated_year_posts_every_briefing_exactly_once(
    database: Database, dst_store: FactStore
) -> None:
    """Five channels, every 2026 DST change day with a briefing (tests/year.py), hourly
    ticks around each briefing day, a restart every forty days, two outages, and a 503
    on every third send."""
    start, end = utc(2026, 1, 1), utc(2026, 12, 31, 23)
    harness = Harness(database, dst_store, start)
    harness.sender.fail_every = 3
    for channel, at, zone in SUBSCRIPTIONS:
        harness.service.subscribe(1, channel, at, zone, user_id=7)
    sent: dict[tuple[int, dt.date], int] = {}

    async def year() -> None:
        for moment in _ticks(dst_store, start, end):
            if not _down(moment):
                if (moment - start) % dt.timedelta(days=40) == dt.timedelta(0):
                    harness.restart()
                harness.clock.current = moment
                for outcome in await harness.service.run_due():
                    if outcome.status is PostStatus.SENT:
                        key = (outcome.channel_id, outcome.local_date)
                        sent[key] = sent.get(key, 0) + 1

    asyncio.run(year())
    expected = _expected(dst_store, start, end)
    entries = harness.ledger()
    statuses = {(e.channel_id, e.local_date): e.status for e in entries}
    assert statuses == expected
    assert all(count == 1 for count in sent.values())
    assert set(sent) == {key for key, status in expected.items() if status == "sent"}
    assert len(harness.sender.posts) == len(sent)
    # Nine days with a briefing, five channels; the long outage swallowed 30 June.
    assert len(expected) == 9 * 5
    assert sorted(k for k, v in expected.items() if v == "skipped") == [
        (channel, dt.date(2026, 6, 30)) for channel, _, _ in SUBSCRIPTIONS
    ]
    # The posts on the change days went at the instants the DST rules give.
    scheduled = {(e.channel_id, e.local_date): e.scheduled_for for e in entries}
    assert {key: scheduled[key] for key in DST_POSTS} == DST_POSTS
    assert all(statuses[key] == "sent" for key in DST_POSTS)
    # At least a third of the posts met a 503 and were sent by a later try.
    retried = [e for e in entries if e.attempts > 1]
    assert 3 * len(retried) >= len(sent)
    assert {e.status for e in retried} == {PostStatus.SENT}


class DiesAfter(FakeSender):
    """Delivers, then kills its own process at once after the k-th message, as kill -9
    would right after Discord accepted it."""

    def __init__(self, clock: FakeClock, journal: Path, k: int) -> None:
        super().__init__(clock, journal=journal)
        self.k = k

    async def send_page(
        self,
        channel_id: int,
        reply: Reply,
        page: int,
        nonce: str,
        ping_role_id: int | None = None,
    ) -> int:
        message_id = await super().send_page(channel_id, reply, page, nonce)
        if len(self.posts) == self.k:
            os.kill(os.getpid(), signal.SIGKILL)
        return message_id


def _fan_out_then_die(url: str, store: FactStore, journal: Path, k: int) -> None:
    clock = FakeClock(utc(2026, 8, 22, 0))
    service = BriefingService(Database(url), store, DiesAfter(clock, journal, k), clock)
    asyncio.run(service.run_due())


def _killed_after_24_of_30(
    database: Database, store: FactStore, tmp_path: Path
) -> tuple[range, Path]:
    """Thirty channels subscribed; a process fans their briefing out and is killed right
    after Discord has made the 24th message. The channels, and Discord's journal."""
    clock = FakeClock(utc(2026, 8, 20, 12))
    service = BriefingService(database, store, FakeSender(clock), clock)
    channels = range(100, 130)
    for channel in channels:
        service.subscribe(1, channel, NINE, SEOUL, user_id=7)
    journal = tmp_path / "discord.tsv"
    process = multiprocessing.get_context("fork").Process(
        target=_fan_out_then_die, args=(database.url, store, journal, 24)
    )
    process.start()
    process.join(timeout=120)
    assert process.exitcode == -signal.SIGKILL
    return channels, journal


def test_a_kill_mid_fan_out_then_a_restart_posts_every_briefing_once(
    database: Database, store: FactStore, tmp_path: Path
) -> None:
    """Each delivery is recorded as it happens (rows written in batches would say
    "outcome unknown" after a kill -9 though delivered), and a restart within the
    re-send window finishes the fan-out: every channel has its briefing exactly
    once."""
    channels, journal = _killed_after_24_of_30(database, store, tmp_path)
    harness = Harness(database, store, utc(2026, 8, 22, 0, 1))
    harness.sender = FakeSender(harness.clock, journal=journal)  # what Discord holds
    delivered = {channel for channel, _ in harness.sender.posts}
    entries = harness.ledger()
    sent = {entry.channel_id for entry in entries if entry.status == PostStatus.SENT}
    # Deliveries are recorded as they happen (a group commit per turn of the event
    # loop, which each send waits for): only sends still in flight at the kill, at most
    # one per concurrent sender, are delivered but unrecorded. Posts not started have
    # no row: they are claimed as their sends start.
    assert len(delivered) == 24
    assert sent <= delivered
    assert len(delivered - sent) <= PostingPolicy().concurrency
    assert {entry.status for entry in entries} == {PostStatus.SENT, PostStatus.CLAIMED}
    harness.restart()
    outcomes = harness.run_due()
    assert sorted(o.channel_id for o in outcomes) == sorted(set(channels) - sent)
    assert sorted(channel for channel, _ in harness.sender.posts) == list(channels)
    assert {entry.status for entry in harness.ledger()} == {PostStatus.SENT}


def test_after_a_kill_a_late_restart_posts_every_briefing_exactly_once(
    database: Database, store: FactStore, tmp_path: Path
) -> None:
    """A post is claimed as its send starts, not when the run begins, so a kill after 24
    of 30 sends leaves the 6 posts never started unclaimed; and a post left in flight
    is looked for in its channel. The late restart, past the re-send window, finds the
    ones Discord had, sends the ones it had not, and every channel has its briefing
    exactly once."""
    channels, journal = _killed_after_24_of_30(database, store, tmp_path)
    # Back ten minutes later: long past the re-send window, well within the grace.
    harness = Harness(database, store, utc(2026, 8, 22, 0, 10))
    harness.sender = FakeSender(harness.clock, journal=journal)
    claimed_then = {entry.channel_id for entry in harness.ledger()}
    assert len(claimed_then) <= 24 + PostingPolicy().concurrency
    harness.restart()
    outcomes = harness.run_due()
    assert all(o.status is PostStatus.SENT for o in outcomes)
    posted = [channel for channel, _ in harness.sender.posts]
    assert sorted(posted) == list(channels)  # each channel once
    assert {e.status for e in harness.ledger()} == {PostStatus.SENT}


class FakeDevelopments:
    """Developments as the review desk hands them out."""

    def __init__(self, *found: Development) -> None:
        self.found = list(found)

    def developments_since(self, since: dt.datetime) -> list[Development]:
        return [d for d in self.found if d.at >= since]

    def development(self, key: str) -> Development | None:
        return next((d for d in self.found if d.key == key), None)


def _development(at: dt.datetime, name: str = "web_1.txt") -> Development:
    return Development(
        page_name=name,
        title="Freedonia closes its ports",
        url="https://news.example/ports",
        accepted_by="cora (42)",
        at=at,
        events=(
            NewEvent(title="Freedonia closes its ports", date="2021-03-05", status="happened"),
        ),
    )


def test_a_development_goes_once_to_the_channels_that_asked_since_they_asked(
    harness: Harness,
) -> None:
    """Developments ("New on record") go through the ledger: once per (channel,
    article), only to subscriptions with developments made before the accept, and
    not once the grace has passed."""
    accepted = utc(2026, 8, 20, 13)
    developments = FakeDevelopments(_development(accepted))
    service = BriefingService(
        harness.database, harness.store, harness.sender, harness.clock, developments=developments
    )
    service.subscribe(1, 100, NINE, SEOUL, user_id=7, developments=True, ping_role_id=555)
    service.subscribe(1, 200, NINE, SEOUL, user_id=7)  # no developments
    harness.clock.current = accepted + dt.timedelta(minutes=1)
    service.subscribe(1, 300, NINE, SEOUL, user_id=7, developments=True)  # after the accept
    outcomes = asyncio.run(service.run_due())
    assert [(o.channel_id, o.status) for o in outcomes] == [(100, PostStatus.SENT)]
    assert harness.sender.posts == [(100, "New on record: Freedonia closes its ports")]
    assert asyncio.run(service.run_due()) == []  # and not again
    restarted = BriefingService(
        harness.database, harness.store, harness.sender, harness.clock, developments=developments
    )
    assert asyncio.run(restarted.run_due()) == []
    # A development found only after the grace (every process was down) is not posted.
    late = _development(utc(2026, 8, 20, 13, 30), "web_2.txt")
    developments.found.append(late)
    harness.clock.current = late.at + PostingPolicy().grace + dt.timedelta(minutes=1)
    assert [o.status for o in asyncio.run(service.run_due())] == []
    assert len(harness.sender.posts) == 1


def test_a_development_left_for_a_retry_is_sent_from_the_ledger(harness: Harness) -> None:
    accepted = utc(2026, 8, 20, 13)
    developments = FakeDevelopments(_development(accepted))
    service = BriefingService(
        harness.database, harness.store, harness.sender, harness.clock, developments=developments
    )
    service.subscribe(1, 100, NINE, SEOUL, user_id=7, developments=True)
    harness.clock.current = accepted
    harness.sender.transient_failures = 1
    assert [o.status for o in asyncio.run(service.run_due())] == [PostStatus.RETRY]
    [entry] = harness.ledger()
    assert entry.next_try_at is not None
    harness.clock.current = entry.next_try_at
    assert [o.status for o in asyncio.run(service.run_due())] == [PostStatus.SENT]
    assert harness.sender.posts == [(100, "New on record: Freedonia closes its ports")]


def test_a_ledger_write_waiting_for_another_process_never_stops_the_loop(
    harness: Harness,
) -> None:
    """The ledger's statements run in a thread: a write waiting for another process's
    lock (up to SQLite's busy timeout) on the event loop would stop everything (the
    gateway, commands, the other sends). The loop goes on, and the post goes once the
    lock is released."""
    if harness.database.engine.dialect.name != "sqlite":
        pytest.skip("holds SQLite's write lock")
    harness.service.subscribe(1, 100, NINE, SEOUL, user_id=7)
    harness.clock.current = utc(2026, 8, 22, 0)
    other = harness.database.engine.raw_connection()  # another writer, as another process
    other.execute("BEGIN IMMEDIATE")

    async def fan_out_while_locked() -> list[PostOutcome]:
        run = asyncio.create_task(harness.service.run_due())
        turns = 0
        while turns < 20 and not run.done():  # the loop turns while the claim waits
            await asyncio.sleep(0.01)
            turns += 1
        assert turns == 20
        assert harness.sender.posts == []
        other.commit()
        return await run

    outcomes = asyncio.run(fan_out_while_locked())
    other.close()
    assert [o.status for o in outcomes] == [PostStatus.SENT]
    assert len(harness.sender.posts) == 1


def test_a_wake_reads_its_own_channels_ledger_rows_alone(harness: Harness) -> None:
    """A wake looks its own posts' keys up on the unique index, rather than reading every
    channel's ledger rows since its earliest candidate day (about 3 rows a
    subscription: 166 ms at 100,000) to learn which of its few posts are out."""
    service = harness.service
    mine = service.subscribe(1, 100, NINE, SEOUL, user_id=7)
    for channel in (200, 201, 202):
        service.subscribe(1, channel, NINE, SEOUL, user_id=7)
    harness.at(utc(2026, 8, 22, 0))  # everyone's 09:00 in Seoul, a day with a briefing
    assert len(harness.sender.posts) == 4
    due = service.planner.candidates(mine, harness.clock.now())
    assert {post.channel_id for post in due} == {100}
    assert service.ledger.recorded(due) == {post.key for post in due}
    assert service.ledger.recorded([]) == set()
    assert asyncio.run(service.run_subscription(mine)) == []  # posted once, not again
