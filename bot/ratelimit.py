"""A per-user sliding-window limit for the heavier commands.

discord.py's own cooldowns read `time.time()`, which jumps when the wall clock is
set and cannot be moved by a test; this reads `time.monotonic()`.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

__all__ = ["UserRateLimit"]


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
