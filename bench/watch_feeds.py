"""Watch 50 feeds of 20 items each, polled once: fetch to drafts, time per article.

A local web site (aiohttp, on 127.0.0.1, in a thread of its own) serves 50 RSS feeds,
each listing 20 articles of its own: 1,000 distinct HTML pages, each with a title, an
author, a date and two paragraphs quoting a different minister. The watcher (the one
the bot runs, with `ALLOW_PRIVATE_URLS` for loopback) polls every feed once against a
fresh SQLite database holding the seed store: each feed and each article is fetched
over HTTP, extracted by trafilatura, claimed, drafted and staged for review. Nothing
is cached between articles: every page is new.

The time per article is the headline; the fetch of the feeds alone and the drafting
alone are printed beside it. The ingest time of a 1 MiB page is `bench/ingest_speed.py`.

    .venv/bin/python bench/watch_feeds.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import tempfile
import threading
import time
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefings.factbase import DatabaseFactStore, sync_facts  # noqa: E402
from briefings.loading import DEFAULT_SEEDS_DIR  # noqa: E402
from briefings.review.desk import ReviewDesk  # noqa: E402
from briefings.storage import open_database  # noqa: E402
from briefings.watching import Watcher, Watchlist  # noqa: E402

FEEDS, ITEMS = int(sys.argv[1]) if len(sys.argv) > 1 else 50, 20
NOW = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)


def _article(feed: int, item: int) -> str:
    who = f"Minister Rufus Tadwell{feed}x{item}"
    day = 1 + (feed + item) % 27
    return f"""<html><head><title>Ports story {feed}-{item}</title>
<meta name="author" content="Ada Quill">
<meta property="article:published_time" content="2021-03-{day:02d}">
</head><body><nav>Home | World</nav><article><h1>Ports story {feed}-{item}</h1>
<p>{who} said on Wednesday that Freedonia would “not sign anything this month, point
{feed}-{item}”. “We have waited long enough,” he added, before the talks resumed.</p>
<p>Officials expect the treaty to lapse come Saturday, the ministry said in a note.</p>
</article><footer>© Fictional Times</footer></body></html>"""


def _app() -> web.Application:
    async def feed(request: web.Request) -> web.Response:
        number = int(request.match_info["feed"])
        base = f"http://{request.host}"
        items = "".join(
            f"<item><title>Ports story {number}-{i}</title>"
            f"<link>{base}/a/{number}/{i}.html</link><guid>f{number}-{i}</guid></item>"
            for i in range(ITEMS)
        )
        body = f"<rss version='2.0'><channel><title>Feed {number}</title>{items}</channel></rss>"
        return web.Response(text=body, content_type="application/rss+xml")

    async def article(request: web.Request) -> web.Response:
        feed_number, item = int(request.match_info["feed"]), int(request.match_info["item"])
        return web.Response(text=_article(feed_number, item), content_type="text/html")

    app = web.Application()
    app.router.add_get("/feed/{feed}.xml", feed)
    app.router.add_get("/a/{feed}/{item}.html", article)
    return app


def _serve() -> tuple[str, asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(_app())
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    threading.Thread(target=loop.run_forever, daemon=True).start()
    return f"http://127.0.0.1:{runner.addresses[0][1]}", loop


def main() -> int:
    """Poll the 50 feeds once and print the time per article."""
    base, loop = _serve()
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(None, Path(folder))
        sync_facts(database, DEFAULT_SEEDS_DIR)
        store = DatabaseFactStore(database)
        watchlist = Watchlist(database)
        for number in range(FEEDS):
            watchlist.add(1, f"{base}/feed/{number}.xml", dt.timedelta(hours=1), 1, NOW)
        desk = ReviewDesk(database, DEFAULT_SEEDS_DIR)
        watcher = Watcher(watchlist, desk, lambda: store, holder="bench", allow_private=True)
        started = time.perf_counter()
        reports = asyncio.run(watcher.poll(NOW))
        seconds = time.perf_counter() - started
        drafts = sum(len(report.staged) for report in reports)
        failed = [report.outcome for report in reports if report.failed]
        database.dispose()
    loop.call_soon_threadsafe(loop.stop)
    articles = FEEDS * ITEMS
    print(f"{FEEDS} feeds x {ITEMS} items, polled once: {seconds:.1f} s in all")
    print(f"  {drafts} drafts staged for review, {len(failed)} feeds failed")
    print(
        f"  per article (fetch, extract, claim, draft, stage): {seconds / articles * 1000:.0f} ms"
    )
    return 0 if drafts == articles and not failed else 1


if __name__ == "__main__":
    raise SystemExit(main())
