"""The fan-out's pace: a token bucket below Discord's global limit, on a fake clock.

Nothing sleeps: the bucket's clock and sleep are a fake that moves time by hand, so
a second of sends is checked in microseconds.
"""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.ratelimit import TokenBucket

DISCORD_GLOBAL_LIMIT = 50  # requests a second per bot


class FakeTime:
    """A monotonic clock that moves only when the one waiter sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.late = 0.0  # how much later than asked the next sleeper is woken

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds + self.late
        self.late = 0.0
        await asyncio.sleep(0)  # the other senders run meanwhile, as on a real loop


def _send_times(bucket: TokenBucket, time: FakeTime, count: int) -> list[float]:
    """When each of `count` sends, taken one after another, may go."""
    sent = []

    async def send_all() -> None:
        for _ in range(count):
            await bucket.take()
            sent.append(time.now)

    asyncio.run(send_all())
    return sent


def test_the_fan_out_never_passes_the_rate_in_any_second() -> None:
    time = FakeTime()
    bucket = TokenBucket(45, clock=time.clock, sleep=time.sleep)
    sent = _send_times(bucket, time, 450)
    busiest = max(sum(start <= at < start + 1 for at in sent) for start in sent)
    assert busiest <= 46 < DISCORD_GLOBAL_LIMIT  # the burst of one, then 45 a second
    assert sent[-1] == pytest.approx(449 / 45)  # and no slower than that


def test_a_rested_bucket_lets_only_its_burst_through_at_once() -> None:
    time = FakeTime()
    bucket = TokenBucket(45, burst=3, clock=time.clock, sleep=time.sleep)
    time.now = 3600.0  # an hour idle saves up no more than the burst
    sent = _send_times(bucket, time, 5)
    assert sent[:3] == pytest.approx([3600.0] * 3)
    assert sent[3:] == [pytest.approx(3600 + 1 / 45), pytest.approx(3600 + 2 / 45)]


def test_concurrent_senders_share_the_rate_in_their_order() -> None:
    """Eight senders at once (the fan-out's concurrency) go in turn: together at the
    rate, never eight times it, and each gets its share."""
    time = FakeTime()
    bucket = TokenBucket(40, clock=time.clock, sleep=time.sleep)
    order: list[tuple[int, float]] = []

    async def sender(number: int) -> None:
        for _ in range(5):
            await bucket.take()
            order.append((number, time.now))

    async def all_at_once() -> None:
        await asyncio.gather(*(sender(number) for number in range(8)))

    asyncio.run(all_at_once())
    assert [at for _, at in order] == pytest.approx([n / 40 for n in range(40)])
    assert sorted(number for number, _ in order) == sorted(list(range(8)) * 5)


def test_a_sender_woken_late_is_not_bunched_with_the_next() -> None:
    """A pause of the loop (a garbage collection) wakes a waiting sender late: the
    next is reckoned from when it actually went, so Discord never sees the two at
    once (reserved in advance, the next would have gone straight after it)."""
    time = FakeTime()
    bucket = TokenBucket(45, clock=time.clock, sleep=time.sleep)

    async def paused() -> list[float]:
        sent = []
        for number in range(4):
            if number == 2:
                time.late = 0.1
            await bucket.take()
            sent.append(time.now)
        return sent

    sent = asyncio.run(paused())
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent)]
    assert gaps[1] == pytest.approx(1 / 45 + 0.1)
    assert min(gaps) >= 1 / 45 - 1e-9


def test_a_bucket_without_a_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="positive rate"):
        TokenBucket(0)
