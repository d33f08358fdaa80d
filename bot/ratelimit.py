"""Rate limits: a per-user sliding window for the heavier commands, and the token
bucket that paces a briefing's fan-out below Discord's global limit.

discord.py's own cooldowns read `time.time()`, which jumps when the wall clock is
set and cannot be moved by a test; these read `time.monotonic()`, or a clock given.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

__all__ = ["TokenBucket", "UserRateLimit"]


class UserRateLimit:
    """At most `rate` calls per user in any `per` seconds."""

    def __init__(self, rate: int, per: float, clock: Callable[[], float] | None = None) -> None:
        self.rate = rate
        self.per = per
        # Looked up on each call, not bound at import, so a patched clock is seen.
        self._clock = clock or (lambda: time.monotonic())
        self._calls: dict[int, deque[float]] = {}

    def hit(self, user_id: int) -> float:
        """Record a call; return 0 if allowed, else the seconds until the next one is."""
        now = self._clock()
        calls = self._calls.setdefault(user_id, deque())
        while calls and calls[0] <= now - self.per:
            calls.popleft()
        if len(calls) >= self.rate:
            return self.per - (now - calls[0])
        calls.append(now)
        return 0.0


class TokenBucket:
    """At most `rate` requests a second after a burst of `burst`, first come first served.

    Each caller reserves the next token at once and sleeps until it is due (the
    tokens may run below zero: those are reserved), so waiting callers keep their
    order and nothing is locked. Over any second, at most `burst + rate` go. The
    clock and the sleep are injected: a test moves time by hand.
    """

    def __init__(
        self,
        rate: float,
        burst: int = 1,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a token bucket needs a positive rate and a burst of at least 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock or (lambda: time.monotonic())
        self._sleep = sleep or asyncio.sleep
        self._tokens = float(burst)
        self._at = self._clock()

    def wait(self) -> float:
        """Reserve a token; the seconds until it is due (0: at once)."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        self._tokens -= 1
        return max(0.0, -self._tokens / self.rate)

    async def take(self) -> None:
        """Return when this caller's token is due."""
        wait = self.wait()
        if wait > 0:
            await self._sleep(wait)
