"""The fan-out's pace: a token bucket below Discord's global limit, on a fake clock.

Nothing sleeps: the bucket's clock and sleep are a fake that moves time by hand, so
a second of sends is checked in microseconds.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.ratelimit import TokenBucket

DISCORD_GLOBAL_LIMIT = 50  # requests a second per bot


class FakeTime:
    """A monotonic clock that moves only when the one waiter sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


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
    assert sent[:3] == [3600.0] * 3
    assert sent[3:] == [pytest.approx(3600 + 1 / 45), pytest.approx(3600 + 2 / 45)]


def test_concurrent_senders_share_the_rate_in_their_order() -> None:
    """Eight senders at once (the fan-out's concurrency) get the tokens in turn, each
    reserved as it asks: together they go at the rate, never eight times it."""
    time = FakeTime()
    bucket = TokenBucket(40, clock=time.clock, sleep=time.sleep)
    waits = [bucket.wait() for _ in range(8)]  # eight ask in one turn of the loop
    assert waits == pytest.approx([n / 40 for n in range(8)])
    time.now = 1.0  # a second later, what was reserved is spent: one more at once
    assert bucket.wait() == 0.0
    assert bucket.wait() == pytest.approx(1 / 40)


def test_a_bucket_without_a_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="positive rate"):
        TokenBucket(0)
