"""Charts drawn in worker processes, off the bot's GIL, within a deadline, and the last
few kept per question and store version.

A chart costs a hundred times the text it goes with (140 ms for a month at 100,000
facts, most of it laying out glyphs), all of it holding the GIL: drawn in a thread, it
held every other reply back (a 1 ms `!quote` waited 0.5 s at p99 beside ten
timelines). A worker process draws it from plain data (`briefings.charts.Chart`: the
marks and the band, never the store) and sends back the PNG.

The workers are forked from multiprocessing's fork server, which imports matplotlib
once: a new worker (the pool's first, or one after a crash) starts in milliseconds, not
in the second an import of matplotlib takes, and the bot's own process never loads it.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import multiprocessing
import multiprocessing.forkserver
import weakref
from collections import OrderedDict
from collections.abc import Hashable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from briefings.charts import Chart, chart_png

__all__ = ["CHART_DEADLINE", "ChartWorkers", "stop_every_pool"]

log = logging.getLogger(__name__)

# From asking a worker to having the PNG. The text is already posted; past this the
# reader is told the chart could not be drawn.
CHART_DEADLINE = 10.0
# A chart asked again (the same question on the same store version) is attached as
# soon as the text is posted: 0.02 ms from the kept PNG against 1.0-1.2 s p99 to draw
# a month of a 100,000-fact store (bench/chart_latency.py, on 2 cores at a load of
# 6-9; about 140 ms unloaded). A PNG is 50-180 kB.
KEPT = 32
PRELOAD = [
    "briefings.charts",
    "matplotlib.backends.backend_agg",
    "matplotlib.dates",
    "matplotlib.figure",
    "matplotlib.legend",
]


# Every pool with live workers. A process that outlives its bot unclosed (SimCord never
# closes the bots of tests) keeps idle workers, and multiprocessing polls every live
# child whenever any process starts: under SimCord's held clock that poll never ends.
_LIVE: weakref.WeakSet[ProcessPoolExecutor] = weakref.WeakSet()


def stop_every_pool() -> None:
    """Stop the workers of every pool still open (after each test)."""
    for pool in list(_LIVE):
        pool.shutdown(wait=True, cancel_futures=True)
    _LIVE.clear()


class ChartWorkers:
    """A small pool of processes that draw charts, started at the first one."""

    def __init__(self, workers: int, deadline: float = CHART_DEADLINE, keep: int = KEPT) -> None:
        self.workers = workers
        self.deadline = deadline
        self.keep = keep  # how many PNGs are kept (0: none, for an uncached benchmark)
        self._pool: ProcessPoolExecutor | None = None
        self._starting = asyncio.Lock()  # one pool started at a time
        self._closed = False  # after close(), no pool is started again
        self._kept: OrderedDict[Hashable, bytes] = OrderedDict()
        # Bumped by a new store: a drawing asked of the one before is not kept.
        self._generation = 0

    def forget(self) -> None:
        """A new store is in use: nothing drawn before stands for its questions."""
        self._kept.clear()
        self._generation += 1

    async def png(self, key: Hashable, chart: Chart) -> bytes:
        """The chart drawn as a PNG: kept under `key` (the question and the store's
        version), or drawn in a worker within the deadline.

        Raises TimeoutError past the deadline, BrokenProcessPool when a worker died
        (the next chart starts a new pool), or whatever the drawing raised.
        """
        kept = self._kept.get(key)
        if kept is not None:
            self._kept.move_to_end(key)
            return kept
        generation, pool = self._generation, await self._ready()
        drawing = asyncio.get_running_loop().run_in_executor(pool, chart_png, chart)
        try:
            png = await asyncio.wait_for(drawing, self.deadline)
        except BrokenProcessPool:
            if self._pool is pool:
                self._pool = None
            pool.shutdown(wait=False)
            raise
        if generation == self._generation:
            self._kept[key] = png
            while len(self._kept) > self.keep:
                self._kept.popitem(last=False)
        return png

    @staticmethod
    def start() -> None:
        """Start the fork server the workers are forked from, in a process of its own
        (one per bot process, however many pools), so that it has imported matplotlib
        before the first chart is asked for."""
        multiprocessing.forkserver.set_forkserver_preload(PRELOAD)
        multiprocessing.forkserver.ensure_running()

    async def _ready(self) -> ProcessPoolExecutor:
        """The pool, started in a thread if there is none: each fork waits for the fork
        server's answer, which comes only once it has imported matplotlib (about 2 s
        after a start, or after the server died), and the loop must not wait with it."""
        async with self._starting:
            if self._closed:
                raise RuntimeError("the chart workers are stopped")
            if self._pool is None:
                await asyncio.to_thread(self._started)
            assert self._pool is not None
            return self._pool

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self.start()
            context = multiprocessing.get_context("forkserver")
            pool = ProcessPoolExecutor(self.workers, mp_context=context)
            # Every worker forked now, in a context of its own: starting a process polls
            # the others with time.monotonic, which a test's simulated clock (SimCord's,
            # bound to the caller's context) holds still, and the poll never ends.
            contextvars.Context().run(_fill, pool, self.workers)
            _LIVE.add(pool)
            self._pool = pool
            log.info("drawing charts in %d worker process(es)", self.workers)
        return self._pool

    async def close(self) -> None:
        """Stop the workers: a chart being drawn is finished, those waiting are dropped
        (in a thread: the loop goes on meanwhile)."""
        async with self._starting:  # a pool being started is stopped too
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)


def _fill(pool: ProcessPoolExecutor, workers: int) -> None:
    """Have `pool` fork all its workers (it forks one a call while none is idle)."""
    for _ in range(workers):
        pool.submit(int)
