"""Poll the hostile pages of the tests' local site: the memory one poll takes and how
long the event loop stalls, per page and for all of them at once.

The site (`tests/web_site.py`, on 127.0.0.1, in a thread of its own) serves a gzip bomb
(128 KiB inflating to 128 MiB), a double-gzip bomb (684 bytes, 256 MiB), a body coded
three times over, a page trickling a byte every 50 ms, 2 MiB of tiny paragraphs, a feed
of 50,000 items, a page declared UTF-8 with a bad byte, a feed whose items share one
GUID, and an ordinary article. The watcher the bot runs polls each alone (the longest
stall of the loop, probed every 10 ms), then all of them in one poll, with Python's
allocations traced (the peak), and the peak resident memory of this process and of its
page readers. To keep the run short, each fetch has 5 s in all and each read 5 s
(the settings' defaults are 60 s and 20 s).

    .venv/bin/python bench/hostile_poll.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import resource
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefings.factbase import DatabaseFactStore, sync_facts  # noqa: E402
from briefings.fetching import fetch  # noqa: E402
from briefings.ingest.readers import Readers  # noqa: E402
from briefings.loading import DEFAULT_SEEDS_DIR  # noqa: E402
from briefings.review.desk import ReviewDesk  # noqa: E402
from briefings.storage import Database, open_database  # noqa: E402
from briefings.watching import PollLimits, Watcher, Watchlist  # noqa: E402
from tests.loop_lag import longest_stall  # noqa: E402
from tests.web_site import LOOPBACK, Site, big_feed, double_gzip_bomb, gzip_of_zeros  # noqa: E402

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
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(Site().app(), shutdown_timeout=0.1)
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", 0).start())
    threading.Thread(target=loop.run_forever, daemon=True).start()
    return f"http://127.0.0.1:{runner.addresses[0][1]}"


def _peak_rss(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


async def _polls(base: str, database: Database) -> None:
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
    print(f"{'page':24} {'stall':>7} {'took':>7}  outcome")
    for number, path in enumerate(PAGES):
        when = NOW + dt.timedelta(minutes=number)
        watchlist.add(1, f"{base}{path}", dt.timedelta(hours=1), 1, when)
        started = time.perf_counter()
        async with longest_stall() as stall:
            [report] = await watcher.poll(when)
        took = time.perf_counter() - started
        outcome = report.outcome.replace(base, "")
        print(f"{path:24} {stall.longest:6.2f}s {took:6.1f}s  {outcome[:90]}")
    tracemalloc.start()
    started = time.perf_counter()
    async with longest_stall() as stall:
        reports = await watcher.poll(NOW + dt.timedelta(days=2))
    took = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    readers.close()
    print(
        f"one poll of all {len(reports)}: {took:.1f} s, longest stall {stall.longest:.2f} s, "
        f"Python's allocations at their peak {peak / MIB:.1f} MiB"
    )


def main() -> int:
    """Poll each hostile page, then all at once; print the figures."""
    base = _serve()
    gzip_of_zeros(128), double_gzip_bomb(), big_feed()  # the site's bodies, made first
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(None, Path(folder))
        sync_facts(database, DEFAULT_SEEDS_DIR)
        before = _peak_rss(resource.RUSAGE_SELF)
        asyncio.run(_polls(base, database))
        database.dispose()
    print(
        f"peak resident memory: this process {_peak_rss(resource.RUSAGE_SELF):.0f} MiB "
        f"({before:.0f} MiB before the polls, with the site's bodies), "
        f"the largest page reader {_peak_rss(resource.RUSAGE_CHILDREN):.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
