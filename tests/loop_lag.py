"""How long the event loop stalled while a block ran: a probe that asks to be woken
every 10 ms and notes how late it was woken (the stall still under way when the block
ends is counted too)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

TICK = 0.01


@dataclass
class Stall:
    """The longest the loop was kept from the probe, in seconds."""

    longest: float = 0.0


@contextlib.asynccontextmanager
async def longest_stall() -> AsyncIterator[Stall]:
    """Measure the loop's longest stall while the block runs."""
    loop = asyncio.get_running_loop()
    stall = Stall()
    began = loop.time()

    async def probe() -> None:
        nonlocal began
        while True:
            began = loop.time()
            await asyncio.sleep(TICK)
            stall.longest = max(stall.longest, loop.time() - began - TICK)

    task = asyncio.create_task(probe())
    await asyncio.sleep(0)  # the probe is running before the block starts
    try:
        yield stall
    finally:
        stall.longest = max(stall.longest, loop.time() - began - TICK)
        task.cancel()
