"""Poll the hostile pages of the tests' local site: the memory one poll takes and how
long the event loop stalls, per page and for all of them at once.

The site (`tests/web_site.py`, on 127.0.0.1, in a thread of its own) serves a gzip bomb
(128 KiB inflating to 128 MiB), a double-gzip bomb (684 bytes, 256 MiB), a body coded
three times over, a page trickling a byte every 50 ms, 2 MiB of tiny paragraphs, a feed
of 50,000 items, a page declared UTF-8 with a bad byte, a feed whose items share one
GUID, and an ordinary article. The watcher the bot runs polls each alone (the longest
stall of the loop, probed every 10 ms, and the resident peak of the page readers while
it was read), then all of them in one poll, with Python's allocations traced (the
peak), and the peak resident memory of this process and of its page readers. To keep
the run short, each fetch has 5 s in all and each read 5 s (the settings' defaults are
60 s and 20 s).

A reader's peak is its VmHWM, reset before each page through /proc/<pid>/clear_refs and
sampled every 20 ms, so a reader killed at its time limit counts too (a dash: no
reader ran). Linux only.

    .venv/bin/python bench/hostile_poll.py
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import re
import resource
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from briefings.storage import Database

# The rest is imported in main(): a spawned page reader imports this script first (as
# its __mp_main__), and with the site, the database and the watcher imported here it
# held 55 MiB more than the bot's readers do.

PAGES = [
    "/bomb.html",
    "/double-bomb.html",
    "/three-codings.html",
    "/trickle.html",
    "/tiny-paragraphs.html",
    "/big-feed.xml",
    "/bad-utf8.html",
    "/same-guid.xml",
    "/article.html",
]
NOW = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
MIB = 1024 * 1024


def _serve() -> str:
    from aiohttp import web

    from tests.web_site import Site

    loop = asyncio.new_event_loop()
    runner = web.AppRunner(Site().app(), shutdown_timeout=0.1)
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", 0).start())
    threading.Thread(target=loop.run_forever, daemon=True).start()
    return f"http://127.0.0.1:{runner.addresses[0][1]}"


def _peak_rss(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


class ReaderPeaks:
    """The resident peaks of this process's children (its page readers), sampled every
    20 ms in a thread of its own, so that a reader killed at its time limit counts too.
    Not `RUSAGE_CHILDREN`: a spawned child's `ru_maxrss` counts the parent's resident
    memory at the fork (100 MiB here, with the site's bodies)."""

    def __init__(self) -> None:
        self._peaks: dict[int, int] = {}
        self._lock = threading.Lock()
        threading.Thread(target=self._sample, daemon=True).start()

    def restart(self) -> None:
        """Count from now: each reader's peak is reset to what it holds."""
        with self._lock:
            for pid in _children():
                with contextlib.suppress(OSError):
                    Path(f"/proc/{pid}/clear_refs").write_text("5")
            self._peaks.clear()

    def largest(self) -> str:
        """The largest peak since `restart`, in MiB; a dash if no reader ran."""
        self._take()
        with self._lock:
            largest = max(self._peaks.values(), default=0)
        return f"{largest / 1024:4.0f} MiB" if largest else "       —"

    def _sample(self) -> None:
        while True:
            self._take()
            time.sleep(0.02)

    def _take(self) -> None:
        with self._lock:
            for pid in _children():
                with contextlib.suppress(OSError):
                    found = re.search(r"VmHWM:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())
                    if found:
                        self._peaks[pid] = max(self._peaks.get(pid, 0), int(found[1]))


def _children() -> set[int]:
    """The processes this one started, from any of its threads."""
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        with contextlib.suppress(OSError):
            found.update(int(pid) for pid in (task / "children").read_text().split())
    return found


async def _polls(base: str, database: Database) -> None:
    from briefings.factbase import DatabaseFactStore
    from briefings.fetching import fetch
    from briefings.ingest.readers import Readers
    from briefings.loading import DEFAULT_SEEDS_DIR
    from briefings.review.desk import ReviewDesk
    from briefings.watching import PollLimits, Watcher, Watchlist
    from tests.loop_lag import longest_stall
    from tests.web_site import LOOPBACK

    store = DatabaseFactStore(database)
    watchlist = Watchlist(database)
    readers = Readers(time_limit=5.0)
    watcher = Watcher(
        watchlist,
        ReviewDesk(database, DEFAULT_SEEDS_DIR),
        lambda: store,
        holder="bench",
        allow_private=False,
        fetcher=functools.partial(fetch, allowed_networks=LOOPBACK),
        limits=PollLimits(fetch_seconds=5.0),
        readers=readers,
    )
    await fetch(f"{base}/plain.txt", allowed_networks=LOOPBACK)  # the first imports httpcore
    peaks = ReaderPeaks()
    print(f"{'page':24} {'stall':>7} {'took':>7} {'reader':>8}  outcome")
    for number, path in enumerate(PAGES):
        when = NOW + dt.timedelta(minutes=number)
        watchlist.add(1, f"{base}{path}", dt.timedelta(hours=1), 1, when)
        peaks.restart()
        started = time.perf_counter()
        async with longest_stall() as stall:
            [report] = await watcher.poll(when)
        took = time.perf_counter() - started
        reader = peaks.largest()
        outcome = report.outcome.replace(base, "")
        print(f"{path:24} {stall.longest:6.2f}s {took:6.1f}s {reader}  {outcome[:80]}")
    peaks.restart()
    tracemalloc.start()
    started = time.perf_counter()
    async with longest_stall() as stall:
        reports = await watcher.poll(NOW + dt.timedelta(days=2))
    took = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    reader_peak = peaks.largest()
    readers.close()
    print(
        f"one poll of all {len(reports)}: {took:.1f} s, longest stall {stall.longest:.2f} s, "
        f"Python's allocations at their peak {peak / MIB:.1f} MiB, "
        f"the largest page reader {reader_peak.strip()} resident"
    )


def main() -> int:
    """Poll each hostile page, then all at once; print the figures."""
    from briefings.factbase import sync_facts
    from briefings.loading import DEFAULT_SEEDS_DIR
    from briefings.storage import open_database
    from tests.web_site import big_feed, double_gzip_bomb, gzip_of_zeros

    base = _serve()
    gzip_of_zeros(128), double_gzip_bomb(), big_feed()  # the site's bodies, made first
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(None, Path(folder))
        sync_facts(database, DEFAULT_SEEDS_DIR)
        before = _peak_rss(resource.RUSAGE_SELF)
        asyncio.run(_polls(base, database))
        database.dispose()
    print(
        f"peak resident memory of this process {_peak_rss(resource.RUSAGE_SELF):.0f} MiB "
        f"({before:.0f} MiB before the polls, with the site's bodies)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
