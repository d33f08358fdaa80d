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

    Each caller is let through at the moment it is next due, reckoned from when the
    one before was actually let through (the generic cell rate algorithm): a sender
    the loop wakes late (a pause, a busy turn) sends later, never bunched with the
    next, so over any second at most `burst + rate` go, as Discord counts them. The
    callers wait in turn behind one lock. The clock and the sleep are injected: a test
    moves time by hand.
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
        self._due = self._clock()  # when the next caller would be let through, burst spent
        self._turn = asyncio.Lock()

    def wait(self) -> float:
        """The seconds until a caller would be let through now (0: at once)."""
        return max(0.0, self._due - (self.burst - 1) / self.rate - self._clock())

    async def take(self) -> None:
        """Return when this caller may send."""
        async with self._turn:
            wait = self.wait()
            if wait > 0:
                await self._sleep(wait)
            self._due = max(self._due, self._clock()) + 1 / self.rate
